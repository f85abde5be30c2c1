import {afterAll, beforeAll, expect, it} from 'vitest'

import {isolatedHome} from '../helpers/cli.js'
import {egovInProcess} from '../helpers/in-process.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

/**
 * Issue 15, "Edit": the address plan as it is can be corrected — an allocation's purpose,
 * holder (registry units only) or status; a pool's name and note; an aggregate pool added
 * by mistake removed with its children lifted to its parent. A connection's block keeps its
 * holder and status (NET-5, NET-6, NET-7). Every edit is audited with before and after.
 */
describeEachDialect('net alloc edit, net pool edit, net pool remove --lift', (dialect) => {
  let tdb: TestDatabase
  let env: Record<string, string>
  const as = (who: string) => ({...env, ...tdb.envFor(who)})
  const alice = (args: string[]) => egovInProcess(args, as('alice'))
  const bob = (args: string[]) => egovInProcess(args, as('bob'))
  const ok = async (r: Promise<{code: number; stdout: string; stderr: string; json?: any}>) => {
    const done = await r
    expect(done.code, done.stderr).toBe(0)
    return done
  }
  const count = (table: string) => tdb.count(table)
  const written = async () => [await count('net_allocations'), await count('net_pools'), await count('net_free'), await count('audit_log')]
  const allocations = async () =>
    (await alice(['net', 'list', '--json'])).json.allocations.map(
      (a: {cidr: string; pool: string; unit: string; status: string; purpose: string | null}) => `${a.cidr} ${a.pool} ${a.unit} ${a.status} ${a.purpose ?? '-'}`,
    )
  const auditOf = async (entity: string) => (await ok(alice(['audit', 'log', '--entity', entity, '--json']))).json.entries as Array<{action: string; before: any; after: any}>

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    for (const who of ['alice', 'bob']) await (await tdb.open(who)).close()
    env = {...isolatedHome(), ...tdb.env, EGOV_NOW: '2026-03-02T10:00:00+08:00'}
    for (const args of [
      ['net', 'pool', 'add', '10.80.0.0/16', '--name', '市级', '--plane', '1'],
      ['net', 'pool', 'add', '10.80.16.0/20', '--name', '甲县', '--plane', '1'],
      ['net', 'pool', 'add', '10.80.32.0/20', '--name', '乙县', '--plane', '1', '--note', '乙县各部门'],
      ['units', 'add', '市人社局', '--kind', 'party-government', '--level', 'city', '--budget', 'city'],
      ['units', 'add', '市医保局', '--kind', 'party-government', '--level', 'city', '--budget', 'city'],
      ['units', 'add', '市司法局', '--kind', 'party-government', '--level', 'city', '--budget', 'city'],
      ['units', 'add', '市统计局', '--kind', 'party-government', '--level', 'city', '--budget', 'city'],
    ])
      await ok(alice(args))
  })
  afterAll(async () => {
    await tdb.cleanup()
  })

  it('net alloc edit changes purpose, holder and status, audited with before and after; the same values again are unchanged', async () => {
    const made = await ok(alice(['net', 'alloc', '--pool', '甲县', '--cidr', '10.80.16.0/24', '--unit', '市人社局', '--purpose', '社保', '--status', 'reserved', '--json']))
    const id = made.json.allocations[0].id as number
    const edited = await ok(alice(['net', 'alloc', 'edit', '10.80.16.0/24', '--purpose', '社保业务专网', '--unit', '市医保局', '--status', 'active', '--json']))
    expect(edited.json).toMatchObject({unchanged: false, warnings: [], allocation: {id, cidr: '10.80.16.0/24', unit: '市医保局', purpose: '社保业务专网', status: 'active'}})
    expect(edited.json.changes).toEqual([
      {field: 'purpose', before: '社保', after: '社保业务专网'},
      {field: 'unit', before: '市人社局', after: '市医保局'},
      {field: 'status', before: 'reserved', after: 'active'},
    ])
    expect(await allocations()).toContain('10.80.16.0/24 甲县 市医保局 active 社保业务专网')

    const entries = (await auditOf(`net-allocation:${id}`)).filter((e) => e.action === 'net.alloc.edit')
    expect(entries).toHaveLength(1)
    expect(entries[0]!.before).toMatchObject({unit: '市人社局', purpose: '社保', status: 'reserved'})
    expect(entries[0]!.after).toMatchObject({unit: '市医保局', purpose: '社保业务专网', status: 'active'})

    // A re-run: nothing written, no audit entry, and it says so.
    const before = await written()
    const again = await ok(alice(['net', 'alloc', 'edit', String(id), '--purpose', '社保业务专网', '--unit', '市医保局', '--status', 'active', '--json']))
    expect(again.json).toMatchObject({unchanged: true, changes: [], warnings: []})
    const text = await ok(alice(['net', 'alloc', 'edit', `#${id}`, '--status', 'active']))
    expect(text.stdout).toContain('nothing changed')
    expect(await written()).toEqual(before)

    // Back to reserved, by ID; the purpose cleared with "".
    const back = await ok(alice(['net', 'alloc', 'edit', String(id), '--status', '预留', '--purpose', '', '--json']))
    expect(back.json.allocation).toMatchObject({status: 'reserved', purpose: null})
  })

  it('refuses bad input with the documented exit code, naming the field, nothing written', async () => {
    await ok(alice(['net', 'alloc', '--pool', '甲县', '--cidr', '10.80.17.0/24', '--unit', '市统计局']))
    const before = await written()
    const nothing = await alice(['net', 'alloc', 'edit', '10.80.17.0/24', '--json'])
    expect(nothing.code).toBe(2)
    expect(nothing.json.error.message).toContain('--purpose, --unit, --status')

    const status = await alice(['net', 'alloc', 'edit', '10.80.17.0/24', '--status', 'released', '--json'])
    expect(status.code).toBe(2)
    expect(status.json.error.details.field).toBe('status')
    expect(status.json.error.message).toContain('status: "released" must be one of active')

    for (const ref of ['9999', '10.99.0.0/24']) {
      const missing = await alice(['net', 'alloc', 'edit', ref, '--purpose', 'x', '--json'])
      expect(missing.code, ref).toBe(3)
      expect(missing.json.error.details.field).toBe('CIDR|ID')
    }
    const badCidr = await alice(['net', 'alloc', 'edit', '10.80.17.5/24', '--purpose', 'x', '--json'])
    expect(badCidr.code).toBe(2)

    const unknown = await alice(['net', 'alloc', 'edit', '10.80.17.0/24', '--unit', '市统计', '--json'])
    expect(unknown.code).toBe(3)
    expect(unknown.json.error.details).toMatchObject({field: 'unit', suggestion: '市统计局'})

    const unsafe = await alice(['net', 'alloc', 'edit', '10.80.17.0/24', '--purpose', 'a\u202eb', '--json'])
    expect(unsafe.code).toBe(2)
    expect(unsafe.json.error.details.field).toBe('purpose')
    expect(await written()).toEqual(before)

    // A released block is history.
    await ok(alice(['net', 'release', '10.80.17.0/24', '--yes']))
    const released = await alice(['net', 'alloc', 'edit', '10.80.17.0/24', '--purpose', 'x', '--json'])
    expect(released.code).toBe(4)
  })

  it("a connection's block keeps its holder and status (NET-6 in service, NET-5 planned); its purpose may be edited", async () => {
    const filed = await ok(
      alice(['net', 'request', 'apply', '--unit', '市司法局', '--basis', '依据', '--access-mode', 'fiber', '--scope', '办公楼', '--hosts', '10', '--bandwidth', '100', '--business', '业务', '--json']),
    )
    const id = String(filed.json.request.id)
    await ok(bob(['requests', 'approve', id]))
    const planned = await ok(alice(['net', 'request', 'plan', id, '--pool', '市级', '--json']))
    const cidr = planned.json.request.payload.plan.cidr as string

    const before = await written()
    const activate = await alice(['net', 'alloc', 'edit', cidr, '--status', 'active', '--json'])
    expect(activate.code).toBe(4)
    expect(activate.json.error.details).toMatchObject({rule: 'NET-5', field: 'status', unit: '市司法局', connection: 'planned', requestId: Number(id)})
    expect(await written()).toEqual(before)

    await ok(alice(['net', 'request', 'implement', id]))
    await ok(alice(['net', 'request', 'test', id, '--result', 'pass']))
    const inService = await written()
    const holder = await alice(['net', 'alloc', 'edit', cidr, '--unit', '市统计局', '--purpose', '改', '--json'])
    expect(holder.code).toBe(4)
    expect(holder.json.error.details).toMatchObject({rule: 'NET-6', field: 'unit', unit: '市司法局', connection: 'in-service'})
    expect(holder.json.error.details.use).toContain('egov net request change 市司法局')
    expect(holder.json.error.message).toContain('NET-6')
    const status = await alice(['net', 'alloc', 'edit', cidr, '--status', 'reserved', '--json'])
    expect(status.code).toBe(4)
    expect(status.json.error.details).toMatchObject({rule: 'NET-6', field: 'status'})
    expect(await written()).toEqual(inService)

    const purpose = await ok(alice(['net', 'alloc', 'edit', cidr, '--purpose', '司法业务专网', '--json']))
    expect(purpose.json.allocation).toMatchObject({unit: '市司法局', purpose: '司法业务专网'})
    // Naming the holder it has already is no change, so no refusal.
    expect((await ok(alice(['net', 'alloc', 'edit', cidr, '--unit', '市司法局', '--json']))).json.unchanged).toBe(true)
  })

  it('net pool edit renames and re-notes a pool; its allocations carry the new name; a name in use is exit 4', async () => {
    await ok(alice(['net', 'alloc', '--pool', '乙县', '--prefix-length', '26', '--unit', '市统计局']))
    const edited = await ok(alice(['net', 'pool', 'edit', '乙县', '--name', '乙县（城关）', '--note', '乙县城关各部门', '--json']))
    expect(edited.json).toMatchObject({unchanged: false, warnings: [], pool: {name: '乙县（城关）', cidr: '10.80.32.0/20', note: '乙县城关各部门'}})
    expect(edited.json.changes).toEqual([
      {field: 'name', before: '乙县', after: '乙县（城关）'},
      {field: 'note', before: '乙县各部门', after: '乙县城关各部门'},
    ])
    expect(await allocations()).toContain('10.80.32.0/26 乙县（城关） 市统计局 active -')
    expect((await ok(alice(['net', 'pool', 'show', '乙县（城关）', '--json']))).json).toMatchObject({name: '乙县（城关）'})
    const entry = (await auditOf(`net-pool:${edited.json.pool.id}`)).find((e) => e.action === 'net.pool.edit')!
    expect(entry.before).toMatchObject({name: '乙县', note: '乙县各部门'})
    expect(entry.after).toMatchObject({name: '乙县（城关）', note: '乙县城关各部门'})

    const before = await written()
    expect((await ok(alice(['net', 'pool', 'edit', '10.80.32.0/20', '--name', '乙县（城关）', '--json']))).json).toMatchObject({unchanged: true, changes: []})
    const taken = await alice(['net', 'pool', 'edit', '乙县（城关）', '--name', '甲县', '--json'])
    expect(taken.code).toBe(4)
    expect(taken.json.error.details.field).toBe('name')
    expect(taken.json.error.message).toContain('a pool named 甲县 exists already')
    const address = await alice(['net', 'pool', 'edit', '乙县（城关）', '--name', '10.80.32.0/20', '--json'])
    expect(address.code).toBe(2)
    expect(address.json.error.details.field).toBe('name')
    const unsafe = await alice(['net', 'pool', 'edit', '乙县（城关）', '--note', 'a\u0007b', '--json'])
    expect(unsafe.code).toBe(2)
    expect(unsafe.json.error.details.field).toBe('note')
    expect((await alice(['net', 'pool', 'edit', '乙县（城关）', '--json'])).code).toBe(2)
    expect((await alice(['net', 'pool', 'edit', '丙县', '--note', 'x', '--json'])).code).toBe(3)
    expect(await written()).toEqual(before)
  })

  it('net pool remove --lift moves child pools and allocations up to the parent; without --lift the pool is still refused', async () => {
    // An aggregate added by mistake inside 市级, around 甲县 and 乙县 (and 市司法局's block in service,
    // 10.80.0.0/28, which it took over from 市级), then given a block of its own.
    await ok(alice(['net', 'pool', 'add', '10.80.0.0/18', '--name', '误加', '--plane', '1']))
    const own = await ok(alice(['net', 'alloc', '--pool', '误加', '--cidr', '10.80.48.0/24', '--unit', '市统计局', '--json']))
    expect(own.json.allocations[0].pool).toBe('误加')
    const freeBefore = (await ok(alice(['net', 'free', '--pool', '市级', '--json']))).json

    const before = await written()
    const plain = await alice(['net', 'pool', 'remove', '误加', '--yes', '--json'])
    expect(plain.code).toBe(4)
    expect(plain.json.error.message).toContain('--lift')
    const unconfirmed = await alice(['net', 'pool', 'remove', '误加', '--lift', '--json'])
    expect(unconfirmed.code).toBe(2)
    expect(unconfirmed.json.error.details.field).toBe('yes')
    expect(await written()).toEqual(before)

    const lifted = await ok(alice(['net', 'pool', 'remove', '误加', '--lift', '--yes', '--json']))
    expect(lifted.json).toMatchObject({removed: {name: '误加', cidr: '10.80.0.0/18'}, parent: '市级', movedAllocations: ['10.80.0.0/28', '10.80.48.0/24'], warnings: []})
    expect([...lifted.json.movedPools].sort()).toEqual(['乙县（城关）', '甲县'].sort())
    const pools = (await ok(alice(['net', 'pool', 'list', '--json']))).json.pools as Array<{name: string; parent: string | null}>
    expect(
      pools
        .filter((p) => p.name !== '市级')
        .map((p) => `${p.name} ${p.parent}`)
        .sort(),
    ).toEqual(['乙县（城关） 市级', '甲县 市级'])
    expect(await allocations()).toContain('10.80.48.0/24 市级 市统计局 active -')
    // A connection's block moves with its pool: its holder and status stay (NET-6).
    expect(await allocations()).toContain('10.80.0.0/28 市级 市司法局 active 司法业务专网')
    // The aggregate's free space is the parent's again: 市级 has what it had plus the aggregate's free blocks, merged.
    const freeAfter = (await ok(alice(['net', 'free', '--pool', '市级', '--json']))).json
    expect(BigInt(freeAfter.addresses)).toBeGreaterThan(BigInt(freeBefore.addresses))
    expect(freeAfter.blocks.map((b: {cidr: string}) => b.cidr)).toContain('10.80.49.0/24')
    // …and is allocated from like any other free space.
    await ok(alice(['net', 'alloc', '--pool', '市级', '--cidr', '10.80.56.0/21', '--unit', '市统计局']))

    const entry = (await auditOf(`net-pool:${lifted.json.removed.id}`)).find((e) => e.action === 'net.pool.remove')!
    expect(entry.before).toMatchObject({name: '误加', parent: '市级', allocations: ['10.80.0.0/28', '10.80.48.0/24']})
    expect(entry.after).toMatchObject({lifted: true, parent: '市级', movedAllocations: ['10.80.0.0/28', '10.80.48.0/24']})
    expect((await alice(['audit', 'verify'])).code).toBe(0)
  })

  it('a top-level aggregate lifts its child pools to the top level; one holding allocations itself is refused (NET-1)', async () => {
    await ok(alice(['net', 'pool', 'add', '10.80.0.0/14', '--name', '误加汇总', '--plane', '1']))
    const lifted = await ok(alice(['net', 'pool', 'remove', '误加汇总', '--lift', '--yes', '--json']))
    expect(lifted.json).toMatchObject({parent: null, movedPools: ['市级'], movedAllocations: []})
    const pools = (await ok(alice(['net', 'pool', 'list', '--json']))).json.pools as Array<{name: string; parent: string | null}>
    expect(pools.find((p) => p.name === '市级')!.parent).toBeNull()

    const before = await written()
    const refused = await alice(['net', 'pool', 'remove', '市级', '--lift', '--yes', '--json'])
    expect(refused.code).toBe(4)
    expect(refused.json.error.details).toMatchObject({rule: 'NET-1', field: 'NAME'})
    expect(await written()).toEqual(before)
  })
})
