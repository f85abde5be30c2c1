/**
 * Allocations (NET-1, NET-2): a block of a pool given to a unit, by best fit or as the exact
 * block asked for, found by ID or CIDR, listed, and given back (released) to its pool.
 */
import {appendAudit} from '../audit/index.js'
import {Conflict, InvalidInput, NotFound} from '../errors.js'
import {type Reader, readerDb, type Store, type WriteContext} from '../store/index.js'
import {takeBestFit, takeExact, releaseToFree} from './free-space.js'
import {type Block, blockEnd, blockSize, formatCidr, parseCidr, prefixForHosts, toKey, WIDTH} from './ip.js'
import {type Allocation, type AllocationStatus, type Db, holdingOn, type Plane, parseStatus, type Pool, toAllocation, toPool} from './model.js'
import {findPool, subtreeIds} from './pools.js'
import {refuseIfProtected} from './protect.js'
import {registeredUnit} from './registry.js'

export interface AllocateInput {
  pool: string
  prefixLength?: number
  hosts?: number
  cidr?: string
  unit: string
  purpose?: string
  status?: string
  count?: number
  /** Only a unit in the registry (egov units): what `net alloc` asks; the core's other callers pass registry units already. */
  registered?: boolean
}

/** PostgreSQL's exclusion constraint is the last word on overlap: its refusal is a conflict (exit 4) (@internal for ./placement.ts). */
export function mapOverlap(error: unknown, plane: Plane): never {
  const e = error as {code?: string; detail?: string; message?: string}
  if (e?.code === '23P01') throw new Conflict('net.overlapRefused', {plane, detail: e.detail ?? e.message ?? ''}, {rule: 'NET-1'})
  throw error
}

export function allocationSize(input: Pick<AllocateInput, 'prefixLength' | 'hosts' | 'cidr'>, pool: Pool): {prefix: number; exact?: Block} {
  const given = [input.prefixLength, input.hosts, input.cidr].filter((v) => v !== undefined && v !== '').length
  if (given !== 1) throw new InvalidInput('net.oneSize', {}, {field: 'prefix-length'})
  const width = WIDTH[pool.family]
  if (input.cidr !== undefined) {
    const exact = parseCidr(input.cidr, 'cidr')
    if (exact.family !== pool.family) {
      throw new InvalidInput('net.familyMismatch', {field: 'cidr', cidr: exact.text, family: exact.family, pool: pool.name, poolFamily: pool.family}, {field: 'cidr'})
    }
    const pb = parseCidr(pool.cidr, 'pool')
    if (exact.prefix < pb.prefix || exact.start < pb.start || blockEnd(exact) > blockEnd(pb)) {
      throw new InvalidInput('net.outsidePool', {cidr: exact.text, pool: pool.name, poolCidr: pool.cidr}, {field: 'cidr', rule: 'NET-1'})
    }
    return {prefix: exact.prefix, exact}
  }
  let prefix: number
  if (input.hosts !== undefined) {
    if (pool.family === 6) throw new InvalidInput('net.hostsV6', {pool: pool.name}, {field: 'hosts'})
    prefix = prefixForHosts(input.hosts)
  } else {
    prefix = input.prefixLength!
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > width) {
      throw new InvalidInput('net.badPrefix', {value: input.prefixLength, min: pool.prefix, max: width, pool: pool.name}, {field: 'prefix-length'})
    }
  }
  if (prefix < pool.prefix) throw new InvalidInput('net.prefixTooShort', {prefix, pool: pool.name, cidr: pool.cidr}, {field: input.hosts !== undefined ? 'hosts' : 'prefix-length'})
  return {prefix}
}

/** The size asked for; a --cidr outside the pool that lies in a pool of the other plane says the planes differ (NET-2). */
async function sizeOrOtherPlane(db: Db, input: AllocateInput, pool: Pool): Promise<{prefix: number; exact?: Block}> {
  try {
    return allocationSize(input, pool)
  } catch (error) {
    if (!(error instanceof InvalidInput) || error.key !== 'net.outsidePool' || input.cidr === undefined) throw error
    const block = parseCidr(input.cidr, 'cidr')
    const other = await db
      .selectFrom('net_pools')
      .select(['name', 'cidr', 'plane'])
      .where('plane', '<>', pool.plane)
      .where('family', '=', block.family)
      .where('start_key', '<=', toKey(block.start, block.family))
      .where('end_key', '>=', toKey(blockEnd(block), block.family))
      .orderBy('prefix', 'desc')
      .executeTakeFirst()
    if (!other) throw error
    throw new InvalidInput(
      'net.planeMismatch',
      {cidr: formatCidr(block), plane: Number(other.plane), pool: pool.name, poolCidr: pool.cidr, poolPlane: pool.plane},
      {field: 'cidr', rule: 'NET-2', details: {otherPool: other.name}},
    )
  }
}

