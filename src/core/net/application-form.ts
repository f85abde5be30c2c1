import {readFileSync} from 'node:fs'
import {extname} from 'node:path'

import {InvalidInput} from '../errors.js'
import {type Locale, t} from '../i18n/index.js'
import {normaliseHeader} from '../io/layout.js'
import {cellText} from '../io/tables.js'
import {readTemplate} from '../templates.js'
import type {ApplyInput} from './requests.js'

/**
 * The 电子政务外网接入申请表 (NET-5 申请) as a workbook a unit fills in: one layout
 * (templates/net-application.json) drives the blank template and the reader, so the two
 * cannot disagree. Request files may also be JSON or YAML with the same field keys.
 */
interface FormField {
  key: keyof ApplyInput
  label: string
  required?: boolean
  type?: 'integer'
  list?: string[]
  hint?: string
}

interface FormLayout {
  form: string
  sheet: string
  fields: FormField[]
}

export function applicationLayout(): FormLayout {
  return readTemplate<FormLayout>('net-application.json')
}

export interface FormProblem {
  cell: string
  field: string
  message: string
}

/** Writes the blank form: title, label/value rows with hints, drop-downs for listed values. */
export async function writeApplicationTemplate(path: string): Promise<void> {
  if (extname(path).toLowerCase() !== '.xlsx') throw new InvalidInput('io.badExtension', {field: 'out', path}, {field: 'out'})
  const layout = applicationLayout()
  const {default: ExcelJS} = await import('exceljs')
  const wb = new ExcelJS.Workbook()
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
    if (f.list) value.dataValidation = {type: 'list', allowBlank: !f.required, formulae: [`"${f.list.join(',')}"`]}
    if (f.hint) ws.getCell(`C${row}`).value = f.hint
    ws.getCell(`C${row}`).font = {color: {argb: 'FF808080'}, size: 9}
  })
  await wb.xlsx.writeFile(path)
}

/** Reads a filled form (xlsx), or a JSON/YAML request file, into apply input with every problem located. */
export async function readApplication(path: string, locale: Locale = 'en'): Promise<{input: ApplyInput; cells: Partial<Record<keyof ApplyInput, string>>}> {
  const ext = extname(path).toLowerCase()
  let text: string
  if (ext === '.json' || ext === '.yaml' || ext === '.yml') {
    try {
      text = readFileSync(path, 'utf8')
    } catch (error) {
      throw new InvalidInput('io.unreadable', {field: 'from-file', path, reason: (error as Error).message}, {field: 'from-file'})
    }
    let data: unknown
    try {
      data = ext === '.json' ? JSON.parse(text) : (await import('yaml')).parse(text)
    } catch (error) {
      throw new InvalidInput('io.unreadable', {field: 'from-file', path, reason: (error as Error).message}, {field: 'from-file'})
    }
    const values = Object.fromEntries(Object.entries((data ?? {}) as Record<string, unknown>).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)]))
    return {input: checkFields(values, (key) => key, locale), cells: {}}
  }
  if (ext !== '.xlsx') throw new InvalidInput('io.badExtension', {field: 'from-file', path}, {field: 'from-file'})
  const layout = applicationLayout()
  const {default: ExcelJS} = await import('exceljs')
  const wb = new ExcelJS.Workbook()
  try {
    await wb.xlsx.readFile(path)
  } catch (error) {
    throw new InvalidInput('io.unreadable', {field: 'from-file', path, reason: (error as Error).message}, {field: 'from-file'})
  }
  const values: Record<string, string> = {}
  const cells: Record<string, string> = {}
  const wanted = new Map(layout.fields.map((f) => [normaliseHeader(f.label), f]))
  for (const ws of wb.worksheets) {
    ws.eachRow((row) => {
      row.eachCell((cell, col) => {
        const field = wanted.get(normaliseHeader(cellText(cell.value)))
        if (!field || field.key in cells) return
        // The value is the first filled cell to the right of the label (merged cells repeat the master).
        let address = row.getCell(col + 1).address
        let value = ''
        for (let c = col + 1; c <= Math.max(row.cellCount, col + 3); c++) {
          const v = cellText(row.getCell(c).value)
          if (v && normaliseHeader(v) !== normaliseHeader(cellText(cell.value))) {
            value = v
            address = row.getCell(c).address
            break
          }
        }
        values[field.key] = value
        cells[field.key] = address
      })
    })
  }
  return {input: checkFields(values, (key) => cells[key] ?? layout.fields.find((f) => f.key === key)!.label, locale), cells}
}

function checkFields(values: Record<string, string>, where: (key: string) => string, locale: Locale): ApplyInput {
  const layout = applicationLayout()
  const problems: FormProblem[] = []
  const out: Record<string, unknown> = {}
  for (const f of layout.fields) {
    const v = (values[f.key] ?? '').trim()
    if (!v) {
      if (f.required) problems.push({cell: where(f.key), field: f.label, message: t('netreq.form.required', {field: f.label}, locale)})
      continue
    }
    if (f.type === 'integer') {
      const n = Number(v.replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)))
      if (!Number.isInteger(n) || n < 1) problems.push({cell: where(f.key), field: f.label, message: t('netreq.form.integer', {field: f.label, value: v}, locale)})
      else out[f.key] = n
      continue
    }
    if (f.list && !f.list.includes(v) && !(f.key === 'accessMode' && ['fiber', 'mstp', 'vpn', 'wireless'].includes(v)) && !(f.key === 'costBearer' && ['bureau', 'unit'].includes(v))) {
      problems.push({cell: where(f.key), field: f.label, message: t('netreq.form.oneOf', {field: f.label, value: v, allowed: f.list.join(', ')}, locale)})
      continue
    }
    out[f.key] = v
  }
  if (out.hosts === undefined && out.prefixLength === undefined && !problems.some((p) => p.field.startsWith('地址需求'))) {
    problems.push({cell: where('hosts'), field: '地址需求', message: t('netreq.form.needOne', {}, locale)})
  }
  if (out.hosts !== undefined && out.prefixLength !== undefined) {
    problems.push({cell: where('prefixLength'), field: '地址需求（前缀长度）', message: t('netreq.form.notBoth', {}, locale)})
  }
  if (problems.length) throw new InvalidInput('netreq.formInvalid', {count: problems.length}, {field: 'from-file', details: {problems}})
  return out as unknown as ApplyInput
}
