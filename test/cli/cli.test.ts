import {readFileSync} from 'node:fs'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {isolatedHome} from '../helpers/cli.js'
import {egovInProcess} from '../helpers/in-process.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

const manifest = JSON.parse(readFileSync(new URL('../../oclif.manifest.json', import.meta.url), 'utf8')) as {
  commands: Record<string, {examples?: Array<string | {command: string}>}>
}
const commandIds = Object.keys(manifest.commands).sort()
const ESC = '\u001B['

describe('every command has help with an example', () => {
  it.each(commandIds)('%s --help', async (id) => {
    const r = await egovInProcess([...id.split(':'), '--help'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('USAGE')
    expect(r.stdout).toContain('EXAMPLES')
    expect(r.stdout).toContain('--json')
  })

  it('lists every topic at the top level', async () => {
    const r = await egovInProcess(['--help'])
    expect(r.code).toBe(0)
    for (const topic of ['audit', 'calendar', 'config', 'requests', 'ticket']) expect(r.stdout).toContain(topic)
  })
})

describeEachDialect('the CLI as users run it (in-process)', (dialect) => {
  let tdb: TestDatabase
  let env: Record<string, string>
  const as = (operator: string) => ({...env, ...tdb.envFor(operator)})

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    // Create the roles (PostgreSQL) that act below.
    for (const who of ['alice', 'bob']) await (await tdb.open(who)).close()
    env = {...isolatedHome(), ...tdb.env, EGOV_NOW: '2026-11-23T10:00:00+08:00'}
  })
  afterAll(async () => {
    await tdb.cleanup()
  })

  it('files, approves and rejects with --json, one JSON document on stdout and nothing else', async () => {
    const filed = await egovInProcess(['ticket', 'open', '--unit', '市人社局', '--subject', '申请开通 VPN 账号', '--json'], as('alice'))
    expect(filed.code).toBe(0)
    expect(filed.stderr).toBe('')
    expect(filed.json.request).toMatchObject({kind: 'ticket', state: 'submitted', applicantUnit: '市人社局', filedBy: tdb.actor('alice'), dueOn: '2026-11-25'})
    const id = String(filed.json.request.id)

    const own = await egovInProcess(['requests', 'approve', id, '--json'], as('alice'))
    expect(own.code).toBe(5)
    expect(own.json.error).toMatchObject({code: 'refused', details: {rule: 'X-2'}})
    expect(own.json.error.message).toContain('X-2')

    const approved = await egovInProcess(['requests', 'approve', id, '--comment', '同意', '--json'], as('bob'))
    expect(approved.code).toBe(0)
    expect(approved.json.request).toMatchObject({state: 'accepted', dueOn: '2026-11-30'})

    const listed = await egovInProcess(['requests', 'list', '--json'], as('bob'))
    expect(listed.json.requests.map((r: {id: number}) => r.id)).toContain(Number(id))

    const shown = await egovInProcess(['requests', 'show', id, '--json'], as('bob'))
    expect(shown.json.history.map((h: {action: string; actor: string}) => [h.action, h.actor])).toEqual([
      ['file', tdb.actor('alice')],
      ['approve', tdb.actor('bob')],
    ])

    const noReason = await egovInProcess(['requests', 'reject', id], as('bob'))
    expect(noReason.code).toBe(2)
    expect(noReason.stderr).toContain('--reason')

    const rejected = await egovInProcess(['requests', 'reject', id, '--reason', '重复申请', '--json'], as('bob'))
    expect(rejected.code).toBe(0)
    expect(rejected.json.request.state).toBe('rejected')

    const again = await egovInProcess(['requests', 'approve', id, '--json'], as('bob'))
    expect(again.code).toBe(4)
    expect(again.json.error.code).toBe('conflict')

    const log = await egovInProcess(['audit', 'log', '--entity', `request:${id}`, '--json'], as('bob'))
    expect(log.json.entries.map((e: {action: string; actor: string}) => [e.action, e.actor])).toEqual([
      ['request.reject', tdb.actor('bob')],
      ['request.approve', tdb.actor('bob')],
      ['request.file', tdb.actor('alice')],
    ])
    expect((await egovInProcess(['audit', 'verify', '--json'], as('bob'))).json).toMatchObject({ok: true})
  })

  it('exits 3 for what does not exist and 2 for input that is not a request number', async () => {
    const missing = await egovInProcess(['requests', 'show', '99999', '--json'], env)
    expect(missing.code).toBe(3)
    expect(missing.json).toEqual({error: {code: 'not_found', message: 'request 99999 not found', details: {key: 'request.notFound', field: 'ID'}}})
    const bad = await egovInProcess(['requests', 'show', 'abc', '--json'], env)
    expect(bad.code).toBe(2)
    expect(bad.json.error).toMatchObject({code: 'invalid_input', details: {field: 'ID'}})
  })

  it('fails with exit 2 naming the flag, without prompting, when stdin is not a terminal, and writes nothing', async () => {
    const before = (await egovInProcess(['requests', 'list', '--json'], env)).json.requests.length
    const r = await egovInProcess(['ticket', 'open', '--unit', '市数据局'], env)
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--subject')
    expect(r.stdout).toBe('')
    const json = await egovInProcess(['ticket', 'open', '--subject', 'x', '--json'], env)
    expect(json.code).toBe(2)
    expect(json.json.error).toMatchObject({code: 'invalid_input', details: {field: 'unit'}})
    expect((await egovInProcess(['requests', 'list', '--json'], env)).json.requests.length).toBe(before)
  })

  it('maps oclif’s own usage errors to exit 2 and the JSON envelope', async () => {
    const r = await egovInProcess(['requests', 'list', '--frobnicate', '--json'], env)
    expect(r.code).toBe(2)
    expect(r.json.error.code).toBe('invalid_input')
    expect(r.json.error.message).toContain('frobnicate')
    const noArg = await egovInProcess(['requests', 'show'], env)
    expect(noArg.code).toBe(2)
  })

  it('speaks Chinese when the locale is Chinese', async () => {
    const r = await egovInProcess(['requests', 'show', '99999'], {...env, LANG: 'zh_CN.UTF-8'})
    expect(r.code).toBe(3)
    expect(r.stderr).toContain('未找到申请 99999')
    const list = await egovInProcess(['requests', 'list'], {...env, LANG: 'zh_CN.UTF-8'})
    expect(list.stdout).toContain('申请单位')
  })

  it('never colours output that is not a terminal', async () => {
    const r = await egovInProcess(['requests', 'list'], {...env, FORCE_COLOR: '3'})
    expect(r.stdout).not.toContain(ESC)
    const e = await egovInProcess(['requests', 'show', '99999'], env)
    expect(e.stderr).not.toContain(ESC)
  })

  it('refuses a malformed EGOV_NOW, naming it', async () => {
    const r = await egovInProcess(['ticket', 'open', '--unit', 'u', '--subject', 's', '--json'], {...env, EGOV_NOW: 'yesterday'})
    expect(r.code).toBe(2)
    expect(r.json.error.details.field).toBe('EGOV_NOW')
  })

  it('audit verify exits 4 and names the first tampered entry', async () => {
    expect((await egovInProcess(['audit', 'verify'], env)).code).toBe(0)
    const seq = await tdb.value('select min(seq) as seq from audit_log')
    await tdb.sql(`update audit_log set actor = 'mallory' where seq = ${Number(seq) + 1}`)
    const r = await egovInProcess(['audit', 'verify', '--json'], env)
    expect(r.code).toBe(4)
    expect(r.json.error.details.broken).toMatchObject({seq: Number(seq) + 1, reason: 'altered'})
    const human = await egovInProcess(['audit', 'verify'], env)
    expect(human.stderr).toContain(`entry ${Number(seq) + 1}`)
  })

  it('computes working days and warns, in --json too, when a year is not covered (X-1)', async () => {
    const r = await egovInProcess(['calendar', 'add-workdays', '2026-09-30', '3'], env)
    expect(r.stdout.trim()).toBe('2026-10-10')
    const w = await egovInProcess(['calendar', 'add-workdays', '2026-12-30', '2', '--json'], env)
    expect(w.json).toMatchObject({date: '2027-01-01', warnings: [{code: 'calendar.uncovered', years: [2027]}]})
    const human = await egovInProcess(['calendar', 'add-workdays', '2026-12-30', '2'], env)
    expect(human.stdout.trim()).toBe('2027-01-01')
    expect(human.stderr).toContain('X-1')
    const day = await egovInProcess(['calendar', 'is-workday', '2026-10-10', '--json'], env)
    expect(day.json).toMatchObject({date: '2026-10-10', workday: true, kind: 'makeup'})
    const bad = await egovInProcess(['calendar', 'add-workdays', '2026-02-30', '3', '--json'], env)
    expect(bad.code).toBe(2)
    expect(bad.json.error.details.field).toBe('DATE')
  })

  it('loads a year’s arrangement, confirms before replacing it, and refuses a bad file with nothing written (X-1)', async () => {
    const loaded = await egovInProcess(['calendar', 'load', 'fixtures/calendar/example-2027.json', '--json'], env)
    expect(loaded.code).toBe(0)
    expect(loaded.json).toMatchObject({year: 2027, holidays: 32, workdays: 5, replaced: false})
    const years = await egovInProcess(['calendar', 'years', '--json'], env)
    expect(years.json.years.at(-1)).toMatchObject({year: 2027, source: 'loaded'})
    const w = await egovInProcess(['calendar', 'add-workdays', '2026-12-31', '1', '--json'], env)
    expect(w.json).toMatchObject({date: '2027-01-04', warnings: []})

    const noYes = await egovInProcess(['calendar', 'load', 'fixtures/calendar/example-2027.json'], env)
    expect(noYes.code).toBe(2)
    expect(noYes.stderr).toContain('--yes')
    const replaced = await egovInProcess(['calendar', 'load', 'fixtures/calendar/example-2027.json', '--yes', '--json'], env)
    expect(replaced.json.replaced).toBe(true)

    const auditBefore = (await egovInProcess(['audit', 'log', '--entity', 'calendar', '--json'], env)).json.entries.length
    const missing = await egovInProcess(['calendar', 'load', 'no/such/file.json', '--json'], env)
    expect(missing.code).toBe(2)
    expect(missing.json.error.details.field).toBe('FILE')
    const notJson = await egovInProcess(['calendar', 'load', 'package.json', '--json'], env)
    expect(notJson.code).toBe(2)
    expect(notJson.json.error.details).toMatchObject({field: 'year', rule: 'X-1'})
    expect((await egovInProcess(['audit', 'log', '--entity', 'calendar', '--json'], env)).json.entries.length).toBe(auditBefore)
  })

  it('keeps the operator in the user’s file and the working-day limits in the database', async () => {
    const set = await egovInProcess(['config', 'set', 'limit.ticket.submitted', '4', '--json'], env)
    // The test database is a rehearsal one (EGOV_NOW, typed operators): its JSON says so (issue 18).
    expect(set.json).toEqual({key: 'limit.ticket.submitted', value: '4', scope: 'database', warnings: [], rehearsal: true})
    const got = await egovInProcess(['config', 'get', 'limit.ticket.submitted', '--json'], env)
    expect(got.json).toMatchObject({value: '4', isDefault: false})
    const filed = await egovInProcess(['ticket', 'open', '--unit', 'u', '--subject', 'slow', '--json'], as('alice'))
    expect(filed.json.request.dueOn).toBe('2026-11-27')
    expect((await egovInProcess(['config', 'unset', 'limit.ticket.submitted'], env)).code).toBe(0)
    expect((await egovInProcess(['config', 'get', 'limit.ticket.submitted', '--json'], env)).json).toMatchObject({value: '2', isDefault: true})

    const badValue = await egovInProcess(['config', 'set', 'limit.ticket.submitted', 'two', '--json'], env)
    expect(badValue.code).toBe(2)
    expect(badValue.json.error.details.field).toBe('VALUE')
    const badKey = await egovInProcess(['config', 'set', 'colour', 'blue', '--json'], env)
    expect(badKey.code).toBe(2)
    const terminal = await egovInProcess(['config', 'set', 'limit.ticket.resolved', '3', '--json'], env)
    expect(terminal.code).toBe(2)

    if (dialect === 'sqlite') {
      expect((await egovInProcess(['config', 'set', 'operator', '张三'], env)).code).toBe(0)
      expect((await egovInProcess(['config', 'get', 'operator'], env)).stdout.trim()).toBe('张三')
      const filedBy = await egovInProcess(['ticket', 'open', '--unit', 'u', '--subject', 's', '--json'], env)
      expect(filedBy.json.request.filedBy).toBe('张三')
      // EGOV_OPERATOR wins over the file.
      expect((await egovInProcess(['config', 'get', 'operator'], {...env, EGOV_OPERATOR: '李四'})).stdout.trim()).toBe('李四')
    } else {
      // On PostgreSQL the authenticated database user is the operator, whatever else is set.
      expect((await egovInProcess(['config', 'get', 'operator'], {...as('alice'), EGOV_OPERATOR: '李四'})).stdout.trim()).toBe(tdb.actor('alice'))
    }
  })
})
