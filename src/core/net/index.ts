import type {Kysely} from '#kysely'

import {appendAudit, appendAuditMany} from '../audit/index.js'
import {insertRowsReturning} from '../store/bulk.js'
import {Conflict, InvalidInput, NotFound} from '../errors.js'
import type {Database, Store, WriteContext} from '../store/index.js'
import {type Block, blockEnd, blockSize, type Family, formatCidr, fromKey, normaliseInput, parseAddress, parseCidr, prefixForHosts, rangeToBlocks, toKey, WIDTH} from './ip.js'
import type {MapSegment, PoolMap} from './map-types.js'
import {checkedText} from '../names.js'
import {districtText, levelOf, type UnitLevel} from '../units/index.js'
import {poolScope} from './districts.js'
import {refuseIfProtected} from './protect.js'
import {registeredUnit} from './registry.js'

export * from './ip.js'
export {registeredUnit, suggestUnit} from './registry.js'
export {protectionOf, refuseIfProtected, type Protection} from './protect.js'
export type {MapSegment, PoolMap} from './map-types.js'

/** NET-2: plane 1 is run by China Telecom, plane 2 by China Mobile. */
export type Plane = 1 | 2
export type AllocationStatus = 'active' | 'reserved' | 'released'
export const HOLDING_STATUSES = ['active', 'reserved'] as const

export interface Pool {
  id: number
  name: string
  cidr: string
  family: Family
  plane: Plane
  prefix: number
  parentId: number | null
  note: string | null
  /** 属地 (NET-4): the district the pool serves; null: not recorded (then its parent's counts). */
  district: string | null
  /** 分级接入 (NET-4): the level of unit it serves (city, county, township, village); null: any. */
  level: UnitLevel | null
  createdAt: string
  createdBy: string
}

export interface Allocation {
  id: number
  cidr: string
  pool: string
  poolId: number | null
  plane: Plane
  family: Family
  prefix: number
  unit: string
  purpose: string | null
  status: AllocationStatus
  /** Addresses in the block, as a decimal string (IPv6 blocks exceed JSON numbers). */
  addresses: string
  createdAt: string
  createdBy: string
  releasedAt: string | null
  releasedBy: string | null
}

type Db = Kysely<Database>
export type PoolRow = Database['net_pools'] extends infer T ? {[K in keyof T]: K extends 'id' ? number : T[K]} : never
export type AllocationRow = Database['net_allocations'] extends infer T ? {[K in keyof T]: K extends 'id' ? number : T[K]} : never

/** @internal for ./edit.ts */
export function toPool(row: PoolRow): Pool {
  return {
    id: Number(row.id),
    name: row.name,
    cidr: row.cidr,
    family: Number(row.family) as Family,
    plane: Number(row.plane) as Plane,
    prefix: Number(row.prefix),
    parentId: row.parent_id === null ? null : Number(row.parent_id),
    note: row.note,
    district: row.district ?? null,
    level: (row.level ?? null) as UnitLevel | null,
    createdAt: row.created_at,
    createdBy: row.created_by,
  }
}

/** @internal for ./edit.ts */
export function toAllocation(row: AllocationRow): Allocation {
  const family = Number(row.family) as Family
  return {
    id: Number(row.id),
    cidr: row.cidr,
    pool: row.pool_name,
    poolId: row.pool_id === null ? null : Number(row.pool_id),
    plane: Number(row.plane) as Plane,
    family,
    prefix: Number(row.prefix),
    unit: row.unit,
    purpose: row.purpose,
    status: row.status as AllocationStatus,
    addresses: blockSize(family, Number(row.prefix)).toString(),
    createdAt: row.created_at,
    createdBy: row.created_by,
    releasedAt: row.released_at,
    releasedBy: row.released_by,
  }
}

const poolBlock = (p: Pool): Block => parseCidr(p.cidr, 'pool')

export function parsePlane(value: string | number): Plane {
  const v = normaliseInput(String(value))
  const byName: Record<string, Plane> = {'1': 1, '2': 2, 电信: 1, 移动: 2, 电信平面: 1, 移动平面: 2, 平面1: 1, 平面2: 2, telecom: 1, mobile: 2}
  const plane = byName[v.toLowerCase()]
  if (!plane) throw new InvalidInput('net.badPlane', {value}, {field: 'plane', rule: 'NET-2'})
  return plane
}

export function parseStatus(value: string, field = 'status'): 'active' | 'reserved' {
  const v = normaliseInput(value).toLowerCase()
  const byName: Record<string, 'active' | 'reserved'> = {active: 'active', reserved: 'reserved', 已分配: 'active', 在用: 'active', 使用: 'active', 预留: 'reserved', 保留: 'reserved'}
  const status = byName[v]
  if (!status) throw new InvalidInput('net.badStatus', {value, allowed: 'active (已分配), reserved (预留)'}, {field})
  return status
}

