import {csvField} from '../core/io/values.js'
import {displayWidth, padEnd, printable, truncate} from '../core/text.js'

export interface Column<R> {
  header: string
  /** The name scripts use (--columns, csv/tsv/json headers); by default the catalogue key of the header (col.unit → unit). */
  key?: string
  get(row: R): string
  /** Columns that may be cut when the table is wider than the terminal (long text). */
  shrink?: boolean
  /** Styling applied after width is computed (colour). */
  style?(text: string, row: R): string
}

/**
 * A plain table that fits the terminal (80 columns when the width is unknown): the
 * shrinkable columns give way first, cut with an ellipsis; CJK text counts two columns.
 */
export function renderTable<R>(rows: R[], columns: Column<R>[], maxWidth = terminalWidth()): string {
  const cells = rows.map((row) => columns.map((c) => oneLine(c.get(row))))
  const widths = columns.map((c, i) => Math.max(displayWidth(c.header), ...cells.map((r) => displayWidth(r[i]!))))
  const gap = 2
  let total = widths.reduce((a, b) => a + b, 0) + gap * (columns.length - 1)
  const shrinkable = columns.map((c, i) => (c.shrink ? i : -1)).filter((i) => i >= 0)
  while (total > maxWidth && shrinkable.length) {
    // Take one column from the widest shrinkable column until the table fits.
    const widest = shrinkable.reduce((a, b) => (widths[b]! > widths[a]! ? b : a))
    const floor = Math.max(6, displayWidth(columns[widest]!.header))
    if (widths[widest]! <= floor) {
      shrinkable.splice(shrinkable.indexOf(widest), 1)
      continue
    }
    widths[widest] = widths[widest]! - 1
    total--
  }
  const line = (values: string[], styled?: (text: string, i: number) => string) =>
    values
      .map((v, i) => {
        const cut = truncate(v, widths[i]!)
        const padded = i === values.length - 1 ? cut : padEnd(cut, widths[i]!)
        return styled ? styled(padded, i) : padded
      })
      .join(' '.repeat(gap))
      .trimEnd()
  const out = [line(columns.map((c) => c.header))]
  rows.forEach((row, r) => out.push(line(cells[r]!, (text, i) => columns[i]!.style?.(text, row) ?? text)))
  return out.join('\n')
}

function oneLine(text: string): string {
  return printable(text.replace(/\s*\n\s*/g, ' ').replaceAll('\t', ' '))
}

/**
 * The width a table must fit: the terminal's (COLUMNS wins), 80 on a terminal that does
 * not say; off a terminal (a pipe, a file, cron mail) no limit, so grep and cut see every
 * character of every cell.
 */
export function terminalWidth(): number {
  const fromEnv = Number(process.env.COLUMNS)
  if (Number.isInteger(fromEnv) && fromEnv > 20) return fromEnv
  if (!process.stdout.isTTY) return Number.POSITIVE_INFINITY
  return process.stdout.columns || 80
}

export type OutputFormat = 'table' | 'csv' | 'tsv' | 'json' | 'value'

/**
 * A list for a script: the columns named (by key, in that order; all when none), every
 * cell whole, no colour. csv is RFC 4180 with a header of keys (and the formula guard a
 * spreadsheet needs); tsv has tabs and newlines in cells turned into spaces; json is an
 * array of objects keyed by column; value is the cells alone, space-separated, one row a
 * line (OpenStack's -f value), so `--columns id --output value` gives ids one per line.
 */
export function renderRows<R>(rows: R[], columns: Array<Column<R> & {key: string}>, format: Exclude<OutputFormat, 'table'>): string {
  const cells = rows.map((row) => columns.map((c) => c.get(row)))
  const keys = columns.map((c) => c.key)
  if (format === 'json') return JSON.stringify(cells.map((r) => Object.fromEntries(r.map((v, i) => [keys[i]!, v]))))
  if (format === 'value') return cells.map((r) => r.map((v) => v.replace(/\s+/g, ' ')).join(' ')).join('\n')
  if (format === 'tsv') return [keys, ...cells].map((r) => r.map((v) => v.replace(/[\t\r\n]+/g, ' ')).join('\t')).join('\n')
  return [keys, ...cells].map((r) => r.map(csvField).join(',')).join('\n')
}
