/**
 * The pool map: a pool's address range drawn as a grid of equal slices, for the terminal
 * (one character per slice, then a legend) and as a standalone SVG document.
 *
 * Everything is arithmetic on bigint slices of the range, never on single addresses, so an
 * IPv6 /32 costs the same as an IPv4 /24. Segments and cells are walked together in one
 * pass (both are in address order), so 100,000 segments cost one visit each, not one per cell.
 *
 * Pure: no I/O, no CLI packages. Colour is the caller's (`color`), and so is every word a
 * person reads (`legendLabels`; the English defaults are only a fallback).
 */
import {displayWidth as textWidth, padEnd as pad, truncate as fit} from '../text.js'
import {formatAddress} from './ip.js'
import type {MapSegment, PoolMap} from './map-types.js'

/** What a cell or legend line is, for the caller's colouring. */
export type MapKind = 'allocation' | 'reserved' | 'pool' | 'free'

/** The words of the map. free/pool/reserved are required by the renderers' callers; the rest have English defaults. */
export interface MapLabels {
  free: string
  pool: string
  reserved: string
  /** Legend line of the mixed mark. */
  mixed?: string
  /** Legend line of the holders beyond the symbols; shown as "LABEL (count)". */
  others?: string
  /** Before the largest free block on the free line: "largest 10.1.96.0/19". */
  largest?: string
  /** Scale line: "cell = /26 · row = /20". */
  cell?: string
  row?: string
  /** SVG subtitle: "plane 1". */
  plane?: string
}

export interface TerminalMapOptions {
  /** Terminal columns; every line fits (CJK counted as two). Default 80. */
  width?: number
  /** Colours a run of text; without it the output has no escape codes. Mixed cells are never coloured. */
  color?: (kind: MapKind, text: string) => string
  legendLabels?: MapLabels
}

export interface SvgMapOptions {
  /** Heading; default "NAME CIDR · plane N". */
  title?: string
  legendLabels?: MapLabels
}

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