// ---------------------------------------------------------------- pools

export async function findPool(db: Db, ref: string): Promise<Pool> {
  const byName = await db.selectFrom('net_pools').selectAll().where('name', '=', ref.trim()).executeTakeFirst()
  if (byName) return toPool(byName)
  let block: Block | undefined
  try {
    block = parseCidr(ref, 'pool')
  } catch {
    block = undefined
  }
  if (block) {
    const rows = await db.selectFrom('net_pools').selectAll().where('cidr', '=', formatCidr(block)).execute()
    if (rows.length === 1) return toPool(rows[0])
    if (rows.length > 1) throw new InvalidInput('net.poolAmbiguous', {value: ref, names: rows.map((r) => r.name).join(', ')}, {field: 'pool'})
  }
  throw new NotFound('net.poolNotFound', {pool: ref}, {field: 'pool'})
}

export async function allPools(db: Db): Promise<Pool[]> {
  const rows = await db.selectFrom('net_pools').selectAll().orderBy('plane').orderBy('family').orderBy('start_key').orderBy('prefix').execute()
  return rows.map((r) => toPool(r))
}

export interface AddPoolInput {
  cidr: string
  name: string
  plane: string | number
  note?: string
  /** 属地 (NET-4), e.g. 甘州区 or 市本级. */
  district?: string
  /** The level of unit the pool serves (NET-4): city, county, township, village (or 市级 …). */
  level?: string
}

export interface AddPoolResult {
  pool: Pool
  parent: string | null
  adoptedPools: string[]
  adoptedAllocations: string[]
}

/**
 * Adds a pool (NET-1). Pools nest: inside an existing pool it becomes that pool's child and
 * its space leaves the parent's free space; around existing pools it becomes their parent.
 * Allocations of the parent that fall inside it move with it; one it would cut is refused.
 */
