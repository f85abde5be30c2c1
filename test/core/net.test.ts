import {afterAll, beforeAll, expect, it} from 'vitest'

import {verifyAudit} from '../../src/core/audit/index.js'
import {Conflict, InvalidInput, NotFound} from '../../src/core/errors.js'
import {addPoolIn, allocateIn, type Block, blockEnd, find, findPool, formatCidr, freeBlocks, listAllocations, parseCidr, poolMap, release, removePoolIn, usage} from '../../src/core/net/index.js'
import type {Store} from '../../src/core/store/index.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

describeEachDialect('extranet address plan (NET-1, NET-2)', (dialect) => {
  let tdb: TestDatabase
  let store: Store
  const w = <T>(fn: Parameters<Store['write']>[0] extends (ctx: infer C) => Promise<unknown> ? (ctx: C) => Promise<T> : never) => store.write(fn)

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    store = await tdb.open('netadmin')
  })
  afterAll(async () => {
    await store.close()
    await tdb.cleanup()
  })

  const freeOf = async (pool: string) => (await freeBlocks(store.db, pool, {limit: 100_000})).blocks.map((b) => b.cidr)

  it('nests pools automatically: a child leaves the parent’s free space, a parent adopts pools inside it', async () => {
    await w((ctx) => addPoolIn(ctx, {cidr: '10.20.0.0/16', name: 'city', plane: 1}))
    const district = await w((ctx) => addPoolIn(ctx, {cidr: '10.20.16.0/20', name: 'district', plane: '1'}))
    expect(district.parent).toBe('city')
    expect(await freeOf('city')).toEqual(['10.20.0.0/20', '10.20.32.0/19', '10.20.64.0/18', '10.20.128.0/17'])
    expect(await freeOf('district')).toEqual(['10.20.16.0/20'])
    const town = await w((ctx) => addPoolIn(ctx, {cidr: '10.20.17.0/24', name: 'town', plane: 1}))
    expect(town.parent).toBe('district')
    // A new pool around existing ones becomes their parent.
    const province = await w((ctx) => addPoolIn(ctx, {cidr: '10.16.0.0/12', name: 'province', plane: 1}))
    expect(province.adoptedPools).toEqual(['city'])
    expect((await findPool(store.db, 'city')).parentId).toBe(province.pool.id)
    expect(await freeOf('province')).toEqual(['10.16.0.0/14', '10.21.0.0/16', '10.22.0.0/15', '10.24.0.0/13'])
    // The other plane is another address space (NET-2).
    await w((ctx) => addPoolIn(ctx, {cidr: '10.20.0.0/16', name: 'city-mobile', plane: 2}))
  })

  it('refuses bad pools with the field and rule named', async () => {
    const refuse = (input: Parameters<typeof addPoolIn>[1]) => w((ctx) => addPoolIn(ctx, input)).catch((e: unknown) => e)
    expect(await refuse({cidr: '10.20.1.0/16', name: 'x', plane: 1})).toMatchObject({code: 'invalid_input', context: {field: 'CIDR', rule: 'NET-1', details: {suggestion: '10.20.0.0/16'}}})
    expect(await refuse({cidr: '10.30.0.0/16', name: 'x', plane: 3})).toMatchObject({code: 'invalid_input', context: {field: 'plane', rule: 'NET-2'}})
    expect(await refuse({cidr: '10.30.0.0/16', name: 'city', plane: 1})).toMatchObject({code: 'conflict', context: {field: 'name'}})
    expect(await refuse({cidr: '10.20.0.0/16', name: 'again', plane: 1})).toMatchObject({code: 'conflict', context: {field: 'CIDR'}})
    expect(await refuse({cidr: '10.30.0.0/16', name: '10.1.1.1', plane: 1})).toMatchObject({context: {field: 'name'}})
  })

  it('allocates best-fit: the smallest free block that holds the request, lowest address first', async () => {
    await w((ctx) => addPoolIn(ctx, {cidr: '172.16.0.0/24', name: 'small', plane: 1}))
    const a = only(await w((ctx) => allocateIn(ctx, {pool: 'small', prefixLength: 26, unit: 'A'})))
    expect(a).toMatchObject({cidr: '172.16.0.0/26', pool: 'small', plane: 1, unit: 'A', status: 'active'})
    // Free now: .64/26 and .128/25. A /27 goes into the /26 (the smaller), keeping the /25 whole.
    const b = only(await w((ctx) => allocateIn(ctx, {pool: 'small', prefixLength: 27, unit: 'B'})))
    expect(b.cidr).toBe('172.16.0.64/27')
    const c = only(await w((ctx) => allocateIn(ctx, {pool: 'small', hosts: 50, unit: 'C', purpose: '视频会议'})))
    expect(c.cidr).toBe('172.16.0.128/26')
    await w((ctx) => release(ctx, a.cidr))
    // The released /26 comes back; a /28 goes to the lowest of the smallest blocks that fit.
    expect(await freeOf('small')).toEqual(['172.16.0.0/26', '172.16.0.96/27', '172.16.0.192/26'])
    const d = only(await w((ctx) => allocateIn(ctx, {pool: 'small', prefixLength: 28, unit: 'D'})))
    expect(d.cidr).toBe('172.16.0.96/28')
  })

  it('allocates K blocks in one transaction, or none', async () => {
    await w((ctx) => addPoolIn(ctx, {cidr: '172.17.0.0/28', name: 'tiny', plane: 1}))
    const error = await w((ctx) => allocateIn(ctx, {pool: 'tiny', prefixLength: 30, unit: 'E', count: 5})).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Conflict)
    // Said up front: four fit, not five (issue 15), rather than "no /30 left" on the fifth.
    expect((error as Conflict).key).toBe('net.notEnoughSpace')
    expect((error as Conflict).context.details).toMatchObject({fit: 4, asked: 5})
    expect(await listAllocations(store.db, {pool: 'tiny'})).toEqual([])
    const four = await w((ctx) => allocateIn(ctx, {pool: 'tiny', prefixLength: 30, unit: 'E', count: 4}))
    expect(four.map((a) => a.cidr)).toEqual(['172.17.0.0/30', '172.17.0.4/30', '172.17.0.8/30', '172.17.0.12/30'])
    expect(await freeOf('tiny')).toEqual([])
  })

  it('takes an exact block only when it is free, naming what holds it otherwise', async () => {
    const [x] = await w((ctx) => allocateIn(ctx, {pool: 'city', cidr: '10.20.255.0/24', unit: '市数据局', status: 'reserved'}))
    expect(x).toMatchObject({cidr: '10.20.255.0/24', status: 'reserved'})
    const taken = await w((ctx) => allocateIn(ctx, {pool: 'city', cidr: '10.20.255.128/25', unit: 'other'})).catch((e: unknown) => e)
    expect(taken).toMatchObject({code: 'conflict', key: 'net.taken', params: {holder: '市数据局'}})
    const inChild = await w((ctx) => allocateIn(ctx, {pool: 'city', cidr: '10.20.16.0/24', unit: 'other'})).catch((e: unknown) => e)
    expect(inChild).toMatchObject({code: 'conflict', params: {holder: 'district'}})
    const outside = await w((ctx) => allocateIn(ctx, {pool: 'city', cidr: '10.21.0.0/24', unit: 'other'})).catch((e: unknown) => e)
    expect(outside).toMatchObject({code: 'invalid_input', context: {field: 'cidr', rule: 'NET-1'}})
  })

  it('refuses bad allocation requests before writing anything', async () => {
    const auditBefore = (await verifyAudit(store.db)).count
    const refuse = (input: Parameters<typeof allocateIn>[1]) => w((ctx) => allocateIn(ctx, input)).catch((e: unknown) => e as InvalidInput)
    expect(await refuse({pool: 'city', unit: 'u'})).toMatchObject({key: 'net.oneSize'})
    expect(await refuse({pool: 'city', unit: 'u', prefixLength: 24, hosts: 3})).toMatchObject({key: 'net.oneSize'})
    expect(await refuse({pool: 'city', unit: 'u', prefixLength: 8})).toMatchObject({key: 'net.prefixTooShort', context: {field: 'prefix-length'}})
    expect(await refuse({pool: 'city', unit: 'u', prefixLength: 33})).toMatchObject({context: {field: 'prefix-length'}})
    expect(await refuse({pool: 'city', unit: '  ', prefixLength: 29})).toMatchObject({context: {field: 'unit'}})
    expect(await refuse({pool: 'city', unit: 'u', prefixLength: 29, status: 'maybe'})).toMatchObject({context: {field: 'status'}})
    expect(await refuse({pool: 'city', unit: 'u', cidr: '10.20.200.0/24', count: 2})).toMatchObject({context: {field: 'count'}})
    expect(await refuse({pool: 'city', unit: 'u', cidr: '2001:db8::/48'})).toMatchObject({key: 'net.familyMismatch'})
    expect(await refuse({pool: 'nowhere', unit: 'u', prefixLength: 29})).toBeInstanceOf(NotFound)
    expect((await verifyAudit(store.db)).count).toBe(auditBefore)
  })

  it('works at IPv6 /32 scale without enumerating addresses', async () => {
    await w((ctx) => addPoolIn(ctx, {cidr: '2001:db8::/32', name: 'v6', plane: 1}))
    const blocks = await w((ctx) => allocateIn(ctx, {pool: 'v6', prefixLength: 48, unit: 'A', count: 3}))
    expect(blocks.map((b) => b.cidr)).toEqual(['2001:db8::/48', '2001:db8:1::/48', '2001:db8:2::/48'])
    const host = only(await w((ctx) => allocateIn(ctx, {pool: 'v6', prefixLength: 128, unit: 'B'})))
    expect(host.cidr).toBe('2001:db8:3::/128')
    const free = await freeBlocks(store.db, 'v6', {prefixLength: 64, limit: 3})
    // Blocks that can hold a /64: the /33–/46 left of the /32, and the /49–/64 left of the /48 the host came from.
    expect(free.blocks[0]?.cidr).toBe('2001:db8:3:1::/64')
    expect(free.totalBlocks).toBe(14 + 16)
    expect(free.fit?.count).toBe(String((1n << 32n) - 3n * (1n << 16n) - 1n))
    expect(BigInt(free.addresses)).toBe((1n << 96n) - 3n * (1n << 80n) - (1n << 64n))
    const all = await freeBlocks(store.db, 'v6', {limit: 1})
    expect(all.blocks[0]?.cidr).toBe('2001:db8:3::1/128')
    expect(all.totalBlocks).toBe(14 + 80)
    expect(BigInt(all.addresses)).toBe((1n << 96n) - 3n * (1n << 80n) - 1n)
    const err = await w((ctx) => allocateIn(ctx, {pool: 'v6', hosts: 10, unit: 'C'})).catch((e: unknown) => e)
    expect(err).toMatchObject({key: 'net.hostsV6', context: {field: 'hosts'}})
    await w((ctx) => release(ctx, host.cidr))
    expect((await freeBlocks(store.db, 'v6', {limit: 100})).blocks.map((b) => b.cidr)).toContain('2001:db8:3::/48')
  })

  it('finds who holds an address, on each plane, and says when nobody does', async () => {
    const r = await find(store.db, '10.20.255.7')
    expect(r.matches).toHaveLength(2)
    expect(r.matches[0]).toMatchObject({plane: 1, pools: [{name: 'province'}, {name: 'city'}], allocations: [{cidr: '10.20.255.0/24', unit: '市数据局'}]})
    expect(r.matches[1]).toMatchObject({plane: 2, pools: [{name: 'city-mobile'}], allocations: []})
    await expect(find(store.db, '192.0.2.1')).rejects.toBeInstanceOf(NotFound)
    await expect(find(store.db, 'not-an-ip')).rejects.toBeInstanceOf(InvalidInput)
  })

  it('keeps released allocations as history and refuses a second release', async () => {
    const a = only(await w((ctx) => allocateIn(ctx, {pool: 'city', prefixLength: 28, unit: 'temp'})))
    const released = await w((ctx) => release(ctx, String(a.id)))
    expect(released).toMatchObject({status: 'released', releasedBy: tdb.actor('netadmin')})
    expect((await listAllocations(store.db, {unit: 'temp'})).length).toBe(0)
    expect((await listAllocations(store.db, {unit: 'temp', all: true}))[0]).toMatchObject({cidr: a.cidr, status: 'released'})
    expect(await w((ctx) => release(ctx, String(a.id))).catch((e: unknown) => e)).toMatchObject({code: 'conflict', key: 'net.alreadyReleased'})
    expect(await w((ctx) => release(ctx, '999999')).catch((e: unknown) => e)).toBeInstanceOf(NotFound)
  })

  it('refuses to remove a pool that holds something, and gives an empty pool’s space back to its parent', async () => {
    expect(await w((ctx) => removePoolIn(ctx, 'district')).catch((e: unknown) => e)).toMatchObject({code: 'conflict', key: 'net.poolNotEmpty'})
    await w((ctx) => removePoolIn(ctx, 'town'))
    await w((ctx) => removePoolIn(ctx, 'district'))
    // The district's /20 merges with its free buddies back up to a /17.
    expect(await freeOf('city')).toContain('10.20.0.0/17')
  })

  it('refuses a pool that would cut into an allocation; adopts allocations it contains', async () => {
    await w((ctx) => allocateIn(ctx, {pool: 'city', cidr: '10.20.64.0/22', unit: 'big'}))
    const cut = await w((ctx) => addPoolIn(ctx, {cidr: '10.20.64.0/24', name: 'cut', plane: 1})).catch((e: unknown) => e)
    expect(cut).toMatchObject({code: 'conflict', key: 'net.poolCutsAllocation', context: {rule: 'NET-1'}})
    const around = await w((ctx) => addPoolIn(ctx, {cidr: '10.20.64.0/20', name: 'around', plane: 1}))
    expect(around.adoptedAllocations).toEqual(['10.20.64.0/22'])
    expect((await listAllocations(store.db, {unit: 'big'}))[0]?.pool).toBe('around')
    expect(await freeOf('around')).toEqual(['10.20.68.0/22', '10.20.72.0/21'])
  })

  it('reports usage per pool, rolled up the tree, and per unit', async () => {
    const report = await usage(store.db)
    const city = report.pools.find((p) => p.name === 'city')!
    expect(city).toMatchObject({parent: 'province', depth: 1, size: '65536'})
    const held = (await listAllocations(store.db, {pool: 'city'})).reduce((n, a) => n + BigInt(a.addresses), 0n)
    expect(BigInt(city.allocated) + BigInt(city.reserved)).toBe(held)
    expect(report.units.find((u) => u.unit === '市数据局')).toMatchObject({blocks: 1, ipv4: '256'})
    const map = await poolMap(store.db, 'city')
    // Segments cover the pool exactly, in order, without gaps.
    let next = map.start
    for (const s of map.segments) {
      expect(s.start).toBe(next)
      next = s.end + 1n
    }
    expect(next - 1n).toBe(map.end)
    expect(map.segments.some((s) => s.kind === 'pool' && s.holder === 'around')).toBe(true)
  })

  it('property: thousands of random allocate/release steps never overlap and always choose the best fit', async () => {
    await w((ctx) => addPoolIn(ctx, {cidr: '100.64.0.0/16', name: 'prop', plane: 2}))
    const pool = parseCidr('100.64.0.0/16', 'x')
    const held = new Map<string, Block>()
    let seed = 20261123
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    const steps = dialect === 'sqlite' ? 3000 : 1500
    for (let step = 0; step < steps; step++) {
      if (held.size && random() < 0.4) {
        const keys = [...held.keys()]
        const cidr = keys[Math.floor(random() * keys.length)]!
        await w((ctx) => release(ctx, cidr))
        held.delete(cidr)
      } else {
        const prefix = 20 + Math.floor(random() * 11) // /20 … /30
        const expected = expectedBestFit(pool, [...held.values()], prefix)
        const result = await w((ctx) => allocateIn(ctx, {pool: 'prop', prefixLength: prefix, unit: `u${step % 7}`})).catch((e: unknown) => e)
        if (!expected) {
          expect(result).toBeInstanceOf(Conflict)
          continue
        }
        const a = only(result as Awaited<ReturnType<typeof allocateIn>>)
        expect(a.cidr, `step ${step}`).toBe(formatCidr(expected))
        held.set(a.cidr, parseCidr(a.cidr, 'x'))
      }
      if (step % 100 === 0) {
        const blocks = [...held.values()].sort((x, y) => (x.start < y.start ? -1 : 1))
        for (let i = 1; i < blocks.length; i++) expect(blocks[i]!.start > blockEnd(blocks[i - 1]!)).toBe(true)
        expect(await freeOf('prop')).toEqual(independentFree(pool, [...held.values()]).map(formatCidr))
      }
    }
    const stored = await listAllocations(store.db, {pool: 'prop'})
    expect(stored.map((a) => a.cidr).sort()).toEqual([...held.keys()].sort())
    expect((await verifyAudit(store.db)).ok).toBe(true)
  }, 300_000)
})

