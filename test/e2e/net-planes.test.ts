import {execFileSync} from 'node:child_process'

import {afterAll, beforeAll, expect, it} from 'vitest'

import {isolatedHome} from '../helpers/cli.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'
import {team} from '../helpers/team.js'

const docxText = (path: string) => execFileSync('unzip', ['-p', path, 'word/document.xml'], {encoding: 'utf8'}).replace(/<[^>]+>/g, '')

/**
 * Issue 15: a unit may hold one extranet connection per carrier plane (NET-2: plane 1 China
 * Telecom, plane 2 China Mobile). Each goes through its own onboarding; change, cut-off,
 * restore and close act on one connection, named by --plane when the unit has both, and only
 * on that connection's addresses. Through bin/run.js on SQLite and PostgreSQL.
 */
describeEachDialect('one connection per plane (NET-2)', (dialect) => {
  let tdb: TestDatabase
  let env: Record<string, string>
  const {alice, bob, ok} = team(
    () => tdb,
    () => env,
  )
  const unitShow = async () => (await ok(alice(['units', 'show', '市司法局', '--json']))).json
  const onboard = async (plane: string, pool: string) => {
    const filed = await ok(
      alice([
        'net',
        'request',
        'apply',
        '--unit',
        '市司法局',
        '--basis',
        `平面${plane}`,
        '--access-mode',
        'fiber',
        '--scope',
        '办公楼',
        '--hosts',
        '10',
        '--bandwidth',
        '100',
        '--business',
        '业务',
        '--plane',
        plane,
        '--json',
      ]),
    )
    const id = String(filed.json.request.id)
    await ok(bob(['requests', 'approve', id]))
    await ok(alice(['net', 'request', 'plan', id, '--pool', pool]))
    await ok(alice(['net', 'request', 'implement', id]))
    await ok(alice(['net', 'request', 'test', id, '--result', 'pass']))
  }

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    for (const who of ['alice', 'bob']) await (await tdb.open(who)).close()
    env = {...isolatedHome(), ...tdb.env, EGOV_NOW: '2026-03-02T10:00:00+08:00'}
    for (const args of [
      ['net', 'pool', 'add', '10.80.0.0/16', '--name', '电信', '--plane', '1'],
      ['net', 'pool', 'add', '10.90.0.0/16', '--name', '移动', '--plane', '2'],
      ['units', 'add', '市司法局', '--kind', 'party-government', '--level', 'city', '--budget', 'city'],
    ])
      await ok(alice(args))
    await onboard('1', '电信')
  })
  afterAll(async () => {
    await tdb.cleanup()
  })

  it('a second connection on the same plane is refused (exit 4); one on the other plane is its own onboarding', async () => {
    const again = await alice([
      'net',
      'request',
      'apply',
      '--unit',
      '市司法局',
      '--basis',
      '重复',
      '--access-mode',
      'fiber',
      '--scope',
      '楼',
      '--hosts',
      '10',
      '--bandwidth',
      '100',
      '--business',
      '业务',
      '--json',
    ])
    expect(again.code).toBe(4)
    expect(again.json.error.message).toContain('plane 1')
    await onboard('2', '移动')
    const unit = await unitShow()
    expect(unit.connections.map((c: {plane: number; status: string; addresses: string[]}) => `${c.plane} ${c.status} ${c.addresses.join(',')}`)).toEqual([
      '1 in-service 10.80.0.0/28',
      '2 in-service 10.90.0.0/28',
    ])
    expect(unit.connection).toMatchObject({plane: 1})
  })

  it('change names its connection with --plane when the unit has two (exit 2 without), and changes that one only', async () => {
    const unsaid = await alice(['net', 'request', 'change', '市司法局', '--basis', '扩容', '--bandwidth', '200', '--json'])
    expect(unsaid.code).toBe(2)
    expect(unsaid.json.error.details).toMatchObject({field: 'plane', rule: 'NET-2'})
    const filed = await ok(alice(['net', 'request', 'change', '市司法局', '--basis', '扩容', '--bandwidth', '200', '--plane', '2', '--json']))
    const id = String(filed.json.request.id)
    expect(filed.json.request.payload.plane).toBe(2)
    await ok(bob(['requests', 'approve', id]))
    await ok(alice(['net', 'request', 'plan', id]))
    await ok(alice(['net', 'request', 'implement', id]))
    await ok(alice(['net', 'request', 'test', id, '--result', 'pass']))
    const bandwidths = (await unitShow()).connections.map((c: {plane: number; bandwidthMbps: number}) => `${c.plane}:${c.bandwidthMbps}`)
    expect(bandwidths).toEqual(['1:100', '2:200'])
  })

  it('cut-off, restore and close act on one plane’s connection and its addresses only; its blocks stay protected', async () => {
    const cut = await ok(alice(['net', 'cutoff', 'add', '市司法局', '--reason', '发现病毒', '--rectify-by', '2026-03-31', '--plane', '2', '--json']))
    const cutDone = (await ok(bob(['requests', 'approve', String(cut.json.request.id), '--json']))).json.request
    expect(cutDone.payload).toMatchObject({plane: 2, addresses: ['10.90.0.0/28']})
    expect(docxText(cutDone.payload.notice)).toContain('10.90.0.0/28')
    expect(docxText(cutDone.payload.notice)).not.toContain('10.80.0.0/28')
    expect((await unitShow()).connections.map((c: {status: string}) => c.status)).toEqual(['in-service', 'cut-off'])
    // Each block under its own connection's rule: NET-6 in service, NET-7 cut off.
    const inService = await alice(['net', 'release', '10.80.0.0/28', '--yes', '--json'])
    expect(inService.code).toBe(4)
    expect(inService.json.error.details).toMatchObject({rule: 'NET-6'})
    const held = await alice(['net', 'release', '10.90.0.0/28', '--yes', '--json'])
    expect(held.code).toBe(4)
    expect(held.json.error.details).toMatchObject({rule: 'NET-7'})
    // The plane-1 connection can still change while plane 2 is cut off.
    const change = await ok(alice(['net', 'request', 'change', '市司法局', '--basis', '提速', '--bandwidth', '300', '--plane', '1', '--json']))
    await ok(bob(['requests', 'reject', String(change.json.request.id), '--reason', '改期']))
    // Restore without --plane: the cut-off one.
    const restore = await ok(alice(['net', 'restore', '市司法局', '--note', '已整改', '--json']))
    expect(restore.json.request.payload.plane).toBe(2)
    await ok(bob(['requests', 'approve', String(restore.json.request.id)]))
    // Closing plane 2 gives back its block only.
    const close = await ok(alice(['net', 'request', 'close', '市司法局', '--reason', '撤销备份线路', '--plane', '2', '--json']))
    const closed = (await ok(bob(['requests', 'approve', String(close.json.request.id), '--json']))).json.request
    expect(closed.payload.addresses).toEqual(['10.90.0.0/28'])
    const unit = await unitShow()
    expect(unit.connections.map((c: {plane: number; status: string}) => `${c.plane} ${c.status}`)).toEqual(['1 in-service', '2 closed'])
    expect(unit.addresses.map((a: {cidr: string; status: string}) => `${a.cidr} ${a.status}`)).toEqual(['10.80.0.0/28 active'])
    // With one open connection left, --plane is not needed again.
    const last = await ok(alice(['net', 'request', 'close', '市司法局', '--reason', '机构撤并', '--json']))
    expect(last.json.request.payload.plane).toBe(1)
  })

  it('a --plane with no connection on it is refused, writing nothing', async () => {
    const before = (await ok(alice(['requests', 'list', '--json']))).json.requests.length
    const r = await alice(['net', 'cutoff', 'add', '市司法局', '--reason', '测试', '--rectify-by', '2026-03-31', '--plane', '2', '--json'])
    expect(r.code).toBe(4)
    expect((await ok(alice(['requests', 'list', '--json']))).json.requests.length).toBe(before)
  })
})
