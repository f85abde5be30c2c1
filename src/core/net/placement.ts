/**
 * Placing imported allocations (`net import`, issue 20): exact blocks already checked free,
 * one at a time or many at once with the pools' free space split in memory and written once.
 */
import {appendAuditMany} from '../audit/index.js'
import {Conflict} from '../errors.js'
import {insertRowsReturning, type WriteContext} from '../store/index.js'
import {type AllocationFields, allocationRow, insertAllocation, mapOverlap} from './allocations.js'
import {holderOf, PoolFreeSpace, takeExact} from './free-space.js'
import {type Block, formatCidr} from './ip.js'
import {type Allocation, type Pool, toAllocation} from './model.js'

/** Records an imported allocation of an exact block, already checked to be free. */
export async function placeImported(ctx: WriteContext, pool: Pool, block: Block, fields: AllocationFields): Promise<Allocation> {
  await takeExact(ctx.db, pool, block)
  return insertAllocation(ctx, pool, block, fields)
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
export async function placeImportedMany(ctx: WriteContext, items: ReadonlyArray<{pool: Pool; block: Block; fields: AllocationFields}>): Promise<Allocation[]> {
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
  const rows = items.map(({pool, block, fields}) => allocationRow(ctx, pool, block, fields))
  const inserted = await insertRowsReturning<{id: number | string; cidr: string; plane: number | string}>(
    ctx,
    'net_allocations',
    ALLOCATION_COLUMNS,
    rows.map((r) => ALLOCATION_COLUMNS.map((c) => r[c])),
    ['id', 'cidr', 'plane'],
  ).catch((e: unknown) => mapOverlap(e, items[0]!.pool.plane))
  // Matched by block and plane (holding allocations never overlap on a plane), not by position.
  const ids = new Map(inserted.map((r) => [`${r.cidr}|${Number(r.plane)}`, Number(r.id)]))
  const allocations = rows.map((r) => toAllocation({...r, id: ids.get(`${r.cidr}|${r.plane}`)!}))
  await appendAuditMany(
    ctx,
    allocations.map((allocation) => ({action: 'net.alloc', entityType: 'net-allocation', entityId: allocation.id, after: allocation})),
  )
  return allocations
}
