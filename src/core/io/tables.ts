import type {Hash} from 'node:crypto'
import {closeSync, openSync, readSync} from 'node:fs'
import {extname} from 'node:path'

import {InvalidInput} from '../errors.js'
import {type Encoding, readCsv, type TextEncoding} from './csv-reader.js'
import {hashInto} from './file-hash.js'
import type {ForeignLine} from './mixed-encoding.js'
import {writeOutput, writeOutputFileSync} from './output-file.js'
import {csvField} from './values.js'
import {MergeIndex, type MergeRange, readXlsx, type XlsxLimits} from './xlsx-reader.js'

/** A sheet as rows of text cells, each with the row number a person sees in Excel or an editor. */
export interface SheetData {
  name: string
  rows: Array<{row: number; cells: string[]}>
}

export type {Encoding, TextEncoding} from './csv-reader.js'

const OLE2 = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])

/**
 * An old Excel workbook (.xls, or WPS's .et: an OLE2 compound file, D0 CF 11 E0 …), under
 * whatever name, is refused with what it is and what to do: save it as .xlsx in Excel or WPS.
 */
export function refuseOldWorkbook(path: string, field: string, shown: string = path): void {
  const head = Buffer.alloc(8)
  let fd: number | undefined
  let n: number
  try {
    fd = openSync(path, 'r')
    n = readSync(fd, head, 0, 8, 0)
  } catch {
    return
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
  if (n === 8 && head.equals(OLE2)) throw new InvalidInput('io.oldXls', {field, path: shown}, {field, details: {path: shown}})
}

/** File names read as delimited text: .csv, and .tsv and .txt (tab- or comma-separated, as the header shows). */
export function isDelimitedText(path: string): boolean {
  const ext = extname(path).toLowerCase()
  return ext === '.csv' || ext === '.tsv' || ext === '.txt'
}

/**
 * Cell values as text: numbers as written, rich text joined, formulas by their result;
 * dates as YYYY-MM-DD, times (a date cell of Excel's day zero) as HH:MM, date-times as both.
 */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'string') return value.trim()
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (value instanceof Date) {
    const iso = value.toISOString()
    const time = iso.slice(11, 19).replace(/:00$/, '')
    if (iso < '1900-01-01') return time
    return time === '00:00' ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${time}`
  }
  if (typeof value === 'object') {
    const v = value as {richText?: Array<{text: string}>; result?: unknown; text?: unknown; error?: string}
    if (v.richText)
      return v.richText
        .map((r) => r.text)
        .join('')
        .trim()
    if ('result' in v) return cellText(v.result)
    if (v.text !== undefined) return cellText(v.text)
    if (v.error) return v.error
    // A formula saved without its result (xlsx-reader.ts): no value; readers that check cells say so.
    if ((v as {noCache?: boolean}).noCache) return ''
  }
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- the last resort for a value of no cell shape (a bigint, or an object exceljs never gives): its default text, as always
  return String(value)
}

/**
 * Reads a workbook (every sheet, through xlsx-reader.ts: large plans do not sit in memory twice) or a CSV
 * file (one sheet, streamed by csv-reader.ts and collected: plans are small). Cells come back as trimmed
 * text.
 */
export async function readSheets(path: string, options: {encoding?: Encoding; limits?: Partial<XlsxLimits>} = {}): Promise<{sheets: SheetData[]; encoding?: string; foreign?: ForeignLine[]}> {
  refuseOldWorkbook(path, 'FILE')
  const ext = isDelimitedText(path) ? '.csv' : extname(path).toLowerCase()
  if (ext !== '.xlsx' && ext !== '.csv') throw new InvalidInput('io.badExtension', {field: 'FILE', path}, {field: 'FILE'})
  if (ext === '.csv') {
    const rows: SheetData['rows'] = []
    // No io.emptyFile here: an empty plan is a sheet without rows. Quotes are strict, as they were.
    const {encoding, foreign} = await readCsv(path, (row, cells) => void rows.push({row, cells: cells.map((c) => c.trim())}), {
      encoding: options.encoding,
      allowEmpty: true,
      strictQuotes: true,
    })
    return {sheets: [{name: '', rows}], encoding, foreign}
  }
  assertZip(path, 'FILE')
  const sheets: SheetData[] = []
  await readXlsx(
    path,
    (info) => {
      const sheet: SheetData = {name: info.name, rows: []}
      sheets.push(sheet)
      let fill: MergeFill | undefined
      return {
        merges: (ranges) => void (fill = ranges.length ? new MergeFill(new MergeIndex(ranges)) : undefined),
        row: (row, cells) => void sheet.rows.push({row, cells: rowText(fill ? fill.row(row, cells, 0) : cells, 0)}),
        end: () => undefined,
      }
    },
    {field: 'FILE', limits: options.limits, merges: true},
  )
  return {sheets}
}

/**
 * Called at each sheet's start: handlers for its rows and its end, or undefined to skip the
 * sheet. A row's cells are handed over as the reader has them, without a copy: cell i is
 * `cells[base + i]` (a workbook's rows count from 0, as a CSV's), a string or a value for cellText.
 */
export type SheetVisitor = (name: string) =>
  | {
      /** With the `merges` option, a workbook sheet's merged areas, before its first row (a CSV has none). */
      merges?(index: MergeIndex): void
      row(row: number, cells: readonly unknown[], base: number): void | Promise<void>
      end(): void | Promise<void>
    }
  | undefined

/**
 * A merged area's value belongs to its top-left cell: an empty cell below it, in the area's
 * first column, reads that value (实施主体 merged over F9:F11 is the 实施主体 of rows 9, 10
 * and 11). The other hidden cells of an area (those right of its first column) stay empty,
 * so a title or a two-level header merged across is not repeated. Rows must come in order,
 * each through `row`, which records the top-left values as they pass.
 */
export class MergeFill {
  private readonly values = new Map<MergeRange, unknown>()

  constructor(readonly index: MergeIndex) {}

  /** The row's cells (cell i is cells[base + i]) with hidden cells filled: the same array when nothing is filled, else a copy. */
  row(row: number, cells: readonly unknown[], base: number): readonly unknown[] {
    let out: unknown[] | undefined
    for (const area of this.index.inRow(row)) {
      if (area.top === row) {
        this.values.set(area, cells[area.left + base])
        continue
      }
      const at = area.left + base
      const mine = cells[at]
      if (mine !== undefined && mine !== null && mine !== '') continue
      const value = this.values.get(area)
      if (value === undefined || value === null || value === '') continue
      out ??= cells.slice()
      out[at] = value
    }
    return out ?? cells
  }

  /** Whether (row, 0-based column) shows the top-left value of an area above it, and which area a cell is hidden under. */
  hidden(row: number, col: number): MergeRange | undefined {
    const area = this.index.at(row, col)
    return area && (area.top !== row || area.left !== col) ? area : undefined
  }
}

/** The cells of a row as text, from index 0 (a row's first cells, while its header is looked for). */
export function rowText(cells: readonly unknown[], base: number): string[] {
  const out = new Array<string>(Math.max(0, cells.length - base))
  for (let i = base; i < cells.length; i++) out[i - base] = cellText(cells[i])
  return out
}

/**
 * Rows one at a time, as they are read: a workbook through egov's own reader, xlsx-reader.ts
 * (any producer, any part order, real sheet names; rich text joined, formula results, dates
 * as Dates; a formula without its result as a NoCachedValue; limits), a CSV (one sheet, named '')
 * streamed by csv-reader.ts, record by record. Nothing is kept: the visitor keeps what it needs.
 * With `hash`, the file's bytes update it (a CSV's as they stream).
 */
export async function visitRows(
  path: string,
  visit: SheetVisitor,
  options: {encoding?: Encoding; field?: string; limits?: Partial<XlsxLimits>; merges?: boolean; hash?: Hash} = {},
): Promise<{encoding?: TextEncoding; foreign?: ForeignLine[]}> {
  const field = options.field ?? 'FILE'
  refuseOldWorkbook(path, field)
  const ext = isDelimitedText(path) ? '.csv' : extname(path).toLowerCase()
  if (ext !== '.xlsx' && ext !== '.csv') throw new InvalidInput('io.badExtension', {field, path}, {field})
  if (ext === '.csv') {
    // The sheet opens with its first record (a file refused as a whole opens none).
    let sheet: ReturnType<SheetVisitor> | null = null
    const open = () => (sheet === null ? (sheet = visit('')) : sheet)
    const {encoding, foreign} = await readCsv(path, (row, cells) => open()?.row(row, cells, 0), {encoding: options.encoding, field, hash: options.hash})
    await open()?.end()
    return {encoding, foreign}
  }
  assertZip(path, field)
  if (options.hash) await hashWorkbook(path, options.hash, field)
  await readXlsx(
    path,
    (info) => {
      const sheet = visit(info.name)
      return sheet && {merges: (ranges) => sheet.merges?.(new MergeIndex(ranges)), row: (row, cells) => sheet.row(row, cells, 0), end: () => sheet.end()}
    },
    {field, limits: options.limits, merges: options.merges},
  )
  return {}
}

/** A workbook's bytes into `hash`, in a pass of their own (a CSV's are hashed as they are scanned). */
async function hashWorkbook(path: string, hash: Hash, field: string): Promise<void> {
  try {
    await hashInto(hash, path)
  } catch (error) {
    throw new InvalidInput('io.unreadable', {field, path, reason: (error as Error).message}, {field})
  }
}

/** An .xlsx is a zip: anything else (a renamed .xls, a text file, nothing) is refused before exceljs sees it. `shown` is how messages name the file. */
export function assertZip(path: string, field: string, shown: string = path): void {
  const head = Buffer.alloc(4)
  let fd: number | undefined
  try {
    fd = openSync(path, 'r')
    const n = readSync(fd, head, 0, 4, 0)
    if (n === 0) throw new InvalidInput('io.emptyFile', {field, path: shown}, {field})
  } catch (error) {
    if (error instanceof InvalidInput) throw error
    throw new InvalidInput('io.unreadable', {field, path: shown, reason: (error as Error).message}, {field})
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
  refuseOldWorkbook(path, field, shown)
  if (head.readUInt32LE(0) !== 0x04034b50) throw new InvalidInput('io.notWorkbook', {field, path: shown, reason: 'not a zip archive'}, {field})
}

export {columnLetter} from './xlsx-reader.js'

export interface WriteSheet {
  name: string
  columns: Array<{header: string; width?: number; list?: string[]}>
  /** Numbers stay numbers in a workbook. */
  rows: Array<Array<string | number>>
}

/**
 * Writes sheets as .xlsx (bold, frozen header row, column widths, drop-down lists) or the
 * first sheet as .csv in UTF-8 with a BOM, which Excel opens with the Chinese intact.
 */
export async function writeSheets(path: string, sheets: WriteSheet[], options: {dropDowns?: boolean} = {}): Promise<void> {
  const ext = extname(path).toLowerCase()
  if (ext === '.csv') {
    const sheet = sheets[0]!
    const lines = [sheet.columns.map((c) => csvField(c.header)), ...sheet.rows.map((r) => r.map((v) => (typeof v === 'number' ? String(v) : csvField(v ?? ''))))].map((l) => l.join(','))
    writeOutputFileSync(path, '\uFEFF' + lines.join('\r\n') + '\r\n')
    return
  }
  if (ext !== '.xlsx') throw new InvalidInput('io.badExtension', {field: 'out', path}, {field: 'out'})
  const {default: ExcelJS} = await import('exceljs')
  const workbook = new ExcelJS.Workbook()
  workbook.creator = 'egov'
  for (const sheet of sheets) {
    const ws = workbook.addWorksheet(sheet.name, {views: [{state: 'frozen', ySplit: 1}]})
    ws.columns = sheet.columns.map((c) => ({header: c.header, width: c.width ?? 16}))
    const header = ws.getRow(1)
    header.font = {bold: true}
    header.fill = {type: 'pattern', pattern: 'solid', fgColor: {argb: 'FFDDEBF7'}}
    for (const r of sheet.rows) ws.addRow(r)
    // Drop-down lists belong to blank templates a clerk fills in, not to exports.
    if (options.dropDowns)
      sheet.columns.forEach((c, i) => {
        if (!c.list) return
        const letter = ws.getColumn(i + 1).letter
        for (let row = 2; row <= sheet.rows.length + 500; row++) {
          ws.getCell(`${letter}${row}`).dataValidation = {type: 'list', allowBlank: true, formulae: [`"${c.list.join(',')}"`]}
        }
      })
  }
  await writeOutput(path, (tmp) => workbook.xlsx.writeFile(tmp))
}
