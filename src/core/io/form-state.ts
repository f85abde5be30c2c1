import type {Hash} from 'node:crypto'

import type {Locale, MessageKey} from '../i18n/index.js'
import type {FormLayout, LayoutRule, SheetLayout} from './layout.js'
import type {LocatedProblem} from './problem.js'
import {columnLetter, type Encoding, type MergeFill} from './tables.js'
import type {ProblemType} from './values.js'

/** Something the reader passed over without refusing the file: a footer row skipped, a column ignored. */
export interface FormNote {
  type: 'footer' | 'extra-column'
  file: string
  sheet: string
  row: number
  column: string
  cell: string
  value: string
  message: string
}

/** Where a layout sheet was found: which file, which sheet of it, and which file column holds each layout column. */
export interface FoundSheet {
  key: string
  file: string
  /** The sheet's name in the file ('' for a CSV). */
  name: string
  headerRow: number
  /** layout column index → 0-based cell index in the file */
  columns: Array<number | undefined>
  rows: number
}

export interface ReadFormOptions {
  encoding?: Encoding
  locale?: Locale
  codePattern?: RegExp
  /** The bureau's telephone area code, for the examples in messages. */
  areaCode?: string
  /** The rule ID a bad value breaks when its column names none. */
  defaultRule: string
  /** Updated with every byte of the files, in order, as they are read (a CSV's in the reader's first pass). */
  hash?: Hash
  /** Each valid row, its values in layout column order, normalised. The array is reused for the next row: keep its strings, not it. */
  onRecord(sheet: string, row: number, values: string[]): void | Promise<void>
}

export interface SheetState {
  layout: SheetLayout
  found: FoundSheet
  /** Per layout column: is it an 'unique' column → values seen (value → row) */
  unique: Map<number, Map<string, number>>
  refers: Array<{col: number; rule: Extract<LayoutRule, {rule: 'refers'}>; rows: Array<{row: number; value: string}>}>
  where: {file: string; sheet: string}
  /** Rows were not checked (a required column is missing): other sheets' references to it are not checked either. */
  unchecked?: {problems: LocatedProblem[]; rows: number}
  /** Key values (事项编码) this sheet refused, by their normalised text: the cause other sheets' rows are listed under. */
  rejected: Map<string, LocatedProblem>
  /** Refused reference cells of this sheet, decided at the end: under a rejected key of the target, or problems of their own. */
  deferred: Array<{key: string; problem: LocatedProblem}>
  /** The sheet's merged areas: an empty cell under an area's top-left cell reads its value. */
  fill?: MergeFill
}

export type Say = (key: MessageKey, params: Record<string, unknown>) => string

/** One readForm call: what it reads against, and what it has found so far, shared by its steps. */
export interface ReadContext {
  layout: FormLayout
  rules: LayoutRule[]
  options: ReadFormOptions
  locale: Locale
  say: Say
  problems: LocatedProblem[]
  notes: FormNote[]
  /** Layout sheet key → the sheet found for it. */
  states: Map<string, SheetState>
  /** file NUL sheet → the order it was read in, for sorting problems and notes. */
  sheetOrder: Map<string, number>
}

export function colIndex(sheet: SheetLayout, key: string): number {
  const i = sheet.columns.findIndex((c) => c.key === key)
  if (i < 0) throw new Error(`layout sheet ${sheet.key} has no column ${key}`)
  return i
}

export function locate(
  where: {file: string; sheet: string},
  row: number,
  fileCol: number | undefined,
  column: string,
  value: string,
  field: string,
  rule: string,
  message: string,
  type: ProblemType,
): LocatedProblem {
  return {file: where.file, sheet: where.sheet, row, column, cell: fileCol === undefined ? '' : `${columnLetter(fileCol)}${row}`, field, rule, value, message, type}
}
