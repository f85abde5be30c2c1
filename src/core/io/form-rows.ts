import type {MessageKey} from '../i18n/index.js'
import {colIndex, locate, type ReadContext, type SheetState} from './form-state.js'
import type {LayoutRule, SheetLayout} from './layout.js'
import type {LocatedProblem} from './problem.js'
import {cellText, columnLetter, rowText} from './tables.js'
import {footerText, normaliseCell, normaliseCode, problemTypeOf, trimText} from './values.js'
import {isNoCachedValue} from './xlsx-reader.js'

export type RowProblem = {column: number; rule: string; key: MessageKey; params: Record<string, unknown>}
export type RowHandler = (row: number, cells: readonly unknown[], base: number) => void | Promise<void>

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
          out.push({column: a, rule: r.id, key: r.message as MessageKey, params: {column: columns[a]!.header, value: values[a], than: columns[b]!.header, limit: values[b]}})
        }
      })
    } else if (r.rule === 'requiredWhen') {
      const w = colIndex(layout, r.when.column)
      const targets = r.columns.map((key) => colIndex(layout, key))
      checks.push((values, out) => {
        if (values[w] !== r.when.equals) return
        for (const c of targets) {
          if (values[c] === '') out.push({column: c, rule: r.id, key: r.message as MessageKey, params: {column: columns[c]!.header, when: columns[w]!.header, equals: r.when.equals}})
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

/** The reader of one sheet's rows under its header: each row skipped (footer, blank), or checked cell by cell and across cells, then passed on. */
export function rowHandler(ctx: ReadContext, state: SheetState, rules: LayoutRule[]): RowHandler {
  const rows = new SheetRows(ctx, state, rules)
  return (row, given, base) => rows.row(row, given, base)
}

/** One sheet's row checks, what they look up prepared once: run on every row of a list of 100,000. */
class SheetRows {
  private readonly n: number
  private readonly checkRow?: (values: string[]) => RowProblem[]
  /** One array for every row's values: onRecord reads it before the next row comes (and keeps strings, not the array). */
  private readonly values: string[]
  /** The sheet's key (事项编码 of 基本信息), which other sheets' rows name; and this sheet's reference to another's. */
  private readonly keyColumn: number | undefined
  private readonly refColumns: Set<number>
  private readonly once = new Set<string>()

  constructor(
    private readonly ctx: ReadContext,
    private readonly state: SheetState,
    private readonly rules: LayoutRule[],
  ) {
    this.n = state.layout.columns.length
    const rowRules = rules.filter((r) => r.rule === 'notMore' || r.rule === 'requiredWhen')
    this.checkRow = rowRules.length ? rowRuleChecker(state.layout, rowRules) : undefined
    this.values = new Array<string>(this.n)
    this.keyColumn = [...state.unique.keys()][0]
    this.refColumns = new Set(state.refers.map((r) => r.col))
  }

  row(row: number, given: readonly unknown[], base: number): void | Promise<void> {
    const {fill, found} = this.state
    // Hidden cells of a merged area read its top-left cell's value (recorded as its row passes).
    const cells = fill ? fill.row(row, given, base) : given
    // A footer, or a blank line, is so by what the row itself holds, not by the merged values it shows.
    if (this.footer(row, given, base) || this.blank(given, base)) return
    found.rows++
    let bad = this.readCells(row, cells, base)
    if (this.checkUnique(row)) bad = true
    if (this.checkRules(row)) bad = true
    // A reference read from a merged area's top-left cell is checked once, at that cell's row.
    for (const ref of this.state.refers) {
      const value = this.values[ref.col]
      if (value && !(fill && found.columns[ref.col] !== undefined && fill.hidden(row, found.columns[ref.col]!))) ref.rows.push({row, value})
    }
    if (!bad) return this.ctx.options.onRecord(this.state.layout.key, row, this.values)
  }

  /** A footer or total line (合计, 填报单位（盖章）：…, 填表人：…) is no record: skipped, with a note. */
  private footer(row: number, given: readonly unknown[], base: number): boolean {
    const first = firstFilled(given, base)
    if (first === undefined || !FOOTER_START.test(first)) return false
    const text = footerText(rowText(given, base))
    if (text === undefined) return false
    const {where} = this.state
    this.ctx.notes.push({type: 'footer', file: where.file, sheet: where.sheet, row, column: '', cell: '', value: text, message: this.ctx.say('form.footerSkipped', {row, text})})
    return true
  }

  /** A row with nothing in the layout's columns is a blank line, not a record. */
  private blank(given: readonly unknown[], base: number): boolean {
    const columns = this.state.found.columns
    for (let i = 0; i < this.n; i++) {
      const at = columns[i]
      if (at !== undefined && (textOf(given[at + base]).trim() !== '' || isNoCachedValue(given[at + base]))) return false
    }
    return true
  }

  /** Every cell through its column's type into values; true when one is bad. */
  private readCells(row: number, cells: readonly unknown[], base: number): boolean {
    const {ctx, state, values} = this
    const {layout, found, where} = state
    let bad = false
    for (let i = 0; i < this.n; i++) {
      const col = layout.columns[i]!
      const at = found.columns[i]
      const cell = at === undefined ? undefined : cells[at + base]
      if (isNoCachedValue(cell)) {
        // A formula saved without its result (openpyxl, scripts): nothing to check; Excel or WPS computes it on saving.
        bad = true
        values[i] = ''
        const problem = locate(where, row, at, col.header, `=${cell.formula}`, col.key, 'FORM', ctx.say('io.formulaNoCache', {formula: cell.formula}), 'no-cached-value')
        if (this.visible(problem, row, at)) ctx.problems.push(problem)
        continue
      }
      const raw = at === undefined ? '' : textOf(cell)
      const outcome = normaliseCell(col, raw, {codePattern: ctx.options.codePattern, areaCode: ctx.options.areaCode})
      if (typeof outcome === 'string') {
        values[i] = outcome
        continue
      }
      bad = true
      values[i] = ''
      const rule = col.rule ?? ctx.options.defaultRule
      const problem = locate(where, row, at, col.header, raw, col.key, rule, `${ctx.say(outcome.key, {column: col.header, value: raw, ...outcome.params})} (${rule})`, problemTypeOf(outcome.key))
      // A close value from the column's list (values.ts: notInListSuggest), as text.
      const suggestion = outcome.params?.suggestion
      if (typeof suggestion === 'string' && suggestion) problem.suggestion = suggestion
      if (this.visible(problem, row, at)) this.refuse(problem, i, col.type === 'code' ? normaliseCode(trimText(raw)) : '')
    }
    return bad
  }

  /** A refused cell's problem: a reference's is decided at the end (a code the other sheet rejects lists this row under it); a refused key is remembered as a cause. */
  private refuse(problem: LocatedProblem, i: number, key: string): void {
    const state = this.state
    if (key && this.refColumns.has(i)) {
      state.deferred.push({key, problem})
      return
    }
    if (key && i === this.keyColumn && !state.rejected.has(key)) state.rejected.set(key, problem)
    this.ctx.problems.push(problem)
  }

  /** The 'unique' columns: a value seen on an earlier row is a duplicate. True when one is. */
  private checkUnique(row: number): boolean {
    const {ctx, state, values} = this
    const {layout, found, where} = state
    let bad = false
    for (const [i, seen] of state.unique) {
      const v = values[i]
      if (!v) continue
      const first = seen.get(v)
      if (first === undefined) {
        seen.set(v, row)
        continue
      }
      bad = true
      const col = layout.columns[i]!
      const r = this.rules.find((x) => x.rule === 'unique' && x.column === col.key)!
      const message = `${ctx.say(r.message as MessageKey, {column: col.header, value: v, other: first})} (${r.id})`
      const problem = locate(where, row, found.columns[i], col.header, v, col.key, r.id, message, 'duplicate')
      if (this.visible(problem, row, found.columns[i])) ctx.problems.push(problem)
    }
    return bad
  }

  /** The row's cross-field rules (notMore, requiredWhen). True when one is broken. */
  private checkRules(row: number): boolean {
    if (!this.checkRow) return false
    const {ctx, state, values} = this
    let bad = false
    for (const p of this.checkRow(values)) {
      bad = true
      const col = state.layout.columns[p.column]!
      const at = state.found.columns[p.column]
      const problem = locate(state.where, row, at, col.header, values[p.column]!, col.key, p.rule, `${ctx.say(p.key, p.params)} (${p.rule})`, problemTypeOf(p.key))
      if (this.visible(problem, row, at)) ctx.problems.push(problem)
    }
    return bad
  }

  /**
   * A problem of a cell in a merged area is the area's visible (top-left) cell's: located
   * there, and reported once however many rows the area covers. False: already reported.
   */
  private visible(problem: LocatedProblem, row: number, at: number | undefined): boolean {
    const fill = this.state.fill
    const area = fill && at !== undefined ? fill.index.at(row, at) : undefined
    if (!area) return true
    problem.row = area.top
    problem.cell = `${columnLetter(area.left)}${area.top}`
    const key = `${problem.cell}\u0000${problem.field}\u0000${problem.rule}\u0000${problem.value}`
    if (this.once.has(key)) return false
    this.once.add(key)
    return true
  }
}
