/**
 * The free-space index (table net_free): each pool's free space as maximal aligned blocks,
 * split when a block is taken and merged with its buddy when one comes back, so finding,
 * taking and giving back space are a few indexed statements however full the pool is.
 */
import {Conflict} from '../errors.js'
import {type Block, blockEnd, blockSize, formatCidr, fromKey, rangeToBlocks, toKey} from './ip.js'
import {chunks, type Db, holdingOn, type Pool} from './model.js'

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

/** @internal for ./pools.ts and ./allocations.ts */
export async function insertFreeRows(db: Db, poolId: number, blocks: Block[]): Promise<void> {
  for (const chunk of chunks(blocks, 500)) {
    if (chunk.length)
      await db
        .insertInto('net_free')
        .values(chunk.map((b) => ({pool_id: poolId, prefix: b.prefix, start_key: toKey(b.start, b.family)})))
        .execute()
  }
}

/** Takes `target` out of the pool's free space: it must lie inside one free block. */
export async function carveFree(db: Db, pool: Pool, target: Block): Promise<void> {
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
export async function takeBestFit(db: Db, pool: Pool, prefix: number): Promise<Block> {
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
export async function takeExact(db: Db, pool: Pool, target: Block): Promise<void> {
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
      if (this.keys[mid]! <= key) {
        found = mid
        lo = mid + 1
      } else {
        hi = mid - 1
      }
    }
    if (found < 0) return undefined
    const free = this.blocks.get(this.keys[found]!)!
    return free.prefix <= target.prefix && blockEnd(free) >= blockEnd(target) ? {free, index: found} : undefined
  }

  /** splitFree, in memory: `free` (at `index`) is replaced by what is left of it around `target`. */
  take(at: {free: Block; index: number}, target: Block): void {
    const pieces = splitAround(at.free, target).sort((a, b) => (a.start < b.start ? -1 : 1))
    this.blocks.delete(this.keys[at.index]!)
    const keys = pieces.map((b) => toKey(b.start, b.family))
    for (let i = 0; i < pieces.length; i++) this.blocks.set(keys[i]!, pieces[i]!)
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

/** What occupies (part of) a block in a pool: an allocation's unit or a child pool. */
export async function holderOf(db: Db, pool: Pool, target: Block): Promise<{kind: 'allocation' | 'pool'; name: string; cidr: string}> {
  const s = toKey(target.start, target.family)
  const e = toKey(blockEnd(target), target.family)
  const a = await holdingOn(db, pool.plane, pool.family).select(['unit', 'cidr']).where('start_key', '<=', e).where('end_key', '>=', s).orderBy('start_key').limit(1).executeTakeFirst()
  if (a) return {kind: 'allocation', name: a.unit, cidr: a.cidr}
  const p = await db.selectFrom('net_pools').select(['name', 'cidr']).where('parent_id', '=', pool.id).where('start_key', '<=', e).where('end_key', '>=', s).limit(1).executeTakeFirst()
  return p ? {kind: 'pool', name: p.name, cidr: p.cidr} : {kind: 'pool', name: pool.name, cidr: pool.cidr}
}