function mergeLabels(given: MapLabels | undefined): Required<MapLabels> {
  const out = {...DEFAULT_LABELS}
  for (const key of Object.keys(out) as Array<keyof MapLabels>) {
    const value = given?.[key]
    if (value !== undefined) out[key] = value
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// Addresses

// Address text comes from ip.ts, the one formatter the whole net area uses.
export {formatAddress}

function bitLength(value: bigint): number {
  return value <= 0n ? 0 : value.toString(2).length
}

function isPowerOfTwo(value: bigint): boolean {
  return value > 0n && (value & (value - 1n)) === 0n
}

/** "/26" for an aligned power-of-two size, else the address count. */
function sizeText(size: bigint, family: 4 | 6): string {
  return isPowerOfTwo(size) ? `/${(family === 4 ? 32 : 128) - (bitLength(size) - 1)}` : String(size)
}

function rangeText(start: bigint, end: bigint, family: 4 | 6): string {
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
function shareText(size: bigint, total: bigint): string {
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

interface Part {
  size: bigint
  blocks: number
  /** The first two blocks' CIDRs, for the legend. */
  cidrs: string[]
}

/** A unit (all its allocations in the pool) or a child pool. */
interface Holder {
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

interface Survey {
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
const OTHER_SYMBOL = '*'
const FREE_SYMBOL = '·'
const MIXED_SYMBOL = '▒'

function isReserved(segment: MapSegment): boolean {
  return segment.kind === 'allocation' && segment.status === 'reserved'
}

function survey(map: PoolMap): Survey {
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

interface Grid {
  count: number
  cellSize: bigint
  cols: number
  rows: number
}

/** At most maxCells cells (a power of two), no cell smaller than one address. */
function grid(total: bigint, maxCells: number, maxCols: number): Grid {
  let n = BigInt(maxCells)
  while (n > 1n && n > total) n >>= 1n
  // A CIDR pool divides exactly; any other range gets a shorter last cell.
  const cellSize = (total + n - 1n) / n
  const count = Number((total + cellSize - 1n) / cellSize)
  const cols = Math.min(maxCols, count)
  return {count, cellSize, cols, rows: Math.ceil(count / cols)}
}

interface Piece {
  /** Segment index. */
  index: number
  from: bigint
  to: bigint
}

/**
 * Calls visit for each cell with the pieces of the segments inside it. One pass: a segment is
 * looked at once per cell it overlaps, so the cost is segments + cells. `pieces` is reused.
 */
function walkCells(map: PoolMap, {count, cellSize}: Grid, visit: (cell: number, start: bigint, end: bigint, pieces: Piece[]) => void): void {
  const segments = map.segments
  const pieces: Piece[] = []
  let next = 0
  for (let cell = 0; cell < count; cell++) {
    const start = map.start + BigInt(cell) * cellSize
    const end = start + cellSize - 1n < map.end ? start + cellSize - 1n : map.end
    while (next < segments.length && segments[next].end < start) next++
    pieces.length = 0
    while (next < segments.length && segments[next].start <= end) {
      const segment = segments[next]
      pieces.push({index: next, from: segment.start > start ? segment.start : start, to: segment.end < end ? segment.end : end})
      if (segment.end > end) break // it goes on into the next cell
      next++
    }
    visit(cell, start, end, pieces)
  }
}

/** A cell's occupant: one holder filling it (reserved when all of it is reserved), free, or mixed. */
type Occupant = {holder: Holder; reserved: boolean} | 'free' | 'mixed'

function occupant(survey: Survey, map: PoolMap, start: bigint, end: bigint, pieces: Piece[]): Occupant {
  let holder: Holder | null | undefined // undefined: nothing seen yet; null: free
  let reserved = true
  let covered = 0n
  for (const piece of pieces) {
    const h = survey.holderOf[piece.index] ?? null
    if (holder === undefined) holder = h
    else if (h !== holder) return 'mixed'
    if (h && !isReserved(map.segments[piece.index])) reserved = false
    covered += piece.to - piece.from + 1n
  }
  if (!holder) return 'free'
  return covered < end - start + 1n ? 'mixed' : {holder, reserved}
}

function sameOccupant(a: Occupant, b: Occupant): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b && a !== 'mixed'
  return a.holder === b.holder && a.reserved === b.reserved
}

function holderKind(holder: Holder, reserved: boolean): MapKind {
  return holder.kind === 'pool' ? 'pool' : reserved ? 'reserved' : 'allocation'
}

function symbolOf(holder: Holder, reserved: boolean): string {
  const symbol = holder.rank >= 0 ? SYMBOLS[holder.rank] : OTHER_SYMBOL
  return reserved ? symbol.toLowerCase() : symbol
}

// ---------------------------------------------------------------------------------------------
// Legend, shared by both renderers

interface LegendEntry {
  symbol: string
  /** For colouring; none for the mixed line. */
  kind?: MapKind
  label: string
  /** CIDR(s) held, or the largest free block. */
  where: string
  share: string
  /** SVG swatch. */
  fill: string
  opacity?: number
}

function legend(map: PoolMap, s: Survey, labels: Required<MapLabels>, hasMixed: boolean): LegendEntry[] {
  const entries: LegendEntry[] = []
  const where = (part: Part) => (part.blocks <= part.cidrs.length ? part.cidrs.join(', ') : `${part.cidrs[0]} +${part.blocks - 1}`)
  for (const holder of s.named) {
    const named = holder.kind === 'pool' ? `${holder.name} (${labels.pool})` : holder.name
    const name = holder.district && holder.district !== map.district ? `${named} [${holder.district}]` : named
    if (holder.active.size > 0n) {
      entries.push({
        symbol: symbolOf(holder, false),
        kind: holderKind(holder, false),
        label: name,
        where: where(holder.active),
        share: shareText(holder.active.size, s.total),
        fill: colourOf(holder),
      })
    }
    if (holder.reserved.size > 0n) {
      entries.push({
        symbol: symbolOf(holder, true),
        kind: 'reserved',
        label: `${holder.name} (${labels.reserved})${holder.district && holder.district !== map.district ? ` [${holder.district}]` : ''}`,
        where: where(holder.reserved),
        share: shareText(holder.reserved.size, s.total),
        fill: colourOf(holder),
        opacity: RESERVED_OPACITY,
      })
    }
  }
  if (s.others.count > 0) {
    entries.push({
      symbol: OTHER_SYMBOL,
      kind: 'allocation',
      label: `${labels.others} (${s.others.count})`,
      where: '',
      share: shareText(s.others.size, s.total),
      fill: OTHER_FILL,
    })
  }
  if (hasMixed) entries.push({symbol: MIXED_SYMBOL, label: labels.mixed, where: '', share: '', fill: 'url(#mixed)'})
  const largest = s.largestFree
  entries.push({
    symbol: FREE_SYMBOL,
    kind: 'free',
    label: labels.free,
    where: largest ? `${labels.largest} ${formatAddress(largest.start, map.family)}${sizeText(largest.size, map.family)}` : '',
    share: shareText(s.free, s.total),
    fill: FREE_FILL,
  })
  return entries
}

// ---------------------------------------------------------------------------------------------
// Terminal

const TERM_MAX_COLS = 64
const TERM_MAX_ROWS = 16
/** A space every 16 cells, when the width allows, to make positions countable. */
const TERM_GROUP = 16

/**
 * The pool as a character grid for a terminal, then its legend:
 *
 *     市电子政务外网  10.1.0.0/16  cell = /26 · row = /20
 *     10.1.0.0   AAAAAAAAAAAAAAAA AAAAAAAAAAAAAAAA AAAAAAAAAAAAAAAA AAAAAAAAAAAAAAAA
 *     …
 *     10.1.80.0  aaaaaaaaaaaaaaaa ················ ················ ················
 *     …
 *
 *     A  市人力资源和社会保障局             10.1.0.0/18                  25.0%
 *     a  市人力资源和社会保障局 (reserved)  10.1.80.0/22                  1.6%
 *     B  市公安局                           10.1.64.0/20, 10.1.200.0/30   6.3%
 *     ▒  several holders or partly free
 *     ·  free                               largest 10.1.96.0/19         42.2%
 *
 * Up to 16 rows of up to 64 cells (powers of two), a space every 16 cells when it fits.
 * A cell shows its sole occupant's symbol (A–Z, then 0–9, `*` past 36 holders; lowercase
 * when all of it is reserved), `·` when free, `▒` when shared or partly free. Legend: one
 * line per holder (and one for its reserved part), CIDRs ("first +N" when more than two),
 * share of the pool. Every line fits `width` (CJK counted as two columns; long text ends in "…").
 */
export function renderTerminalMap(map: PoolMap, options: TerminalMapOptions = {}): string {
  const width = Math.max(24, Math.floor(options.width ?? 80))
  const paint = options.color ?? ((_kind: MapKind, text: string) => text)
  const labels = mergeLabels(options.legendLabels)
  const s = survey(map)
  const layout = terminalLayout(map, s.total, width)
  const {cols, rows, cellSize} = layout

  // One pass: the symbol and colour of every cell.
  const symbols: string[] = []
  const kinds: Array<MapKind | undefined> = []
  let hasMixed = false
  walkCells(map, layout, (_cell, start, end, pieces) => {
    const o = occupant(s, map, start, end, pieces)
    if (o === 'mixed') {
      hasMixed = true
      symbols.push(MIXED_SYMBOL)
      kinds.push(undefined)
    } else if (o === 'free') {
      symbols.push(FREE_SYMBOL)
      kinds.push('free')
    } else {
      symbols.push(symbolOf(o.holder, o.reserved))
      kinds.push(holderKind(o.holder, o.reserved))
    }
  })

  const lines: string[] = [fit(`${map.name}  ${map.cidr}  ${labels.cell} = ${sizeText(cellSize, map.family)} · ${labels.row} = ${sizeText(cellSize * BigInt(cols), map.family)}`, width)]
  for (let row = 0; row < rows; row++) {
    let line = `${pad(layout.rowLabels[row], layout.labelWidth)} `
    // Consecutive cells of one kind are coloured as one run.
    let run = ''
    let runKind: MapKind | undefined
    const flush = () => {
      line += run && runKind ? paint(runKind, run) : run
      run = ''
    }
    for (let col = 0; col < cols && row * cols + col < symbols.length; col++) {
      const cell = row * cols + col
      if (layout.grouped && col > 0 && col % TERM_GROUP === 0) {
        flush()
        line += ' '
      }
      if (kinds[cell] !== runKind) flush()
      runKind = kinds[cell]
      run += symbols[cell]
    }
    flush()
    lines.push(line)
  }

  lines.push('', ...legendLines(legend(map, s, labels, hasMixed), width, paint))
  return lines.join('\n')
}

interface TerminalLayout extends Grid {
  rowLabels: string[]
  labelWidth: number
  grouped: boolean
}

/** The widest power-of-two row (≤ 64 cells, grouped by 16 when that fits too) whose line fits the width. */
function terminalLayout(map: PoolMap, total: bigint, width: number): TerminalLayout {
  for (let perRow = TERM_MAX_COLS; ; perRow /= 2) {
    const g = grid(total, perRow * TERM_MAX_ROWS, perRow)
    const rowLabels = Array.from({length: g.rows}, (_, row) => formatAddress(map.start + BigInt(row * g.cols) * g.cellSize, map.family))
    const labelWidth = Math.max(...rowLabels.map((label) => label.length))
    for (const grouped of g.cols >= 2 * TERM_GROUP ? [true, false] : [false]) {
      const lineWidth = labelWidth + 1 + g.cols + (grouped ? g.cols / TERM_GROUP - 1 : 0)
      if (lineWidth <= width || perRow === 1) return {...g, rowLabels, labelWidth, grouped}
    }
  }
}

function legendLines(entries: LegendEntry[], width: number, paint: (kind: MapKind, text: string) => string): string[] {
  const shareWidth = Math.max(...entries.map((e) => e.share.length))
  const labelMax = Math.max(...entries.map((e) => textWidth(e.label)))
  const whereMax = Math.max(...entries.map((e) => textWidth(e.where)))
  // symbol, two spaces, label, two spaces, where, two spaces, share
  const budget = width - 1 - 2 - 2 - shareWidth - (whereMax > 0 ? 2 : 0)
  const labelWidth = Math.min(labelMax, Math.max(Math.min(labelMax, 12), budget - whereMax))
  const whereWidth = Math.max(0, Math.min(whereMax, budget - labelWidth))
  return entries.map((e) => {
    let line = `${e.kind ? paint(e.kind, e.symbol) : e.symbol}  ${pad(fit(e.label, labelWidth), labelWidth)}  `
    if (whereWidth > 0) line += `${pad(fit(e.where, whereWidth), whereWidth)}  `
    return (line + e.share.padStart(shareWidth)).trimEnd()
  })
}

// ---------------------------------------------------------------------------------------------
// SVG

const SVG_MAX_COLS = 64
const SVG_MAX_ROWS = 64
const CELL = 12
const GAP = 1
const MARGIN = 16
const GRID_TOP = 64
const LEGEND_LINE = 18
/** Rough advance of one terminal column of 12px text, to size the legend columns. */
const COLUMN_PX = 7
const FONTS = "'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', 'Hiragino Sans GB', sans-serif"
const MONO = "ui-monospace, 'SFMono-Regular', Menlo, Consolas, 'Noto Sans Mono', monospace"
/**
 * Twenty holder colours, cycled past 20 holders (the legend and tooltips tell them apart then).
 * Chosen so that any two differ by at least 25 in CIELAB (ΔE*76; the old Tableau/d3 mix had
 * pairs at 10.5, such as #59a14f/#2ca02c) and from the free and "other" greys, and ordered dark,
 * light, dark, … so that consecutive holders also differ in lightness (ΔL* ≥ 15), which keeps
 * them apart on a grey-scale print and for colour-blind readers.
 */
export const PALETTE = [
  '#4e79a7',
  '#d1b647',
  '#212183',
  '#81ab2b',
  '#6c47d1',
  '#47d147',
  '#c847d1',
  '#aee9a5',
  '#832162',
  '#47c8d1',
  '#762d37',
  '#7c7cde',
  '#ab2b2b',
  '#e4a5e9',
  '#76542d',
  '#de7c89',
  '#2d7637',
  '#d17e47',
  '#2d7671',
  '#e9d2a5',
]
export const FREE_FILL = '#e5e7eb'
export const OTHER_FILL = '#a8a29e'
const RESERVED_OPACITY = 0.45

function colourOf(holder: Holder): string {
  return holder.rank >= 0 ? PALETTE[holder.rank % PALETTE.length] : OTHER_FILL
}

const ENTITIES: Record<string, string> = {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;'}

/** Text safe in XML content and attributes; characters XML 1.0 forbids are dropped. */
function xml(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '').replace(/[&<>"']/g, (ch) => ENTITIES[ch])
}

/**
 * The pool as a standalone SVG document: heading, a grid of up to 64×64 cells (runs of
 * cells with the same occupant in a row are one rect), each rect with a <title> tooltip,
 * and a legend with swatches, names, CIDRs and shares.
 */
export function renderSvgMap(map: PoolMap, options: SvgMapOptions = {}): string {
  const labels = mergeLabels(options.legendLabels)
  const s = survey(map)
  const g = grid(s.total, SVG_MAX_COLS * SVG_MAX_ROWS, SVG_MAX_COLS)
  const rowLabels = Array.from({length: g.rows}, (_, row) => formatAddress(map.start + BigInt(row * g.cols) * g.cellSize, map.family))
  const labelPx = Math.max(...rowLabels.map((label) => label.length)) * 6 + 10
  const gridLeft = MARGIN + labelPx
  const rects: string[] = []
  let hasMixed = false

  // Cells with the same single occupant, side by side in a row, make one rect.
  interface Run {
    cell: number
    length: number
    start: bigint
    end: bigint
    occupant: Occupant
    segments: number[]
    segmentCount: number
    lastIndex: number
  }
  let run: Run | undefined
  const rect = (cell: number, length: number, fill: {fill: string; opacity?: number}, tooltip: string) => {
    const x = gridLeft + (cell % g.cols) * CELL
    const y = GRID_TOP + Math.floor(cell / g.cols) * CELL
    const opacity = fill.opacity === undefined ? '' : ` fill-opacity="${fill.opacity}"`
    return `<rect class="cell" x="${x}" y="${y}" width="${length * CELL - GAP}" height="${CELL - GAP}" fill="${fill.fill}"${opacity}><title>${xml(tooltip)}</title></rect>`
  }
  const flush = () => {
    if (run) rects.push(rect(run.cell, run.length, fillOf(run.occupant), runTooltip(map, run.start, run.end, run.occupant, run.segments, run.segmentCount, labels)))
    run = undefined
  }

  walkCells(map, g, (cell, start, end, pieces) => {
    const o = occupant(s, map, start, end, pieces)
    let current = run
    if (current && o !== 'mixed' && sameOccupant(current.occupant, o) && cell % g.cols !== 0) {
      current.length++
      current.end = end
    } else {
      flush()
      if (o === 'mixed') {
        hasMixed = true
        rects.push(rect(cell, 1, {fill: 'url(#mixed)'}, mixedTooltip(map, s, start, end, pieces, labels)))
        return
      }
      current = run = {cell, length: 1, start, end, occupant: o, segments: [], segmentCount: 0, lastIndex: -1}
    }
    // Remember the first few segments of a holder's run for its tooltip (a segment may span several cells).
    if (o !== 'free') {
      for (const piece of pieces) {
        if (current.lastIndex === piece.index) continue
        current.lastIndex = piece.index
        current.segmentCount++
        if (current.segments.length < 4) current.segments.push(piece.index)
      }
    }
  })
  flush()

  // Legend: swatch, label, where, share, in columns sized by their longest text.
  const entries = legend(map, s, labels, hasMixed)
  const legendTop = GRID_TOP + g.rows * CELL + 28
  const labelCols = Math.min(40, Math.max(...entries.map((e) => textWidth(e.label))))
  const whereCols = Math.min(40, Math.max(...entries.map((e) => textWidth(e.where))))
  const labelX = MARGIN + 20
  const whereX = labelX + labelCols * COLUMN_PX + 16
  const shareX = whereX + whereCols * COLUMN_PX + 16 + 8 * COLUMN_PX // right edge of the share column
  const legendSvg = entries.map((e, i) => {
    const y = legendTop + i * LEGEND_LINE
    const opacity = e.opacity === undefined ? '' : ` fill-opacity="${e.opacity}"`
    return (
      `<rect class="swatch" x="${MARGIN}" y="${y - 10}" width="${CELL}" height="${CELL}" fill="${e.fill}"${opacity} stroke="#9ca3af" stroke-width="0.5"><title>${xml(`${e.symbol} ${e.label}`)}</title></rect>` +
      `<text x="${labelX}" y="${y}">${xml(fit(e.label, labelCols))}</text>` +
      (e.where ? `<text x="${whereX}" y="${y}" font-family="${MONO}" font-size="11">${xml(fit(e.where, whereCols))}</text>` : '') +
      (e.share ? `<text x="${shareX}" y="${y}" text-anchor="end">${xml(e.share)}</text>` : '')
    )
  })

  const heading = options.title ?? `${map.name} ${map.cidr} · ${labels.plane} ${map.plane}`
  const subtitle = `${labels.cell} = ${sizeText(g.cellSize, map.family)} · ${labels.row} = ${sizeText(g.cellSize * BigInt(g.cols), map.family)} · ${rangeText(map.start, map.end, map.family)}`
  const width = Math.max(gridLeft + g.cols * CELL + MARGIN, shareX + MARGIN, MARGIN * 2 + Math.max(textWidth(heading) * 9, textWidth(subtitle) * COLUMN_PX))
  const height = legendTop + entries.length * LEGEND_LINE + MARGIN
  const rowLabelSvg = rowLabels.map((label, row) => `<text x="${gridLeft - 6}" y="${GRID_TOP + row * CELL + CELL - 3}" text-anchor="end">${xml(label)}</text>`)

  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONTS}" font-size="12" fill="#111827" style="background:#ffffff">`,
    `<title>${xml(heading)}</title>`,
    // Mixed cells: grey with dark diagonal hatching, readable in print as well.
    '<defs><pattern id="mixed" width="4" height="4" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">' +
      '<path d="M0 0H4V4H0Z" fill="#d1d5db"/><path d="M0 0V4" stroke="#4b5563" stroke-width="2"/></pattern></defs>',
    `<text x="${MARGIN}" y="28" font-size="16" font-weight="bold">${xml(heading)}</text>`,
    `<text x="${MARGIN}" y="48" fill="#4b5563">${xml(subtitle)}</text>`,
    `<g font-family="${MONO}" font-size="9" fill="#4b5563">${rowLabelSvg.join('')}</g>`,
    `<g>${rects.join('')}</g>`,
    `<g>${legendSvg.join('')}</g>`,
    '</svg>',
    '',
  ].join('\n')
}

function fillOf(o: Occupant): {fill: string; opacity?: number} {
  if (o === 'free') return {fill: FREE_FILL}
  if (o === 'mixed') return {fill: 'url(#mixed)'}
  return o.reserved ? {fill: colourOf(o.holder), opacity: RESERVED_OPACITY} : {fill: colourOf(o.holder)}
}

function runTooltip(map: PoolMap, start: bigint, end: bigint, o: Occupant, segments: number[], count: number, labels: Required<MapLabels>): string {
  const lines = [rangeText(start, end, map.family)]
  if (typeof o === 'string') return [...lines, labels.free].join('\n')
  lines.push(o.holder.kind === 'pool' ? `${o.holder.name} (${labels.pool})` : o.holder.name)
  for (const index of segments) {
    const segment = map.segments[index]
    const status = segment.kind === 'pool' ? labels.pool : segment.status === 'reserved' ? labels.reserved : segment.status
    lines.push([segment.cidr ?? rangeText(segment.start, segment.end, map.family), status, segment.purpose].filter(Boolean).join(' · '))
  }
  if (count > segments.length) lines.push(`+${count - segments.length}`)
  return lines.join('\n')
}

/** A mixed cell: its occupants by share of the cell, largest first. */
function mixedTooltip(map: PoolMap, s: Survey, start: bigint, end: bigint, pieces: Piece[], labels: Required<MapLabels>): string {
  const cellSize = end - start + 1n
  const shares = new Map<string, {label: string; size: bigint; cidr?: string; blocks: number}>()
  let covered = 0n
  for (const piece of pieces) {
    const size = piece.to - piece.from + 1n
    covered += size
    const segment = map.segments[piece.index]
    const holder = s.holderOf[piece.index]
    const reserved = isReserved(segment)
    const key = holder ? `${holder.kind}\u0000${holder.name}\u0000${reserved}` : 'free'
    let share = shares.get(key)
    if (!share) {
      const label = !holder ? labels.free : holder.kind === 'pool' ? `${holder.name} (${labels.pool})` : reserved ? `${holder.name} (${labels.reserved})` : holder.name
      share = {label, size: 0n, cidr: segment.cidr, blocks: 0}
      shares.set(key, share)
    }
    share.size += size
    share.blocks++
  }
  if (covered < cellSize) {
    const free = shares.get('free') ?? {label: labels.free, size: 0n, blocks: 0}
    free.size += cellSize - covered
    shares.set('free', free)
  }
  const sorted = [...shares.entries()].sort(([, a], [, b]) => (b.size > a.size ? 1 : b.size < a.size ? -1 : 0))
  const lines = [rangeText(start, end, map.family)]
  for (const [key, share] of sorted.slice(0, 6)) {
    const where = key !== 'free' && share.blocks === 1 && share.cidr ? ` ${share.cidr}` : key !== 'free' && share.blocks > 1 ? ` ×${share.blocks}` : ''
    lines.push(`${share.label}${where}  ${shareText(share.size, cellSize)}`)
  }
  if (sorted.length > 6) lines.push(`+${sorted.length - 6}`)
  return lines.join('\n')
}