/** allocateIn for one block (no count): the allocation it made; allocateIn makes as many as asked or throws. */
export async function allocateOneIn(ctx: WriteContext, input: Omit<AllocateInput, 'count'>): Promise<Allocation> {
  return (await allocateIn(ctx, input))[0]!
}

/** Allocates one or `count` blocks from a pool to a unit, in the caller's transaction. */
export async function allocateIn(ctx: WriteContext, input: AllocateInput): Promise<Allocation[]> {
  const pool = await findPool(ctx.db, input.pool)
  const {prefix, exact} = await sizeOrOtherPlane(ctx.db, input, pool)
  let unit = input.unit.trim()
  if (!unit) throw new InvalidInput('net.badUnit', {}, {field: 'unit'})
  if (input.registered) unit = await registeredUnit(ctx.db, unit)
  const status = input.status === undefined ? 'active' : parseStatus(input.status)
  const count = input.count ?? 1
  if (!Number.isInteger(count) || count < 1 || count > 100_000) throw new InvalidInput('net.badCount', {value: input.count}, {field: 'count'})
  if (exact && count !== 1) throw new InvalidInput('net.countWithCidr', {}, {field: 'count'})
  const purpose = input.purpose?.trim() || null
  const out: Allocation[] = []
  // All or none: say up front how many fit, rather than failing on the last one with "no /N left".
  if (!exact && count > 1) {
    const rows = await ctx.db
      .selectFrom('net_free')
      .select(['prefix', (eb) => eb.fn.countAll<number>().as('n')])
      .where('pool_id', '=', pool.id)
      .where('prefix', '<=', prefix)
      .groupBy('prefix')
      .execute()
    let fit = 0n
    let free = 0n
    for (const r of rows) {
      fit += BigInt(r.n) << BigInt(prefix - Number(r.prefix))
      free += BigInt(r.n) * blockSize(pool.family, Number(r.prefix))
    }
    if (fit > 0n && fit < BigInt(count)) {
      throw new Conflict(
        'net.notEnoughSpace',
        {pool: pool.name, fit: fit.toString(), prefix, count, free: free.toString(), s: fit === 1n ? '' : 's'},
        {field: 'count', details: {fit: Number(fit), asked: count}},
      )
    }
  }
  // NET-6, NET-7: a block of a unit's connection (or inside one, or around one) is not re-allocated by hand.
  if (exact) {
    const held = await holdingOn(ctx.db, pool.plane, pool.family)
      .select(['id', 'unit', 'cidr'])
      .where('start_key', '<=', toKey(blockEnd(exact), exact.family))
      .where('end_key', '>=', toKey(exact.start, exact.family))
      .orderBy('start_key')
      .limit(1000)
      .execute()
    for (const a of held) await refuseIfProtected(ctx.db, {id: Number(a.id), unit: a.unit, cidr: a.cidr}, 'cidr', formatCidr(exact))
  }
  for (let i = 0; i < count; i++) {
    const block = exact ?? (await takeBestFit(ctx.db, pool, prefix))
    if (exact) await takeExact(ctx.db, pool, exact)
    out.push(await insertAllocation(ctx, pool, block, {unit, purpose, status}))
  }
  return out
}

/** allocate in its own transaction: what a command calls (the allocateIn form joins a caller's transaction). */
export function allocate(store: Store, input: AllocateInput): Promise<Allocation[]> {
  return store.write((ctx) => allocateIn(ctx, input))
}

/** The fields an allocation is recorded with, besides its block. */
export interface AllocationFields {
  unit: string
  purpose: string | null
  status: string
}

/** The net_allocations row of a new allocation of `block` in `pool` (@internal for ./placement.ts, which inserts many at once). */
export function allocationRow(ctx: WriteContext, pool: Pool, block: Block, a: AllocationFields) {
  return {
    pool_id: pool.id,
    pool_name: pool.name,
    cidr: formatCidr(block),
    family: block.family,
    plane: pool.plane,
    prefix: block.prefix,
    start_key: toKey(block.start, block.family),
    end_key: toKey(blockEnd(block), block.family),
    unit: a.unit,
    purpose: a.purpose,
    status: a.status,
    created_at: ctx.at,
    created_by: ctx.actor,
    released_at: null,
    released_by: null,
  }
}

