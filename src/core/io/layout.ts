import {readTemplate} from '../templates.js'
import type {ValueColumn} from './values.js'

/** One spreadsheet layout (templates/*.json): sheets, their columns and Chinese headers. */
export interface ColumnLayout extends ValueColumn {
  key: string
  header: string
  aliases?: string[]
  required?: boolean
  width?: number
  /** Allowed values, offered as a drop-down in templates. */
  list?: string[]
  /** What the column holds and why its `accept` values mean what they do (documentation, not read by the code). */
  description?: string
}

/** A check across cells, rows or sheets, declared with the layout (see templates/items-list.json). */
export type LayoutRule =
  | {rule: 'unique'; sheet: string; column: string; id: string; message: string}
  | {rule: 'notMore'; sheet: string; column: string; than: string; id: string; message: string}
  | {rule: 'requiredWhen'; sheet: string; columns: string[]; when: {column: string; equals: string}; id: string; message: string}
  | {rule: 'refers'; sheet: string; column: string; to: string; id: string; message: string}

export interface SheetLayout {
  key: string
  name: string
  optional?: boolean
  columns: ColumnLayout[]
}

export interface FormLayout {
  form: string
  sheets: SheetLayout[]
  rules?: LayoutRule[]
  /** Lines of the 填写说明 sheet of a blank template. */
  instructions?: string[]
}

export function loadLayout(name: string): FormLayout {
  return readTemplate<FormLayout>(name)
}

/** Headers as clerks type them: full-width characters, stray spaces, a trailing colon or asterisk. */
export function normaliseHeader(text: string): string {
  return text
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[\s\u3000*＊:：]/g, '')
    .toLowerCase()
}

export interface HeaderMatch {
  /** 0-based index of the header row among the rows looked at. */
  headerRow: number
  /** column key → 0-based cell index */
  columns: Map<string, number>
  missing: ColumnLayout[]
}

/**
 * Finds the header row among the first rows (a title row may sit above it) and maps each
 * layout column to a cell, whatever the order. The row that names most columns wins.
 */
export function matchHeader(rows: string[][], sheet: SheetLayout, lookAt = 10): HeaderMatch | undefined {
  let best: HeaderMatch | undefined
  rows.slice(0, lookAt).forEach((cells, r) => {
    const columns = new Map<string, number>()
    cells.forEach((cell, i) => {
      const h = normaliseHeader(cell ?? '')
      if (!h) return
      const col = sheet.columns.find((c) => [c.header, ...(c.aliases ?? [])].some((name) => normaliseHeader(name) === h))
      if (col && !columns.has(col.key)) columns.set(col.key, i)
    })
    if (columns.size && (!best || columns.size > best.columns.size)) {
      best = {headerRow: r, columns, missing: sheet.columns.filter((c) => c.required && !columns.has(c.key))}
    }
  })
  return best
}
