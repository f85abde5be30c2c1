import type {ProblemType} from './values.js'

/** Another place a problem shows: a row that repeats it or follows from it (a step of a rejected code). */
export interface RelatedRow {
  file: string
  sheet: string
  row: number
  cell: string
}

/**
 * One problem of what a user gave, located as the clerk finds it — the one type every
 * import and form uses (issue 20): file, sheet, row, column (the header the clerk sees)
 * and cell, with the field (the layout's key), its label, the rule, the value, and its type
 * (see ProblemType) so problems can be filtered. A list read row by row (the form reader)
 * fills every place; a label form (申请表) has a cell and a field but no sheet rows; an
 * address plan's rows have a sheet and row but no cell. Printed by the base command from
 * `error.details.problems`; the same objects are the JSON.
 */
export interface LocatedProblem {
  file: string
  sheet: string
  row: number
  column: string
  cell: string
  /** The field's key in the layout, the same in every language (promisedDays, contactPhone). */
  field: string
  /** The field's label as the form prints it, where the column does not already say it (a label form's column is a cell letter). */
  label?: string
  rule: string
  value: string
  message: string
  type?: ProblemType
  /** The allowed value(s) a near-miss most likely means ("did you mean"). */
  suggestion?: string
  /** Rows that follow from this problem, listed here instead of as problems of their own. */
  related?: RelatedRow[]
}

/**
 * A problem where only some places are known: a label form's (cell, field, label, rule)
 * or an address plan's (sheet, row, column). The same type, its places optional.
 */
export type Problem = Partial<LocatedProblem> & Pick<LocatedProblem, 'field' | 'message'>