/** Inserts one allocation row and its audit entry (@internal for ./placement.ts). */
export async function insertAllocation(ctx: WriteContext, pool: Pool, block: Block, a: AllocationFields): Promise<Allocation> {
  const row = allocationRow(ctx, pool, block, a)
  const inserted = await ctx.db
    .insertInto('net_allocations')
    .values(row)
    .returning('id')
    .executeTakeFirstOrThrow()
    .catch((e: unknown) => mapOverlap(e, pool.plane))
  const allocation = toAllocation({...row, id: Number(inserted.id)})
  await appendAudit(ctx, {action: 'net.alloc', entityType: 'net-allocation', entityId: allocation.id, after: allocation})
  return allocation
}

/** Finds the allocation a user names by ID or CIDR (holding ones only, unless released history is asked for). */
export async function findAllocation(from: Reader, ref: string): Promise<Allocation> {
  const db = readerDb(from)
  const t = ref.trim().replace(/^#/, '')
  if (/^\d+$/.test(t)) {
    const row = await db.selectFrom('net_allocations').selectAll().where('id', '=', Number(t)).executeTakeFirst()
    if (!row) throw new NotFound('net.allocNotFound', {value: ref}, {field: 'CIDR|ID'})
    return toAllocation(row)
  }
  const block = parseCidr(ref, 'CIDR|ID')
  const rows = (await db.selectFrom('net_allocations').selectAll().where('cidr', '=', formatCidr(block)).orderBy('id', 'desc').execute()).map((r) => toAllocation(r))
  const holding = rows.filter((r) => r.status !== 'released')
  if (holding.length > 1) throw new InvalidInput('net.allocAmbiguous', {value: ref, ids: holding.map((r) => `${r.id}: ${PLANE_LABEL[r.plane]}`).join(', ')}, {field: 'CIDR|ID'})
  if (holding.length === 1) return holding[0]!
  if (rows.length) return rows[0]!
  throw new NotFound('net.allocNotFound', {value: ref}, {field: 'CIDR|ID'})
}

const PLANE_LABEL: Record<Plane, string> = {1: 'plane 1', 2: 'plane 2'}

/** `net release` by hand: refused for a block of a unit's connection (NET-6, NET-7), which goes back only through its request. */
export async function releaseByHandIn(ctx: WriteContext, ref: string): Promise<Allocation> {
  const target = await findAllocation(ctx.db, ref)
  if (target.status !== 'released') await refuseIfProtected(ctx.db, target, 'CIDR|ID')
  return release(ctx, String(target.id))
}

/** releaseByHand in its own transaction: what a command calls (the releaseByHandIn form joins a caller's transaction). */
export function releaseByHand(store: Store, ref: string): Promise<Allocation> {
  return store.write((ctx) => releaseByHandIn(ctx, ref))
}

/** Gives a block back to its pool; the allocation stays in the history as released. */
export async function release(ctx: WriteContext, ref: string): Promise<Allocation> {
  const before = await findAllocation(ctx.db, ref)
  if (before.status === 'released') throw new Conflict('net.alreadyReleased', {id: before.id, cidr: before.cidr, at: before.releasedAt}, {field: 'CIDR|ID'})
  await ctx.db.updateTable('net_allocations').set({status: 'released', released_at: ctx.at, released_by: ctx.actor}).where('id', '=', before.id).execute()
  const pool = toPool(await ctx.db.selectFrom('net_pools').selectAll().where('id', '=', before.poolId!).executeTakeFirstOrThrow())
  await releaseToFree(ctx.db, pool, parseCidr(before.cidr, 'cidr'))
  const after: Allocation = {...before, status: 'released', releasedAt: ctx.at, releasedBy: ctx.actor}
  await appendAudit(ctx, {action: 'net.release', entityType: 'net-allocation', entityId: before.id, before, after})
  return after
}

export interface AllocationFilter {
  /** A pool and the pools below it. */
  pool?: string
  unit?: string
  status?: AllocationStatus
  /** Include released allocations (the history). */
  all?: boolean
}

export async function listAllocations(from: Reader, filter: AllocationFilter = {}): Promise<Allocation[]> {
  const db = readerDb(from)
  let q = db.selectFrom('net_allocations').selectAll()
  if (filter.pool) q = q.where('pool_id', 'in', await subtreeIds(db, await findPool(db, filter.pool)))
  if (filter.unit) q = q.where('unit', '=', filter.unit.trim())
  if (filter.status) q = q.where('status', '=', filter.status)
  else if (!filter.all) q = q.where('status', '<>', 'released')
  const rows = await q.orderBy('plane').orderBy('family').orderBy('start_key').orderBy('id').execute()
  return rows.map((r) => toAllocation(r))
}
