/**
 * Search and history (issue 15): `net find` by part of a unit's name or of a purpose, and
 * `net find ADDRESS --at DATE`, who held an address then, answered from the allocations'
 * own dates and the audit trail of their edits.
 */
import {chinaInstant} from '../clock.js'
import {InvalidInput, NotFound} from '../errors.js'
import {type Reader, readerDb} from '../store/index.js'
import {type Block, blockEnd, formatCidr, normaliseInput, parseAddress, parseCidr, toKey, WIDTH} from './ip.js'
import {type Allocation, holdingOn, type Plane, toAllocation} from './model.js'

/**
 * An address or block as typed (`net find`, with or without --at): the block (an address is a
 * block of one), its text normalised, and the keys of its first and last addresses; exit 2
 * naming IP|CIDR when it is neither.
 */
function blockOf(ref: string): {text: string; block: Block; s: string; e: string} {
  const text = normaliseInput(ref)
  let block: Block
  if (text.includes('/')) block = parseCidr(text, 'IP|CIDR')
  else {
    const a = parseAddress(text, 'IP|CIDR')
    block = {family: a.family, start: a.value, prefix: WIDTH[a.family]}
  }
  return {text, block, s: toKey(block.start, block.family), e: toKey(blockEnd(block), block.family)}
}

/** Whether what was typed is an address or block (digits, dots, colons, a slash) rather than text to search for. */
export function looksLikeAddressQuery(text: string): boolean {
  const t = normaliseInput(text)
  return /^[0-9a-f:.]+(\/\d{1,3})?$/i.test(t) && /[.:]/.test(t)
}

export interface TextSearchResult {
  query: string
  /** Released blocks too (--all). */
  all: boolean
  allocations: Allocation[]
}

/** Allocations whose unit or purpose contains the text (case-insensitive); released ones only with `all`. */
export async function findByText(from: Reader, text: string, options: {all?: boolean} = {}): Promise<TextSearchResult> {
  const db = readerDb(from)
  const query = normaliseInput(text).trim()
  if (!query) throw new InvalidInput('input.empty', {field: 'QUERY'}, {field: 'QUERY'})
  const needle = query.toLowerCase()
  // LIKE narrows the rows on either database (a % or _ typed in the text only widens it); the
  // exact containment is decided here, the same on both.
  let q = db
    .selectFrom('net_allocations')
    .selectAll()
    .where((eb) => eb.or([eb(eb.fn('lower', ['unit']), 'like', `%${needle}%`), eb(eb.fn('lower', ['purpose']), 'like', `%${needle}%`)]))
  if (!options.all) q = q.where('status', '<>', 'released')
  const rows = await q.orderBy('plane').orderBy('family').orderBy('start_key').orderBy('id').execute()
  const allocations = rows.map((r) => toAllocation(r)).filter((a) => a.unit.toLowerCase().includes(needle) || (a.purpose ?? '').toLowerCase().includes(needle))
  if (!allocations.length) throw new NotFound(options.all ? 'net.find.noTextAll' : 'net.find.noText', {value: query}, {field: 'QUERY'})
  return {query, all: Boolean(options.all), allocations}
}

export interface HistoryResult {
  query: string
  /** The instant asked about (UTC ISO). */
  at: string
  /** The blocks that held the address then, each as it was at that instant. */
  allocations: Allocation[]
}

/** --at's value: a China business date (the end of that day) or an ISO date-time; exit 2 naming the flag otherwise. */
export function parseAt(value: string): string {
  const instant = chinaInstant(value, '23:59:59.999')
  if (!instant) throw new InvalidInput('net.find.badAt', {value}, {field: 'at'})
  return instant.toISOString()
}

/**
 * Who held an address (or any of a block) at an instant: the allocations made by then and not
 * yet released, each with its unit, purpose and status as they were, undoing the edits
 * (`net alloc edit`) the audit trail records after that instant.
 */
export async function findAt(from: Reader, ref: string, at: string): Promise<HistoryResult> {
  const db = readerDb(from)
  const {text: t, block, s, e} = blockOf(ref)
  const rows = await db
    .selectFrom('net_allocations')
    .selectAll()
    .where('family', '=', block.family)
    .where('start_key', '<=', e)
    .where('end_key', '>=', s)
    .where('created_at', '<=', at)
    .where((eb) => eb.or([eb('released_at', 'is', null), eb('released_at', '>', at)]))
    .orderBy('plane')
    .orderBy('start_key')
    .orderBy('id')
    .execute()
  const allocations: Allocation[] = []
  for (const row of rows) {
    const now = toAllocation(row)
    // The first change after the instant (an edit, the release) holds, in its "before", the allocation as it was then.
    const change = await db
      .selectFrom('audit_log')
      .select(['before_json'])
      .where('entity_type', '=', 'net-allocation')
      .where('entity_id', '=', String(now.id))
      .where('at', '>', at)
      .where('before_json', 'is not', null)
      .orderBy('seq')
      .limit(1)
      .executeTakeFirst()
    const then = change?.before_json ? (JSON.parse(change.before_json) as Partial<Allocation>) : undefined
    const status = then?.status ?? (now.status === 'released' ? 'active' : now.status)
    allocations.push({...now, unit: then?.unit ?? now.unit, purpose: then ? (then.purpose ?? null) : now.purpose, status, releasedAt: null, releasedBy: null})
  }
  if (!allocations.length) throw new NotFound('net.find.noneAt', {value: ref, at}, {field: 'IP|CIDR'})
  return {query: t, at, allocations}
}

export interface FindResult {
  query: string
  matches: Array<{plane: Plane; pools: Array<{name: string; cidr: string}>; allocations: Allocation[]}>
}

/** Which pools (outermost first) and allocations hold an address or block, on each plane. */
export async function find(from: Reader, ref: string): Promise<FindResult> {
  const db = readerDb(from)
  const {block, s, e} = blockOf(ref)
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
