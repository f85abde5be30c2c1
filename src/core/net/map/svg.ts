/** The pool map as a standalone SVG document (`net map --svg`). */
import {displayWidth as textWidth, truncate as fit} from '../../text.js'
import {formatAddress} from '../ip.js'
import {colourOf, FREE_FILL, legend, type LegendEntry, RESERVED_OPACITY} from './legend.js'
import {grid, type Grid, isReserved, mergeLabels, type Occupant, occupant, type Piece, rangeText, sameOccupant, shareText, sizeText, survey, type Survey, walkCells} from './survey.js'
import type {MapLabels, PoolMap, SvgMapOptions} from './types.js'

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

const ENTITIES: Record<string, string> = {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;'}

/** Text safe in XML content and attributes; characters XML 1.0 forbids are dropped. */
function xml(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '').replace(/[&<>"']/g, (ch) => ENTITIES[ch]!)
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
  const {rects, hasMixed} = svgCells(map, s, g, gridLeft, labels)

  // Legend: swatch, label, where, share, in columns sized by their longest text.
  const entries = legend(map, s, labels, hasMixed)
  const legendTop = GRID_TOP + g.rows * CELL + 28
  const {legendSvg, shareX} = svgLegend(entries, legendTop)

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

/** The grid's rects, with their tooltips; mixed cells (several holders, or partly free) are hatched. */
function svgCells(map: PoolMap, s: Survey, g: Grid, gridLeft: number, labels: Required<MapLabels>): {rects: string[]; hasMixed: boolean} {
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
  return {rects, hasMixed}
}

/** The legend's lines: swatch, label, where, share; shareX is the right edge of the share column. */
function svgLegend(entries: LegendEntry[], legendTop: number): {legendSvg: string[]; shareX: number} {
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
  return {legendSvg, shareX}
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
    const segment = map.segments[index]!
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
    const segment = map.segments[piece.index]!
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
