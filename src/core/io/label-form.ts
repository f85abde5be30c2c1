import {readFileSync} from 'node:fs'
import {extname} from 'node:path'

import {InvalidInput} from '../errors.js'
import {normaliseHeader} from './layout.js'
import {writeOutput} from './output-file.js'
import {readFormGrids} from './form-grid.js'
import {cellText, columnLetter} from './tables.js'
import {checkWorkbookLimits} from './xlsx-limits.js'

/**
 * A paper form as a workbook (申请表): each field is a label cell with its value in the
 * cell to its right, wherever the unit has moved it. One layout (templates/*.json) drives
 * the blank template, the reader and the filled export, so the three cannot disagree.
 * Request files may also be JSON or YAML with the fields' keys.
 */
export interface LabelField {
  key: string
  label: string
  required?: boolean
  type?: 'integer'
  list?: string[]
  hint?: string
}

export interface LabelFormLayout {
  form: string
  sheet: string
  fields: LabelField[]
}

/** Writes the form: title, label/value rows with hints, drop-downs for listed values; filled with `values` when given. */
export async function writeLabelForm(path: string, layout: LabelFormLayout, values: Record<string, string | number | undefined> = {}, field = 'out'): Promise<void> {
  if (extname(path).toLowerCase() !== '.xlsx') throw new InvalidInput('io.badExtension', {field, path}, {field})
  const {default: ExcelJS} = await import('exceljs')
  const wb = new ExcelJS.Workbook()
  // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment -- exceljs's PaperSize is an ambient const enum, with no value to import at run time (nor for esbuild): 9 is its A4
  const ws = wb.addWorksheet(layout.sheet, {pageSetup: {paperSize: 9, orientation: 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 1}})
  ws.columns = [{width: 24}, {width: 40}, {width: 40}]
  ws.mergeCells('A1:C1')
  const title = ws.getCell('A1')
  title.value = layout.form
  title.font = {bold: true, size: 16}
  title.alignment = {horizontal: 'center'}
  layout.fields.forEach((f, i) => {
    const row = i + 3
    const label = ws.getCell(`A${row}`)
    label.value = f.label + (f.required ? ' *' : '')
    label.font = {bold: true}
    const value = ws.getCell(`B${row}`)
    value.border = {bottom: {style: 'thin'}}
    const given = values[f.key]
    if (given !== undefined && given !== '') value.value = f.type === 'integer' && typeof given === 'number' ? given : String(given)
    if (f.list) value.dataValidation = {type: 'list', allowBlank: !f.required, formulae: [`"${f.list.join(',')}"`]}
    if (f.hint) ws.getCell(`C${row}`).value = f.hint
    ws.getCell(`C${row}`).font = {color: {argb: 'FF808080'}, size: 9}
  })
  await writeOutput(path, (tmp) => wb.xlsx.writeFile(tmp), {field})
}

export interface LabelFormValues {
  /** field key → the text found (every field the file has; '' when left blank) */
  values: Record<string, string>
  /** field key → the cell its value is in (or should be), for located problems; empty for JSON/YAML */
  cells: Record<string, string>
}

/** Reads a filled form (.xlsx), or a JSON/YAML request file, as text values by field key. */
export async function readLabelForm(path: string, layout: LabelFormLayout, field = 'from-file'): Promise<LabelFormValues> {
  const ext = extname(path).toLowerCase()
  const unreadable = (error: unknown) => new InvalidInput('io.unreadable', {field, path, reason: (error as Error).message}, {field})
  if (ext === '.json' || ext === '.yaml' || ext === '.yml') {
    let data: unknown
    try {
      const text = readFileSync(path, 'utf8')
      data = ext === '.json' ? JSON.parse(text) : (await import('yaml')).parse(text)
    } catch (error) {
      throw unreadable(error)
    }
    if (data === null || typeof data !== 'object' || Array.isArray(data)) throw unreadable(new Error('not an object of fields'))
    const {checkRequestFile} = await import('./request-schema.js')
    await checkRequestFile(data as Record<string, unknown>, layout, path)
    // checkRequestFile has let through text, numbers and lists of them only.
    const values = Object.fromEntries(
      Object.entries(data as Record<string, unknown>).map(([k, v]) => [k, v === null || v === undefined ? '' : Array.isArray(v) ? v.join(',') : String(v as string | number | boolean)]),
    )
    return {values, cells: {}}
  }
  if (ext !== '.xlsx') throw new InvalidInput('io.badExtension', {field, path}, {field})
  // The preflight stays for what the reader does not say itself: a half-copied file as incomplete, a
  // CSV under a .xlsx name as text, a damaged directory or a zip bomb by its ratio, over 1,000 parts
  // or 64 MiB in all, an over-long comment. Rows, columns, merged cells, sheet and shared-string
  // sizes the reader checks too (FORM_LIMITS), with the same numbers.
  await checkWorkbookLimits(path, {field, kind: 'form'})
  const grids = await readFormGrids(path, {field})
  const values: Record<string, string> = {}
  const cells: Record<string, string> = {}
  const wanted = new Map(layout.fields.map((f) => [normaliseHeader(f.label), f]))
  for (const g of grids) {
    for (let r = 1; r <= g.rows; r++) {
      const count = g.cellCount(r)
      for (let col = 1; col <= count; col++) {
        const labelText = cellText(g.value(r, col))
        if (!labelText) continue
        const found = wanted.get(normaliseHeader(labelText))
        if (!found || found.key in cells) continue
        // The value is the first filled cell to the right of the label (merged cells show their top-left cell's).
        // A merged area's value belongs to its top-left cell: that visible cell is where a problem is reported.
        const visible = (c: number) => {
          const m = g.master(r, c)
          return m ? address(m.row, m.col) : address(r, c)
        }
        const own = visible(col)
        let first = col + 1
        // The label's own merged area (a label over two columns) is not where its value goes.
        while (first < col + 16_384 && g.merges.at(r, first - 1) && visible(first) === own) first++
        let at = visible(first)
        let value = ''
        for (let c = col + 1; c <= Math.max(count, col + 3); c++) {
          const v = cellText(g.value(r, c))
          // The template's grey hint beside an empty value is not the value.
          if (found.hint && v.trim() === found.hint) break
          if (v && normaliseHeader(v) !== normaliseHeader(labelText)) {
            value = v
            at = visible(c)
            break
          }
        }
        values[found.key] = value
        cells[found.key] = at
      }
    }
  }
  return {values, cells}
}

/** A1-style address of a 1-based row and column. */
function address(row: number, col: number): string {
  return `${columnLetter(col - 1)}${row}`
}
