import {basename, extname} from 'node:path'

import {type Locale, t} from '../i18n/index.js'
import type {FoundSheet, LocatedProblem} from './form-reader.js'
import type {FormLayout} from './layout.js'
import {rowText, visitRows} from './tables.js'

const SUMMARY = '错误汇总'
const HEADERS = ['文件', '工作表', '行', '列', '单元格', '字段', '规则', '值', '问题']
const BAD_CELL = {type: 'pattern' as const, pattern: 'solid' as const, fgColor: {argb: 'FFFFFF00'}}
const BAD_HEADER = {type: 'pattern' as const, pattern: 'solid' as const, fgColor: {argb: 'FFFFC7CE'}}

/**
 * The clerk's own workbook back, each problem marked where it is: the cell filled yellow
 * with the reason in its comment (a missing column: the header row's first cell, pink),
 * and a 错误汇总 sheet listing every problem. A CSV comes back as a workbook of its rows.
 * Returns how many cells were marked.
 */
export async function writeReport(layout: FormLayout, files: string[], sheets: FoundSheet[], problems: LocatedProblem[], out: string, locale: Locale): Promise<number> {
  const {default: ExcelJS} = await import('exceljs')
  const xlsx = files.find((f) => extname(f).toLowerCase() === '.xlsx')
  const wb = new ExcelJS.Workbook()
  if (xlsx) {
    await wb.xlsx.readFile(xlsx)
  } else {
    for (const file of files) {
      const label = sheets.find((s) => s.file === file)
      const ws = wb.addWorksheet(sheetName(wb, (label && layout.sheets.find((s) => s.key === label.key)?.name) || basename(file)))
      await visitRows(file, () => ({row: (_row, cells, base) => void ws.addRow(rowText(cells, base)), end: () => undefined}))
    }
  }
  wb.removeWorksheet(wb.getWorksheet(SUMMARY)?.id ?? -1)

  const notes = new Map<string, {ws: import('exceljs').Worksheet; cell: string; messages: string[]; header: boolean}>()
  for (const p of problems) {
    const ws = wb.getWorksheet(p.sheet) ?? (files.length > 1 || !xlsx ? wb.worksheets.find((w) => w.name === p.sheet) : undefined)
    if (!ws) continue
    const cell = p.cell || `A${p.row}`
    const key = `${ws.name}!${cell}`
    const entry = notes.get(key) ?? {ws, cell, messages: [], header: !p.cell}
    entry.messages.push(p.message)
    notes.set(key, entry)
  }
  for (const {ws, cell, messages, header} of notes.values()) {
    const c = ws.getCell(cell)
    // A workbook read back shares one style object between cells of the same style: give this cell its own.
    c.style = {...c.style, fill: header ? BAD_HEADER : BAD_CELL}
    c.note = messages.join('\n')
  }

  const summary = wb.addWorksheet(SUMMARY, {views: [{state: 'frozen', ySplit: 1}]})
  summary.columns = HEADERS.map((h, i) => ({header: h, width: [18, 12, 6, 16, 8, 14, 8, 24, 60][i]}))
  summary.getRow(1).font = {bold: true}
  if (!problems.length) summary.addRow([t('items.report.clean', {}, locale)])
  for (const p of problems) summary.addRow([p.file, p.sheet, p.row, p.column, p.cell, p.field, p.rule, p.value, p.message])
  // The summary is what a clerk opens first.
  wb.views = [{x: 0, y: 0, width: 10000, height: 20000, firstSheet: 0, activeTab: wb.worksheets.length - 1, visibility: 'visible'}]
  await wb.xlsx.writeFile(out)
  return notes.size
}

function sheetName(wb: import('exceljs').Workbook, wanted: string): string {
  let name = wanted.replace(/[\\/?*[\]:]/g, '_').slice(0, 31)
  for (let i = 2; wb.getWorksheet(name); i++) name = `${wanted.slice(0, 28)}(${i})`
  return name
}
