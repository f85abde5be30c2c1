import type {Kysely} from '#kysely'

import {appendAudit} from '../audit/index.js'
import {Conflict, InvalidInput} from '../errors.js'
import {checkedText} from '../names.js'
import {type Database, type Reader, readerDb, type Store, type WriteContext} from '../store/index.js'
import {districtText, levelOf} from '../units/index.js'
import {findAllocation} from './allocations.js'
import {releaseToFree} from './free-space.js'
import {fromKey} from './ip.js'
import {type Allocation, parseStatus, type Pool, toAllocation, toPool} from './model.js'
import {findPool, looksLikeAddress} from './pools.js'
import {refuseIfProtected} from './protect.js'
import {registeredUnit} from './registry.js'

type Db = Kysely<Database>

// ---------------------------------------------------------------- net alloc edit

export interface AllocationEdit {
  purpose?: string
  unit?: string
  status?: string
}

export interface EditedAllocation {
  allocation: Allocation
  /** The fields that changed, each with its value before and after. */
  changes: Array<{field: 'purpose' | 'unit' | 'status'; before: string | null; after: string | null}>
  /** Nothing differed from what is recorded: nothing written, no audit entry. */
  unchanged: boolean
}

/**
 * Changes an allocation's purpose (用途), holder or status (active ↔ reserved). The holder is
 * a registry unit. A block of a unit's connection (planned, in service, cut off) changes
 * holder or status only through its request (NET-5, NET-6, NET-7); its purpose may be edited.
 */
export async function editAllocationIn(ctx: WriteContext, ref: string, input: AllocationEdit): Promise<EditedAllocation> {
  if (input.purpose === undefined && input.unit === undefined && input.status === undefined) {
    throw new InvalidInput('net.editNothing', {flags: '--purpose, --unit, --status'}, {field: 'purpose|unit|status'})
  }
  // Every value is checked before anything is looked up or written.
  const purpose = input.purpose === undefined ? undefined : checkedText(input.purpose, 'purpose', 'line') || null
  const status = input.status === undefined ? undefined : parseStatus(input.status, 'status')
  if (input.unit !== undefined && !input.unit.trim()) throw new InvalidInput('net.badUnit', {}, {field: 'unit'})
  const before = await findAllocation(ctx.db, ref)
  if (before.status === 'released') throw new Conflict('net.editReleased', {id: before.id, cidr: before.cidr, at: before.releasedAt}, {field: 'CIDR|ID'})
  const unit = input.unit === undefined ? undefined : await registeredUnit(ctx.db, input.unit, 'unit')

  const changes: EditedAllocation['changes'] = []
  if (purpose !== undefined && purpose !== before.purpose) changes.push({field: 'purpose', before: before.purpose, after: purpose})
  if (unit !== undefined && unit !== before.unit) changes.push({field: 'unit', before: before.unit, after: unit})
  if (status !== undefined && status !== before.status) changes.push({field: 'status', before: before.status, after: status})
  if (!changes.length) return {allocation: before, changes, unchanged: true}

  // NET-5, NET-6, NET-7: the holder and the status of a connection's block are its request's.
  const guarded = changes.find((c) => c.field !== 'purpose')
  if (guarded) await refuseIfProtected(ctx.db, before, guarded.field)

  const set: {purpose?: string | null; unit?: string; status?: string} = {}
  for (const c of changes) {
    if (c.field === 'purpose') set.purpose = c.after
    if (c.field === 'unit') set.unit = c.after!
    if (c.field === 'status') set.status = c.after!
  }
  await ctx.db.updateTable('net_allocations').set(set).where('id', '=', before.id).execute()
  const allocation = toAllocation(await ctx.db.selectFrom('net_allocations').selectAll().where('id', '=', before.id).executeTakeFirstOrThrow())
  await appendAudit(ctx, {action: 'net.alloc.edit', entityType: 'net-allocation', entityId: before.id, before, after: allocation})
  return {allocation, changes, unchanged: false}
}

