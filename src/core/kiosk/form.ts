import {extname} from 'node:path'

import {InvalidInput} from '../errors.js'
import {normaliseHeader} from '../io/layout.js'
import {writeOutput} from '../io/output-file.js'
import {readTemplate} from '../templates.js'

/**
 * The 自助终端接入申请表 of file 000's annex (KIOSK-3), as data in templates/kiosk-form.json:
 * the blank template, the reader and the export all follow it. The form is not a table:
 * people move its cells about, so the reader finds each field by its label (form-read.ts).
 */
export interface KioskFormLayout {
  form: string
  sheet: string
  columns: number[]
  fields: Array<{key: FieldKey; label: string; of?: FieldKey; row: number; col: number; valueMerge?: [number, number]; type?: 'phone' | 'count'; required?: boolean}>
  placements: {label: string; row: number; printedRows: number; columns: Array<{key: 'no' | 'name' | 'location' | 'quantity'; header: string; aliases?: string[]; required?: boolean}>}
  opinions: Array<{key: 'officeOpinion' | 'leaderOpinion'; label: string; height: number}>
}

export type FieldKey = 'unit' | 'contact' | 'contactPhone' | 'leader' | 'leaderPhone' | 'model' | 'count'

export interface Placement {
  no: number
  name: string
  location: string
  quantity: number
}

/** A filled form's content: what the onboarding request holds. */
export interface KioskForm {
  unit: string
  contact: string
  contactPhone: string
  leader: string
  leaderPhone: string
  model: string
  count: number
  placements: Placement[]
  officeOpinion: string
  leaderOpinion: string
}

export function kioskLayout(): KioskFormLayout {
  return readTemplate<KioskFormLayout>('kiosk-form.json')
}

/** Labels as people type them: spaces anywhere, full-width letters, a colon, quotes of either width. */
export function labelKey(text: string): string {
  return normaliseHeader(text).replace(/["“”'‘’「」]/g, '')
}

const THIN = {style: 'thin' as const}
const BOX = {top: THIN, left: THIN, bottom: THIN, right: THIN}

/** A request's form written back: its content, and the opinion boxes as the approvals gave them. */
export interface FilledForm {
  form: KioskForm
  opinions: Partial<Record<'officeOpinion' | 'leaderOpinion', {text: string; by: string; date: string} | undefined>>
}

/** The blank form as on paper: merged cells, borders, widths, A4 portrait on one page; with `filled`, a request's form written back. */
export async function writeKioskTemplate(path: string, filled?: FilledForm): Promise<{file: string; sheet: string}> {
  if (extname(path).toLowerCase() !== '.xlsx') throw new InvalidInput('io.badExtension', {field: 'out', path}, {field: 'out'})
  const layout = kioskLayout()
  const {default: ExcelJS} = await import('exceljs')
  const wb = new ExcelJS.Workbook()
  const ws = wb.addWorksheet(layout.sheet, {
    pageSetup: {
      // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment -- exceljs's PaperSize is an ambient const enum, with no value to import at run time (nor for esbuild): 9 is its A4
      paperSize: 9,
      orientation: 'portrait',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 1,
      horizontalCentered: true,
      margins: {left: 0.7, right: 0.7, top: 0.75, bottom: 0.75, header: 0.3, footer: 0.3},
    },
  })
  ws.columns = layout.columns.map((width) => ({width}))
  const font = {name: '宋体', size: 12}
  const center = {vertical: 'middle' as const, horizontal: 'center' as const, wrapText: true}
  const box = (row: number, col: number, value?: string | number) => {
    const cell = ws.getCell(row, col)
    if (value !== undefined) cell.value = value
    cell.border = BOX
    cell.font = font
    cell.alignment = center
    return cell
  }
  ws.mergeCells(1, 1, 1, 4)
  const title = ws.getCell(1, 1)
  title.value = layout.form
  title.font = {name: '宋体', size: 18, bold: true}
  title.alignment = center
  ws.getRow(1).height = 40
  let last = 1
  for (const f of layout.fields) {
    box(f.row, f.col, f.label)
    if (f.valueMerge) {
      for (let c = f.valueMerge[0]; c <= f.valueMerge[1]; c++) box(f.row, c)
      ws.mergeCells(f.row, f.valueMerge[0], f.row, f.valueMerge[1])
    } else box(f.row, f.col + 1)
    if (filled) ws.getCell(f.row, f.valueMerge ? f.valueMerge[0] : f.col + 1).value = filled.form[f.key]
    ws.getRow(f.row).height = 30
    last = Math.max(last, f.row)
  }
  const p = layout.placements
  for (let c = 1; c <= 4; c++) box(p.row, c)
  ws.mergeCells(p.row, 1, p.row, 4)
  ws.getCell(p.row, 1).value = p.label
  ws.getCell(p.row, 1).font = {...font, bold: true}
  p.columns.forEach((col, i) => box(p.row + 1, i + 1, col.header))
  ws.getRow(p.row + 1).height = 24
  const printed = Math.max(p.printedRows, filled?.form.placements.length ?? 0)
  for (let i = 1; i <= printed; i++) {
    const row = p.row + 1 + i
    const site = filled?.form.placements[i - 1]
    box(row, 1, site ? site.no : filled ? '' : i)
    for (let c = 2; c <= 4; c++) box(row, c, site ? [site.name, site.location, site.quantity][c - 2] : undefined)
    ws.getRow(row).height = 24
  }
  last = p.row + 1 + printed
  for (const o of layout.opinions) {
    last++
    box(last, 1, o.label)
    for (let c = 2; c <= 4; c++) box(last, c)
    ws.mergeCells(last, 2, last, 4)
    ws.getCell(last, 2).alignment = {vertical: 'bottom', horizontal: 'right'}
    const given = filled?.opinions[o.key]
    ws.getCell(last, 2).value = given ? `${given.text}\n\n${given.by}    ${given.date}` : '（盖章）        年    月    日'
    if (given) ws.getCell(last, 2).alignment = {vertical: 'top', horizontal: 'left', wrapText: true}
    ws.getRow(last).height = o.height
  }
  ws.pageSetup.printArea = `A1:D${last}`
  await writeOutput(path, (tmp) => wb.xlsx.writeFile(tmp))
  return {file: path, sheet: layout.sheet}
}