/**
 * The free space computed independently of egov's index, by walking every address
 * boundary: each maximal aligned block that touches no held block, greedily from the
 * lowest address (numbers, not bigints: this is IPv4).
 */
function independentFree(pool: Block, held: Block[]): Block[] {
  const start = Number(pool.start)
  const end = start + 2 ** (32 - pool.prefix)
  const taken = held.map((b) => [Number(b.start), Number(b.start) + 2 ** (32 - b.prefix)] as const).sort((a, b) => a[0] - b[0])
  const out: Block[] = []
  let cursor = start
  const emit = (from: number, to: number) => {
    while (from < to) {
      let size = 1
      while (from % (size * 2) === 0 && from + size * 2 <= to) size *= 2
      out.push({family: 4, start: BigInt(from), prefix: 32 - Math.log2(size)})
      from += size
    }
  }
  for (const [s, e] of taken) {
    emit(cursor, s)
    cursor = Math.max(cursor, e)
  }
  emit(cursor, end)
  return out
}

/** DESIGN's best-fit rule, stated directly: the smallest free block that can hold the request, the lowest among equals. */
function expectedBestFit(pool: Block, held: Block[], prefix: number): Block | undefined {
  const candidates = independentFree(pool, held).filter((b) => b.prefix <= prefix)
  if (!candidates.length) return undefined
  candidates.sort((a, b) => b.prefix - a.prefix || (a.start < b.start ? -1 : 1))
  return {family: 4, start: candidates[0]!.start, prefix}
}

/** The one block an allocation without a count gives (allocateIn answers a list). */
function only<T>(blocks: readonly T[]): T {
  expect(blocks).toHaveLength(1)
  return blocks[0]!
}
