import {InvalidInput} from '../errors.js'
import {extname} from 'node:path'

import {isNumericType} from '../io/values.js'
import {writeOutput} from '../io/output-file.js'
import {itemsLayout} from './model.js'

const HEADER_FILL = {type: 'pattern' as const, pattern: 'solid' as const, fgColor: {argb: 'FFDDEBF7'}}
const REQUIRED_FONT = {bold: true, color: {argb: 'FFC00000'}}
const ROWS_WITH_LISTS = 1000

/** A header as the template writes it: required ones end with *, as the 填写说明 says (带 * 的列为必填). */
export function templateHeader(c: {header: string; required?: boolean}): string {
  return c.required ? `${c.header}*` : c.header
}

/** Rows to put in the template (a body's current list sent out for revision), values in layout column order. */
export type TemplateRows = Partial<Record<'basic' | 'steps' | 'materials', string[][]>>

/**
 * The blank list a clerk fills in: the three sheets of the layout with their headers
 * (required ones marked * and in red, with a note), frozen header rows, column widths,
 * drop-down lists for every enumeration, and a 填写说明 sheet. With rows, the same
 * workbook holds a list to revise (`egov items export --for-revision`).
 */
export async function writeTemplate(out: string, rows: TemplateRows = {}): Promise<{file: string; sheets: string[]}> {
  if (extname(out).toLowerCase() !== '.xlsx') throw new InvalidInput('io.badExtension', {field: 'out', path: out}, {field: 'out'})
  const {default: ExcelJS} = await import('exceljs')
  const layout = itemsLayout()
  const wb = new ExcelJS.Workbook()
  wb.creator = 'egov'
  wb.title = layout.form
  for (const sheet of layout.sheets) {
    const ws = wb.addWorksheet(sheet.name, {views: [{state: 'frozen', ySplit: 1}], properties: {defaultRowHeight: 18}})
    ws.columns = sheet.columns.map((c) => ({header: templateHeader(c), width: c.width ?? 16, style: {numFmt: isNumericType(c.type) ? '0' : '@'}}))
    const numeric = sheet.columns.map((c) => isNumericType(c.type))
    const data = rows[sheet.key as keyof TemplateRows] ?? []
    for (const values of data) ws.addRow(values.map((v, i) => (!v ? null : numeric[i] ? Number(v) : v)))
    const listed = Math.max(ROWS_WITH_LISTS, data.length + ROWS_WITH_LISTS)
    const header = ws.getRow(1)
    header.height = 30
    sheet.columns.forEach((c, i) => {
      const cell = header.getCell(i + 1)
      cell.fill = HEADER_FILL
      cell.font = c.required ? REQUIRED_FONT : {bold: true}
      cell.alignment = {vertical: 'middle', horizontal: 'center', wrapText: true}
      cell.border = {bottom: {style: 'thin'}}
      if (c.required) cell.note = '必填'
      if (!c.list) return
      // One range per column: exceljs's per-cell merging sorts addresses as text (D10 before D2) and writes overlapping ranges.
      const letter = ws.getColumn(i + 1).letter
      const validation = c.multi
        ? {type: 'list', allowBlank: !c.required, showErrorMessage: false, formulae: [`"${c.list.join(',')}"`], promptTitle: c.header, prompt: '可填多个，用“、”分隔', showInputMessage: true}
        : {type: 'list', allowBlank: !c.required, showErrorMessage: true, errorTitle: c.header, error: `请从列表中选择：${c.list.join('、')}`, formulae: [`"${c.list.join(',')}"`]}
      const ranges = (ws as unknown as {dataValidations: {add(range: string, v: unknown): void}}).dataValidations
      ranges.add(`${letter}2:${letter}${listed + 1}`, validation)
    })
  }
  const help = wb.addWorksheet('填写说明')
  help.columns = [{width: 24}, {width: 12}, {width: 12}, {width: 70}]
  help.addRow([layout.form]).font = {bold: true, size: 14}
  help.addRow([])
  for (const line of layout.instructions ?? []) help.addRow([line]).alignment = {wrapText: false}
  help.addRow([])
  const head = help.addRow(['字段', '工作表', '是否必填', '填写要求'])
  head.font = {bold: true}
  head.fill = HEADER_FILL
  for (const sheet of layout.sheets) {
    for (const c of sheet.columns) help.addRow([templateHeader(c), sheet.name, c.required ? '是' : '否', describe(c)])
  }
  await writeOutput(out, (tmp) => wb.xlsx.writeFile(tmp))
  return {file: out, sheets: [...layout.sheets.map((s) => s.name), '填写说明']}
}

function describe(c: ReturnType<typeof itemsLayout>['sheets'][number]['columns'][number]): string {
  switch (c.type) {
    case 'enum':
      return `从下拉列表选择：${(c.list ?? []).join('、')}${c.multi ? '（可多选，用“、”分隔）' : ''}`
    case 'yesno':
      return '是 或 否'
    case 'days':
      return '工作日数（整数），当场办结填 0'
    case 'count':
      return '整数'
    case 'phone':
      return '手机号、带区号的固定电话或 12345 类热线；多个用“；”分隔'
    case 'code':
      return '字母、数字分组，以 - 连接；本文件内不重复'
    default:
      return ''
  }
}
