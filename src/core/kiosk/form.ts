import {readFileSync} from 'node:fs'
import {basename, extname} from 'node:path'

import {InvalidInput} from '../errors.js'
import {type Locale, type MessageKey, t} from '../i18n/index.js'
import {sha256Hex} from '../io/file-hash.js'
import type {FormNote, LocatedProblem} from '../io/form-reader.js'
import {type FormGrid, readFormGrids} from '../io/form-grid.js'
import {matchHeader, normaliseHeader, type SheetLayout} from '../io/layout.js'
import {writeOutput} from '../io/output-file.js'
import {cellText} from '../io/tables.js'
import {checkWorkbookLimits} from '../io/xlsx-limits.js'
import {footerText, normalisePhoneNumber, problemTypeOf, toHalfWidth, trimText} from '../io/values.js'
import {readTemplate} from '../templates.js'

/**
 * The 自助终端接入申请表 of file 000's annex (KIOSK-3), as data in templates/kiosk-form.json:
 * the blank template, the reader and the export all follow it. The form is not a table:
 * people move its cells about, so the reader finds each field by its label.
 */
export interface KioskFormLayout {
  form: string
  sheet: string
  columns: number[]
  fields: Array<{key: FieldKey; label: string; of?: FieldKey; row: number; col: number; valueMerge?: [number, number]; type?: 'phone' | 'count'; required?: boolean}>
  placements: {label: string; row: number; printedRows: number; columns: Array<{key: 'no' | 'name' | 'location' | 'quantity'; header: string; aliases?: string[]; required?: boolean}>}
  opinions: Array<{key: 'officeOpinion' | 'leaderOpinion'; label: string; height: number}>
}

type FieldKey = 'unit' | 'contact' | 'contactPhone' | 'leader' | 'leaderPhone' | 'model' | 'count'

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

/** A filled form, read: its content, or every problem found in it, located. */
export interface ReadKioskForm {
  file: string
  sha256: string
  sheet: string
  form?: KioskForm
  /** field key → cell address, for messages and the annotated report. */
  cells: Record<string, string>
  problems: LocatedProblem[]
  /** Rows passed over: a 合计 or 填表人：… line under the placement table, skipped. */
  notes: FormNote[]
}

interface Grid {
  sheet: string
  /** [row][col] → text (1-based), masters only; merged slaves are ''. */
  text: string[][]
  /** [row][col] → the top-left cell of the merged area a hidden cell is in, and that cell's text. */
  merged: Array<Array<{at: string; col: number; text: string} | undefined>>
  rows: number
  cols: number
}

function address(row: number, col: number): string {
  let s = ''
  for (let c = col; c > 0; c = Math.floor((c - 1) / 26)) s = String.fromCharCode(65 + ((c - 1) % 26)) + s
  return `${s}${row}`
}

/**
 * Reads one filled form, whole, through egov's own reader (merged cells matter). A file that is not a
 * workbook, or a workbook without the form's labels, is one clear InvalidInput; a form
 * with bad values comes back with every problem located (file, cell, field, rule).
 */
