import type {ChalkInstance} from 'chalk'

import {EgovError} from '../core/errors.js'
import type {FormNote, Problem} from '../core/io/index.js'
import {type Locale, t} from '../core/i18n/index.js'

/**
 * Located problems of a filled-in form, one line each and never cut: file, sheet, cell (or
 * row and column), the offending value, the reason with its rule. Printed to stderr before
 * the error line; with --json they are in the error's details.
 */
export function printProblems(error: unknown, locale: Locale, color: ChalkInstance, multipleFiles = false): void {
  const problems = error instanceof EgovError ? (error.context.details?.problems as Problem[] | undefined) : undefined
  if (!problems) return
  for (const p of problems) {
    const at = p.cell || (p.column ? `${t('col.row', {}, locale)} ${p.row}, ${p.column}` : p.field || p.rule !== 'FORM' ? `${t('col.row', {}, locale)} ${p.row}` : '')
    const where = [multipleFiles || !p.sheet ? p.file : '', p.sheet, at].filter(Boolean).join('!')
    process.stderr.write(`${color.bold(where)}${p.value ? ` “${p.value}”` : ''}: ${p.message}\n`)
  }
  printNotes((error as EgovError).context.details?.notes as FormNote[] | undefined, locale, color, multipleFiles)
  const report = (error as EgovError).context.details?.report as {file: string; marked: number} | undefined
  if (report) process.stderr.write(t('items.report.written', {file: report.file, count: report.marked}, locale) + '\n')
}

/** What a reader passed over without refusing (footer rows skipped, columns ignored), one line each on stderr. */
export function printNotes(notes: FormNote[] | undefined, locale: Locale, color: ChalkInstance, multipleFiles = false): void {
  for (const n of notes ?? []) {
    const where = [multipleFiles || !n.sheet ? n.file : '', n.sheet, n.cell || `${t('col.row', {}, locale)} ${n.row}`].filter(Boolean).join('!')
    process.stderr.write(color.dim(t('form.noteLine', {where, message: n.message}, locale)) + '\n')
  }
}