export async function addPoolIn(ctx: WriteContext, input: AddPoolInput): Promise<AddPoolResult> {
  // A pool is a block: an address alone would silently make a /32 (or /128) pool.
  if (!normaliseInput(input.cidr).includes('/')) throw new InvalidInput('net.poolNeedsPrefix', {value: normaliseInput(input.cidr)}, {field: 'CIDR', rule: 'NET-1'})
  const block = parseCidr(input.cidr, 'CIDR')
  const plane = parsePlane(input.plane)
  const name = checkedText(input.name, 'name')
  if (!name || looksLikeAddress(name)) throw new InvalidInput('net.badName', {}, {field: 'name'})
  const district = input.district ? districtText(input.district) : null
  const level = input.level ? levelOf(input.level) : null
  const db = ctx.db
  const cidr = formatCidr(block)
  const sameName = await db.selectFrom('net_pools').select(['name', 'cidr']).where('name', '=', name).executeTakeFirst()
  if (sameName) throw new Conflict('net.poolNameTaken', {name, cidr: sameName.cidr}, {field: 'name'})
  const start = toKey(block.start, block.family)
  const end = toKey(blockEnd(block), block.family)

  const overlapping = (
    await db.selectFrom('net_pools').selectAll().where('plane', '=', plane).where('family', '=', block.family).where('start_key', '<=', end).where('end_key', '>=', start).execute()
  ).map((r) => toPool(r))
  const same = overlapping.find((p) => p.prefix === block.prefix)
  if (same) throw new Conflict('net.poolExists', {cidr, plane, name: same.name}, {field: 'CIDR'})
  // Aligned blocks either nest or are apart: what overlaps contains the new pool or lies in it.
  const ancestors = overlapping.filter((p) => p.prefix < block.prefix).sort((a, b) => b.prefix - a.prefix)
  const parent = ancestors[0] ?? null
  const inside = overlapping.filter((p) => p.prefix > block.prefix)
  const adoptedPools = inside.filter((p) => p.parentId === (parent?.id ?? null))

  const cutting = await holdingOn(db, plane, block.family).selectAll().where('start_key', '<=', start).where('end_key', '>=', end).executeTakeFirst()
  if (cutting) throw new Conflict('net.poolCutsAllocation', {cidr, other: cutting.cidr, unit: cutting.unit}, {field: 'CIDR', rule: 'NET-1'})
  const adoptedAllocations = parent
    ? (
        await db.selectFrom('net_allocations').selectAll().where('pool_id', '=', parent.id).where('status', '<>', 'released').where('start_key', '>=', start).where('start_key', '<=', end).execute()
      ).map((r) => toAllocation(r))
    : []

  const inserted = await db
    .insertInto('net_pools')
    .values({
      name,
      cidr,
      family: block.family,
      plane,
      prefix: block.prefix,
      start_key: start,
      end_key: end,
      parent_id: parent?.id ?? null,
      note: input.note?.trim() || null,
      district,
      level,
      created_at: ctx.at,
      created_by: ctx.actor,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const id = Number(inserted.id)
  if (adoptedPools.length)
    await db
      .updateTable('net_pools')
      .set({parent_id: id})
      .where(
        'id',
        'in',
        adoptedPools.map((p) => p.id),
      )
      .execute()
  for (const chunk of chunks(
    adoptedAllocations.map((a) => a.id),
    500,
  )) {
    await db.updateTable('net_allocations').set({pool_id: id, pool_name: name}).where('id', 'in', chunk).execute()
  }
  // The parent loses the new pool's space; the new pool's free space is what its adopted
  // pools and allocations leave.
  if (parent) await carveFree(db, parent, block)
  const taken = [...adoptedPools.map((p) => parseCidr(p.cidr, 'pool')), ...adoptedAllocations.map((a) => parseCidr(a.cidr, 'cidr'))]
  await insertFreeRows(db, id, freeAround(block, taken))

  const pool = toPool(await db.selectFrom('net_pools').selectAll().where('id', '=', id).executeTakeFirstOrThrow())
  await appendAudit(ctx, {
    action: 'net.pool.add',
    entityType: 'net-pool',
    entityId: id,
    after: {...pool, parent: parent?.name ?? null, adoptedPools: adoptedPools.map((p) => p.name), adoptedAllocations: adoptedAllocations.map((a) => a.cidr)},
  })
  return {pool, parent: parent?.name ?? null, adoptedPools: adoptedPools.map((p) => p.name), adoptedAllocations: adoptedAllocations.map((a) => a.cidr)}
}

/** addPool in its own transaction: what a command calls (the addPoolIn form joins a caller's transaction). */
export function addPool(store: Store, input: AddPoolInput): Promise<AddPoolResult> {
  return store.write((ctx) => addPoolIn(ctx, input))
}

export function looksLikeAddress(name: string): boolean {
  try {
    parseCidr(name, 'name')
    return true
  } catch {
    return false
  }
}

/** Removes an empty pool; its space goes back to its parent's free space. */
export async function removePoolIn(ctx: WriteContext, ref: string): Promise<{pool: Pool; parent: string | null}> {
  const pool = await findPool(ctx.db, ref)
  const allocations = Number(
    (
      await ctx.db
        .selectFrom('net_allocations')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('pool_id', '=', pool.id)
        .where('status', '<>', 'released')
        .executeTakeFirstOrThrow()
    ).n,
  )
  const children = Number(
    (
      await ctx.db
        .selectFrom('net_pools')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('parent_id', '=', pool.id)
        .executeTakeFirstOrThrow()
    ).n,
  )
  if (allocations || children) throw new Conflict('net.poolNotEmpty', {name: pool.name, allocations, children}, {field: 'NAME'})
  await ctx.db.updateTable('net_allocations').set({pool_id: null}).where('pool_id', '=', pool.id).execute()
  await ctx.db.deleteFrom('net_free').where('pool_id', '=', pool.id).execute()
  await ctx.db.deleteFrom('net_pools').where('id', '=', pool.id).execute()
  let parent: Pool | null = null
  if (pool.parentId !== null) {
    parent = toPool(await ctx.db.selectFrom('net_pools').selectAll().where('id', '=', pool.parentId).executeTakeFirstOrThrow())
    await releaseToFree(ctx.db, parent, poolBlock(pool))
  }
  await appendAudit(ctx, {action: 'net.pool.remove', entityType: 'net-pool', entityId: pool.id, before: pool})
  return {pool, parent: parent?.name ?? null}
}

/** removePool in its own transaction: what a command calls (the removePoolIn form joins a caller's transaction). */
export function removePool(store: Store, ref: string): Promise<{pool: Pool; parent: string | null}> {
  return store.write((ctx) => removePoolIn(ctx, ref))
}

// ---------------------------------------------------------------- the free-space index

/** Free space of `outer` minus the `taken` blocks inside it, as maximal aligned blocks. */
export function freeAround(outer: Block, taken: Block[]): Block[] {
  const sorted = [...taken].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0))
  const out: Block[] = []
  let cursor = outer.start
  const last = blockEnd(outer)
  for (const t of sorted) {
    if (t.start > cursor) out.push(...rangeToBlocks(outer.family, cursor, t.start - 1n))
    const end = blockEnd(t)
    if (end + 1n > cursor) cursor = end + 1n
  }
  if (cursor <= last) out.push(...rangeToBlocks(outer.family, cursor, last))
  return out
}

