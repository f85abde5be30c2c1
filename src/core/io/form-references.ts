import type {MessageKey} from '../i18n/index.js'
import {colIndex, locate, type ReadContext, type SheetState} from './form-state.js'
import type {LocatedProblem, RelatedRow} from './problem.js'
import {columnLetter} from './tables.js'

/** Rows listed under a cause, by the sheet they are on. */
type Causes = Map<LocatedProblem, Map<string, RelatedRow[]>>

/**
 * Rows that name a key of another sheet (a 办理流程 row's 事项编码) must find it there. A key
 * the file rejects is the cause: the rows naming it are listed under it. A key the file
 * does not have is one problem, its other rows listed with it. A sheet whose rows were not
 * checked (a missing column) is not looked into.
 */
export function checkReferences(ctx: ReadContext): void {
  const causes: Causes = new Map()
  for (const state of ctx.states.values()) {
    for (const ref of state.refers) {
      const target = ctx.states.get(ref.rule.to)
      for (const {key, problem} of state.deferred) {
        const cause = target?.rejected.get(key)
        if (cause && !target?.unchecked) under(causes, cause, state.layout.name, {file: problem.file, sheet: problem.sheet, row: problem.row, cell: problem.cell})
        else ctx.problems.push(problem)
      }
      state.deferred.length = 0
      const keys = target?.unique.get(colIndex(target.layout, ref.rule.column))
      if (!keys || target!.unchecked) continue
      unknownKeys(ctx, causes, state, ref, target!, keys)
    }
  }
  for (const [cause, bySheet] of causes) {
    const lines = [...bySheet].map(([sheet, rows]) =>
      cause.sheet === rows[0]!.sheet ? ctx.say('form.alsoRows', {rows: rowRanges(rows.map((r) => r.row))}) : ctx.say('form.refersRejected', {sheet, rows: rowRanges(rows.map((r) => r.row))}),
    )
    cause.message += `; ${lines.join('; ')}`
  }
}

function under(causes: Causes, cause: LocatedProblem, sheet: string, related: RelatedRow): void {
  let bySheet = causes.get(cause)
  if (!bySheet) causes.set(cause, (bySheet = new Map<string, RelatedRow[]>()))
  const list = bySheet.get(sheet) ?? []
  list.push(related)
  bySheet.set(sheet, list)
  ;(cause.related ??= []).push(related)
}

/** One reference column's values the target sheet does not have: under the target's rejected key, or one problem per value, its other rows under it. */
function unknownKeys(ctx: ReadContext, causes: Causes, state: SheetState, ref: SheetState['refers'][number], target: SheetState, keys: Map<string, number>): void {
  const i = ref.col
  const col = state.layout.columns[i]!
  const unknown = new Map<string, LocatedProblem>()
  for (const {row, value} of ref.rows) {
    if (keys.has(value)) continue
    const at = state.found.columns[i]
    const cell = at === undefined ? '' : `${columnLetter(at)}${row}`
    const cause = target.rejected.get(value) ?? unknown.get(value)
    if (cause) {
      under(causes, cause, state.layout.name, {file: state.where.file, sheet: state.where.sheet, row, cell})
      continue
    }
    const message = `${ctx.say(ref.rule.message as MessageKey, {column: col.header, value, sheet: target.layout.name})} (${ref.rule.id})`
    const problem = locate(state.where, row, at, col.header, value, col.key, ref.rule.id, message, 'unknown-item')
    unknown.set(value, problem)
    ctx.problems.push(problem)
  }
}

/** Row numbers as a clerk reads them: 3–20、25 (ranges of consecutive rows). */
export function rowRanges(rows: number[]): string {
  const sorted = [...new Set(rows)].sort((a, b) => a - b)
  const out: string[] = []
  for (let i = 0; i < sorted.length;) {
    let j = i
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++
    out.push(j > i ? `${sorted[i]}–${sorted[j]}` : String(sorted[i]))
    i = j + 1
  }
  return out.join(', ')
}
