/**
 * Reports on address space (NET-4): a pool's free blocks (`net free`) and utilisation per
 * pool, unit and district (`net usage`, `net pool list`), from grouped counts.
 */
import {InvalidInput, NotFound} from '../errors.js'
import {blockSize, type Family, formatCidr, fromKey, parseCidr, toKey, WIDTH} from './ip.js'
import {type Db, type Plane, type Pool} from './model.js'
import {allPools, findPool, subtreeIds, treeOrder} from './pools.js'
import {type Reader, readerDb} from '../store/index.js'

export interface FreeResult {
  pool: string
  cidr: string
  /** Free blocks listed, lowest address first. */
  blocks: Array<{cidr: string; prefix: number; addresses: string}>
  /** All free blocks of the pool (of at least the asked size). */
  totalBlocks: number
  /** Free addresses in those blocks. */
  addresses: string
  /** With a prefix length: how many blocks of that size fit. */
  fit?: {prefix: number; count: string}
}

/** The pool's free blocks from the index, paged: an IPv6 /32 is listed without enumerating addresses. */
export async function freeBlocks(from: Reader, ref: string, options: {prefixLength?: number; limit?: number; after?: string} = {}): Promise<FreeResult> {
  const db = readerDb(from)
  const pool = await findPool(db, ref)
  const width = WIDTH[pool.family]
  const n = options.prefixLength
  if (n !== undefined && (!Number.isInteger(n) || n < pool.prefix || n > width)) {
    throw new InvalidInput('net.badPrefix', {value: n, min: pool.prefix, max: width, pool: pool.name}, {field: 'prefix-length'})
  }
  let q = db.selectFrom('net_free').select(['prefix', 'start_key']).where('pool_id', '=', pool.id)
  if (n !== undefined) q = q.where('prefix', '<=', n)
  if (options.after) {
    const after = parseCidr(options.after, 'after')
    q = q.where('start_key', '>', toKey(after.start, after.family))
  }
  const rows = await q
    .orderBy('start_key')
    .limit(options.limit ?? 50)
    .execute()
  let countQuery = db
    .selectFrom('net_free')
    .select(['prefix', (eb) => eb.fn.countAll<number>().as('n')])
    .where('pool_id', '=', pool.id)
  if (n !== undefined) countQuery = countQuery.where('prefix', '<=', n)
  const counts = await countQuery.groupBy('prefix').execute()
  let totalBlocks = 0
  let addresses = 0n
  let fit = 0n
  for (const c of counts) {
    const k = BigInt(c.n)
    totalBlocks += Number(c.n)
    addresses += k * blockSize(pool.family, Number(c.prefix))
    if (n !== undefined) fit += k << BigInt(n - Number(c.prefix))
  }
  return {
    pool: pool.name,
    cidr: pool.cidr,
    blocks: rows.map((r) => {
      const b = {family: pool.family, start: fromKey(r.start_key), prefix: Number(r.prefix)}
      return {cidr: formatCidr(b), prefix: b.prefix, addresses: blockSize(b.family, b.prefix).toString()}
    }),
    totalBlocks,
    addresses: addresses.toString(),
    ...(n === undefined ? {} : {fit: {prefix: n, count: fit.toString()}}),
  }
}

export interface PoolUsage {
  name: string
  cidr: string
  plane: Plane
  family: Family
  parent: string | null
  depth: number
  /** 属地 (NET-4): its own district or its nearest ancestor's; null when none is recorded. */
  district: string | null
  /** Addresses, as decimal strings. */
  size: string
  /** Held by allocations in this pool and the pools below it. */
  allocated: string
  reserved: string
  /** Free in this pool and the pools below it. */
  free: string
  /** Share of the pool held by allocations (active and reserved), 0–100. */
  usedPercent: number
}

export interface UnitUsage {
  unit: string
  blocks: number
  /** IPv4 addresses held. */
  ipv4: string
  /** IPv6 addresses held. */
  ipv6: string
}

/**
 * One district's address space (NET-4), per plane and family: every pool of the district, each
 * with its own space only (a county pool inside the city pool counts for the county, not twice).
 */
