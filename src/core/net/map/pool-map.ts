/** A pool's map as data (`net map`): its child pools, allocations and free ranges, in address order. */
import {blockEnd, blockSize, fromKey, parseCidr} from '../ip.js'
import type {MapSegment, PoolMap} from './types.js'
import {poolScope} from '../districts.js'
import {findPool} from '../pools.js'
import {type Reader, readerDb} from '../../store/index.js'

/** The pool as ordered segments: child pools, allocations, and the free ranges between. */
export async function poolMap(from: Reader, ref: string): Promise<PoolMap> {
  const db = readerDb(from)
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
    if (last?.kind === 'free' && s.kind === 'free' && last.end + 1n === s.start) last.end = s.end
    else merged.push({...s})
  }
  const block = parseCidr(pool.cidr, 'pool')
  return {name: pool.name, cidr: pool.cidr, family: pool.family, plane: pool.plane, ...(district ? {district} : {}), start: block.start, end: blockEnd(block), segments: merged}
}
