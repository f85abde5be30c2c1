import {rowHandler, type RowHandler} from './form-rows.js'
import {colIndex, locate, type ReadContext, type SheetState} from './form-state.js'
import {matchHeader, normaliseHeader, type SheetLayout} from './layout.js'
import type {LocatedProblem} from './problem.js'
import {columnLetter, MergeFill, rowText, type SheetVisitor} from './tables.js'
import {footerText, trimText} from './values.js'

const LOOK_FOR_HEADER = 10

/** Sheets a template or a report adds that carry no data. */
const IGNORED_SHEETS = new Set(['填写说明', '错误汇总', '说明'])

/** The file a sheet is read from: its path, the name messages give it, and whether it is a CSV (one sheet, no name). */
export interface FileBeingRead {
  file: string
  fileName: string
  csv: boolean
}

type HeadRow = {row: number; cells: string[]; raw: readonly unknown[]}
type Match = NonNullable<ReturnType<typeof matchHeader>>

/** A sheet whose header was found: who reads its rows, and which of the rows read while looking for the header come under it. */
interface OpenedSheet {
  handler: RowHandler
  firstRow: number
}

/**
 * The visitor of one file's sheets: a sheet the layout does not name and that no one fills
 * (填写说明) is passed over; the first rows of the others wait until the header is found among
 * them, then every row goes to the sheet's row handler. `seen` counts the sheets looked into.
 */
export function sheetVisitor(ctx: ReadContext, from: FileBeingRead, seen: {sheets: number}): SheetVisitor {
  return (sheetName) => {
    const byName = from.csv ? undefined : ctx.layout.sheets.find((s) => normaliseHeader(s.name) === normaliseHeader(sheetName))
    if (!byName && !from.csv && IGNORED_SHEETS.has(sheetName.trim())) return undefined
    seen.sheets++
    // The header may sit under title rows: the first rows wait until it is found.
    const head: HeadRow[] = []
    let handler: RowHandler | undefined
    let decided = false
    let fill: MergeFill | undefined
    const decide = async () => {
      decided = true
      const opened = openSheet(ctx, {from, sheetName, byName, head, fill})
      if (!opened) return
      handler = opened.handler
      // The rows under the header as the reader gave them (a formula without its result stays one).
      for (const h of head.slice(opened.firstRow)) await handler(h.row, h.raw, 0)
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
  }
}

interface SheetSeen {
  from: FileBeingRead
  sheetName: string
  /** The layout sheet of the same name, if any. */
  byName: SheetLayout | undefined
  head: HeadRow[]
  fill: MergeFill | undefined
}

/** The header among the first rows, matched against the layout's sheets (or the one of the sheet's name); undefined, said where it should be, when none is there. */
function openSheet(ctx: ReadContext, seen: SheetSeen): OpenedSheet | undefined {
  const {from, sheetName, byName, head} = seen
  const best = bestMatch(byName ? [byName] : ctx.layout.sheets, head)
  if (!best) {
    // A sheet named as the layout's, or a CSV, with no header at all; other sheets are someone's notes.
    if (byName || from.csv) {
      const message = byName ? ctx.say('form.noHeader', {sheet: byName.name}) : ctx.say('form.notThisForm', {file: from.fileName, form: ctx.layout.form})
      ctx.problems.push(locate({file: from.fileName, sheet: sheetName}, head[0]?.row ?? 1, undefined, '', '', '', 'FORM', message, 'not-a-form'))
    }
    return undefined
  }
  const {sheet, match} = best
  const headerRow = head[match.headerRow]!.row
  const label = sheetName || sheet.name
  const order = `${from.fileName}\u0000${label}`
  if (!ctx.sheetOrder.has(order)) ctx.sheetOrder.set(order, ctx.sheetOrder.size)
  if (ctx.states.has(sheet.key)) {
    ctx.problems.push(locate({file: from.fileName, sheet: label}, headerRow, undefined, '', '', '', 'FORM', ctx.say('form.duplicateSheet', {sheet: sheet.name}), 'duplicate-sheet'))
    return undefined
  }
  const where = {file: from.fileName, sheet: label}
  const missing = match.missing.map((col) =>
    locate(where, headerRow, undefined, col.header, '', col.key, col.rule ?? ctx.options.defaultRule, ctx.say('form.missingColumn', {column: col.header}), 'missing-column'),
  )
  ctx.problems.push(...missing)
  noteExtraColumns(ctx, where, sheet, match, head[match.headerRow]!.cells, headerRow)
  const state: SheetState = {
    layout: sheet,
    found: {key: sheet.key, file: from.file, name: sheetName, headerRow, columns: sheet.columns.map((c) => match.columns.get(c.key)), rows: 0},
    unique: new Map(),
    refers: [],
    where,
    rejected: new Map(),
    deferred: [],
    fill: seen.fill,
  }
  for (const r of ctx.rules) {
    if (r.sheet !== sheet.key) continue
    if (r.rule === 'unique') state.unique.set(colIndex(sheet, r.column), new Map())
    if (r.rule === 'refers') state.refers.push({col: colIndex(sheet, r.column), rule: r, rows: []})
  }
  ctx.states.set(sheet.key, state)
  const handler = match.missing.length
    ? countOnly(state, missing)
    : rowHandler(
        ctx,
        state,
        ctx.rules.filter((r) => r.sheet === sheet.key),
      )
  return {handler, firstRow: match.headerRow + 1}
}

/** The layout sheet whose header matches the most columns among the first rows. */
function bestMatch(candidates: SheetLayout[], head: HeadRow[]): {sheet: SheetLayout; match: Match} | undefined {
  let best: {sheet: SheetLayout; match: Match} | undefined
  for (const sheet of candidates) {
    const match = matchHeader(
      head.map((h) => h.cells),
      sheet,
      LOOK_FOR_HEADER,
    )
    if (match && (!best || match.columns.size > best.match.columns.size)) best = {sheet, match}
  }
  return best
}

/** Columns the layout does not know (序号, 备注): ignored, and said so. */
function noteExtraColumns(ctx: ReadContext, where: {file: string; sheet: string}, sheet: SheetLayout, match: Match, header: string[], headerRow: number): void {
  const used = new Set(match.columns.values())
  header.forEach((text, i) => {
    const name = trimText(text ?? '')
    if (!name || used.has(i)) return
    const cell = `${columnLetter(i)}${headerRow}`
    ctx.notes.push({
      type: 'extra-column',
      file: where.file,
      sheet: where.sheet,
      row: headerRow,
      column: name,
      cell,
      value: name,
      message: ctx.say('form.columnIgnored', {column: name, cell, sheet: sheet.name}),
    })
  })
}

/** A sheet missing a column: one problem per missing column, not one per row; the rows are counted, not checked. */
function countOnly(state: SheetState, missing: LocatedProblem[]): RowHandler {
  const unchecked = (state.unchecked = {problems: missing, rows: 0})
  return (_row, cells, base) => {
    const text = rowText(cells, base)
    if (!text.some((c) => c.trim() !== '')) return
    if (footerText(text) !== undefined) return
    unchecked.rows++
  }
}
