import type {Kysely} from '#kysely'

import {appendAudit} from '../audit/index.js'
import {Conflict, InvalidInput, NotFound} from '../errors.js'
import type {Database, WriteContext} from '../store/index.js'
import {allocateOneIn} from './allocations.js'
import {type Allocation, type Plane, toAllocation} from './model.js'
import {findPool} from './pools.js'
import {type Block, blockEnd, formatCidr, parseCidr, toKey} from './ip.js'
import {protectionOf} from './protect.js'

/**
 * `net request plan ID --cidr CIDR` (NET-5): the plan takes the block the network team chose
 * rather than a best-fit one. The block must be free in a pool of the request's plane, or be
 * held already, whole and exactly, by the applicant unit outside any connection (a block it
 * got earlier by `net alloc` or an import): that allocation becomes the plan's, reserved,
 * with before and after in the audit. The pool is the innermost one of the plane holding the
 * block unless --pool names one.
 */
export async function planGivenBlock(ctx: WriteContext, input: {requestId: number; unit: string; plane: Plane; cidr: string; pool?: string; purpose: string}): Promise<Allocation> {
  const block = parseCidr(input.cidr, 'cidr')
  const text = formatCidr(block)
  const held = await holdersOf(ctx.db, input.plane, block)
  const mine = held.length === 1 && held[0]!.cidr === text && held[0]!.unit === input.unit ? held[0] : undefined
  if (mine) {
    if (input.pool !== undefined && (await findPool(ctx.db, input.pool)).id !== mine.poolId) {
      throw new InvalidInput('netreq.planHeldElsewhere', {cidr: text, unit: input.unit, pool: mine.pool}, {field: 'pool', rule: 'NET-5'})
    }
    const protection = await protectionOf(ctx.db, mine)
    if (protection) {
      throw new Conflict('netreq.planBlockInUse', {cidr: text, unit: input.unit, status: protection.status, use: protection.use}, {field: 'cidr', rule: protection.rule})
    }
    await ctx.db.updateTable('net_allocations').set({status: 'reserved', purpose: input.purpose}).where('id', '=', mine.id).execute()
    const after: Allocation = {...mine, status: 'reserved', purpose: input.purpose}
    await appendAudit(ctx, {action: 'net.alloc.edit', entityType: 'net-allocation', entityId: mine.id, before: mine, after})
    return after
  }
  const pool = input.pool?.trim() || (await innermostPool(ctx.db, input.plane, block))
  return allocateOneIn(ctx, {pool, cidr: text, unit: input.unit, purpose: input.purpose, status: 'reserved'})
}

/** Up to two holding allocations overlapping a block on a plane: enough to tell "free", "exactly one" and "more". */
export async function holdersOf(db: Kysely<Database>, plane: Plane, block: Block): Promise<Allocation[]> {
  const rows = await db
    .selectFrom('net_allocations')
    .selectAll()
    .where('plane', '=', plane)
    .where('family', '=', block.family)
    .where('status', '<>', 'released')
    .where('start_key', '<=', toKey(blockEnd(block), block.family))
    .where('end_key', '>=', toKey(block.start, block.family))
    .orderBy('start_key')
    .limit(2)
    .execute()
  return rows.map((r) => toAllocation(r))
}

/** The innermost pool of a plane holding a block, or exit 3 (NET-1). */
export async function innermostPool(db: Kysely<Database>, plane: Plane, block: Block): Promise<string> {
  const row = await db
    .selectFrom('net_pools')
    .select('name')
    .where('plane', '=', plane)
    .where('family', '=', block.family)
    .where('start_key', '<=', toKey(block.start, block.family))
    .where('end_key', '>=', toKey(blockEnd(block), block.family))
    .orderBy('prefix', 'desc')
    .executeTakeFirst()
  if (!row) throw new NotFound('netreq.planNoPool', {cidr: formatCidr(block), plane}, {field: 'cidr', rule: 'NET-1'})
  return row.name
}
