import {EgovError} from '../errors.js'
import type {LocatedProblem, Problem} from '../io/index.js'
import type {Locale, t as translate} from '../i18n/index.js'

/**
 * What the steps of a plan import (plan.ts, plan-allocations.ts) share: a row of a sheet with
 * its values by the layout's keys, the located problem, and the clerk's language.
 */

/** A plan row's problem: the one located-problem type, its sheet, row, column (the header), field (the layout's key, the same in every language) and value always known. */
export type ImportProblem = Problem & Pick<LocatedProblem, 'sheet' | 'row' | 'column' | 'value'>

export interface RowValues {
  sheet: string
  row: number
  values: Record<string, string>
  headers: Record<string, string>
}

/** Messages in the clerk's language, passed down one import. */
export interface Say {
  locale: Locale
  t(key: Parameters<typeof translate>[0], params?: Record<string, unknown>): string
}

export function problemFrom(r: RowValues, key: string, error: unknown, say: Say): ImportProblem {
  const e = error as EgovError
  if (!(e instanceof EgovError)) throw error
  return {
    sheet: r.sheet,
    row: r.row,
    field: key,
    column: r.headers[key] ?? key,
    value: r.values[key] ?? '',
    message: e.localized(say.locale),
    ...(e.context.rule ? {rule: e.context.rule} : {}),
    ...(typeof e.context.details?.suggestion === 'string' ? {suggestion: e.context.details.suggestion} : {}),
  }
}

/** A cell's value through its parser; a refusal becomes a located problem and the value undefined. */
export function cell<T>(r: RowValues, key: string, parse: (text: string) => T, problems: ImportProblem[], say: Say): T | undefined {
  try {
    return parse(r.values[key] ?? '')
  } catch (e) {
    problems.push(problemFrom(r, key, e, say))
    return undefined
  }
}
