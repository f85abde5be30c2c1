import {execFileSync} from 'node:child_process'

import {afterAll, beforeAll, expect, it} from 'vitest'

import {egov, isolatedHome} from '../helpers/cli.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

const docxText = (path: string) => execFileSync('unzip', ['-p', path, 'word/document.xml'], {encoding: 'utf8'}).replace(/<[^>]+>/g, '')

/**
 * Issue 15's exploit: a cut-off unit's addresses (予以保留，不另行分配, NET-7) were released
 * and handed to another unit by hand. A block of a unit's connection — planned, in service,
 * cut off — leaves it only through its request (close, change): NET-5, NET-6, NET-7.
 */
describeEachDialect('blocks of a connection are protected (NET-6, NET-7)', (dialect) => {
  let tdb: TestDatabase
  let env: Record<string, string>
  const as = (who: string) => ({...env, ...tdb.envFor(who)})
  const alice = (args: string[]) => egov(args, as('alice'))
  const bob = (args: string[]) => egov(args, as('bob'))
  const ok = async (r: Promise<{code: number; stderr: string; json?: any}>) => {
    const done = await r
    expect(done.code, done.stderr).toBe(0)
    return done
  }
  const onboard = async (unit: string, upTo: 'planned' | 'in-service') => {
    const filed = await ok(
      alice(['net', 'request', 'apply', '--unit', unit, '--basis', '依据', '--access-mode', 'fiber', '--scope', '办公楼', '--hosts', '10', '--bandwidth', '100', '--business', '业务', '--json']),
    )
    const id = String(filed.json.request.id)
    await ok(bob(['requests', 'approve', id]))
    await ok(alice(['net', 'request', 'plan', id, '--pool', '市级']))
    if (upTo === 'in-service') {
      await ok(alice(['net', 'request', 'implement', id]))
      await ok(alice(['net', 'request', 'test', id, '--result', 'pass']))
    }
    return id
  }
  const held = async () => (await alice(['net', 'list', '--json'])).json.allocations.map((a: {cidr: string; unit: string; status: string}) => `${a.cidr} ${a.unit} ${a.status}`)

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    for (const who of ['alice', 'bob']) await (await tdb.open(who)).close()
    env = {...isolatedHome(), ...tdb.env, EGOV_NOW: '2026-03-02T10:00:00+08:00'}
    for (const args of [
      ['net', 'pool', 'add', '10.80.0.0/16', '--name', '市级', '--plane', '1'],
      ['units', 'add', '市司法局', '--kind', 'party-government', '--level', 'city', '--budget', 'city'],
      ['units', 'add', '市公安局', '--kind', 'party-government', '--level', 'city', '--budget', 'city'],
      ['units', 'add', '市统计局', '--kind', 'party-government', '--level', 'city', '--budget', 'city'],
    ])
      await ok(alice(args))
  })
  afterAll(async () => {
    await tdb.cleanup()
  })

  it('refuses release and re-allocation of an in-service, cut-off or planned block, naming the rule and the request', async () => {
    await onboard('市司法局', 'in-service')
    // A second block the unit holds: the connection's addresses are every block the unit holds.
    await ok(alice(['net', 'alloc', '--pool', '市级', '--prefix-length', '28', '--unit', '市司法局', '--purpose', '视频会议']))
    const blocks = (await alice(['units', 'show', '市司法局', '--json'])).json.connection.addresses as string[]
    expect(blocks).toEqual(['10.80.0.0/28', '10.80.0.16/28'])
    const before = await held()

    const inService = await alice(['net', 'release', '10.80.0.16/28', '--yes', '--json'])
    expect(inService.code).toBe(4)
    expect(inService.json.error.details).toMatchObject({rule: 'NET-6', unit: '市司法局', connection: 'in-service'})
    expect(inService.json.error.details.use).toContain('egov net request close 市司法局')
    expect(inService.json.error.details.use).toContain('egov net request change 市司法局')

    const cut = await ok(alice(['net', 'cutoff', 'add', '市司法局', '--reason', '终端存在高危漏洞', '--rectify-by', '2026-03-20', '--json']))
    await ok(bob(['requests', 'approve', String(cut.json.request.id)]))

    const release = await alice(['net', 'release', '10.80.0.16/28', '--yes', '--json'])
    expect(release.code).toBe(4)
    expect(release.json.error.details).toMatchObject({rule: 'NET-7', field: 'CIDR|ID', unit: '市司法局', connection: 'cut-off'})
    expect(release.json.error.details.use).toContain('egov net request close 市司法局')
    expect(release.json.error.message).toContain('予以保留，不另行分配')
    for (const cidr of ['10.80.0.16/28', '10.80.0.16/29', '10.80.0.0/24']) {
      const taken = await alice(['net', 'alloc', '--pool', '市级', '--cidr', cidr, '--unit', '市公安局', '--json'])
      expect(taken.code, cidr).toBe(4)
      expect(taken.json.error.details).toMatchObject({rule: 'NET-7', field: 'cidr', unit: '市司法局'})
    }
    expect(await held()).toEqual(before)

    // The restore notice lists every block held for the unit.
    const back = await ok(alice(['net', 'restore', '市司法局', '--note', '漏洞已修复', '--json']))
    const restored = await ok(bob(['requests', 'approve', String(back.json.request.id), '--json']))
    expect(restored.json.request.payload.addresses).toEqual(['10.80.0.0/28', '10.80.0.16/28'])
    const text = docxText(restored.json.request.payload.notice)
    for (const s of ['恢复接入通知书', '10.80.0.0/28', '10.80.0.16/28']) expect(text).toContain(s)

    // A block reserved by a plan in progress goes into service through its request (NET-5).
    const id = await onboard('市统计局', 'planned')
    const planned = await alice(['net', 'release', '10.80.0.32/28', '--yes', '--json'])
    expect(planned.code).toBe(4)
    expect(planned.json.error.details).toMatchObject({rule: 'NET-5', unit: '市统计局', connection: 'planned', requestId: Number(id)})
    expect((await alice(['net', 'alloc', '--pool', '市级', '--cidr', '10.80.0.32/28', '--unit', '市公安局', '--json'])).json.error.details.rule).toBe('NET-5')

    // Closing gives the blocks back (NET-6), after which they are free for others.
    const close = await ok(alice(['net', 'request', 'close', '市司法局', '--reason', '机构撤并', '--json']))
    await ok(bob(['requests', 'approve', String(close.json.request.id)]))
    await ok(alice(['net', 'alloc', '--pool', '市级', '--cidr', '10.80.0.16/28', '--unit', '市公安局']))
    expect((await alice(['audit', 'verify', '--json'])).json.ok).toBe(true)
  })

  it('refuses four processes re-allocating a protected block at once', async () => {
    await onboard('市司法局', 'in-service')
    const block = (await alice(['units', 'show', '市司法局', '--json'])).json.connection.addresses[0] as string
    const before = await held()
    const runs = await Promise.all(['市公安局', '市公安局', '市统计局', '市统计局'].map((u) => alice(['net', 'alloc', '--pool', '市级', '--cidr', block, '--unit', u, '--json'])))
    expect(runs.map((r) => [r.code, r.json.error?.details.rule])).toEqual(Array(4).fill([4, 'NET-6']))
    const releases = await Promise.all([1, 2, 3, 4].map(() => alice(['net', 'release', block, '--yes', '--json'])))
    expect(releases.map((r) => r.code)).toEqual([4, 4, 4, 4])
    expect(await held()).toEqual(before)
  })
})