export interface DistrictUsage {
  district: string | null
  plane: Plane
  family: Family
  pools: number
  size: string
  allocated: string
  reserved: string
  free: string
  usedPercent: number
}

export interface UsageReport {
  pools: PoolUsage[]
  units: UnitUsage[]
  /** Per district, plane and family (NET-4); empty when no pool records a district. */
  districts: DistrictUsage[]
}

/**
 * Utilisation per pool (a tree, outermost first) and per unit, from grouped counts: a
 * pool of 100,000 allocations is a few thousand groups, not 100,000 rows in memory.
 */
export async function usage(from: Reader, ref?: string, options: {district?: string} = {}): Promise<UsageReport> {
  const db = readerDb(from)
  const pools = await allPools(db)
  const byId = new Map(pools.map((p) => [p.id, p]))
  // Each pool's district: its own, else its nearest ancestor's (pools come outermost first in treeOrder).
  const districtOf = new Map<number, string | null>()
  for (const p of treeOrder(pools)) districtOf.set(p.id, p.district ?? (p.parentId === null ? null : (districtOf.get(p.parentId) ?? null)))
  const scope = await scopeOf(db, pools, districtOf, ref, options.district)
  const own = await ownFigures(db, byId)
  // Roll figures up the tree, deepest pools first.
  const depth = (p: Pool): number => (p.parentId === null ? 0 : 1 + depth(byId.get(p.parentId)!))
  const total = new Map<number, Figures>()
  for (const p of [...pools].sort((a, b) => depth(b) - depth(a))) {
    const mine = {...own(p.id)}
    for (const c of pools) {
      if (c.parentId !== p.id) continue
      const t = total.get(c.id)!
      mine.allocated += t.allocated
      mine.reserved += t.reserved
      mine.free += t.free
    }
    total.set(p.id, mine)
  }
  const ordered = treeOrder(pools)
  const poolUsage: PoolUsage[] = ordered
    .filter((p) => !scope || scope.has(p.id))
    .map((p) => {
      const t = total.get(p.id)!
      const size = blockSize(p.family, p.prefix)
      return {
        name: p.name,
        cidr: p.cidr,
        plane: p.plane,
        family: p.family,
        parent: p.parentId === null ? null : byId.get(p.parentId)!.name,
        depth: depth(p),
        district: districtOf.get(p.id) ?? null,
        size: size.toString(),
        allocated: t.allocated.toString(),
        reserved: t.reserved.toString(),
        free: t.free.toString(),
        usedPercent: percent(t.allocated + t.reserved, size),
      }
    })
  const units = await unitUsage(db, scope)
  const districts = [...districtOf.values()].some((d) => d !== null)
    ? districtUsage(
        ordered.filter((p) => !scope || scope.has(p.id)),
        districtOf,
        own,
      )
    : []
  return {pools: poolUsage, units, districts}
}

/** Addresses a pool holds itself (not its child pools'): allocated, reserved, free. */
interface Figures {
  allocated: bigint
  reserved: bigint
  free: bigint
}

/** The pools a report covers: a pool and those below it, narrowed to one district (NET-4); undefined: all. */
async function scopeOf(db: Db, pools: Pool[], districtOf: Map<number, string | null>, ref: string | undefined, district: string | undefined): Promise<Set<number> | undefined> {
  let scope = ref ? new Set(await subtreeIds(db, await findPool(db, ref))) : undefined
  if (district !== undefined) {
    const wanted = district.trim()
    const known = [...new Set([...districtOf.values()].filter((d): d is string => d !== null))]
    if (!known.includes(wanted)) throw new NotFound('net.districtNotFound', {district: wanted, known: known.join(', ') || '—'}, {field: 'district', rule: 'NET-4'})
    scope = new Set(pools.filter((p) => districtOf.get(p.id) === wanted && (!scope || scope.has(p.id))).map((p) => p.id))
  }
  return scope
}

