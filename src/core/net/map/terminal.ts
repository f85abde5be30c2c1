/** The pool map as a character grid for a terminal, then its legend (`net map`). */
import {displayWidth as textWidth, padEnd as pad, truncate as fit} from '../../text.js'
import {formatAddress} from '../ip.js'
import {legend, type LegendEntry} from './legend.js'
import {FREE_SYMBOL, grid, type Grid, holderKind, mergeLabels, MIXED_SYMBOL, occupant, sizeText, survey, symbolOf, walkCells} from './survey.js'
import type {MapKind, PoolMap, TerminalMapOptions} from './types.js'

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
    let line = `${pad(layout.rowLabels[row]!, layout.labelWidth)} `
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
      run += symbols[cell]!
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
