import {InvalidInput} from '../errors.js'
import {type MessageKey} from '../i18n/index.js'
import {type Book, readBook} from './xlsx-book.js'
import {findMerges} from './xlsx-merges.js'
import {LimitBreach, type LimitName, type MergeRange, type SheetInfo, XLSX_LIMITS, type XlsxLimits, type XlsxSheetVisitor} from './xlsx-model.js'
import {readSharedStrings, SheetScanner} from './xlsx-sheet.js'
import {ZipFile, ZipProblem} from './xlsx-zip.js'

// What callers use, from the parts the reader is made of.
export {isDateFormat, readBook} from './xlsx-book.js'
export type {Book} from './xlsx-book.js'
export {MergeIndex} from './xlsx-merges.js'
export {isNoCachedValue, XLSX_LIMITS} from './xlsx-model.js'
export type {MergeRange, NoCachedValue, SheetInfo, XlsxLimits, XlsxSheetVisitor} from './xlsx-model.js'
export {columnLetter} from './xlsx-sheet.js'

/**
 * egov's own streaming .xlsx reader (issue 20): one reader for every import, reading every
 * producer's workbook the same way (Excel, WPS, LibreOffice, openpyxl, exceljs, hand-zipped
 * files). Parts are found through the relationships (absolute or relative targets) in the
 * zip's central directory, whatever order they were stored in; the small parts (workbook,
 * styles, shared strings) are read before any sheet, so number formats and the 1904 date
 * system are known before a cell is typed; each sheet is then inflated and scanned as it
 * streams, a row at a time, with nothing of the sheet kept.
 *
 * Cell values: text (shared, inline, rich text runs joined; phonetic runs left out),
 * numbers, booleans, errors as {error: '#N/A'}, dates (a number in a date format, the 1900
 * or the 1904 system) as a Date whose UTC fields are what Excel shows, a formula's cached
 * value, and a formula saved without one (openpyxl never caches) as a NoCachedValue.
 *
 * Limits, checked as the file streams; each breach is an InvalidInput (exit 2) naming the
 * file and the limit, before memory grows: XLSX_LIMITS.
 */

export interface XlsxReadOptions {
  /** The input field messages name (FILE). */
  field?: string
  /** How messages name the file (the path by default). */
  shown?: string
  limits?: Partial<XlsxLimits>
  /** Hand over which cells are formatted as percentages. */
  percent?: boolean
  /**
   * Hand each visited sheet's merged areas to its visitor's `merges` before the first row.
   * `<mergeCells>` comes after `<sheetData>` in a sheet's XML, so the sheet is scanned for
   * them first (a byte search, its merged cells counted against the `mergedCells` limit as
   * they are found); a sheet of up to MERGE_HOLD_BYTES is kept from that pass and not
   * inflated twice.
   */
  merges?: boolean
}

/**
 * Reads a workbook's sheets, in the workbook's order, row by row: `visit` is called with
 * each sheet and returns its handlers, or undefined to skip it. Errors of the handlers pass
 * through as they are; every problem of the file is an InvalidInput (exit 2) naming it.
 */
export async function readXlsx(path: string, visit: (sheet: SheetInfo) => XlsxSheetVisitor | undefined, options: XlsxReadOptions = {}): Promise<SheetInfo[]> {
  const field = options.field ?? 'FILE'
  const shown = options.shown ?? path
  const limits = {...XLSX_LIMITS, ...options.limits}
  const fail = (error: unknown): never => {
    if (error instanceof InvalidInput) throw error
    if (error instanceof LimitBreach) throw limitError(error.limit, limits[error.limit], error.where, field, shown)
    if (error instanceof ZipProblem && error.overLimit) {
      const limit = error.overLimit.limit
      const name = (['sheetBytes', 'sharedStringsBytes', 'smallPartBytes'] as const).find((n) => limits[n] === limit) ?? 'sheetBytes'
      throw limitError(name, error.overLimit.limit, error.overLimit.part, field, shown)
    }
    throw new InvalidInput('io.notWorkbook', {field, path: shown, reason: (error as Error).message}, {field})
  }
  let zip: ZipFile
  try {
    zip = new ZipFile(path)
  } catch (error) {
    if ((error as {code?: string}).code && !(error instanceof ZipProblem)) throw new InvalidInput('io.unreadable', {field, path: shown, reason: (error as Error).message}, {field})
    return fail(error)
  }
  try {
    let book: Book
    let shared: string[]
    try {
      book = readBook(zip, limits)
      shared = book.sharedStrings ? await readSharedStrings(zip, book.sharedStrings, limits) : []
    } catch (error) {
      return fail(error)
    }
    for (const sheet of book.sheets) {
      const handlers = visit(sheet)
      if (!handlers) continue
      if (!zip.entries.has(sheet.part)) fail(new ZipProblem(`the sheet ${sheet.name} (${sheet.part}) is missing`))
      let held: Buffer[] | undefined
      if (options.merges && handlers.merges) {
        let found: {ranges: MergeRange[]; held?: Buffer[]}
        try {
          found = await findMerges(zip, sheet, limits)
        } catch (error) {
          return fail(error)
        }
        held = found.held
        await handlers.merges(found.ranges)
      }
      const scanner = new SheetScanner(shared, book.styles, book.date1904, limits, sheet.name, options.percent ?? false)
      try {
        for await (const chunk of held ?? zip.stream(sheet.part, limits.sheetBytes)) {
          scanner.feed(chunk)
          if (scanner.rows.length) await deliver(scanner, handlers, fail)
        }
        scanner.end()
      } catch (error) {
        if (error instanceof Handled) throw error.cause
        fail(error)
      }
      try {
        await deliver(scanner, handlers, fail)
        await handlers.end()
      } catch (error) {
        throw error instanceof Handled ? error.cause : error
      }
    }
    return book.sheets
  } finally {
    zip.close()
  }
}

/** An error of a row handler (the database, the caller's own checks): passed on untouched. */
class Handled extends Error {
  constructor(override readonly cause: unknown) {
    super('handled')
  }
}

async function deliver(scanner: SheetScanner, handlers: XlsxSheetVisitor, _fail: (e: unknown) => never): Promise<void> {
  const rows = scanner.rows
  scanner.rows = []
  for (const r of rows) {
    try {
      const pending = handlers.row(r.row, r.cells, r.percent)
      if (pending) await pending
    } catch (error) {
      throw new Handled(error)
    }
  }
}

function limitError(limit: LimitName, value: number, where: string, field: string, path: string): InvalidInput {
  const key = `io.readLimit.${limit}` as MessageKey
  return new InvalidInput(key, {field, path, limit: value.toLocaleString('en-US'), where}, {field, details: {path, limit, max: value, where}})
}
