import {fileURLToPath} from 'node:url'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {isolatedHome} from '../helpers/cli.js'
import {egovInProcess} from '../helpers/in-process.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

/**
 * Roster changes as requests (issue 18: "Changes to the roster are themselves requests
 * approved by a second 系统管理员", CERT-4, 002 第二十二条, X-2): the first 系统管理员 is set at
 * `egov db init --admin`; every later change is a roster-change request, in effect only when
 * another active 系统管理员 approves it, checked again at approval, through the CLI (in-process).
 */
describeEachDialect('roster changes approved by a second 系统管理员 (issue 18, X-2, CERT-4)', (dialect) => {
  let tdb: TestDatabase
  const home = isolatedHome()
  const people = ['wang', 'zhang', 'li', 'zhao', 'qian', 'sun'] as const
  type Person = (typeof people)[number]
  const as = (who: Person, args: string[]) => egovInProcess(args, {...home, ...tdb.env, ...tdb.envFor(who)})
  const login = (who: Person) => tdb.actor(who)
  const roster = async () =>
    (await as('sun', ['operators', 'list', '--all', '--json'])).json as {
      operators: Array<{login: string; roles: string[]; retiredAt: string | null}>
      pending: Array<{id: number; change: {op: string; login: string}}>
    }
  const requestCount = async () => (await as('sun', ['requests', 'list', '--kind', 'roster-change', '--json'])).json.requests.length as number

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    for (const who of people) await (await tdb.open(who)).close()
  })
  afterAll(async () => {
    await tdb.cleanup()
  })

  it('db init --admin needs --name, and --name needs --admin, writing nothing', async () => {
    const noName = await as('wang', ['db', 'init', '--admin', login('wang'), '--json'])
    expect(noName.code).toBe(2)
    expect(noName.json.error.details.field).toBe('name')
    const noAdmin = await as('wang', ['db', 'init', '--name', '王敏', '--json'])
    expect(noAdmin.code).toBe(2)
    expect(noAdmin.json.error.details.field).toBe('admin')
    const blank = await as('wang', ['db', 'init', '--admin', ' ', '--name', '王敏', '--json'])
    expect(blank.code).toBe(2)
    expect((await roster()).operators).toEqual([])
  })

  it('db init --admin puts the first 系统管理员 on the roster directly; again changes nothing; on a started roster it is exit 4', async () => {
    const first = await as('wang', ['db', 'init', '--admin', login('wang'), '--name', '王敏', '--unit', '市数据局', '--json'])
    expect(first.code, first.stdout + first.stderr).toBe(0)
    expect(first.json.admin).toMatchObject({login: login('wang'), name: '王敏', unit: '市数据局', roles: ['system-admin'], active: true})
    const again = await as('wang', ['db', 'init', '--admin', login('wang'), '--name', '王敏', '--json'])
    expect(again.code).toBe(0)
    expect(again.json.admin.unchanged).toBe(true)
    expect(again.json.unchanged).toBe(true)
    const other = await as('wang', ['db', 'init', '--admin', login('zhang'), '--name', '张三', '--json'])
    expect(other.code).toBe(4)
    expect(other.json.error.details).toMatchObject({field: 'admin', key: 'operators.rosterStarted'})
    expect((await roster()).operators.map((o) => o.login)).toEqual([login('wang')])
    // Someone not on the roster changes nothing now.
    expect((await as('li', ['units', 'add', '市数据局', '--kind', 'party-government', '--level', 'city', '--json'])).json.error.details.key).toBe('operators.notOnRoster')
    const audit = JSON.stringify((await as('wang', ['audit', 'log', '--entity', 'operator', '--json'])).json)
    expect(audit).toContain('"bootstrap":true')
  })

  it('the second 系统管理员 (system-admin only) is added at once; anything else by a single administrator waits for a second', async () => {
    // With a single administrator, a person with more than the roster's keeping is a request.
    const more = await as('wang', ['operators', 'add', login('zhang'), '--name', '张三', '--roles', 'system-admin,review-net', '--json'])
    expect(more.code, more.stdout + more.stderr).toBe(0)
    expect(more.json).toMatchObject({pending: true, request: {kind: 'roster-change', state: 'submitted'}})
    expect((await as('wang', ['requests', 'withdraw', String(more.json.request.id), '--reason', '只授系统管理员', '--json'])).code).toBe(0)
    const second = await as('wang', ['operators', 'add', login('zhang'), '--name', '张三', '--roles', 'system-admin', '--json'])
    expect(second.code, second.stdout + second.stderr).toBe(0)
    expect(second.json).toMatchObject({pending: false, login: login('zhang'), roles: ['system-admin'], active: true})
  })

  it('a change filed by one 系统管理员 is not in effect until another approves it', async () => {
    const filed = await as('wang', ['operators', 'add', login('li'), '--name', '李四', '--unit', '市数据局', '--roles', 'filer,net', '--json'])
    expect(filed.code, filed.stdout + filed.stderr).toBe(0)
    expect(filed.json).toMatchObject({pending: true, request: {kind: 'roster-change', state: 'submitted', filedBy: login('wang')}, change: {op: 'add', login: login('li'), roles: ['filer', 'net']}})
    const id = String(filed.json.request.id)
    const text = await as('wang', ['operators', 'add', login('qian'), '--name', '钱七', '--roles', 'review-ticket'])
    expect(text.stdout).toMatch(/filed roster change \d+: add .*; it takes effect when another 系统管理员 approves it: egov requests approve \d+ \(X-2\)/)
    // Not in effect: li still cannot write; list shows the pending change.
    const before = await as('li', ['units', 'add', '市数据局', '--kind', 'party-government', '--level', 'city', '--json'])
    expect(before.code).toBe(5)
    expect(before.json.error.details.key).toBe('operators.notOnRoster')
    const r = await roster()
    expect(r.operators.map((o) => o.login)).not.toContain(login('li'))
    expect(r.pending.map((p) => p.change.login)).toEqual([login('li'), login('qian')])
    expect((await as('sun', ['operators', 'list'])).stdout).toContain('pending roster changes')
    // the filer cannot approve it.
    const own = await as('wang', ['requests', 'approve', id, '--json'])
    expect(own.code).toBe(5)
    expect(own.json.error.details).toMatchObject({rule: 'X-2', key: 'request.ownRequest'})
    // The second 系统管理员 approves: in effect.
    const approved = await as('zhang', ['requests', 'approve', id, '--json'])
    expect(approved.code, approved.stdout + approved.stderr).toBe(0)
    expect(approved.json.request.state).toBe('applied')
    expect((await as('li', ['units', 'add', '市数据局', '--kind', 'party-government', '--level', 'city'])).code).toBe(0)
    const shown = await as('sun', ['operators', 'show', login('li'), '--json'])
    expect(shown.json).toMatchObject({login: login('li'), name: '李四', roles: ['filer', 'net'], active: true, addedBy: login('zhang'), pending: []})
    // The audit entry of the change names the request that approved it, with before and after.
    const log = (await as('wang', ['audit', 'log', '--entity', `operator:${login('li')}`, '--json'])).json
    expect(JSON.stringify(log)).toContain(`"requestId":${id}`)
  })

  it('only a 系统管理员 approves a roster change: anyone else is exit 5 naming the role', async () => {
    const pending = (await roster()).pending.find((p) => p.change.login === login('qian'))!
    const byNet = await as('li', ['requests', 'approve', String(pending.id), '--json'])
    expect(byNet.code).toBe(5)
    expect(byNet.json.error.details).toMatchObject({rule: 'X-2', key: 'operators.roleMissing', roles: ['system-admin']})
    const byStranger = await as('sun', ['requests', 'approve', String(pending.id), '--json'])
    expect(byStranger.code).toBe(5)
    expect(byStranger.json.error.details.key).toBe('operators.notOnRoster')
    // Reject (with a reason) leaves the roster as it was.
    expect((await as('zhang', ['requests', 'reject', String(pending.id), '--json'])).code).toBe(2)
    const rejected = await as('zhang', ['requests', 'reject', String(pending.id), '--reason', '工单由受理岗位处理', '--json'])
    expect(rejected.code).toBe(0)
    expect(rejected.json.request.state).toBe('rejected')
    expect((await as('sun', ['operators', 'show', login('qian'), '--json'])).code).toBe(3)
    expect((await roster()).pending).toEqual([])
  })

  it('refuses a bad change when filing, filing nothing: two administrators in one person, unknown person, bad roles', async () => {
    const count = await requestCount()
    const both = await as('wang', ['operators', 'edit', login('zhang'), '--roles', 'system-admin,auditor', '--json'])
    expect(both.code).toBe(5)
    expect(both.json.error.details).toMatchObject({rule: 'X-4', field: 'roles', roles: ['system-admin', 'auditor']})
    const nobody = await as('wang', ['operators', 'edit', 'nobody', '--roles', 'net', '--json'])
    expect(nobody.code).toBe(3)
    const typo = await as('wang', ['operators', 'add', login('qian'), '--name', '钱七', '--roles', 'reviwe-net', '--json'])
    expect(typo.code).toBe(2)
    expect(typo.json.error.details).toMatchObject({field: 'roles', suggestion: 'review-net'})
    const exists = await as('wang', ['operators', 'add', login('li'), '--name', '李四', '--roles', 'net', '--json'])
    expect(exists.code).toBe(4)
    const same = await as('wang', ['operators', 'edit', login('li'), '--roles', 'filer,net', '--json'])
    expect(same.json).toMatchObject({pending: false, unchanged: true})
    expect(await requestCount()).toBe(count)
    // Only a 系统管理员 files one.
    const byNet = await as('li', ['operators', 'retire', login('wang'), '--yes', '--json'])
    expect(byNet.code).toBe(5)
    expect(byNet.json.error.details).toMatchObject({rule: 'X-2', roles: ['system-admin']})
  })

  it('a deadline or the calendar takes a second person too: limits and calendar load are settings-change requests', async () => {
    const count = (await as('sun', ['requests', 'list', '--kind', 'settings-change', '--json'])).json.requests.length
    // Bad input is refused at once, naming the value, filing nothing.
    const bad = await as('wang', ['config', 'set', 'limit.ticket.accepted', 'abc', '--json'])
    expect(bad.code).toBe(2)
    expect(bad.json.error.details.field).toBe('VALUE')
    expect((await as('wang', ['config', 'unset', 'limit.ticket.submitted', '--json'])).code).toBe(3)
    expect((await as('sun', ['requests', 'list', '--kind', 'settings-change', '--json'])).json.requests.length).toBe(count)
    // Only a 系统管理员 may ask.
    expect((await as('li', ['config', 'set', 'limit.ticket.accepted', '3', '--json'])).json.error.details).toMatchObject({rule: 'X-2', roles: ['system-admin']})
    const limit = await as('wang', ['config', 'set', 'limit.ticket.accepted', '3', '--json'])
    expect(limit.code, limit.stdout + limit.stderr).toBe(0)
    expect(limit.json).toMatchObject({pending: true, request: {kind: 'settings-change', state: 'submitted', summary: 'limit.ticket.accepted = 3'}})
    const value = async () => (await as('sun', ['config', 'get', 'limit.ticket.accepted', '--json'])).json.value
    expect(await value()).toBe('5')
    expect((await as('wang', ['requests', 'approve', String(limit.json.request.id), '--json'])).json.error.details.rule).toBe('X-2')
    expect((await as('li', ['requests', 'approve', String(limit.json.request.id), '--json'])).json.error.details).toMatchObject({rule: 'X-2', roles: ['system-admin']})
    expect((await as('zhang', ['requests', 'approve', String(limit.json.request.id)])).code).toBe(0)
    expect(await value()).toBe('3')
    // A setting that moves no deadline takes effect at once.
    const prefix = await as('wang', ['config', 'set', 'notices.prefix', '甘数', '--json'])
    expect(prefix.json.pending).toBeUndefined()
    // The calendar: not loaded until approved.
    const file = fileURLToPath(new URL('../../fixtures/calendar/example-2027.json', import.meta.url))
    const load = await as('wang', ['calendar', 'load', file, '--yes', '--json'])
    expect(load.code, load.stdout + load.stderr).toBe(0)
    expect(load.json).toMatchObject({year: 2027, pending: true, request: {kind: 'settings-change'}})
    const covered = async () => (await as('sun', ['calendar', 'is-workday', '2027-01-01', '--json'])).json
    expect((await covered()).covered).toBe(false)
    // A non-administrator cannot take it back; the other 系统管理员 rejects it … and it is filed again and approved.
    expect((await as('li', ['requests', 'withdraw', String(load.json.request.id), '--reason', '撤回', '--json'])).json.error.details).toMatchObject({rule: 'X-2', roles: ['system-admin']})
    expect((await as('zhang', ['requests', 'reject', String(load.json.request.id), '--reason', '请附正式通知'])).code).toBe(0)
    expect((await covered()).covered).toBe(false)
    const again = await as('wang', ['calendar', 'load', file, '--yes', '--json'])
    expect((await as('zhang', ['requests', 'approve', String(again.json.request.id)])).code).toBe(0)
    expect(await covered()).toMatchObject({covered: true, workday: false})
  })

  it('checks the change again at approval: the last active 系统管理员 is never demoted or retired', async () => {
    // Each is possible when filed (the other administrator remains) …
    const demoteZhang = await as('wang', ['operators', 'edit', login('zhang'), '--roles', 'net', '--json'])
    expect(demoteZhang.json.pending, demoteZhang.stdout).toBe(true)
    const retireWang = await as('zhang', ['operators', 'retire', login('wang'), '--yes', '--json'])
    expect(retireWang.json.pending, retireWang.stdout).toBe(true)
    // … zhang's demotion is approved (by zhang, who did not file it) …
    expect((await as('zhang', ['requests', 'approve', String(demoteZhang.json.request.id)])).code).toBe(0)
    // … and then retiring wang would leave nobody to keep the roster: refused at approval, nothing changed.
    const last = await as('wang', ['requests', 'approve', String(retireWang.json.request.id), '--json'])
    expect(last.code).toBe(5)
    expect(last.json.error.details).toMatchObject({rule: 'X-2', key: 'operators.lastAdmin'})
    const r = await roster()
    expect(r.operators.find((o) => o.login === login('wang'))?.retiredAt).toBeNull()
    expect(r.pending.map((p) => p.id)).toEqual([retireWang.json.request.id])
    expect((await as('sun', ['requests', 'show', String(retireWang.json.request.id), '--json'])).json.state).toBe('submitted')
    // zhang, no longer a 系统管理员, cannot approve roster changes any more.
    const filed = await as('wang', ['operators', 'edit', login('li'), '--unit', '市政务服务中心', '--json'])
    const byZhang = await as('zhang', ['requests', 'approve', String(filed.json.request.id), '--json'])
    expect(byZhang.code).toBe(5)
    expect(byZhang.json.error.details).toMatchObject({rule: 'X-2', roles: ['system-admin']})
  })
})

describe('--help names the role a command needs (issue 18, X-2)', () => {
  it.each([
    [['net', 'alloc'], 'net (网络管理)'],
    [['operators', 'add'], 'system-admin (系统管理员)'],
    [['cert', 'ca', 'init'], 'security-admin (安全管理员)'],
    [['net', 'request', 'apply'], 'filer (受理) or net (网络管理)'],
    [['units', 'add'], 'any active operator on the roster'],
    [['requests', 'approve'], 'the reviewer role of the request’s area'],
  ])('%s', async (command, roles) => {
    const r = await egovInProcess([...command, '--help'])
    expect(r.code).toBe(0)
    const section = r.stdout.slice(r.stdout.indexOf('ROLES')).replace(/\s+/g, ' ')
    expect(r.stdout).toContain('ROLES')
    expect(section).toContain(roles)
  })
})