/** editAllocation in its own transaction: what a command calls (the editAllocationIn form joins a caller's transaction). */
export function editAllocation(store: Store, ref: string, input: AllocationEdit): Promise<EditedAllocation> {
  return store.write((ctx) => editAllocationIn(ctx, ref, input))
}

// ---------------------------------------------------------------- net pool edit

export interface PoolEdit {
  name?: string
  note?: string
  /** 属地 (NET-4); "" clears it. */
  district?: string
  /** The level of unit it serves (NET-4); "" clears it. */
  level?: string
}

export interface EditedPool {
  pool: Pool
  changes: Array<{field: 'name' | 'note' | 'district' | 'level'; before: string | null; after: string | null}>
  unchanged: boolean
}

/** Renames or re-notes a pool, or sets its district and level (NET-4). The new name is unique and checked as `net pool add` checks it; its allocations carry the new name. */
export async function editPoolIn(ctx: WriteContext, ref: string, input: PoolEdit): Promise<EditedPool> {
  if (input.name === undefined && input.note === undefined && input.district === undefined && input.level === undefined) {
    throw new InvalidInput('net.editNothing', {flags: '--name, --note, --district, --level'}, {field: 'name|note|district|level'})
  }
  let name: string | undefined
  if (input.name !== undefined) {
    name = checkedText(input.name, 'name')
    if (!name || looksLikeAddress(name)) throw new InvalidInput('net.badName', {}, {field: 'name'})
  }
  const note = input.note === undefined ? undefined : checkedText(input.note, 'note', 'line') || null
  const district = input.district === undefined ? undefined : districtText(input.district)
  const level = input.level === undefined ? undefined : input.level.trim() ? levelOf(input.level) : null
  const before = await findPool(ctx.db, ref)
  const changes: EditedPool['changes'] = []
  if (name !== undefined && name !== before.name) {
    const taken = await ctx.db.selectFrom('net_pools').select(['name', 'cidr']).where('name', '=', name).executeTakeFirst()
    if (taken) throw new Conflict('net.poolNameTaken', {name, cidr: taken.cidr}, {field: 'name'})
    changes.push({field: 'name', before: before.name, after: name})
  }
  if (note !== undefined && note !== before.note) changes.push({field: 'note', before: before.note, after: note})
  if (district !== undefined && district !== before.district) changes.push({field: 'district', before: before.district, after: district})
  if (level !== undefined && level !== before.level) changes.push({field: 'level', before: before.level, after: level})
  if (!changes.length) return {pool: before, changes, unchanged: true}

  if (name !== undefined && name !== before.name) {
    await ctx.db.updateTable('net_pools').set({name}).where('id', '=', before.id).execute()
    // The allocations' pool_name is what lists and exports print.
    await ctx.db.updateTable('net_allocations').set({pool_name: name}).where('pool_id', '=', before.id).execute()
  }
  if (note !== undefined) await ctx.db.updateTable('net_pools').set({note}).where('id', '=', before.id).execute()
  if (district !== undefined) await ctx.db.updateTable('net_pools').set({district}).where('id', '=', before.id).execute()
  if (level !== undefined) await ctx.db.updateTable('net_pools').set({level}).where('id', '=', before.id).execute()
  const pool = await poolById(ctx.db, before.id)
  await appendAudit(ctx, {action: 'net.pool.edit', entityType: 'net-pool', entityId: before.id, before, after: pool})
  return {pool, changes, unchanged: false}
}

/** editPool in its own transaction: what a command calls (the editPoolIn form joins a caller's transaction). */
export function editPool(store: Store, ref: string, input: PoolEdit): Promise<EditedPool> {
  return store.write((ctx) => editPoolIn(ctx, ref, input))
}

async function poolById(db: Db, id: number): Promise<Pool> {
  return toPool(await db.selectFrom('net_pools').selectAll().where('id', '=', id).executeTakeFirstOrThrow())
}

