import {afterAll, beforeAll, expect, it} from 'vitest'

import {isolatedHome} from '../helpers/cli.js'
import {egovInProcess} from '../helpers/in-process.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

/**
 * Issue 15: `net request plan ID --cidr CIDR` (NET-5) takes the block the network team chose:
 * free in a pool of the request's plane, or a block the applicant already holds outside any
 * connection, which then becomes the connection's. Anything else is refused, nothing written.
 */
describeEachDialect('net request plan --cidr (NET-5)', (dialect) => {
  let tdb: TestDatabase
  let env: Record<string, string>
  const as = (who: string) => ({...env, ...tdb.envFor(who)})
  const alice = (args: string[]) => egovInProcess(args, as('alice'))
  const bob = (args: string[]) => egovInProcess(args, as('bob'))
  const ok = async (r: Promise<{code: number; stderr: string; json?: any}>) => {
    const done = await r
    expect(done.code, done.stderr).toBe(0)
    return done
  }
  const reviewed = async (unit: string) => {
    const filed = await ok(
      alice(['net', 'request', 'apply', '--unit', unit, '--basis', '依据', '--access-mode', 'fiber', '--scope', '办公楼', '--hosts', '10', '--bandwidth', '100', '--business', '业务', '--json']),
    )
    const id = String(filed.json.request.id)
    await ok(bob(['requests', 'approve', id]))
    return id
  }
  const state = async (id: string) => (await ok(alice(['requests', 'show', id, '--json']))).json
  const holdings = async () =>
    (await ok(alice(['net', 'list', '--json']))).json.allocations.map(
      (a: {id: number; cidr: string; unit: string; status: string; pool: string}) => `${a.id} ${a.cidr} ${a.unit} ${a.status} ${a.pool}`,
    )

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    for (const who of ['alice', 'bob']) await (await tdb.open(who)).close()
    env = {...isolatedHome(), ...tdb.env, EGOV_NOW: '2026-03-02T10:00:00+08:00'}
    for (const args of [
      ['net', 'pool', 'add', '10.80.0.0/16', '--name', '市级', '--plane', '1'],
      ['net', 'pool', 'add', '10.80.64.0/20', '--name', '甲区', '--plane', '1'],
      ['net', 'pool', 'add', '10.90.0.0/16', '--name', '二平面', '--plane', '2'],
      ['units', 'add', '市司法局', '--kind', 'party-government', '--level', 'city', '--budget', 'city'],
      ['units', 'add', '市公安局', '--kind', 'party-government', '--level', 'city', '--budget', 'city'],
      ['units', 'add', '市统计局', '--kind', 'party-government', '--level', 'city', '--budget', 'city'],
    ])
      await ok(alice(args))
  })
  afterAll(async () => {
    await tdb.cleanup()
  })

  it('takes a free block from the innermost pool holding it, and it goes active in service', async () => {
    const id = await reviewed('市司法局')
    const planned = await ok(alice(['net', 'request', 'plan', id, '--cidr', '10.80.65.0/26', '--json']))
    expect(planned.json.request.payload.plan).toMatchObject({cidr: '10.80.65.0/26', pool: '甲区'})
    expect(await holdings()).toContainEqual(expect.stringMatching(/^\d+ 10\.80\.65\.0\/26 市司法局 reserved 甲区$/))
    await ok(alice(['net', 'request', 'implement', id]))
    await ok(alice(['net', 'request', 'test', id, '--result', 'pass']))
    const unit = (await ok(alice(['units', 'show', '市司法局', '--json']))).json
    expect(unit.connection.addresses).toEqual(['10.80.65.0/26'])
    expect(await holdings()).toContainEqual(expect.stringMatching(/10\.80\.65\.0\/26 市司法局 active 甲区$/))
  })

  it('adopts a block the unit already holds outside a connection: the same allocation, audited before and after', async () => {
    const given = await ok(alice(['net', 'alloc', '--pool', '市级', '--cidr', '10.80.5.0/24', '--unit', '市统计局', '--purpose', '统计专网', '--json']))
    const allocationId = given.json.allocations[0].id
    const id = await reviewed('市统计局')
    const planned = await ok(alice(['net', 'request', 'plan', id, '--cidr', '10.80.5.0/24', '--json']))
    expect(planned.json.request.payload.plan).toMatchObject({allocationId, cidr: '10.80.5.0/24', pool: '市级'})
    // The block is the plan's now: a hand release is refused (NET-5), as for any planned block.
    const release = await alice(['net', 'release', '10.80.5.0/24', '--yes', '--json'])
    expect(release.code).toBe(4)
    expect(release.json.error.details).toMatchObject({rule: 'NET-5', requestId: Number(id)})
    const audit = (await ok(alice(['audit', 'log', '--entity', `net-allocation:${allocationId}`, '--json']))).json
    const entries = (audit.entries ?? audit) as Array<{action: string; entityId: string | number; before?: any; after?: any}>
    const edit = entries.find((e) => e.action === 'net.alloc.edit' && String(e.entityId) === String(allocationId))
    expect(edit?.before).toMatchObject({status: 'active', purpose: '统计专网'})
    expect(edit?.after).toMatchObject({status: 'reserved', purpose: `电子政务外网接入（申请 ${id}）`})
    await ok(alice(['net', 'request', 'implement', id]))
    await ok(alice(['net', 'request', 'test', id, '--result', 'pass']))
    expect((await ok(alice(['units', 'show', '市统计局', '--json']))).json.connection.addresses).toEqual(['10.80.5.0/24'])
  })

  it('refuses another unit’s block, a block in no pool of the plane, a bad CIDR and two sizes, writing nothing', async () => {
    const id = await reviewed('市公安局')
    const before = await holdings()
    const cases: Array<[string[], number, Record<string, unknown>]> = [
      // 市统计局's block, now in service: not the applicant's to take.
      [['--cidr', '10.80.5.0/25'], 4, {}],
      // Plane 2's space, for a plane-1 request.
      [['--cidr', '10.90.1.0/24'], 3, {field: 'cidr', rule: 'NET-1'}],
      [['--cidr', '10.80.300.0/24'], 2, {field: 'cidr'}],
      [['--cidr', '10.80.9.0/24', '--prefix-length', '24'], 2, {}],
    ]
    for (const [flags, code, details] of cases) {
      const r = await alice(['net', 'request', 'plan', id, ...flags, '--json'])
      expect(r.code, `${flags.join(' ')}: ${r.stderr}`).toBe(code)
      expect(r.json.error.details ?? {}).toMatchObject(details)
    }
    // A block the applicant holds, named with a pool it is not in.
    await ok(alice(['net', 'alloc', '--pool', '甲区', '--cidr', '10.80.70.0/24', '--unit', '市公安局']))
    const elsewhere = await alice(['net', 'request', 'plan', id, '--cidr', '10.80.70.0/24', '--pool', '市级', '--json'])
    expect(elsewhere.code).toBe(2)
    expect(elsewhere.json.error).toMatchObject({details: {field: 'pool', rule: 'NET-5'}})
    expect(elsewhere.json.error.message).toContain('甲区')
    expect((await state(id)).state).toBe('reviewed')
    expect((await holdings()).filter((h: string) => !h.includes('10.80.70.0/24'))).toEqual(before)
  })
})
