import {afterAll, beforeAll, expect, it} from 'vitest'

import {isolatedHome} from '../helpers/cli.js'
import {egovInProcess} from '../helpers/in-process.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

/**
 * The operator roster (issue 18; X-2: 编辑、审核、发布权限分离; 002 第二十二条; 三员分立): roles as
 * data, the three administrators never one person, every change checked against the roster
 * once there is one, a review step needing the reviewer role of its area, through the CLI (in-process).
 */
describeEachDialect('operators and roles (issue 18, X-2, X-4)', (dialect) => {
  let tdb: TestDatabase
  const home = isolatedHome()
  const people = ['admin', 'admin2', 'alice', 'bob', 'carol', 'dave', 'erin'] as const
  type Person = (typeof people)[number]
  const as = (who: Person, args: string[]) => egovInProcess(args, {...home, ...tdb.env, ...tdb.envFor(who)})
  /** The login the roster knows a person by: the database login on PostgreSQL. */
  const login = (who: Person) => tdb.actor(who)
  /** A roster change filed by admin, approved by the second 系统管理员 (issue 18: changes to the roster are requests, X-2). */
  const change = async (args: string[]) => {
    const filed = await as('admin', [...args, '--json'])
    expect(filed.code, filed.stdout + filed.stderr).toBe(0)
    expect(filed.json.pending, filed.stdout).toBe(true)
    const approved = await as('admin2', ['requests', 'approve', String(filed.json.request.id)])
    expect(approved.code, approved.stdout + approved.stderr).toBe(0)
  }

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    for (const who of people) await (await tdb.open(who)).close()
  })
  afterAll(async () => {
    await tdb.cleanup()
  })

  it('without a roster anyone may act, and list says how to start one', async () => {
    expect((await as('carol', ['units', 'add', '市数据局', '--kind', 'party-government', '--level', 'city'])).code).toBe(0)
    const r = await as('carol', ['operators', 'list'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('no roster')
    expect((await as('carol', ['operators', 'list', '--json'])).json.operators).toEqual([])
  })

  it('refuses a bad first entry, unknown roles and two administrators in one person, writing nothing', async () => {
    // The first entry is the one who starts the roster, as system-admin.
    const other = await as('admin', ['operators', 'add', login('alice'), '--name', '李四', '--roles', 'system-admin', '--json'])
    expect(other.code).toBe(5)
    expect(other.json.error.details).toMatchObject({rule: 'X-2', key: 'operators.firstMustBeAdmin'})
    const typo = await as('admin', ['operators', 'add', login('admin'), '--name', '王敏', '--roles', 'system-admin,reviwe-net', '--json'])
    expect(typo.code).toBe(2)
    expect(typo.json.error.details).toMatchObject({field: 'roles', value: 'reviwe-net', suggestion: 'review-net'})
    // 三员: system, security and audit administrators are never one person.
    const both = await as('admin', ['operators', 'add', login('admin'), '--name', '王敏', '--roles', 'system-admin,auditor', '--json'])
    expect(both.code).toBe(5)
    expect(both.json.error.details).toMatchObject({rule: 'X-4', field: 'roles', roles: ['system-admin', 'auditor']})
    const badDate = await as('admin', ['operators', 'add', login('admin'), '--name', '王敏', '--roles', 'system-admin', '--from', '2026-13-01', '--json'])
    expect(badDate.code).toBe(2)
    expect(badDate.json.error.details.field).toBe('from')
    expect((await as('admin', ['operators', 'list', '--json'])).json.operators).toEqual([])
  })

  it('starts the roster and puts people on it with their roles', async () => {
    const first = await as('admin', ['operators', 'add', login('admin'), '--name', '王敏', '--unit', '市数据局', '--roles', 'system-admin', '--json'])
    expect(first.code, first.stdout).toBe(0)
    expect(first.json).toMatchObject({login: login('admin'), roles: ['system-admin'], active: true, pending: false, warnings: []})
    // The second 系统管理员 is added at once (four eyes need two); every other change is a request the other approves.
    expect((await as('admin', ['operators', 'add', login('admin2'), '--name', '周九', '--roles', 'system-admin', '--json'])).json).toMatchObject({pending: false, active: true})
    for (const [who, name, roles] of [
      ['alice', '李四', 'filer,net'],
      ['bob', '张三', 'review-net'],
      ['dave', '赵六', 'auditor'],
    ] as const) {
      await change(['operators', 'add', login(who), '--name', name, '--roles', roles])
    }
    // Someone who starts next year is on the roster, not yet active.
    await change(['operators', 'add', login('erin'), '--name', '钱七', '--roles', 'net', '--from', '2099-01-01'])
    const again = await as('admin', ['operators', 'add', login('alice'), '--name', '李四', '--roles', 'net', '--json'])
    expect(again.code).toBe(4)
    const list = await as('carol', ['operators', 'list', '--json'])
    expect(list.json.operators.map((o: {login: string}) => o.login)).toEqual([login('admin'), login('admin2'), login('alice'), login('bob'), login('dave'), login('erin')].sort())
    // Only a system administrator changes the roster.
    const byAlice = await as('alice', ['operators', 'add', login('carol'), '--name', '孙八', '--roles', 'net', '--json'])
    expect(byAlice.code).toBe(5)
    expect(byAlice.json.error.details).toMatchObject({rule: 'X-2', roles: ['system-admin']})
  })

  it('refuses a change by someone not on the roster, not yet active, or without the command’s role, and lets them read', async () => {
    const stranger = await as('carol', ['units', 'add', '市公安局', '--kind', 'party-government', '--level', 'city', '--json'])
    expect(stranger.code).toBe(5)
    expect(stranger.json.error.details).toMatchObject({rule: 'X-2', field: 'operator', key: 'operators.notOnRoster'})
    expect((await as('carol', ['units', 'list'])).code).toBe(0)
    expect((await as('erin', ['net', 'pool', 'add', '10.99.0.0/16', '--name', '测试', '--plane', '1', '--json'])).json.error.details.key).toBe('operators.notOnRoster')
    const reviewer = await as('bob', ['net', 'pool', 'add', '10.99.0.0/16', '--name', '测试', '--plane', '1', '--json'])
    expect(reviewer.code).toBe(5)
    expect(reviewer.json.error.details).toMatchObject({rule: 'X-2', key: 'operators.roleMissing', roles: ['net'], held: ['review-net']})
    expect((await as('alice', ['net', 'pool', 'add', '10.99.0.0/16', '--name', '测试', '--plane', '1'])).code).toBe(0)
    // 审计员 reads and changes nothing, not even the unit registry that any other operator may change.
    const auditor = await as('dave', ['units', 'add', '市公安局', '--kind', 'party-government', '--level', 'city', '--json'])
    expect(auditor.code).toBe(5)
    expect(auditor.json.error.details).toMatchObject({rule: 'X-4', key: 'operators.auditorReadOnly'})
    expect((await as('dave', ['audit', 'verify'])).code).toBe(0)
    // Nothing was written by the refused commands.
    expect((await as('carol', ['units', 'list', '--json'])).json.units.map((u: {name: string}) => u.name)).toEqual(['市数据局'])
  })

  it('a review step needs the reviewer role of the request’s area', async () => {
    const filed = await as('alice', ['ticket', 'open', '--unit', '市数据局', '--subject', '打印机故障', '--json'])
    expect(filed.code, filed.stdout).toBe(0)
    const id = String(filed.json.request.id)
    const wrongArea = await as('bob', ['requests', 'approve', id, '--json'])
    expect(wrongArea.code).toBe(5)
    expect(wrongArea.json.error.details).toMatchObject({rule: 'X-2', roles: ['review-ticket']})
    await change(['operators', 'edit', login('bob'), '--roles', 'review-net,review-ticket'])
    const approved = await as('bob', ['requests', 'approve', id, '--json'])
    expect(approved.code, approved.stdout).toBe(0)
  })

  it('keeps an active system administrator, retires people, and audits every roster change', async () => {
    await change(['operators', 'retire', login('admin2'), '--yes'])
    const last = await as('admin', ['operators', 'retire', login('admin'), '--yes', '--json'])
    expect(last.code).toBe(5)
    expect(last.json.error.details.key).toBe('operators.lastAdmin')
    const demote = await as('admin', ['operators', 'edit', login('admin'), '--roles', 'net', '--json'])
    expect(demote.code).toBe(5)
    const mixed = await as('admin', ['operators', 'edit', login('admin'), '--roles', 'system-admin,security-admin', '--json'])
    expect(mixed.code).toBe(5)
    expect(mixed.json.error.details.rule).toBe('X-4')
    const same = await as('admin', ['operators', 'edit', login('bob'), '--roles', 'review-net,review-ticket', '--json'])
    expect(same.json.unchanged).toBe(true)
    const offTerminal = await as('admin', ['operators', 'retire', login('alice'), '--json'])
    expect(offTerminal.code).toBe(2)
    // With admin2 retired, admin is the only 系统管理员: a retirement filed now waits for a second one.
    const filed = await as('admin', ['operators', 'retire', login('alice'), '--yes', '--json'])
    expect(filed.json.pending).toBe(true)
    expect((await as('admin', ['requests', 'approve', String(filed.json.request.id), '--json'])).json.error.details.rule).toBe('X-2')
    expect((await as('admin2', ['requests', 'approve', String(filed.json.request.id), '--json'])).json.error.details.key).toBe('operators.notOnRoster')
    expect((await as('admin', ['operators', 'add', login('carol'), '--name', '孙八', '--roles', 'system-admin'])).code).toBe(0)
    expect((await as('carol', ['requests', 'approve', String(filed.json.request.id)])).code).toBe(0)
    expect((await as('alice', ['net', 'pool', 'add', '10.98.0.0/16', '--name', '测试2', '--plane', '1', '--json'])).json.error.details.key).toBe('operators.notOnRoster')
    const shown = await as('carol', ['operators', 'show', login('alice'), '--json'])
    expect(shown.json).toMatchObject({login: login('alice'), active: false})
    expect(shown.json.retiredAt).toBeTruthy()
    expect((await as('carol', ['operators', 'show', 'nobody', '--json'])).code).toBe(3)
    const log = await as('dave', ['audit', 'log', '--json'])
    const actions = JSON.stringify(log.json)
    for (const action of ['operator.add', 'operator.edit', 'operator.retire']) expect(actions).toContain(action)
  })

  it('lists the roles, in Chinese under a Chinese locale', async () => {
    const r = await egovInProcess(['operators', 'roles'], {...home, ...tdb.env, ...tdb.envFor('carol'), LANG: 'zh_CN.UTF-8'})
    expect(r.code).toBe(0)
    for (const text of ['系统管理员', '安全管理员', '审计员', '审核（外网）']) expect(r.stdout).toContain(text)
  })
})