async function insertFreeRows(db: Db, poolId: number, blocks: Block[]): Promise<void> {
  for (const chunk of chunks(blocks, 500)) {
    if (chunk.length)
      await db
        .insertInto('net_free')
        .values(chunk.map((b) => ({pool_id: poolId, prefix: b.prefix, start_key: toKey(b.start, b.family)})))
        .execute()
  }
}

/** Takes `target` out of the pool's free space: it must lie inside one free block. */
async function carveFree(db: Db, pool: Pool, target: Block): Promise<void> {
  const startKey = toKey(target.start, target.family)
  const endKey = toKey(blockEnd(target), target.family)
  // Free blocks inside the target simply go (a larger one starting at the same address contains it: split below).
  await db.deleteFrom('net_free').where('pool_id', '=', pool.id).where('prefix', '>=', target.prefix).where('start_key', '>=', startKey).where('start_key', '<=', endKey).execute()
  // A free block that contains the target is split around it.
  const free = await freeBlockHolding(db, pool, target)
  if (free) await splitFree(db, pool, free, target)
}

/** The pieces of `free` left when `target` (inside it) is taken: one per level, the half not holding the target. */
function splitAround(free: Block, target: Block): Block[] {
  const pieces: Block[] = []
  let cur = free
  while (cur.prefix < target.prefix) {
    const half = blockSize(cur.family, cur.prefix + 1)
    const lower: Block = {family: cur.family, start: cur.start, prefix: cur.prefix + 1}
    const upper: Block = {family: cur.family, start: cur.start + half, prefix: cur.prefix + 1}
    if (target.start >= upper.start) {
      pieces.push(lower)
      cur = upper
    } else {
      pieces.push(upper)
      cur = lower
    }
  }
  return pieces
}

/** Gives a block back to the pool's free space, merging it with its free buddy as far as the pool allows. */
/** @internal for ./edit.ts */
export async function releaseToFree(db: Db, pool: Pool, block: Block): Promise<void> {
  let cur = block
  while (cur.prefix > pool.prefix) {
    const size = blockSize(cur.family, cur.prefix)
    const buddyStart = cur.start ^ size
    const buddyKey = toKey(buddyStart, cur.family)
    const deleted = await db.deleteFrom('net_free').where('pool_id', '=', pool.id).where('prefix', '=', cur.prefix).where('start_key', '=', buddyKey).executeTakeFirst()
    if (Number(deleted.numDeletedRows) === 0) break
    cur = {family: cur.family, start: cur.start < buddyStart ? cur.start : buddyStart, prefix: cur.prefix - 1}
  }
  await db
    .insertInto('net_free')
    .values({pool_id: pool.id, prefix: cur.prefix, start_key: toKey(cur.start, cur.family)})
    .execute()
}

/**
 * Best fit: of the pool's free blocks that can hold a /prefix, the smallest, and of
 * those the lowest-addressed; the request goes at its start. Two indexed look-ups and a
 * few inserts, however many blocks the pool already holds.
 */
async function takeBestFit(db: Db, pool: Pool, prefix: number): Promise<Block> {
  const best = await db
    .selectFrom('net_free')
    .select((eb) => eb.fn.max('prefix').as('p'))
    .where('pool_id', '=', pool.id)
    .where('prefix', '<=', prefix)
    .executeTakeFirst()
  if (best?.p === null || best?.p === undefined) {
    const largest = await db
      .selectFrom('net_free')
      .select((eb) => eb.fn.min('prefix').as('p'))
      .where('pool_id', '=', pool.id)
      .executeTakeFirst()
    const largestText = largest?.p === null || largest?.p === undefined ? '—' : `/${largest.p}`
    throw new Conflict('net.noSpace', {pool: pool.name, prefix, largest: largestText}, {field: 'prefix-length', details: {largest: largestText}})
  }
  const p = Number(best.p)
  const row = await db.selectFrom('net_free').select('start_key').where('pool_id', '=', pool.id).where('prefix', '=', p).orderBy('start_key').limit(1).executeTakeFirstOrThrow()
  const free: Block = {family: pool.family, start: fromKey(row.start_key), prefix: p}
  const target: Block = {family: pool.family, start: free.start, prefix}
  await splitFree(db, pool, free, target)
  return target
}

/** Takes one exact block, which must be free in the pool; otherwise names what holds it. */
async function takeExact(db: Db, pool: Pool, target: Block): Promise<void> {
  const free = await freeBlockHolding(db, pool, target)
  if (!free) {
    const holder = await holderOf(db, pool, target)
    throw new Conflict('net.taken', {cidr: formatCidr(target), pool: pool.name, holder: holder.name, other: holder.cidr}, {field: 'cidr', details: {holder}})
  }
  await splitFree(db, pool, free, target)
}

/**
 * The pool's free block that holds all of `target`, if there is one. Free blocks are
 * disjoint, so the only candidate is the one starting last at or before the target.
 */
