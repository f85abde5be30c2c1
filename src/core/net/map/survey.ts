/**
 * What both renderers share: who holds what in the pool (one pass over the segments), the
 * grid of equal slices and each cell's occupant, and the text of sizes, ranges and shares.
 */
import {formatAddress} from '../ip.js'
import type {MapKind, MapLabels, MapSegment, PoolMap} from './types.js'

const DEFAULT_LABELS: Required<MapLabels> = {
  free: 'free',
  pool: 'pool',
  reserved: 'reserved',
  mixed: 'several holders or partly free',
  others: 'other holders',
  largest: 'largest',
  cell: 'cell',
  row: 'row',
  plane: 'plane',
}

export function mergeLabels(given: MapLabels | undefined): Required<MapLabels> {
  const out = {...DEFAULT_LABELS}
  for (const key of Object.keys(out) as Array<keyof MapLabels>) {
    const value = given?.[key]
    if (value !== undefined) out[key] = value
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// Addresses

function bitLength(value: bigint): number {
  return value <= 0n ? 0 : value.toString(2).length
}

function isPowerOfTwo(value: bigint): boolean {
  return value > 0n && (value & (value - 1n)) === 0n
}

/** "/26" for an aligned power-of-two size, else the address count. */
export function sizeText(size: bigint, family: 4 | 6): string {
  return isPowerOfTwo(size) ? `/${(family === 4 ? 32 : 128) - (bitLength(size) - 1)}` : String(size)
}

export function rangeText(start: bigint, end: bigint, family: 4 | 6): string {
  return `${formatAddress(start, family)} – ${formatAddress(end, family)}`
}

/** The largest CIDR-aligned block inside [start, end]. */
function largestBlock(start: bigint, end: bigint): {start: bigint; size: bigint} {
  // A range of length L holds an aligned block of 2^(k-1) whenever 2^k <= L, so this loop runs at most twice.
  for (let k = bitLength(end - start + 1n) - 1; k > 0; k--) {
    const bits = BigInt(k)
    const aligned = ((start + (1n << bits) - 1n) >> bits) << bits
    if (aligned + (1n << bits) - 1n <= end) return {start: aligned, size: 1n << bits}
  }
  return {start, size: 1n}
}

/** Share of the pool as a percentage: one decimal from 0.1 %, two significant digits below; never rounds to 0 or 100. */
export function shareText(size: bigint, total: bigint): string {
  if (size <= 0n) return '0%'
  if (size >= total) return '100%'
  if (size * 1000n >= total) {
    let tenths = (size * 2000n + total) / (2n * total)
    if (tenths > 999n) tenths = 999n
    return `${tenths / 10n}.${tenths % 10n}%`
  }
  // Below 0.1 % a double is exact enough even for IPv6 (relative error ~1e-16).
  const percent = (Number(size) / Number(total)) * 100
  return percent < 0.0001 ? '<0.0001%' : `${Number(percent.toPrecision(2))}%`
}

// ---------------------------------------------------------------------------------------------
// Survey: who holds what, in one pass over the segments

export interface Part {
  size: bigint
  blocks: number
  /** The first two blocks' CIDRs, for the legend. */
  cidrs: string[]
}

/** A unit (all its allocations in the pool) or a child pool. */
export interface Holder {
  kind: 'allocation' | 'pool'
  name: string
  /** 属地 (NET-4): named holders are grouped by it. */
  district?: string
  first: bigint
  active: Part
  reserved: Part
  /** Index of its symbol and colour, in address order; -1 for the holders beyond them ("other holders"). */
  rank: number
}

export interface Survey {
  total: bigint
  /** Holders with a symbol, in address order. */
  named: Holder[]
  others: {count: number; size: bigint}
  /** The holder of each segment (by index); undefined for free segments. */
  holderOf: Array<Holder | undefined>
  free: bigint
  largestFree?: {start: bigint; size: bigint}
}

/** A–Z then digits: 36 holders get a symbol of their own; a reserved block shows its letter in lowercase. */
const SYMBOLS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
export const OTHER_SYMBOL = '*'
export const FREE_SYMBOL = '·'
export const MIXED_SYMBOL = '▒'

export function isReserved(segment: MapSegment): boolean {
  return segment.kind === 'allocation' && segment.status === 'reserved'
}

export function survey(map: PoolMap): Survey {
  const total = map.end - map.start + 1n
  const byKey = new Map<string, Holder>()
  const holderOf: Array<Holder | undefined> = []
  let covered = 0n
  let free = 0n
  let largestFree: Survey['largestFree']
  for (const segment of map.segments) {
    const start = segment.start > map.start ? segment.start : map.start
    const end = segment.end < map.end ? segment.end : map.end
    const size = end >= start ? end - start + 1n : 0n
    covered += size
    if (segment.kind === 'free') {
      holderOf.push(undefined)
      free += size
      // Only a range longer than the best block so far can hold a larger one.
      if (size > 0n && (!largestFree || size > largestFree.size)) {
        const block = largestBlock(start, end)
        if (!largestFree || block.size > largestFree.size) largestFree = block
      }
      continue
    }
    const name = segment.holder ?? segment.cidr ?? '?'
    const key = `${segment.kind}\u0000${name}`
    let holder = byKey.get(key)
    if (!holder) {
      holder = {kind: segment.kind, name, ...(segment.district ? {district: segment.district} : {}), first: start, active: newPart(), reserved: newPart(), rank: -1}
      byKey.set(key, holder)
    }
    holderOf.push(holder)
    const part = isReserved(segment) ? holder.reserved : holder.active
    part.size += size
    part.blocks++
    if (part.cidrs.length < 2) part.cidrs.push(segment.cidr ?? rangeText(start, end, map.family))
  }
  // The contract is gapless; anything uncovered is counted as free all the same.
  if (covered < total) free += total - covered

  // The largest holders get the symbols (ties: the lower address), lettered in address order,
  // grouped by district first when any holder has one (NET-4: a county's units side by side).
  const holders = [...byKey.values()]
  const bySize = holders.toSorted((a, b) => {
    const diff = sizeOf(b) - sizeOf(a)
    return diff > 0n ? 1 : diff < 0n ? -1 : a.first < b.first ? -1 : a.first > b.first ? 1 : 0
  })
  const byDistrict = (a: Holder, b: Holder) => (a.district === b.district ? 0 : a.district === undefined ? 1 : b.district === undefined ? -1 : a.district.localeCompare(b.district, 'zh-CN'))
  const named = bySize.slice(0, SYMBOLS.length).sort((a, b) => byDistrict(a, b) || (a.first < b.first ? -1 : a.first > b.first ? 1 : 0))
  for (const [i, holder] of named.entries()) holder.rank = i
  const others = {count: 0, size: 0n}
  for (const holder of bySize.slice(SYMBOLS.length)) {
    others.count++
    others.size += sizeOf(holder)
  }
  return {total, named, others, holderOf, free, largestFree}
}

function newPart(): Part {
  return {size: 0n, blocks: 0, cidrs: []}
}

function sizeOf(holder: Holder): bigint {
  return holder.active.size + holder.reserved.size
}

// ---------------------------------------------------------------------------------------------
// The grid: equal slices of the range, and who occupies each

export interface Grid {
  count: number
  cellSize: bigint
  cols: number
  rows: number
}

/** At most maxCells cells (a power of two), no cell smaller than one address. */
export function grid(total: bigint, maxCells: number, maxCols: number): Grid {
  let n = BigInt(maxCells)
  while (n > 1n && n > total) n >>= 1n
  // A CIDR pool divides exactly; any other range gets a shorter last cell.
  const cellSize = (total + n - 1n) / n
  const count = Number((total + cellSize - 1n) / cellSize)
  const cols = Math.min(maxCols, count)
  return {count, cellSize, cols, rows: Math.ceil(count / cols)}
}

export interface Piece {
  /** Segment index. */
  index: number
  from: bigint
  to: bigint
}

/**
 * Calls visit for each cell with the pieces of the segments inside it. One pass: a segment is
 * looked at once per cell it overlaps, so the cost is segments + cells. `pieces` is reused.
 */
export function walkCells(map: PoolMap, {count, cellSize}: Grid, visit: (cell: number, start: bigint, end: bigint, pieces: Piece[]) => void): void {
  const segments = map.segments
  const pieces: Piece[] = []
  let next = 0
  for (let cell = 0; cell < count; cell++) {
    const start = map.start + BigInt(cell) * cellSize
    const end = start + cellSize - 1n < map.end ? start + cellSize - 1n : map.end
    while (next < segments.length && segments[next]!.end < start) next++
    pieces.length = 0
    while (next < segments.length && segments[next]!.start <= end) {
      const segment = segments[next]!
      pieces.push({index: next, from: segment.start > start ? segment.start : start, to: segment.end < end ? segment.end : end})
      if (segment.end > end) break // it goes on into the next cell
      next++
    }
    visit(cell, start, end, pieces)
  }
}

/** A cell's occupant: one holder filling it (reserved when all of it is reserved), free, or mixed. */
export type Occupant = {holder: Holder; reserved: boolean} | 'free' | 'mixed'

export function occupant(survey: Survey, map: PoolMap, start: bigint, end: bigint, pieces: Piece[]): Occupant {
  let holder: Holder | null | undefined // undefined: nothing seen yet; null: free
  let reserved = true
  let covered = 0n
  for (const piece of pieces) {
    const h = survey.holderOf[piece.index] ?? null
    if (holder === undefined) holder = h
    else if (h !== holder) return 'mixed'
    if (h && !isReserved(map.segments[piece.index]!)) reserved = false
    covered += piece.to - piece.from + 1n
  }
  if (!holder) return 'free'
  return covered < end - start + 1n ? 'mixed' : {holder, reserved}
}

export function sameOccupant(a: Occupant, b: Occupant): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b && a !== 'mixed'
  return a.holder === b.holder && a.reserved === b.reserved
}

export function holderKind(holder: Holder, reserved: boolean): MapKind {
  return holder.kind === 'pool' ? 'pool' : reserved ? 'reserved' : 'allocation'
}

export function symbolOf(holder: Holder, reserved: boolean): string {
  // Ranks run below SYMBOLS.length (the holders past it get -1 and the other symbol).
  const symbol = holder.rank >= 0 ? SYMBOLS[holder.rank]! : OTHER_SYMBOL
  return reserved ? symbol.toLowerCase() : symbol
}
