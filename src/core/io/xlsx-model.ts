/**
 * The shapes egov's .xlsx reader (xlsx-reader.ts) shares between its parts: what a sheet,
 * a merged area and a visitor are, the documented limits, and the errors the scanners raise.
 */

/** A formula cell saved without its result (openpyxl, some scripts): the clerk opens and saves the file in Excel or WPS. */
export interface NoCachedValue {
  formula: string
  noCache: true
}

export function isNoCachedValue(value: unknown): value is NoCachedValue {
  return typeof value === 'object' && value !== null && (value as {noCache?: unknown}).noCache === true
}

export interface XlsxLimits {
  /** Inflated bytes of one sheet part. */
  sheetBytes: number
  /** Inflated bytes of the shared strings part. */
  sharedStringsBytes: number
  /** Inflated bytes of workbook.xml, the rels and styles.xml, each. */
  smallPartBytes: number
  /** Shared strings, counted. */
  sharedStrings: number
  /** Characters of all shared strings together. */
  sharedStringChars: number
  /** The last column a cell with a value may be in (1-based): 1,024 is AMJ. */
  columns: number
  /** Characters in one cell: Excel's own limit. */
  cellChars: number
  /** The last row (1-based): Excel's own limit. */
  rows: number
  /** Cells covered by a sheet's merged areas, all areas together (read with `merges`): the 1.6 KB `A2:XFD1048576` is 17 billion. */
  mergedCells: number
}

/** The documented limits (README, "Reading workbooks"). */
export const XLSX_LIMITS: Readonly<XlsxLimits> = {
  // A sheet of all 1,048,576 rows × 20 filled columns is about 0.5 GiB of XML; scanning 1 GiB takes seconds.
  sheetBytes: 1024 ** 3,
  sharedStringsBytes: 256 * 1024 ** 2,
  smallPartBytes: 64 * 1024 ** 2,
  sharedStrings: 5_000_000,
  sharedStringChars: 100_000_000,
  columns: 1024,
  cellChars: 32_767,
  rows: 1_048_576,
  // As many cells as a list copied whole for --report may merge (xlsx-limits.ts, kind list).
  mergedCells: 100_000,
}

/** Excel's own grid: XFD is column 16,384. */
export const EXCEL_COLUMNS = 16_384
/** Text between two tags (or one tag) longer than this cannot be a cell: a cell holds 32,767 characters, at most 4 bytes each. */
export const TOKEN_BYTES = 1024 * 1024
/** A sheet read for its merged areas first is kept in memory up to this size, so a form is inflated once. */
export const MERGE_HOLD_BYTES = 8 * 1024 * 1024

export interface SheetInfo {
  name: string
  /** visible, hidden or veryHidden */
  state: string
  part: string
}

/** A merged area: rows 1-based as `row` gives them, columns 0-based as `cells` indexes them; `ref` as the file writes it (B9:B11). */
export interface MergeRange {
  ref: string
  top: number
  left: number
  bottom: number
  right: number
}

export interface XlsxSheetVisitor {
  /** With the `merges` option: the sheet's merged areas, before its first row (none: an empty list). */
  merges?(ranges: readonly MergeRange[]): void | Promise<void>
  /** A row with at least one cell: cell i (0-based column) is cells[i]; `percent[i]` (when asked for) says the cell is formatted as a percentage. */
  row(row: number, cells: readonly unknown[], percent?: readonly boolean[]): void | Promise<void>
  end(): void | Promise<void>
}

export type LimitName = 'sheetBytes' | 'sharedStringsBytes' | 'smallPartBytes' | 'sharedStrings' | 'sharedStringChars' | 'columns' | 'cellChars' | 'rows' | 'mergedCells'

/** A limit breached: turned into an InvalidInput naming the file. */
export class LimitBreach extends Error {
  constructor(
    readonly limit: LimitName,
    readonly where: string,
  ) {
    super(limit)
  }
}

export interface Styles {
  date: boolean[]
  percent: boolean[]
}