async function freeBlockHolding(db: Db, pool: Pool, target: Block): Promise<Block | undefined> {
  const row = await db
    .selectFrom('net_free')
    .select(['prefix', 'start_key'])
    .where('pool_id', '=', pool.id)
    .where('start_key', '<=', toKey(target.start, target.family))
    .orderBy('start_key', 'desc')
    .limit(1)
    .executeTakeFirst()
  if (!row) return undefined
  const free: Block = {family: pool.family, start: fromKey(row.start_key), prefix: Number(row.prefix)}
  return free.prefix <= target.prefix && blockEnd(free) >= blockEnd(target) ? free : undefined
}

/** Replaces a free block by what is left of it once `target` (inside it) is taken. */
async function splitFree(db: Db, pool: Pool, free: Block, target: Block): Promise<void> {
  await db.deleteFrom('net_free').where('pool_id', '=', pool.id).where('prefix', '=', free.prefix).where('start_key', '=', toKey(free.start, free.family)).execute()
  await insertFreeRows(db, pool.id, splitAround(free, target))
}

/** Undefined when the block is free in the pool; otherwise what holds (part of) it. */
export async function freeContaining(db: Db, pool: Pool, target: Block): Promise<{kind: 'allocation' | 'pool'; name: string; cidr: string} | undefined> {
  return (await freeBlockHolding(db, pool, target)) ? undefined : holderOf(db, pool, target)
}

/** Records an imported allocation of an exact block, already checked to be free. */
export async function placeImported(ctx: WriteContext, pool: Pool, block: Block, fields: {unit: string; purpose: string | null; status: string}): Promise<Allocation> {
  await takeExact(ctx.db, pool, block)
  return insertAllocation(ctx, pool, block, fields)
}

/**
 * A pool's free blocks in memory, for placing many blocks at once (issue 20): read once, split
 * in memory exactly as takeExact splits them in the table, and the difference written back in
 * a few statements instead of three round trips per block.
 */
export class PoolFreeSpace {
  private readonly original = new Map<string, number>()

  private constructor(
    private readonly pool: Pool,
    /** Start keys, ascending (fixed-width hex: string order is address order within one family). */
    private readonly keys: string[],
    private readonly blocks: Map<string, Block>,
  ) {
    for (const [key, block] of blocks) this.original.set(key, block.prefix)
  }

  static async load(db: Db, pool: Pool): Promise<PoolFreeSpace> {
    const rows = await db.selectFrom('net_free').select(['prefix', 'start_key']).where('pool_id', '=', pool.id).orderBy('start_key').execute()
    const blocks = new Map<string, Block>()
    for (const r of rows) blocks.set(r.start_key, {family: pool.family, start: fromKey(r.start_key), prefix: Number(r.prefix)})
    return new PoolFreeSpace(
      pool,
      rows.map((r) => r.start_key),
      blocks,
    )
  }

  /** freeBlockHolding, in memory: the free block starting last at or before the target, if it holds all of it. */
  holding(target: Block): {free: Block; index: number} | undefined {
    const key = toKey(target.start, target.family)
    let lo = 0
    let hi = this.keys.length - 1
    let found = -1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      if (this.keys[mid] <= key) {
        found = mid
        lo = mid + 1
      } else {
        hi = mid - 1
      }
    }
    if (found < 0) return undefined
    const free = this.blocks.get(this.keys[found])!
    return free.prefix <= target.prefix && blockEnd(free) >= blockEnd(target) ? {free, index: found} : undefined
  }

  /** splitFree, in memory: `free` (at `index`) is replaced by what is left of it around `target`. */
  take(at: {free: Block; index: number}, target: Block): void {
    const pieces = splitAround(at.free, target).sort((a, b) => (a.start < b.start ? -1 : 1))
    this.blocks.delete(this.keys[at.index])
    const keys = pieces.map((b) => toKey(b.start, b.family))
    for (let i = 0; i < pieces.length; i++) this.blocks.set(keys[i], pieces[i])
    this.keys.splice(at.index, 1, ...keys)
  }

  /** Writes what changed: the blocks gone (or resized) deleted, then the new ones inserted. */
  async save(db: Db): Promise<void> {
    const gone: string[] = []
    for (const [key, prefix] of this.original) if (this.blocks.get(key)?.prefix !== prefix) gone.push(key)
    const added: Block[] = []
    for (const [key, block] of this.blocks) if (this.original.get(key) !== block.prefix) added.push(block)
    for (const chunk of chunks(gone, 500)) if (chunk.length) await db.deleteFrom('net_free').where('pool_id', '=', this.pool.id).where('start_key', 'in', chunk).execute()
    await insertFreeRows(db, this.pool.id, added)
  }
}

