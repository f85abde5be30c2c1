import {afterAll, beforeAll, expect, it} from 'vitest'

import {egov, isolatedHome} from '../helpers/cli.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

/**
 * A decision acts on the state its operator saw (issue 19: idempotency for scripts).
 * Eight reviewers approving one new ticket at once move it one step, not two; a script
 * names the state it means with --expect and is refused (exit 4) when the request has
 * moved. Messages, history and times in the reader's language (X-2 in Chinese too).
 */
describeEachDialect('requests approve|reject: one step for what was seen', (dialect) => {
  let tdb: TestDatabase
  let env: Record<string, string>
  const reviewers = 8

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    for (const who of ['alice', ...Array.from({length: reviewers}, (_, i) => `rev${i}`)]) await (await tdb.open(who)).close()
    env = {...isolatedHome(), ...tdb.env}
  })
  const as = (operator: string, extra: Record<string, string> = {}) => ({...env, ...tdb.envFor(operator), ...extra})
  afterAll(async () => {
    await tdb.cleanup()
  })

  const state = async (id: number) => (await egov(['requests', 'show', String(id), '--json'], as('alice'))).json.state as string

  it('eight concurrent approvals of a new ticket move it exactly one step; the others exit 4 naming the state', async () => {
    // The real clock: what "concurrent" means is "issued before the request moved".
    const filed = await egov(['ticket', 'open', '--unit', '市数据局', '--subject', '并发审批', '--json'], as('alice'))
    expect(filed.code, filed.stderr).toBe(0)
    const id = filed.json.request.id as number
    const results = await Promise.all(Array.from({length: reviewers}, (_, i) => egov(['requests', 'approve', String(id), '--json'], as(`rev${i}`))))
    const moved = results.filter((r) => r.code === 0)
    expect(moved).toHaveLength(1)
    for (const r of results.filter((r) => r.code !== 0)) {
      expect(r.code, r.stdout).toBe(4)
      expect(r.json.error.code).toBe('conflict')
      expect(r.json.error.details).toMatchObject({field: 'expect', state: 'accepted', expected: 'submitted'})
    }
    expect(await state(id)).toBe('accepted')
    const history = (await egov(['requests', 'show', String(id), '--json'], as('alice'))).json.history as Array<{action: string}>
    expect(history.map((h) => h.action)).toEqual(['file', 'approve'])
  })

  it('--expect: the step is taken only from the state named; a retried script changes nothing the second time (exit 4)', async () => {
    const id = (await egov(['ticket', 'open', '--unit', '市数据局', '--subject', '脚本重试', '--json'], as('alice'))).json.request.id as number
    const first = await egov(['requests', 'approve', String(id), '--expect', 'submitted', '--json'], as('rev0'))
    expect(first.code, first.stdout).toBe(0)
    expect(first.json.request.state).toBe('accepted')
    const retried = await egov(['requests', 'approve', String(id), '--expect', 'submitted', '--json'], as('rev1'))
    expect(retried.code).toBe(4)
    expect(retried.json.error.details).toMatchObject({key: 'request.stateMoved', state: 'accepted', expected: 'submitted'})
    expect(await state(id)).toBe('accepted')

    const rejected = await egov(['requests', 'reject', String(id), '--expect', 'submitted', '--reason', '重复', '--json'], as('rev1'))
    expect(rejected.code).toBe(4)
    expect(await state(id)).toBe('accepted')

    const next = await egov(['requests', 'approve', String(id), '--expect', 'accepted', '--json'], as('rev1'))
    expect(next.code, next.stdout).toBe(0)
    expect(next.json.request.state).toBe('resolved')
  })

  it('--expect with a state the kind does not have is exit 2 naming --expect and listing the states; nothing moves', async () => {
    const id = (await egov(['ticket', 'open', '--unit', '市数据局', '--subject', '错字', '--json'], as('alice'))).json.request.id as number
    const r = await egov(['requests', 'approve', String(id), '--expect', 'submited', '--json'], as('rev0'))
    expect(r.code).toBe(2)
    expect(r.json.error.details).toMatchObject({field: 'expect', states: expect.arrayContaining(['submitted', 'accepted'])})
    expect(r.json.error.message).toContain('submited')
    expect(await state(id)).toBe('submitted')
  })

  it('in Chinese: X-2, a step not possible and the history name states and actions in Chinese, times in China time labelled UTC+8', async () => {
    const zh = {LANG: 'zh_CN.UTF-8', EGOV_NOW: '2026-12-03T13:51:46.786Z'}
    const id = (await egov(['ticket', 'open', '--unit', '市数据局', '--subject', '中文', '--json'], as('alice', zh))).json.request.id as number
    const own = await egov(['requests', 'approve', String(id)], as('alice', zh))
    expect(own.code).toBe(5)
    expect(own.stderr).toContain('提交人不能自行批准（X-2）')
    expect(own.stderr).not.toMatch(/approve/)
    expect((await egov(['requests', 'approve', String(id)], as('rev0', zh))).code).toBe(0)
    expect((await egov(['requests', 'approve', String(id)], as('rev1', zh))).code).toBe(0)
    const late = await egov(['requests', 'approve', String(id)], as('rev2', zh))
    expect(late.code).toBe(4)
    expect(late.stderr).toContain('当前为“已办结”，不能执行“批准”')
    const shown = await egov(['requests', 'show', String(id)], as('alice', zh))
    expect(shown.stdout).toContain('2026-12-03 21:51 (UTC+8)')
    expect(shown.stdout).toMatch(/提交\s+—\s+已提交/)
    expect(shown.stdout).toMatch(/批准\s+已提交\s+办理中/)
    expect(shown.stdout).not.toMatch(/\bapprove\b|T13:51/)
    // JSON keeps the keys and UTC.
    const json = (await egov(['requests', 'show', String(id), '--json'], as('alice', zh))).json
    expect(json.history[1]).toMatchObject({action: 'approve', from: 'submitted', to: 'accepted', at: '2026-12-03T13:51:46.786Z'})
  })
})