export async function readKioskForm(path: string, locale: Locale = 'en'): Promise<ReadKioskForm> {
  const file = basename(path)
  if (extname(path).toLowerCase() !== '.xlsx') throw new InvalidInput('kiosk.form.notXlsx', {file}, {field: 'FORM', rule: 'KIOSK-3'})
  let bytes: Buffer
  try {
    bytes = readFileSync(path)
  } catch (error) {
    throw new InvalidInput('io.unreadable', {field: 'FORM', path, reason: (error as Error).message}, {field: 'FORM'})
  }
  const sha256 = sha256Hex(bytes)
  // The preflight stays for what the reader does not say itself: a half-copied file as incomplete, a
  // CSV under a .xlsx name as text, a damaged directory or a zip bomb by its ratio, over 1,000 parts
  // or 64 MiB in all, an over-long comment (issue 20). Rows, columns, merged cells, sheet and
  // shared-string sizes the reader checks too (FORM_LIMITS), with the same numbers.
  await checkWorkbookLimits(path, {field: 'FORM', shown: file, kind: 'form'})
  const layout = kioskLayout()
  // egov's own reader, the one every import uses: the form's cells and merged areas, sheet by sheet.
  let sheets: FormGrid[]
  try {
    sheets = await readFormGrids(path, {field: 'FORM', shown: file})
  } catch (error) {
    // A limit breached names itself; a file the reader cannot make out is said as a form's (KIOSK-3).
    if (error instanceof InvalidInput && error.key === 'io.notWorkbook') throw new InvalidInput('kiosk.form.unreadable', {file, reason: String(error.params.reason)}, {field: 'FORM', rule: 'KIOSK-3'})
    throw error
  }
  const wanted = new Set([...layout.fields.map((f) => labelKey(f.label)), labelKey(layout.placements.label)])
  // The sheet that holds most of the form's labels is the form.
  let grid: Grid | undefined
  let best = -1
  for (const ws of sheets) {
    const g = gridOf(ws)
    const found = new Set(
      g.text
        .flat()
        .map(labelKey)
        .filter((k) => wanted.has(k)),
    ).size
    if (found > best) [grid, best] = [g, found]
  }
  const g = grid ?? {sheet: '', text: [], merged: [], rows: 0, cols: 0}
  /** The cell the clerk sees at (row, col): a hidden cell of a merged area is its top-left cell. */
  const visible = (row: number, col: number) => g.merged[row]?.[col]?.at ?? address(row, col)
  const problems: LocatedProblem[] = []
  // A problem names its field by the layout's key (the same in every language) with the form's label beside it (issue 19).
  const problem = (cell: string, field: string, label: string, value: string, key: MessageKey, params: Record<string, unknown> = {}, rule = 'KIOSK-3') => {
    const m = /^([A-Z]+)(\d+)$/.exec(cell)
    // Rows that share a merged cell share its problem: reported once, at the visible cell.
    if (problems.some((p) => p.cell === cell && p.field === field && p.value === value)) return
    problems.push({
      file,
      sheet: g.sheet,
      row: m ? Number(m[2]) : 0,
      column: m ? m[1] : '',
      cell,
      field,
      label,
      rule,
      value,
      message: t(key, {field: label, value, ...params}, locale),
      type: problemTypeOf(key),
    })
  }

  // Labels, in reading order; 联系电话 belongs to the person label before it.
  const labels: Array<{key: string; row: number; col: number}> = []
  const byLabel = new Map(layout.fields.filter((f) => !f.of).map((f) => [labelKey(f.label), f.key]))
  const phoneLabel = labelKey('联系电话')
  let person: FieldKey | undefined
  for (let r = 1; r <= g.rows; r++) {
    for (let c = 1; c <= g.cols; c++) {
      const k = labelKey(g.text[r]?.[c] ?? '')
      if (!k) continue
      const key = byLabel.get(k)
      if (key) {
        if (!labels.some((l) => l.key === key)) labels.push({key, row: r, col: c})
        if (key === 'contact' || key === 'leader') person = key
      } else if (k === phoneLabel && person) {
        const key2 = person === 'contact' ? 'contactPhone' : 'leaderPhone'
        if (!labels.some((l) => l.key === key2)) labels.push({key: key2, row: r, col: c})
      }
    }
  }
  const allLabelKeys = new Set([...wanted, phoneLabel, ...layout.opinions.map((o) => labelKey(o.label)), ...layout.placements.columns.map((c) => labelKey(c.header))])
  const valueRight = (row: number, col: number): {value: string; cell: string} => {
    for (let c = col + 1; c <= g.cols; c++) {
      const v = g.text[row]?.[c] ?? ''
      if (!v) continue
      if (allLabelKeys.has(labelKey(v))) break
      return {value: v, cell: address(row, c)}
    }
    // Empty: the cell right of the label (past the label's own merged area), as the clerk sees it.
    let first = col + 1
    while (first <= g.cols && g.merged[row]?.[first]?.at === address(row, col)) first++
    return {value: '', cell: visible(row, first)}
  }

  // The placement table: its header row wherever it is, its rows until the next label or the end.
  const sheetLayout: SheetLayout = {key: 'placements', name: layout.placements.label, columns: layout.placements.columns.map((c) => ({...c}))}
  const rowsText = Array.from({length: g.rows}, (_, i) => (g.text[i + 1] ?? []).slice(1))
  const header = matchHeader(rowsText, sheetLayout, g.rows)
  const tableFound = header && header.columns.size >= 3

  const missing = layout.fields.filter((f) => !labels.some((l) => l.key === f.key)).map((f) => (f.of ? `${f.label}（${layout.fields.find((x) => x.key === f.of)!.label}）` : f.label))
  if (!tableFound) missing.push(`${layout.placements.label}（${layout.placements.columns.map((c) => c.header).join('/')}）`)
  else for (const c of header.missing) missing.push(c.header)
  if (missing.length > 0) {
    // Nothing of the form at all, or some labels not found: one clear message naming what is missing.
    throw new InvalidInput(
      missing.length >= layout.fields.length ? 'kiosk.form.notAForm' : 'kiosk.form.missingLabels',
      {file, missing: missing.join('、'), form: layout.form},
      {field: 'FORM', rule: 'KIOSK-3', details: {file, missing, sheet: g.sheet, sheets: sheets.map((w) => w.name)}},
    )
  }

  const cells: Record<string, string> = {}
  const values: Record<string, string> = {}
  for (const l of labels) {
    const {value, cell} = valueRight(l.row, l.col)
    values[l.key] = value
    cells[l.key] = cell
  }
  const form: Partial<KioskForm> = {}
  for (const f of layout.fields) {
    const raw = trimText(values[f.key] ?? '')
    const cell = cells[f.key]
    if (!raw) {
      if (f.required) problem(cell, f.key, f.label, '', 'kiosk.form.required')
      continue
    }
    if (f.type === 'phone') {
      // A contact is a person: a mobile or a landline with its area code, not a hotline.
      const r = normalisePhoneNumber(raw, {hotlines: false})
      if (typeof r !== 'string') problem(cell, f.key, f.label, raw, 'kiosk.form.badPhone', {reason: t(r.key, {column: f.label, number: raw, ...r.params}, locale)})
      else (form as Record<string, unknown>)[f.key] = r
      continue
    }
    if (f.type === 'count') {
      const n = wholeNumber(raw)
      if (n === undefined) problem(cell, f.key, f.label, raw, 'kiosk.form.badCount')
      else form.count = n
      continue
    }
    ;(form as Record<string, unknown>)[f.key] = raw
  }

  // Placement rows: below the header until a row that starts with a label (the opinions) or the end.
  const placements: Placement[] = []
  const notes: FormNote[] = []
  const first = header!.headerRow + 2
  const col = (key: string) => header!.columns.get(key)
  const opinionKeys = new Set(layout.opinions.map((o) => labelKey(o.label)))
  let quantityCells: string[] = []
  const noCells: string[] = []
  for (let r = first; r <= g.rows; r++) {
    const rowCells = g.text[r] ?? []
    if (rowCells.some((v) => opinionKeys.has(labelKey(v ?? '')) || byLabel.has(labelKey(v ?? '')))) break
    const get = (key: string) => {
      const c = col(key)
      if (c === undefined) return {v: '', cell: '', own: false}
      // A value merged down over several placement rows belongs to each of them (a 网点位置 shared by two sites), located at its top-left cell.
      const merged = g.merged[r]?.[c + 1]
      const shared = merged && merged.col === c + 1 ? merged.text : ''
      return {v: trimText(rowCells[c + 1] || shared), cell: visible(r, c + 1), own: Boolean(trimText(rowCells[c + 1] ?? ''))}
    }
    const no = get('no')
    const name = get('name')
    const location = get('location')
    const quantity = get('quantity')
    // A total (合计) or signature line (填表人：…) under the table is no placement: skipped, with a note.
    const footer = footerText(rowCells)
    if (footer !== undefined) {
      notes.push({type: 'footer', file, sheet: g.sheet, row: r, column: '', cell: '', value: footer, message: t('form.footerSkipped', {row: r, text: footer}, locale)})
      continue
    }
    if (!name.own && !location.own && !quantity.own) continue // an unused printed row (beside a merged cell, perhaps)
    const before = problems.length
    for (const [part, field, header] of [
      [name, 'name', '网点名称'],
      [location, 'location', '网点位置'],
      [quantity, 'quantity', '投放数量'],
    ] as const) {
      if (!part.v) problem(part.cell, field, header, '', 'kiosk.form.placementIncomplete', {row: no.v || String(placements.length + 1)})
    }
    const q = quantity.v ? wholeNumber(quantity.v) : undefined
    if (quantity.v && q === undefined) problem(quantity.cell, 'quantity', '投放数量', quantity.v, 'kiosk.form.badCount')
    if (problems.length === before) {
      const n = wholeNumber(no.v)
      placements.push({no: n ?? placements.length + 1, name: name.v, location: location.v, quantity: q!})
      quantityCells.push(quantity.cell)
      noCells.push(no.cell || quantity.cell)
    }
  }
  if (!placements.length && !problems.some((p) => p.field === 'name' || p.field === 'location' || p.field === 'quantity')) {
    problem(address(header!.headerRow + 2, 1), 'placements', layout.placements.label, '', 'kiosk.form.noPlacements')
  }
  const seen = new Set<number>()
  placements.forEach((p, i) => {
    if (seen.has(p.no)) problem(noCells[i], 'no', '编号', String(p.no), 'kiosk.form.duplicateSite')
    seen.add(p.no)
  })
  const sum = placements.reduce((s, p) => s + p.quantity, 0)
  if (form.count !== undefined && placements.length && !problems.length && sum !== form.count) {
    problem(cells.count, 'count', '自助终端数量', String(form.count), 'kiosk.form.sumMismatch', {count: form.count, sum, cells: quantityCells.join('、')})
  }
  for (const o of layout.opinions) {
    let value = ''
    for (let r = 1; r <= g.rows && !value; r++) {
      for (let c = 1; c <= g.cols; c++) {
        if (labelKey(g.text[r]?.[c] ?? '') === labelKey(o.label)) {
          value = valueRight(r, c)
            .value.replace(/（盖章）\s*年\s*月\s*日/, '')
            .trim()
          break
        }
      }
    }
    form[o.key] = value
  }
  quantityCells = []
  return {file: path, sha256, sheet: g.sheet, cells, problems, notes, form: problems.length ? undefined : {...(form as KioskForm), placements}}
}

/** A positive whole number, as people write it: full-width digits, 10台, 10 个. */
function wholeNumber(raw: string): number | undefined {
  const m = /^(\d+)\s*(台|个|部|套)?$/.exec(toHalfWidth(raw).trim())
  if (!m) return undefined
  const n = Number(m[1])
  return n >= 1 && Number.isSafeInteger(n) ? n : undefined
}

function gridOf(ws: FormGrid): Grid {
  const text: string[][] = []
  const merged: Grid['merged'] = []
  const rows = ws.rows
  const cols = Math.max(ws.cols, 1)
  for (let r = 1; r <= rows; r++) {
    const line: string[] = []
    for (let c = 1; c <= cols; c++) {
      // A merged range's value lives in its top-left cell; the others read as empty so it counts once.
      const master = ws.master(r, c)
      line[c] = master ? '' : cellText(ws.own(r, c))
      if (master) (merged[r] ??= [])[c] = {at: address(master.row, master.col), col: master.col, text: cellText(ws.own(master.row, master.col))}
    }
    text[r] = line
  }
  return {sheet: ws.name, text, merged, rows, cols}
}
