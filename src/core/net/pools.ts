/**
 * Pools (NET-1): finding them, adding one into the tree (it nests inside a pool or around
 * pools, and takes its space out of its parent's free space), removing an empty one.
 */
import {appendAudit} from '../audit/index.js'
import {Conflict, InvalidInput, NotFound} from '../errors.js'
import {checkedText} from '../names.js'
import {type Reader, readerDb, type Store, type WriteContext} from '../store/index.js'
import {districtText, levelOf, type UnitLevel} from '../units/index.js'
import {carveFree, freeAround, insertFreeRows, releaseToFree} from './free-space.js'
import {type Block, blockEnd, formatCidr, normaliseInput, parseCidr, toKey} from './ip.js'
import {type Allocation, chunks, type Db, holdingOn, type Plane, parsePlane, type Pool, toAllocation, toPool} from './model.js'

const poolBlock = (p: Pool): Block => parseCidr(p.cidr, 'pool')

export async function findPool(from: Reader, ref: string): Promise<Pool> {
  const db = readerDb(from)
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
    if (rows.length === 1) return toPool(rows[0]!)
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
  const {block, plane, name, district, level} = checkedPoolInput(input)
  const db = ctx.db
  const cidr = formatCidr(block)
  const sameName = await db.selectFrom('net_pools').select(['name', 'cidr']).where('name', '=', name).executeTakeFirst()
  if (sameName) throw new Conflict('net.poolNameTaken', {name, cidr: sameName.cidr}, {field: 'name'})
  const {parent, adoptedPools, adoptedAllocations} = await placeInTree(db, block, plane)
  const start = toKey(block.start, block.family)
  const end = toKey(blockEnd(block), block.family)
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
  await adopt(db, id, name, adoptedPools, adoptedAllocations)
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

/** The new pool's fields, checked before anything is read. */
function checkedPoolInput(input: AddPoolInput): {block: Block; plane: Plane; name: string; district: string | null; level: UnitLevel | null} {
  // A pool is a block: an address alone would silently make a /32 (or /128) pool.
  if (!normaliseInput(input.cidr).includes('/')) throw new InvalidInput('net.poolNeedsPrefix', {value: normaliseInput(input.cidr)}, {field: 'CIDR', rule: 'NET-1'})
  const block = parseCidr(input.cidr, 'CIDR')
  const plane = parsePlane(input.plane)
  const name = checkedText(input.name, 'name')
  if (!name || looksLikeAddress(name)) throw new InvalidInput('net.badName', {}, {field: 'name'})
  const district = input.district ? districtText(input.district) : null
  const level = input.level ? levelOf(input.level) : null
  return {block, plane, name, district, level}
}

/**
 * Where a new pool goes in the tree: its parent (the smallest pool around it), the parent's
 * child pools and allocations it takes over; refused when it equals a pool or cuts an allocation.
 */
async function placeInTree(db: Db, block: Block, plane: Plane): Promise<{parent: Pool | null; adoptedPools: Pool[]; adoptedAllocations: Allocation[]}> {
  const cidr = formatCidr(block)
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
  return {parent, adoptedPools, adoptedAllocations}
}

/** The new pool (id, name) becomes the parent of the pools and the holder of the allocations it took over. */
async function adopt(db: Db, id: number, name: string, adoptedPools: Pool[], adoptedAllocations: Allocation[]): Promise<void> {
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

/** The ids of a pool and every pool below it (@internal for ./allocations.ts and ./usage.ts). */
export async function subtreeIds(db: Db, pool: Pool): Promise<number[]> {
  const pools = await allPools(db)
  const ids = [pool.id]
  // The loop walks the children pushed as it goes (an array's iterator reads its length each step).
  for (const id of ids) for (const p of pools) if (p.parentId === id) ids.push(p.id)
  return ids
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
