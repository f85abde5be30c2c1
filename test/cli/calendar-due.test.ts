import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, expect, it} from 'vitest'

import {isolatedHome} from '../helpers/cli.js'
import {egovInProcess} from '../helpers/in-process.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

/**
 * a due date is a number of working days on the official calendar. The package's
 * calendar ends with 2026, so due dates counted into 2027 used weekends alone; loading the
 * 2027 arrangement (元旦 1–3 January) moves them, in the same transaction as the load,
 * each change in the request's history and the audit trail, and lists say which due dates
 * still lie in a year nobody has published.
 */
describeEachDialect('due dates follow the calendar when a year is loaded (X-1)', (dialect) => {
  let tdb: TestDatabase
  let env: Record<string, string>
  const as = (who: string) => ({...env, ...tdb.envFor(who)})
  const dir = mkdtempSync(join(tmpdir(), 'egov-x1-'))
  const ids: Record<string, number> = {}

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    for (const who of ['clerk', 'chief', 'admin']) await (await tdb.open(who)).close()
    // Tuesday 29 December 2026: five working days later is 2027-01-05 on weekends alone, 2027-01-06 with 元旦.
    env = {...isolatedHome(), ...tdb.env, EGOV_NOW: '2026-12-29T10:00:00+08:00'}
    const open = async (name: string) => {
      const r = await egovInProcess(['ticket', 'open', '--unit', '市人社局', '--subject', name, '--json'], as('clerk'))
      expect(r.code, r.stderr).toBe(0)
      ids[name] = r.json.request.id
    }
    for (const name of ['五日', '八日', '年内', '退回']) await open(name)
    const accept = await egovInProcess(['requests', 'approve', String(ids['五日']), '--json'], as('chief'))
    expect(accept.json.request.dueOn).toBe('2027-01-05')
    expect(accept.json.warnings).toMatchObject([{code: 'calendar.uncovered', years: [2027]}])
    // Accepted under an eight-day limit that is later set back: the recount keeps the eight days it was given.
    expect((await egovInProcess(['config', 'set', 'limit.ticket.accepted', '8'], as('admin'))).code).toBe(0)
    expect((await egovInProcess(['requests', 'approve', String(ids['八日']), '--json'], as('chief'))).json.request.dueOn).toBe('2027-01-08')
    expect((await egovInProcess(['config', 'unset', 'limit.ticket.accepted'], as('admin'))).code).toBe(0)
    expect((await egovInProcess(['requests', 'reject', String(ids['退回']), '--reason', '重复提交'], as('chief'))).code).toBe(0)
  })
  afterAll(async () => {
    await tdb.cleanup()
  })

  it('lists say which open requests are due in a year the calendar does not cover, in --json and on stderr (X-1)', async () => {
    const list = await egovInProcess(['requests', 'list', '--json'], as('clerk'))
    expect(list.code).toBe(0)
    expect(list.json.warnings).toEqual([expect.objectContaining({code: 'calendar.uncovered', years: [2027], requests: [ids['五日']!, ids['八日']!].sort((a, b) => a - b)})])
    const human = await egovInProcess(['requests', 'list'], as('clerk'))
    expect(human.stderr).toContain(`#${ids['五日']}`)
    expect(human.stderr).toContain('X-1')
    const show = await egovInProcess(['requests', 'show', String(ids['八日']), '--json'], as('clerk'))
    expect(show.json.warnings).toMatchObject([{years: [2027], requests: [ids['八日']]}])
    // Due within 2026 (covered): no warning.
    const covered = await egovInProcess(['requests', 'show', String(ids['年内']), '--json'], as('clerk'))
    expect(covered.json.dueOn).toBe('2026-12-31')
    expect(covered.json.warnings).toEqual([])
  })

  it('a bad year file changes no due date (X-1)', async () => {
    const bad = join(dir, 'bad-2027.json')
    writeFileSync(bad, JSON.stringify({year: 2027, holidays: [{name: '元旦', from: '2027-01-01', to: '2026-12-30'}]}))
    const r = await egovInProcess(['calendar', 'load', bad, '--json'], as('admin'))
    expect(r.code).toBe(2)
    expect(r.json.error.details).toMatchObject({rule: 'X-1'})
    const rows = await tdb.sql(`select id, due_on from requests where id in (${ids['五日']}, ${ids['八日']}) order by id`)
    expect(rows.map((row) => row.due_on)).toEqual(['2027-01-05', '2027-01-08'])
    expect(await tdb.count('request_transitions', "action = 'recompute-due'")).toBe(0)
  })

  it('loading 2027 recounts every open due date that reached into it, the same working days on the new calendar (X-1)', async () => {
    const auditBefore = await tdb.count('audit_log')
    const loaded = await egovInProcess(['calendar', 'load', 'fixtures/calendar/example-2027.json', '--json'], as('admin'))
    expect(loaded.code, loaded.stderr).toBe(0)
    expect(loaded.json.recomputed).toEqual([
      {id: ids['五日'], kind: 'ticket', state: 'accepted', from: '2027-01-05', to: '2027-01-06'},
      // Eight working days from 29 December: 30, 31 December, then 4–8 and 11 January.
      {id: ids['八日'], kind: 'ticket', state: 'accepted', from: '2027-01-08', to: '2027-01-11'},
    ])
    // The same as the calendar itself now counts.
    expect((await egovInProcess(['calendar', 'add-workdays', '2026-12-29', '5', '--json'], as('clerk'))).json.date).toBe('2027-01-06')

    const shown = await egovInProcess(['requests', 'show', String(ids['五日']), '--json'], as('clerk'))
    expect(shown.json).toMatchObject({state: 'accepted', dueOn: '2027-01-06', warnings: []})
    expect(shown.json.history.at(-1)).toMatchObject({from: 'accepted', to: 'accepted', action: 'recompute-due', actor: tdb.actor('admin')})
    expect(shown.json.history.at(-1).comment).toContain('2027-01-05 → 2027-01-06')
    // A due date inside 2026 and a finished request are left as they were, with no history row.
    const untouched = await egovInProcess(['requests', 'show', String(ids['年内']), '--json'], as('clerk'))
    expect(untouched.json.dueOn).toBe('2026-12-31')
    expect(untouched.json.history.map((h: {action: string}) => h.action)).toEqual(['file'])
    expect((await egovInProcess(['requests', 'show', String(ids['退回']), '--json'], as('clerk'))).json.dueOn).toBeNull()

    const list = await egovInProcess(['requests', 'list', '--json'], as('clerk'))
    expect(list.json.warnings).toEqual([])
    expect(list.json.requests.find((r: {id: number}) => r.id === ids['八日']).dueOn).toBe('2027-01-11')

    // One audit entry for the load, one listing the recomputed due dates; the chain is intact.
    const audit = await egovInProcess(['audit', 'log', '--entity', 'calendar', '--json'], as('clerk'))
    const recount = audit.json.entries.find((e: {action: string}) => e.action === 'request.recompute-due')
    expect(recount.after.requests).toHaveLength(2)
    expect(await tdb.count('audit_log')).toBe(auditBefore + 2)
    expect((await egovInProcess(['audit', 'verify'], as('clerk'))).code).toBe(0)
  })

  it('reloading the same arrangement moves nothing, and says so for people (X-1)', async () => {
    const again = await egovInProcess(['calendar', 'load', 'fixtures/calendar/example-2027.json', '--yes', '--json'], as('admin'))
    expect(again.json).toMatchObject({replaced: true, recomputed: []})
    expect(await tdb.count('request_transitions', "action = 'recompute-due'")).toBe(2)
  })

  it('prints each moved due date for a person (X-1)', async () => {
    // A year file that makes 6 January a holiday too moves both again.
    const file = join(dir, 'changed-2027.json')
    writeFileSync(file, JSON.stringify({year: 2027, source: '测试', holidays: [{name: '元旦', from: '2027-01-01', to: '2027-01-03'}, '2027-01-06']}))
    const r = await egovInProcess(['calendar', 'load', file, '--yes'], {...as('admin'), LANG: 'zh_CN.UTF-8'})
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('2 件未办结申请的办理时限已重算')
    expect(r.stdout).toContain(`#${ids['五日']}  2027-01-06 → 2027-01-07`)
    expect(r.stdout).toContain(`#${ids['八日']}  2027-01-11 → 2027-01-12`)
  })
})
