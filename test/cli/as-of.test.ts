import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {isolatedHome} from '../helpers/cli.js'
import {egovInProcess} from '../helpers/in-process.js'

/**
 * Issue 18, the clock: a real database is dated by the system clock and refuses EGOV_NOW, but
 * a reading command takes --as-of DATE to rehearse what will be overdue or expiring then,
 * writing nothing.
 */
describe('--as-of: rehearsing a day on a real database, reading only', () => {
  const dir = mkdtempSync(join(tmpdir(), 'egov-asof-'))
  // A real database: no EGOV_OPERATOR, no EGOV_NOW (the OS login and the system clock).
  const env = {...isolatedHome(), EGOV_DB: join(dir, 'egov.db')}
  const run = (args: string[]) => egovInProcess(args, env)
  let id: number

  beforeAll(async () => {
    expect((await run(['db', 'init', '--json'])).json.rehearsal).toBe(false)
    const filed = await run(['ticket', 'open', '--unit', '市数据局', '--subject', '光纤中断', '--json'])
    expect(filed.code, filed.stderr).toBe(0)
    id = filed.json.request.id
  })
  afterAll(() => rmSync(dir, {recursive: true, force: true}))

  it('shows what will be overdue on that day, says so, and records nothing', async () => {
    const audit = (await run(['audit', 'log', '--json'])).json.entries.length
    expect((await run(['requests', 'list', '--overdue', '--json'])).json.requests).toEqual([])
    const later = await run(['requests', 'list', '--overdue', '--as-of', '2099-03-02', '--json'])
    expect(later.code).toBe(0)
    expect(later.json.asOf).toBe('2099-03-02')
    expect(later.json.requests.map((r: {id: number; overdue: boolean}) => [r.id, r.overdue])).toEqual([[id, true]])
    const shown = await run(['requests', 'show', String(id), '--as-of', '2099-03-02T09:00:00+08:00', '--json'])
    expect(shown.json).toMatchObject({asOf: '2099-03-02', overdue: true})
    const forPeople = await run(['requests', 'list', '--as-of', '2099-03-02'])
    expect(forPeople.stderr).toContain('AS OF 2099-03-02')
    expect(forPeople.stdout).toContain('光纤中断')
    // Nothing recorded: the trail is as it was, and EGOV_NOW is still refused here.
    expect((await run(['audit', 'log', '--json'])).json.entries.length).toBe(audit)
    expect((await egovInProcess(['requests', 'list', '--json'], {...env, EGOV_NOW: '2099-03-02T09:00:00+08:00'})).code).toBe(5)
  })

  it('a day that is no date is exit 2 naming --as-of; a writing command has no --as-of (exit 2)', async () => {
    for (const bad of ['2027-02-30', 'tomorrow', '03/01/2027']) {
      const r = await run(['requests', 'list', '--as-of', bad, '--json'])
      expect(r.code, bad).toBe(2)
      expect(r.json.error.details).toMatchObject({key: 'input.badAsOf', field: 'as-of'})
    }
    const write = await run(['ticket', 'open', '--unit', '市数据局', '--subject', 'x', '--as-of', '2099-03-02', '--json'])
    expect(write.code).toBe(2)
    expect(write.stderr + write.stdout).toContain('as-of')
    expect((await run(['requests', 'list', '--json'])).json.requests).toHaveLength(1)
  })

  it('the other reading commands that show what is due take it too', async () => {
    for (const args of [
      ['cert', 'list', '--expiring', '30'],
      ['net', 'cutoff', 'list'],
      ['items', 'list'],
      ['cloud', 'security', '--due', '0'],
      ['cloud', 'provider', 'reports'],
      ['cloud', 'platform', 'list'],
    ]) {
      const r = await run([...args, '--as-of', '2099-03-02', '--json'])
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0)
      expect(r.json.asOf, args.join(' ')).toBe('2099-03-02')
    }
  })
})