/** Each pool's own figures, from counts grouped by pool, status and prefix. */
async function ownFigures(db: Db, byId: Map<number, Pool>): Promise<(id: number) => Figures> {
  const own = new Map<number, Figures>()
  const get = (id: number) => own.get(id) ?? (own.set(id, {allocated: 0n, reserved: 0n, free: 0n}), own.get(id)!)
  const held = await db
    .selectFrom('net_allocations')
    .select(['pool_id', 'status', 'prefix', (eb) => eb.fn.countAll<number>().as('n')])
    .where('status', '<>', 'released')
    .groupBy(['pool_id', 'status', 'prefix'])
    .execute()
  for (const h of held) {
    const pool = byId.get(Number(h.pool_id))
    if (!pool) continue
    const addresses = BigInt(h.n) * blockSize(pool.family, Number(h.prefix))
    if (h.status === 'reserved') get(pool.id).reserved += addresses
    else get(pool.id).allocated += addresses
  }
  const free = await db
    .selectFrom('net_free')
    .select(['pool_id', 'prefix', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy(['pool_id', 'prefix'])
    .execute()
  for (const f of free) {
    const pool = byId.get(Number(f.pool_id))
    if (pool) get(pool.id).free += BigInt(f.n) * blockSize(pool.family, Number(f.prefix))
  }
  return get
}

/** Addresses held per unit (in the scope), most IPv4 first. */
async function unitUsage(db: Db, scope: Set<number> | undefined): Promise<UnitUsage[]> {
  let unitQuery = db
    .selectFrom('net_allocations')
    .select(['unit', 'family', 'prefix', (eb) => eb.fn.countAll<number>().as('n')])
    .where('status', '<>', 'released')
  if (scope) unitQuery = unitQuery.where('pool_id', 'in', [...scope])
  const unitRows = await unitQuery.groupBy(['unit', 'family', 'prefix']).execute()
  const units = new Map<string, {blocks: number; v4: bigint; v6: bigint}>()
  for (const r of unitRows) {
    const u = units.get(r.unit) ?? {blocks: 0, v4: 0n, v6: 0n}
    const family = Number(r.family) as Family
    const addresses = BigInt(r.n) * blockSize(family, Number(r.prefix))
    u.blocks += Number(r.n)
    if (family === 4) u.v4 += addresses
    else u.v6 += addresses
    units.set(r.unit, u)
  }
  return [...units.entries()]
    .map(([unit, u]) => ({unit, blocks: u.blocks, ipv4: u.v4.toString(), ipv6: u.v6.toString()}))
    .sort((a, b) => (BigInt(b.ipv4) > BigInt(a.ipv4) ? 1 : BigInt(b.ipv4) < BigInt(a.ipv4) ? -1 : a.unit.localeCompare(b.unit)))
}

/**
 * Per district: each pool's own space (its allocations and free blocks, not its child pools'),
 * under its district, so space a city pool hands to a county's pool counts for the county only.
 */
function districtUsage(pools: Pool[], districtOf: Map<number, string | null>, own: (id: number) => Figures): DistrictUsage[] {
  const districtTotals = new Map<string, {district: string | null; plane: Plane; family: Family; pools: number} & Figures>()
  for (const p of pools) {
    const d = districtOf.get(p.id) ?? null
    const key = `${d ?? ''}\u0000${p.plane}\u0000${p.family}`
    const mine = own(p.id)
    const entry = districtTotals.get(key) ?? {district: d, plane: p.plane, family: p.family, pools: 0, allocated: 0n, reserved: 0n, free: 0n}
    entry.pools++
    entry.allocated += mine.allocated
    entry.reserved += mine.reserved
    entry.free += mine.free
    districtTotals.set(key, entry)
  }
  return [...districtTotals.values()]
    .map((t) => {
      const size = t.allocated + t.reserved + t.free
      const {district, plane, family, pools} = t
      return {
        district,
        plane,
        family,
        pools,
        size: size.toString(),
        allocated: t.allocated.toString(),
        reserved: t.reserved.toString(),
        free: t.free.toString(),
        usedPercent: percent(t.allocated + t.reserved, size),
      }
    })
    .sort((a, b) => (a.district === b.district ? 0 : a.district === null ? 1 : b.district === null ? -1 : a.district.localeCompare(b.district, 'zh-CN')) || a.plane - b.plane || a.family - b.family)
}

function percent(part: bigint, whole: bigint): number {
  if (whole === 0n) return 0
  return Number((part * 10_000n) / whole) / 100
}
