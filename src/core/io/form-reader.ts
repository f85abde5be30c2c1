import {basename} from 'node:path'

import {InvalidInput} from '../errors.js'
import {t} from '../i18n/index.js'
import {checkReferences} from './form-references.js'
import {sheetVisitor} from './form-sheet.js'
import {type FormNote, type FoundSheet, locate, type ReadContext, type ReadFormOptions} from './form-state.js'
import type {FormLayout} from './layout.js'
import {foreignLineMessage, type LineEncoding} from './mixed-encoding.js'
import type {LocatedProblem} from './problem.js'
import {isDelimitedText, visitRows} from './tables.js'

export type {LocatedProblem, RelatedRow} from './problem.js'
export type {FormNote, FoundSheet, ReadFormOptions} from './form-state.js'
export {rowRanges} from './form-references.js'
export {rowRuleProblems} from './form-rows.js'

export interface ReadFormResult {
  problems: LocatedProblem[]
  notes: FormNote[]
  sheets: FoundSheet[]
  encodings: Record<string, string>
}

/**
 * Reads one filled form (a workbook, or one CSV per sheet) against its layout, row by row:
 * the header is found under any title rows, columns in any order; every cell goes through
 * its column's type; the layout's rules are checked across cells, rows and sheets. Every
 * problem is collected (never the first only, never cut at a limit); valid rows go to
 * onRecord as they are read, so a large list never sits in memory twice.
 *
 * The steps: each file's sheets are found and their rows read (form-sheet.ts, form-rows.ts);
 * then what only the whole file tells: rows of a sheet missing a column counted, sheets
 * missing, references across sheets (form-references.ts); then problems put in reading order.
 */
export async function readForm(files: string[], layout: FormLayout, options: ReadFormOptions): Promise<ReadFormResult> {
  const locale = options.locale ?? 'en'
  const ctx: ReadContext = {
    layout,
    rules: layout.rules ?? [],
    options,
    locale,
    say: (key, params) => t(key, params, locale),
    problems: [],
    notes: [],
    states: new Map(),
    sheetOrder: new Map(),
  }
  const encodings: Record<string, string> = {}
  for (const file of files) {
    const encoding = await readFile(ctx, file)
    if (encoding) encodings[basename(file)] = encoding
  }
  countUnchecked(ctx)
  missingSheets(ctx, files)
  checkReferences(ctx)
  // Sheet by sheet in the order they were read, row by row within each (Array.sort is stable).
  const rank = (p: {file: string; sheet: string}) => ctx.sheetOrder.get(`${p.file}\u0000${p.sheet}`) ?? ctx.sheetOrder.size
  ctx.problems.sort((a, b) => rank(a) - rank(b) || a.row - b.row)
  ctx.notes.sort((a, b) => rank(a) - rank(b) || a.row - b.row)
  return {problems: ctx.problems, notes: ctx.notes, sheets: [...ctx.states.values()].map((s) => s.found), encodings}
}

/** One file's sheets and rows; its encoding, for a CSV. */
async function readFile(ctx: ReadContext, file: string): Promise<string | undefined> {
  const fileName = basename(file)
  const seen = {sheets: 0}
  const result = await visitRows(file, sheetVisitor(ctx, {file, fileName, csv: isDelimitedText(file)}, seen), {encoding: ctx.options.encoding, merges: true, hash: ctx.options.hash})
  // Lines in another encoding than their file's (a row pasted from elsewhere): one problem each, where the file's rows are located.
  if (result.foreign?.length) {
    const where = [...ctx.states.values()].find((s) => s.found.file === file)?.where ?? {file: fileName, sheet: ''}
    for (const f of result.foreign) {
      const message = foreignLineMessage(fileName, f, result.encoding as LineEncoding, ctx.locale)
      ctx.problems.push(locate(where, f.line, undefined, '', '', 'encoding', 'FORM', message, 'mixed-encoding'))
    }
  }
  if (!seen.sheets) throw new InvalidInput('io.emptyFile', {field: 'FILE', path: file}, {field: 'FILE'})
  return result.encoding
}

/** A sheet missing a column: its problems say how many rows went unchecked. */
function countUnchecked(ctx: ReadContext): void {
  for (const state of ctx.states.values()) {
    if (!state.unchecked?.rows) continue
    for (const p of state.unchecked.problems) p.message = ctx.say('form.missingColumnRows', {column: p.column, rows: state.unchecked.rows})
  }
}

/** Sheets the layout requires that no file had. */
function missingSheets(ctx: ReadContext, files: string[]): void {
  const first = files.length ? basename(files[0]!) : ''
  // A file that is not this form at all has said so already; a missing sheet would say it twice.
  const notForm = ctx.problems.some((p) => p.rule === 'FORM' && !p.sheet)
  for (const sheet of ctx.layout.sheets) {
    if (!notForm && !sheet.optional && !ctx.states.has(sheet.key))
      ctx.problems.push(locate({file: first, sheet: ''}, 1, undefined, '', '', '', 'FORM', ctx.say('form.missingSheet', {sheet: sheet.name}), 'missing-sheet'))
  }
}