// ---------------------------------------------------------------- net pool remove --lift

export interface PoolContents {
  pool: Pool
  parent: Pool | null
  /** Child pools' names. */
  pools: string[]
  /** Holding allocations directly in the pool (not in its children), as CIDRs. */
  allocations: string[]
}

/** What a pool holds directly: its child pools and its holding allocations. */
export async function poolContents(from: Reader, ref: string): Promise<PoolContents> {
  const db = readerDb(from)
  const pool = await findPool(db, ref)
  const parent = pool.parentId === null ? null : await poolById(db, pool.parentId)
  const pools = (await db.selectFrom('net_pools').select('name').where('parent_id', '=', pool.id).orderBy('start_key').execute()).map((r) => r.name)
  const allocations = (await db.selectFrom('net_allocations').select('cidr').where('pool_id', '=', pool.id).where('status', '<>', 'released').orderBy('start_key').execute()).map((r) => r.cidr)
  return {pool, parent, pools, allocations}
}

export interface LiftResult {
  pool: Pool
  parent: string | null
  /** Child pools now under the parent (or at the top level). */
  movedPools: string[]
  /** Allocations now in the parent. */
  movedAllocations: string[]
}

/**
 * Removes a pool added by mistake (an aggregate around others): its child pools and
 * allocations move up to its parent, or the child pools to the top level; its free space
 * becomes the parent's. A top-level pool that holds allocations itself is refused: an
 * allocation lies in a pool (NET-1).
 */
export async function liftPoolIn(ctx: WriteContext, ref: string): Promise<LiftResult> {
  const {pool, parent, pools, allocations} = await poolContents(ctx.db, ref)
  if (!parent && allocations.length) {
    throw new Conflict(
      'net.liftNoParent',
      {name: pool.name, count: allocations.length, cidrs: allocations.slice(0, 5).join(', ') + (allocations.length > 5 ? ' …' : '')},
      {field: 'NAME', rule: 'NET-1', details: {allocations: allocations.length}},
    )
  }
  const db = ctx.db
  await db
    .updateTable('net_pools')
    .set({parent_id: parent?.id ?? null})
    .where('parent_id', '=', pool.id)
    .execute()
  if (parent) {
    await db.updateTable('net_allocations').set({pool_id: parent.id, pool_name: parent.name}).where('pool_id', '=', pool.id).where('status', '<>', 'released').execute()
    // The pool's free blocks are the parent's now, merged with their free neighbours there.
    const free = await db.selectFrom('net_free').select(['prefix', 'start_key']).where('pool_id', '=', pool.id).orderBy('start_key').execute()
    await db.deleteFrom('net_free').where('pool_id', '=', pool.id).execute()
    for (const f of free) await releaseToFree(db, parent, {family: pool.family, start: fromKey(f.start_key), prefix: Number(f.prefix)})
  } else {
    await db.deleteFrom('net_free').where('pool_id', '=', pool.id).execute()
  }
  // Released allocations stay in the history under the pool's name, as when a pool is removed.
  await db.updateTable('net_allocations').set({pool_id: null}).where('pool_id', '=', pool.id).execute()
  await db.deleteFrom('net_pools').where('id', '=', pool.id).execute()
  const result = {pool, parent: parent?.name ?? null, movedPools: pools, movedAllocations: allocations}
  await appendAudit(ctx, {
    action: 'net.pool.remove',
    entityType: 'net-pool',
    entityId: pool.id,
    before: {...pool, parent: parent?.name ?? null, pools, allocations},
    after: {lifted: true, parent: parent?.name ?? null, movedPools: pools, movedAllocations: allocations},
  })
  return result
}

/** liftPool in its own transaction: what a command calls (the liftPoolIn form joins a caller's transaction). */
export function liftPool(store: Store, ref: string): Promise<LiftResult> {
  return store.write((ctx) => liftPoolIn(ctx, ref))
}