const ALLOCATION_COLUMNS = [
  'pool_id',
  'pool_name',
  'cidr',
  'family',
  'plane',
  'prefix',
  'start_key',
  'end_key',
  'unit',
  'purpose',
  'status',
  'created_at',
  'created_by',
  'released_at',
  'released_by',
] as const

/**
 * placeImported for many blocks, in order, with the same result (rows, ids, free space,
 * audit entries in the same order): the free space of each pool split in memory and written
 * once, the allocations inserted in multi-row statements, the audit entries appended in a
 * batch. The bulk path of `net import` (issue 20: 50,000 rows took 309 s on PostgreSQL).
 * Every block must have been checked free (checkAllocations) and none may overlap another.
 */
export async function placeImportedMany(ctx: WriteContext, items: ReadonlyArray<{pool: Pool; block: Block; fields: {unit: string; purpose: string | null; status: string}}>): Promise<Allocation[]> {
  if (!items.length) return []
  const spaces = new Map<number, PoolFreeSpace>()
  for (const {pool, block} of items) {
    let space = spaces.get(pool.id)
    if (!space) spaces.set(pool.id, (space = await PoolFreeSpace.load(ctx.db, pool)))
    const at = space.holding(block)
    if (!at) {
      const holder = await holderOf(ctx.db, pool, block)
      throw new Conflict('net.taken', {cidr: formatCidr(block), pool: pool.name, holder: holder.name, other: holder.cidr}, {field: 'cidr', details: {holder}})
    }
    space.take(at, block)
  }
  for (const space of spaces.values()) await space.save(ctx.db)
  const rows = items.map(({pool, block, fields}) => ({
    pool_id: pool.id,
    pool_name: pool.name,
    cidr: formatCidr(block),
    family: block.family,
    plane: pool.plane,
    prefix: block.prefix,
    start_key: toKey(block.start, block.family),
    end_key: toKey(blockEnd(block), block.family),
    unit: fields.unit,
    purpose: fields.purpose,
    status: fields.status,
    created_at: ctx.at,
    created_by: ctx.actor,
    released_at: null,
    released_by: null,
  }))
  const inserted = await insertRowsReturning<{id: number | string; cidr: string; plane: number | string}>(
    ctx,
    'net_allocations',
    ALLOCATION_COLUMNS,
    rows.map((r) => ALLOCATION_COLUMNS.map((c) => r[c])),
    ['id', 'cidr', 'plane'],
  ).catch((e: unknown) => mapOverlap(e, items[0].pool.plane))
  // Matched by block and plane (holding allocations never overlap on a plane), not by position.
  const ids = new Map(inserted.map((r) => [`${r.cidr}|${Number(r.plane)}`, Number(r.id)]))
  const allocations = rows.map((r) => toAllocation({...r, id: ids.get(`${r.cidr}|${r.plane}`)!}))
  await appendAuditMany(
    ctx,
    allocations.map((allocation) => ({action: 'net.alloc', entityType: 'net-allocation', entityId: allocation.id, after: allocation})),
  )
  return allocations
}

/** Allocations that hold space (not released) on one plane, in one address family. */
function holdingOn(db: Db, plane: Plane, family: Family) {
  return db.selectFrom('net_allocations').where('plane', '=', plane).where('family', '=', family).where('status', '<>', 'released')
}

/** What occupies (part of) a block in a pool: an allocation's unit or a child pool. */
async function holderOf(db: Db, pool: Pool, target: Block): Promise<{kind: 'allocation' | 'pool'; name: string; cidr: string}> {
  const s = toKey(target.start, target.family)
  const e = toKey(blockEnd(target), target.family)
  const a = await holdingOn(db, pool.plane, pool.family).select(['unit', 'cidr']).where('start_key', '<=', e).where('end_key', '>=', s).orderBy('start_key').limit(1).executeTakeFirst()
  if (a) return {kind: 'allocation', name: a.unit, cidr: a.cidr}
  const p = await db.selectFrom('net_pools').select(['name', 'cidr']).where('parent_id', '=', pool.id).where('start_key', '<=', e).where('end_key', '>=', s).limit(1).executeTakeFirst()
  return p ? {kind: 'pool', name: p.name, cidr: p.cidr} : {kind: 'pool', name: pool.name, cidr: pool.cidr}
}

// ---------------------------------------------------------------- allocations

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

