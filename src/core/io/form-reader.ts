import {basename} from 'node:path'

import {InvalidInput} from '../errors.js'
import {type Locale, type MessageKey, t} from '../i18n/index.js'
import {type FormLayout, type LayoutRule, matchHeader, normaliseHeader, type SheetLayout} from './layout.js'
import {foreignLineMessage, type LineEncoding} from './mixed-encoding.js'
import {cellText, columnLetter, type Encoding, isDelimitedText, MergeFill, rowText, visitRows} from './tables.js'
import {footerText, normaliseCell, normaliseCode, type ProblemType, problemTypeOf, trimText} from './values.js'
import {isNoCachedValue} from './xlsx-reader.js'
import type {LocatedProblem, RelatedRow} from './problem.js'

export type {LocatedProblem, RelatedRow} from './problem.js'

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
  /** Each valid row, its values in layout column order, normalised. The array is reused for the next row: keep its strings, not it. */
  onRecord(sheet: string, row: number, values: string[]): void | Promise<void>
}

export interface ReadFormResult {
  problems: LocatedProblem[]
  notes: FormNote[]
  sheets: FoundSheet[]
  encodings: Record<string, string>
}

const LOOK_FOR_HEADER = 10

interface SheetState {
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

/**
 * Reads one filled form (a workbook, or one CSV per sheet) against its layout, row by row:
 * the header is found under any title rows, columns in any order; every cell goes through
 * its column's type; the layout's rules are checked across cells, rows and sheets. Every
 * problem is collected (never the first only, never cut at a limit); valid rows go to
 * onRecord as they are read, so a large list never sits in memory twice.
 */
export async function readForm(files: string[], layout: FormLayout, options: ReadFormOptions): Promise<ReadFormResult> {
  const locale = options.locale ?? 'en'
  const problems: LocatedProblem[] = []
  const notes: FormNote[] = []
  const states = new Map<string, SheetState>()
  const encodings: Record<string, string> = {}
  const sheetOrder = new Map<string, number>()
  const rules = layout.rules ?? []
  const say = (key: MessageKey, params: Record<string, unknown>) => t(key, params, locale)

  for (const file of files) {
    const csv = isDelimitedText(file)
    const fileName = basename(file)
    let sheetsSeen = 0
    const result = await visitRows(
      file,
      (sheetName) => {
        const byName = csv ? undefined : layout.sheets.find((s) => normaliseHeader(s.name) === normaliseHeader(sheetName))
        if (!byName && !csv && IGNORED_SHEETS.has(sheetName.trim())) return undefined
        sheetsSeen++
        // The header may sit under title rows: the first rows wait until it is found.
        const head: Array<{row: number; cells: string[]; raw: readonly unknown[]}> = []
        let handler: ((row: number, cells: readonly unknown[], base: number) => void | Promise<void>) | undefined
        let decided = false
        let fill: MergeFill | undefined
        const decide = async () => {
          decided = true
          const candidates = byName ? [byName] : layout.sheets
          let best: {sheet: SheetLayout; match: NonNullable<ReturnType<typeof matchHeader>>} | undefined
          for (const sheet of candidates) {
            const match = matchHeader(
              head.map((h) => h.cells),
              sheet,
              LOOK_FOR_HEADER,
            )
            if (match && (!best || match.columns.size > best.match.columns.size)) best = {sheet, match}
          }
          if (!best) {
            // A sheet named as the layout's, or a CSV, with no header at all; other sheets are someone's notes.
            if (byName || csv) {
              const message = byName ? say('form.noHeader', {sheet: byName.name}) : say('form.notThisForm', {file: fileName, form: layout.form})
              problems.push(locate({file: fileName, sheet: sheetName}, head[0]?.row ?? 1, undefined, '', '', '', 'FORM', message, 'not-a-form'))
            }
            return
          }
          const {sheet, match} = best
          const headerRow = head[match.headerRow].row
          const label = sheetName || sheet.name
          if (!sheetOrder.has(`${fileName}\u0000${label}`)) sheetOrder.set(`${fileName}\u0000${label}`, sheetOrder.size)
          if (states.has(sheet.key)) {
            problems.push(locate({file: fileName, sheet: label}, headerRow, undefined, '', '', '', 'FORM', say('form.duplicateSheet', {sheet: sheet.name}), 'duplicate-sheet'))
            return
          }
          const missing: LocatedProblem[] = []
          for (const col of match.missing) {
            missing.push(
              locate({file: fileName, sheet: label}, headerRow, undefined, col.header, '', col.key, col.rule ?? options.defaultRule, say('form.missingColumn', {column: col.header}), 'missing-column'),
            )
          }
          problems.push(...missing)
          // Columns the layout does not know (序号, 备注): ignored, and said so.
          const used = new Set(match.columns.values())
          head[match.headerRow].cells.forEach((text, i) => {
            const name = trimText(text ?? '')
            if (!name || used.has(i)) return
            const cell = `${columnLetter(i)}${headerRow}`
            notes.push({
              type: 'extra-column',
              file: fileName,
              sheet: label,
              row: headerRow,
              column: name,
              cell,
              value: name,
              message: say('form.columnIgnored', {column: name, cell, sheet: sheet.name}),
            })
          })
          const state: SheetState = {
            layout: sheet,
            found: {key: sheet.key, file, name: sheetName, headerRow, columns: sheet.columns.map((c) => match.columns.get(c.key)), rows: 0},
            unique: new Map(),
            refers: [],
            where: {file: fileName, sheet: label},
            rejected: new Map(),
            deferred: [],
            fill,
          }
          for (const r of rules) {
            if (r.sheet !== sheet.key) continue
            if (r.rule === 'unique') state.unique.set(colIndex(sheet, r.column), new Map())
            if (r.rule === 'refers') state.refers.push({col: colIndex(sheet, r.column), rule: r, rows: []})
          }
          states.set(sheet.key, state)
          if (match.missing.length) {
            // One problem per missing column, not one per row: the rows are counted, not checked.
            const unchecked = (state.unchecked = {problems: missing, rows: 0})
            handler = (_row, cells, base) => {
              const text = rowText(cells, base)
              if (!text.some((c) => c.trim() !== '')) return
              if (footerText(text) !== undefined) return
              unchecked.rows++
            }
          } else
            handler = rowHandler(
              state,
              rules.filter((r) => r.sheet === sheet.key),
              problems,
              notes,
              options,
              say,
            )
          // The rows under the header as the reader gave them (a formula without its result stays one).
          for (const h of head.slice(match.headerRow + 1)) await handler(h.row, h.raw, 0)
          head.length = 0
        }
        return {
          merges(index) {
            if (index.size) fill = new MergeFill(index)
          },
          row(row, cells, base) {
            if (decided) return handler?.(row, cells, base)
            head.push({row, cells: rowText(cells, base), raw: cells.slice(base)})
            if (head.length >= LOOK_FOR_HEADER) return decide()
          },
          async end() {
            if (!decided) await decide()
          },
        }
      },
      {encoding: options.encoding, merges: true},
    )
    if (result.encoding) encodings[fileName] = result.encoding
    // Lines in another encoding than their file's (a row pasted from elsewhere): one problem each, where the file's rows are located.
    if (result.foreign?.length) {
      const where = [...states.values()].find((s) => s.found.file === file)?.where ?? {file: fileName, sheet: ''}
      for (const f of result.foreign) {
        problems.push(locate(where, f.line, undefined, '', '', 'encoding', 'FORM', foreignLineMessage(fileName, f, result.encoding as LineEncoding, locale), 'mixed-encoding'))
      }
    }
    if (!sheetsSeen) throw new InvalidInput('io.emptyFile', {field: 'FILE', path: file}, {field: 'FILE'})
  }

  for (const state of states.values()) {
    if (!state.unchecked?.rows) continue
    for (const p of state.unchecked.problems) p.message = say('form.missingColumnRows', {column: p.column, rows: state.unchecked.rows})
  }

  const first = files.length ? basename(files[0]) : ''
  // A file that is not this form at all has said so already; a missing sheet would say it twice.
  const notForm = problems.some((p) => p.rule === 'FORM' && !p.sheet)
  for (const sheet of layout.sheets) {
    if (!notForm && !sheet.optional && !states.has(sheet.key))
      problems.push(locate({file: first, sheet: ''}, 1, undefined, '', '', '', 'FORM', say('form.missingSheet', {sheet: sheet.name}), 'missing-sheet'))
  }
  // Rows that name a key of another sheet (a 办理流程 row's 事项编码) must find it there. A key
  // the file rejects is the cause: the rows naming it are listed under it. A key the file
  // does not have is one problem, its other rows listed with it. A sheet whose rows were not
  // checked (a missing column) is not looked into.
  const causes = new Map<LocatedProblem, Map<string, RelatedRow[]>>()
  const under = (cause: LocatedProblem, sheet: string, related: RelatedRow) => {
    let bySheet = causes.get(cause)
    if (!bySheet) causes.set(cause, (bySheet = new Map()))
    const list = bySheet.get(sheet) ?? []
    list.push(related)
    bySheet.set(sheet, list)
    ;(cause.related ??= []).push(related)
  }
  for (const state of states.values()) {
    for (const ref of state.refers) {
      const target = states.get(ref.rule.to)
      for (const {key, problem} of state.deferred) {
        const cause = target?.rejected.get(key)
        if (cause && !target?.unchecked) under(cause, state.layout.name, {file: problem.file, sheet: problem.sheet, row: problem.row, cell: problem.cell})
        else problems.push(problem)
      }
      state.deferred.length = 0
      const keys = target?.unique.get(colIndex(target.layout, ref.rule.column))
      if (!keys || target!.unchecked) continue
      const i = ref.col
      const col = state.layout.columns[i]
      const unknown = new Map<string, LocatedProblem>()
      for (const {row, value} of ref.rows) {
        if (keys.has(value)) continue
        const at = state.found.columns[i]
        const cell = at === undefined ? '' : `${columnLetter(at)}${row}`
        const cause = target!.rejected.get(value) ?? unknown.get(value)
        if (cause) {
          under(cause, state.layout.name, {file: state.where.file, sheet: state.where.sheet, row, cell})
          continue
        }
        const problem = locate(
          state.where,
          row,
          at,
          col.header,
          value,
          col.key,
          ref.rule.id,
          `${say(ref.rule.message as MessageKey, {column: col.header, value, sheet: target!.layout.name})} (${ref.rule.id})`,
          'unknown-item',
        )
        unknown.set(value, problem)
        problems.push(problem)
      }
    }
  }
  for (const [cause, bySheet] of causes) {
    const lines = [...bySheet].map(([sheet, rows]) =>
      cause.sheet === rows[0].sheet ? say('form.alsoRows', {rows: rowRanges(rows.map((r) => r.row))}) : say('form.refersRejected', {sheet, rows: rowRanges(rows.map((r) => r.row))}),
    )
    cause.message += `; ${lines.join('; ')}`
  }
  // Sheet by sheet in the order they were read, row by row within each (Array.sort is stable).
  const rank = (p: LocatedProblem) => sheetOrder.get(`${p.file}\u0000${p.sheet}`) ?? sheetOrder.size
  problems.sort((a, b) => rank(a) - rank(b) || a.row - b.row)
  notes.sort((a, b) => rank(a as LocatedProblem) - rank(b as LocatedProblem) || a.row - b.row)
  return {problems, notes, sheets: [...states.values()].map((s) => s.found), encodings}
}

/** Row numbers as a clerk reads them: 3–20、25 (ranges of consecutive rows). */
export function rowRanges(rows: number[]): string {
  const sorted = [...new Set(rows)].sort((a, b) => a - b)
  const out: string[] = []
  for (let i = 0; i < sorted.length;) {
    let j = i
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++
    out.push(j > i ? `${sorted[i]}–${sorted[j]}` : String(sorted[i]))
    i = j + 1
  }
  return out.join(', ')
}

const textOf = (v: unknown): string => (typeof v === 'string' ? v : cellText(v))

/** The text of a row's first filled cell, cheaply (one cell per row), or undefined for a blank row. */
function firstFilled(cells: readonly unknown[], base: number): string | undefined {
  for (let i = base; i < cells.length; i++) {
    const v = cells[i]
    if (v === undefined || v === null || v === '') continue
    const text = textOf(v).trim()
    if (text) return text
  }
  return undefined
}

/** What a footer line's first cell can start with (footerText decides): a word of 合计, 填报单位, 盖章 …, or a date. */
const FOOTER_START = /^(?:[合小总共填报制审负单联日注说盖(（]|[0-9０-９]{4}[年\-./])/

/** Sheets a template or a report adds that carry no data. */
const IGNORED_SHEETS = new Set(['填写说明', '错误汇总', '说明'])

function colIndex(sheet: SheetLayout, key: string): number {
  const i = sheet.columns.findIndex((c) => c.key === key)
  if (i < 0) throw new Error(`layout sheet ${sheet.key} has no column ${key}`)
  return i
}

function locate(
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

type RowProblem = {column: number; rule: string; key: MessageKey; params: Record<string, unknown>}

/** A row's cross-field rules (notMore, requiredWhen) over its normalised values: which column breaks which rule. */
export function rowRuleProblems(layout: SheetLayout, rules: LayoutRule[], values: string[]): RowProblem[] {
  return rowRuleChecker(layout, rules)(values)
}

/** The rules of one sheet, their columns looked up once: a checker run on every row. */
function rowRuleChecker(layout: SheetLayout, rules: LayoutRule[]): (values: string[]) => RowProblem[] {
  const columns = layout.columns
  const checks: Array<(values: string[], out: RowProblem[]) => void> = []
  for (const r of rules) {
    if (r.sheet !== layout.key) continue
    if (r.rule === 'notMore') {
      const a = colIndex(layout, r.column)
      const b = colIndex(layout, r.than)
      checks.push((values, out) => {
        if (values[a] !== '' && values[b] !== '' && Number(values[a]) > Number(values[b])) {
          out.push({column: a, rule: r.id, key: r.message as MessageKey, params: {column: columns[a].header, value: values[a], than: columns[b].header, limit: values[b]}})
        }
      })
    } else if (r.rule === 'requiredWhen') {
      const w = colIndex(layout, r.when.column)
      const targets = r.columns.map((key) => colIndex(layout, key))
      checks.push((values, out) => {
        if (values[w] !== r.when.equals) return
        for (const c of targets) {
          if (values[c] === '') out.push({column: c, rule: r.id, key: r.message as MessageKey, params: {column: columns[c].header, when: columns[w].header, equals: r.when.equals}})
        }
      })
    }
  }
  return (values) => {
    const out: RowProblem[] = []
    for (const check of checks) check(values, out)
    return out
  }
}

function rowHandler(
  state: SheetState,
  rules: LayoutRule[],
  problems: LocatedProblem[],
  notes: FormNote[],
  options: ReadFormOptions,
  say: (key: MessageKey, params: Record<string, unknown>) => string,
): (row: number, cells: readonly unknown[], base: number) => void | Promise<void> {
  const {layout, found, where} = state
  const columns = layout.columns
  const n = columns.length
  const rowRules = rules.filter((r) => r.rule === 'notMore' || r.rule === 'requiredWhen')
  const checkRow = rowRules.length ? rowRuleChecker(layout, rowRules) : undefined
  // One array for every row's values: onRecord reads it before the next row comes (and keeps strings, not the array).
  const values: string[] = new Array(n)
  // The sheet's key (事项编码 of 基本信息), which other sheets' rows name; and this sheet's reference to another's.
  const keyColumn = [...state.unique.keys()][0]
  const refColumns = new Set(state.refers.map((r) => r.col))
  const fill = state.fill
  const once = new Set<string>()
  /**
   * A problem of a cell in a merged area is the area's visible (top-left) cell's: located
   * there, and reported once however many rows the area covers. False: already reported.
   */
  const visible = (problem: LocatedProblem, row: number, at: number | undefined): boolean => {
    const area = fill && at !== undefined ? fill.index.at(row, at) : undefined
    if (!area) return true
    problem.row = area.top
    problem.cell = `${columnLetter(area.left)}${area.top}`
    const key = `${problem.cell}\u0000${problem.field}\u0000${problem.rule}\u0000${problem.value}`
    if (once.has(key)) return false
    once.add(key)
    return true
  }
  return (row, given, base) => {
    // Hidden cells of a merged area read its top-left cell's value (recorded as its row passes).
    const cells = fill ? fill.row(row, given, base) : given
    // A footer or total line (合计, 填报单位（盖章）：…, 填表人：…) is no record: skipped, with a note.
    // A footer, or a blank line, is so by what the row itself holds, not by the merged values it shows.
    const first = firstFilled(given, base)
    if (first !== undefined && FOOTER_START.test(first)) {
      const text = footerText(rowText(given, base))
      if (text !== undefined) {
        notes.push({type: 'footer', file: where.file, sheet: where.sheet, row, column: '', cell: '', value: text, message: say('form.footerSkipped', {row, text})})
        return
      }
    }
    // A row with nothing in the layout's columns is a blank line, not a record.
    let any = false
    for (let i = 0; i < n; i++) {
      const at = found.columns[i]
      if (at !== undefined && (textOf(given[at + base]).trim() !== '' || isNoCachedValue(given[at + base]))) {
        any = true
        break
      }
    }
    if (!any) return
    found.rows++
    let bad = false
    for (let i = 0; i < n; i++) {
      const col = columns[i]
      const at = found.columns[i]
      const cell = at === undefined ? undefined : cells[at + base]
      if (isNoCachedValue(cell)) {
        // A formula saved without its result (openpyxl, scripts): nothing to check; Excel or WPS computes it on saving.
        bad = true
        values[i] = ''
        const problem = locate(where, row, at, col.header, `=${cell.formula}`, col.key, 'FORM', say('io.formulaNoCache', {formula: cell.formula}), 'no-cached-value')
        if (visible(problem, row, at)) problems.push(problem)
        continue
      }
      const raw = at === undefined ? '' : textOf(cell)
      const outcome = normaliseCell(col, raw, {codePattern: options.codePattern, areaCode: options.areaCode})
      if (typeof outcome === 'string') {
        values[i] = outcome
      } else {
        bad = true
        values[i] = ''
        const rule = col.rule ?? options.defaultRule
        const problem = locate(where, row, at, col.header, raw, col.key, rule, `${say(outcome.key, {column: col.header, value: raw, ...outcome.params})} (${rule})`, problemTypeOf(outcome.key))
        if (outcome.params?.suggestion) problem.suggestion = String(outcome.params.suggestion)
        if (!visible(problem, row, at)) continue
        const key = col.type === 'code' ? normaliseCode(trimText(raw)) : ''
        if (key && refColumns.has(i)) {
          // Decided at the end: a code the other sheet rejects lists this row under it.
          state.deferred.push({key, problem})
          continue
        }
        if (key && i === keyColumn && !state.rejected.has(key)) state.rejected.set(key, problem)
        problems.push(problem)
      }
    }
    for (const [i, seen] of state.unique) {
      const v = values[i]
      if (!v) continue
      const first = seen.get(v)
      if (first === undefined) {
        seen.set(v, row)
      } else {
        bad = true
        const r = rules.find((x) => x.rule === 'unique' && x.column === columns[i].key)!
        const problem = locate(
          where,
          row,
          found.columns[i],
          columns[i].header,
          v,
          columns[i].key,
          r.id,
          `${say(r.message as MessageKey, {column: columns[i].header, value: v, other: first})} (${r.id})`,
          'duplicate',
        )
        if (visible(problem, row, found.columns[i])) problems.push(problem)
      }
    }
    if (checkRow)
      for (const p of checkRow(values)) {
        bad = true
        const col = columns[p.column]
        const problem = locate(where, row, found.columns[p.column], col.header, values[p.column], col.key, p.rule, `${say(p.key, p.params)} (${p.rule})`, problemTypeOf(p.key))
        if (visible(problem, row, found.columns[p.column])) problems.push(problem)
      }
    // A reference read from a merged area's top-left cell is checked once, at that cell's row.
    for (const ref of state.refers) if (values[ref.col] && !(fill && found.columns[ref.col] !== undefined && fill.hidden(row, found.columns[ref.col]!))) ref.rows.push({row, value: values[ref.col]})
    if (!bad) return options.onRecord(layout.key, row, values)
  }
}