/** PostgreSQL's exclusion constraint is the last word on overlap: its refusal is a conflict (exit 4). */
function mapOverlap(error: unknown, plane: Plane): never {
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

async function insertAllocation(ctx: WriteContext, pool: Pool, block: Block, a: {unit: string; purpose: string | null; status: string}): Promise<Allocation> {
  const row = {
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
export async function findAllocation(db: Db, ref: string): Promise<Allocation> {
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
  if (holding.length === 1) return holding[0]
  if (rows.length) return rows[0]
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

/** The ids of a pool and every pool below it. */
async function subtreeIds(db: Db, pool: Pool): Promise<number[]> {
  const pools = await allPools(db)
  const ids = [pool.id]
  for (let i = 0; i < ids.length; i++) for (const p of pools) if (p.parentId === ids[i]) ids.push(p.id)
  return ids
}

export interface AllocationFilter {
  /** A pool and the pools below it. */
  pool?: string
  unit?: string
  status?: AllocationStatus
  /** Include released allocations (the history). */
  all?: boolean
}

export async function listAllocations(db: Db, filter: AllocationFilter = {}): Promise<Allocation[]> {
  let q = db.selectFrom('net_allocations').selectAll()
  if (filter.pool) q = q.where('pool_id', 'in', await subtreeIds(db, await findPool(db, filter.pool)))
  if (filter.unit) q = q.where('unit', '=', filter.unit.trim())
  if (filter.status) q = q.where('status', '=', filter.status)
  else if (!filter.all) q = q.where('status', '<>', 'released')
  const rows = await q.orderBy('plane').orderBy('family').orderBy('start_key').orderBy('id').execute()
  return rows.map((r) => toAllocation(r))
}

export interface FindResult {
  query: string
  matches: Array<{plane: Plane; pools: Array<{name: string; cidr: string}>; allocations: Allocation[]}>
}

/** Which pools (outermost first) and allocations hold an address or block, on each plane. */
export async function find(db: Db, ref: string): Promise<FindResult> {
  const t = normaliseInput(ref)
  const block: Block = t.includes('/')
    ? parseCidr(t, 'IP|CIDR')
    : (() => {
        const a = parseAddress(t, 'IP|CIDR')
        return {family: a.family, start: a.value, prefix: WIDTH[a.family]}
      })()
  const s = toKey(block.start, block.family)
  const e = toKey(blockEnd(block), block.family)
  const matches: FindResult['matches'] = []
  for (const plane of [1, 2] as const) {
    const pools = await db
      .selectFrom('net_pools')
      .select(['name', 'cidr'])
      .where('plane', '=', plane)
      .where('family', '=', block.family)
      .where('start_key', '<=', s)
      .where('end_key', '>=', e)
      .orderBy('prefix')
      .execute()
    // Holding allocations are disjoint: the one starting at or before the block's start,
    // and those starting inside it.
    const before = await holdingOn(db, plane, block.family).selectAll().where('start_key', '<=', s).orderBy('start_key', 'desc').limit(1).execute()
    const within = await holdingOn(db, plane, block.family).selectAll().where('start_key', '>', s).where('start_key', '<=', e).orderBy('start_key').limit(1000).execute()
    const allocations = [...before.filter((r) => r.end_key >= s), ...within].map((r) => toAllocation(r))
    if (pools.length || allocations.length) matches.push({plane, pools, allocations})
  }
  if (!matches.length) throw new NotFound('net.notFoundAnywhere', {value: ref}, {field: 'IP|CIDR'})
  return {query: formatCidr(block), matches}
}

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
export async function freeBlocks(db: Db, ref: string, options: {prefixLength?: number; limit?: number; after?: string} = {}): Promise<FreeResult> {
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

// ---------------------------------------------------------------- usage

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
export async function usage(db: Db, ref?: string, options: {district?: string} = {}): Promise<UsageReport> {
  const pools = await allPools(db)
  const byId = new Map(pools.map((p) => [p.id, p]))
  // Each pool's district: its own, else its nearest ancestor's (pools come outermost first in treeOrder).
  const districtOf = new Map<number, string | null>()
  for (const p of treeOrder(pools)) districtOf.set(p.id, p.district ?? (p.parentId === null ? null : (districtOf.get(p.parentId) ?? null)))
  let scope = ref ? new Set(await subtreeIds(db, await findPool(db, ref))) : undefined
  if (options.district !== undefined) {
    const wanted = options.district.trim()
    const known = [...new Set([...districtOf.values()].filter((d): d is string => d !== null))]
    if (!known.includes(wanted)) throw new NotFound('net.districtNotFound', {district: wanted, known: known.join(', ') || '—'}, {field: 'district', rule: 'NET-4'})
    scope = new Set(pools.filter((p) => districtOf.get(p.id) === wanted && (!scope || scope.has(p.id))).map((p) => p.id))
  }
  const own = new Map<number, {allocated: bigint; reserved: bigint; free: bigint}>()
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
  // Roll figures up the tree, deepest pools first.
  const depth = (p: Pool): number => (p.parentId === null ? 0 : 1 + depth(byId.get(p.parentId)!))
  const total = new Map<number, {allocated: bigint; reserved: bigint; free: bigint}>()
  for (const p of [...pools].sort((a, b) => depth(b) - depth(a))) {
    const mine = {...get(p.id)}
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
  const unitUsage = [...units.entries()]
    .map(([unit, u]) => ({unit, blocks: u.blocks, ipv4: u.v4.toString(), ipv6: u.v6.toString()}))
    .sort((a, b) => (BigInt(b.ipv4) > BigInt(a.ipv4) ? 1 : BigInt(b.ipv4) < BigInt(a.ipv4) ? -1 : a.unit.localeCompare(b.unit)))
  // Per district: each pool's own space (its allocations and free blocks, not its child pools'),
  // under its district, so space a city pool hands to a county's pool counts for the county only.
  const districtTotals = new Map<string, {district: string | null; plane: Plane; family: Family; pools: number; allocated: bigint; reserved: bigint; free: bigint}>()
  if ([...districtOf.values()].some((d) => d !== null)) {
    for (const p of ordered) {
      if (scope && !scope.has(p.id)) continue
      const d = districtOf.get(p.id) ?? null
      const key = `${d ?? ''}\u0000${p.plane}\u0000${p.family}`
      const mine = get(p.id)
      const entry = districtTotals.get(key) ?? {district: d, plane: p.plane, family: p.family, pools: 0, allocated: 0n, reserved: 0n, free: 0n}
      entry.pools++
      entry.allocated += mine.allocated
      entry.reserved += mine.reserved
      entry.free += mine.free
      districtTotals.set(key, entry)
    }
  }
  const districts: DistrictUsage[] = [...districtTotals.values()]
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
  return {pools: poolUsage, units: unitUsage, districts}
}

/** Pools in tree order: each pool followed by its children, by address. */
export function treeOrder(pools: Pool[]): Pool[] {
  const children = new Map<number | null, Pool[]>()
  for (const p of pools) children.set(p.parentId, [...(children.get(p.parentId) ?? []), p])
  const out: Pool[] = []
  const walk = (parent: number | null) => {
    for (const p of children.get(parent) ?? []) {
      out.push(p)
      walk(p.id)
    }
  }
  walk(null)
  return out
}

function percent(part: bigint, whole: bigint): number {
  if (whole === 0n) return 0
  return Number((part * 10_000n) / whole) / 100
}

// ---------------------------------------------------------------- map

/** The pool as ordered segments: child pools, allocations, and the free ranges between. */
export async function poolMap(db: Db, ref: string): Promise<PoolMap> {
  const pool = await findPool(db, ref)
  const segments: MapSegment[] = []
  const district = (await poolScope(db, pool.id)).district ?? undefined
  const children = await db.selectFrom('net_pools').select(['name', 'cidr', 'start_key', 'end_key', 'district']).where('parent_id', '=', pool.id).execute()
  for (const c of children) {
    const own = c.district ?? district
    segments.push({start: fromKey(c.start_key), end: fromKey(c.end_key), kind: 'pool', cidr: c.cidr, holder: c.name, ...(own ? {district: own} : {})})
  }
  const allocations = await db
    .selectFrom('net_allocations')
    .leftJoin('units', 'units.name', 'net_allocations.unit')
    .select(['net_allocations.cidr', 'net_allocations.unit', 'net_allocations.status', 'net_allocations.purpose', 'net_allocations.start_key', 'net_allocations.end_key', 'units.district'])
    .where('net_allocations.pool_id', '=', pool.id)
    .where('net_allocations.status', '<>', 'released')
    .execute()
  for (const a of allocations) {
    segments.push({
      start: fromKey(a.start_key),
      end: fromKey(a.end_key),
      kind: 'allocation',
      cidr: a.cidr,
      holder: a.unit,
      status: a.status,
      purpose: a.purpose ?? undefined,
      ...(a.district ? {district: a.district} : {}),
    })
  }
  const free = await db.selectFrom('net_free').select(['prefix', 'start_key']).where('pool_id', '=', pool.id).execute()
  for (const f of free) {
    const start = fromKey(f.start_key)
    segments.push({start, end: start + blockSize(pool.family, Number(f.prefix)) - 1n, kind: 'free'})
  }
  segments.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0))
  // Adjacent free blocks read as one free range.
  const merged: MapSegment[] = []
  for (const s of segments) {
    const last = merged.at(-1)
    if (last && last.kind === 'free' && s.kind === 'free' && last.end + 1n === s.start) last.end = s.end
    else merged.push({...s})
  }
  const block = parseCidr(pool.cidr, 'pool')
  return {name: pool.name, cidr: pool.cidr, family: pool.family, plane: pool.plane, ...(district ? {district} : {}), start: block.start, end: blockEnd(block), segments: merged}
}

function* chunks<T>(items: T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size)
}
