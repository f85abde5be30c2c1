import {readFileSync} from 'node:fs'
import {basename, extname} from 'node:path'

import {InvalidInput} from '../errors.js'
import {type Locale, type MessageKey, t} from '../i18n/index.js'
import {sha256Hex} from '../io/file-hash.js'
import type {FormNote, LocatedProblem} from '../io/index.js'
import {type FormGrid, readFormGrids} from '../io/form-grid.js'
import {matchHeader, type SheetLayout} from '../io/layout.js'
import {cellText} from '../io/tables.js'
import {checkWorkbookLimits} from '../io/xlsx-limits.js'
import {footerText, normalisePhoneNumber, problemTypeOf, toHalfWidth, trimText} from '../io/values.js'
import {type FieldKey, type KioskForm, type KioskFormLayout, kioskLayout, labelKey, type Placement} from './form.js'

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

type Header = NonNullable<ReturnType<typeof matchHeader>>
type Label = {key: FieldKey; row: number; col: number}

/** One form being read: the sheet that holds it, the labels looked for, and the problems found so far. */
class FormReading {
  readonly problems: LocatedProblem[] = []
  /** The labels of the fields (not 联系电话, which belongs to the person label before it), by their key. */
  readonly byLabel: Map<string, FieldKey>
  /** Every label of the form: a value right of a label stops at the next one. */
  readonly allLabelKeys: Set<string>

  constructor(
    readonly file: string,
    readonly locale: Locale,
    readonly layout: KioskFormLayout,
    readonly g: Grid,
    wanted: Set<string>,
  ) {
    this.byLabel = new Map(layout.fields.filter((f) => !f.of).map((f) => [labelKey(f.label), f.key]))
    this.allLabelKeys = new Set([...wanted, PHONE_LABEL, ...layout.opinions.map((o) => labelKey(o.label)), ...layout.placements.columns.map((c) => labelKey(c.header))])
  }

  /** The cell the clerk sees at (row, col): a hidden cell of a merged area is its top-left cell. */
  visible(row: number, col: number): string {
    return this.g.merged[row]?.[col]?.at ?? address(row, col)
  }

  /** A problem names its field by the layout's key (the same in every language) with the form's label beside it (issue 19). */
  problem(cell: string, field: string, label: string, value: string, key: MessageKey, params: Record<string, unknown> = {}, rule = 'KIOSK-3'): void {
    const m = /^([A-Z]+)(\d+)$/.exec(cell)
    // Rows that share a merged cell share its problem: reported once, at the visible cell.
    if (this.problems.some((p) => p.cell === cell && p.field === field && p.value === value)) return
    this.problems.push({
      file: this.file,
      sheet: this.g.sheet,
      row: m ? Number(m[2]) : 0,
      column: m ? m[1]! : '',
      cell,
      field,
      label,
      rule,
      value,
      message: t(key, {field: label, value, ...params}, this.locale),
      type: problemTypeOf(key),
    })
  }

  /** The value right of a label, up to the next label; an empty one is located at the cell right of the label. */
  valueRight(row: number, col: number): {value: string; cell: string} {
    const g = this.g
    for (let c = col + 1; c <= g.cols; c++) {
      const v = g.text[row]?.[c] ?? ''
      if (!v) continue
      if (this.allLabelKeys.has(labelKey(v))) break
      return {value: v, cell: address(row, c)}
    }
    // Empty: the cell right of the label (past the label's own merged area), as the clerk sees it.
    let first = col + 1
    while (first <= g.cols && g.merged[row]?.[first]?.at === address(row, col)) first++
    return {value: '', cell: this.visible(row, first)}
  }
}

const PHONE_LABEL = labelKey('联系电话')

/**
 * Reads one filled form, whole, through egov's own reader (merged cells matter). A file that is not a
 * workbook, or a workbook without the form's labels, is one clear InvalidInput; a form
 * with bad values comes back with every problem located (file, cell, field, rule).
 *
 * The steps: the workbook read (openForm); the sheet holding most of the form's labels; the
 * labels and the placement table found, or the form refused naming what is missing; the
 * fields read; the placement rows read and checked against the count; the opinion boxes.
 */
export async function readKioskForm(path: string, locale: Locale = 'en'): Promise<ReadKioskForm> {
  const file = basename(path)
  const {sha256, sheets} = await openForm(path, file)
  const layout = kioskLayout()
  const wanted = new Set([...layout.fields.map((f) => labelKey(f.label)), labelKey(layout.placements.label)])
  const r = new FormReading(file, locale, layout, formSheet(sheets, wanted), wanted)
  const labels = findLabels(r)
  const header = placementHeader(r)
  refuseMissing(r, labels, header, sheets)
  const {cells, form} = readFields(r, labels)
  const {placements, notes} = readPlacements(r, header!, form, cells)
  readOpinions(r, form)
  return {file: path, sha256, sheet: r.g.sheet, cells, problems: r.problems, notes, form: r.problems.length ? undefined : {...(form as KioskForm), placements}}
}

/** The workbook's bytes hashed, checked against the limits of a form, and read into its sheets' grids. */
async function openForm(path: string, file: string): Promise<{sha256: string; sheets: FormGrid[]}> {
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
  // egov's own reader, the one every import uses: the form's cells and merged areas, sheet by sheet.
  try {
    return {sha256, sheets: await readFormGrids(path, {field: 'FORM', shown: file})}
  } catch (error) {
    // A limit breached names itself; a file the reader cannot make out is said as a form's (KIOSK-3).
    if (error instanceof InvalidInput && error.key === 'io.notWorkbook') throw new InvalidInput('kiosk.form.unreadable', {file, reason: String(error.params.reason)}, {field: 'FORM', rule: 'KIOSK-3'})
    throw error
  }
}

/** The sheet that holds most of the form's labels is the form. */
function formSheet(sheets: FormGrid[], wanted: Set<string>): Grid {
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
  return grid ?? {sheet: '', text: [], merged: [], rows: 0, cols: 0}
}

/** Labels, in reading order; 联系电话 belongs to the person label before it. */
function findLabels(r: FormReading): Label[] {
  const {g, byLabel} = r
  const labels: Label[] = []
  let person: FieldKey | undefined
  for (let row = 1; row <= g.rows; row++) {
    for (let c = 1; c <= g.cols; c++) {
      const k = labelKey(g.text[row]?.[c] ?? '')
      if (!k) continue
      const key = byLabel.get(k)
      if (key) {
        if (!labels.some((l) => l.key === key)) labels.push({key, row, col: c})
        if (key === 'contact' || key === 'leader') person = key
      } else if (k === PHONE_LABEL && person) {
        const key2 = person === 'contact' ? 'contactPhone' : 'leaderPhone'
        if (!labels.some((l) => l.key === key2)) labels.push({key: key2, row, col: c})
      }
    }
  }
  return labels
}

/** The placement table: its header row wherever it is; undefined when fewer than 3 of its columns are found. */
function placementHeader(r: FormReading): Header | undefined {
  const {g, layout} = r
  const sheetLayout: SheetLayout = {key: 'placements', name: layout.placements.label, columns: layout.placements.columns.map((c) => ({...c}))}
  const rowsText = Array.from({length: g.rows}, (_, i) => (g.text[i + 1] ?? []).slice(1))
  const header = matchHeader(rowsText, sheetLayout, g.rows)
  return header && header.columns.size >= 3 ? header : undefined
}

/** Nothing of the form at all, or some labels not found: one clear message naming what is missing. */
function refuseMissing(r: FormReading, labels: Label[], header: Header | undefined, sheets: FormGrid[]): void {
  const {layout, file, g} = r
  const missing = layout.fields.filter((f) => !labels.some((l) => l.key === f.key)).map((f) => (f.of ? `${f.label}（${layout.fields.find((x) => x.key === f.of)!.label}）` : f.label))
  if (!header) missing.push(`${layout.placements.label}（${layout.placements.columns.map((c) => c.header).join('/')}）`)
  else for (const c of header.missing) missing.push(c.header)
  if (missing.length > 0) {
    throw new InvalidInput(
      missing.length >= layout.fields.length ? 'kiosk.form.notAForm' : 'kiosk.form.missingLabels',
      {file, missing: missing.join('、'), form: layout.form},
      {field: 'FORM', rule: 'KIOSK-3', details: {file, missing, sheet: g.sheet, sheets: sheets.map((w) => w.name)}},
    )
  }
}

/** Each field's value right of its label, checked by its type: the cells they are in, and the form's fields. */
function readFields(r: FormReading, labels: Label[]): {cells: Record<string, string>; form: Partial<KioskForm>} {
  const cells: Record<string, string> = {}
  const values: Record<string, string> = {}
  for (const l of labels) {
    const {value, cell} = r.valueRight(l.row, l.col)
    values[l.key] = value
    cells[l.key] = cell
  }
  const form: Partial<KioskForm> = {}
  for (const f of r.layout.fields) {
    const raw = trimText(values[f.key] ?? '')
    const cell = cells[f.key] ?? ''
    if (!raw) {
      if (f.required) r.problem(cell, f.key, f.label, '', 'kiosk.form.required')
      continue
    }
    if (f.type === 'phone') {
      // A contact is a person: a mobile or a landline with its area code, not a hotline.
      const n = normalisePhoneNumber(raw, {hotlines: false})
      if (typeof n !== 'string') r.problem(cell, f.key, f.label, raw, 'kiosk.form.badPhone', {reason: t(n.key, {column: f.label, number: raw, ...n.params}, r.locale)})
      else (form as Record<string, unknown>)[f.key] = n
      continue
    }
    if (f.type === 'count') {
      const n = wholeNumber(raw)
      if (n === undefined) r.problem(cell, f.key, f.label, raw, 'kiosk.form.badCount')
      else form.count = n
      continue
    }
    ;(form as Record<string, unknown>)[f.key] = raw
  }
  return {cells, form}
}

type PlacementCell = {v: string; cell: string; own: boolean}

/**
 * Placement rows: below the header until a row that starts with a label (the opinions) or the
 * end; each complete, its quantity a whole number, its number not repeated, the quantities
 * summing to the count.
 */
function readPlacements(r: FormReading, header: Header, form: Partial<KioskForm>, cells: Record<string, string>): {placements: Placement[]; notes: FormNote[]} {
  const {g, layout, problems} = r
  const placements: Placement[] = []
  const notes: FormNote[] = []
  const opinionKeys = new Set(layout.opinions.map((o) => labelKey(o.label)))
  const quantityCells: string[] = []
  const noCells: string[] = []
  for (let row = header.headerRow + 2; row <= g.rows; row++) {
    const rowCells = g.text[row] ?? []
    if (rowCells.some((v) => opinionKeys.has(labelKey(v ?? '')) || r.byLabel.has(labelKey(v ?? '')))) break
    const get = (key: string) => placementCell(r, header, row, key)
    const no = get('no')
    const name = get('name')
    const location = get('location')
    const quantity = get('quantity')
    // A total (合计) or signature line (填表人：…) under the table is no placement: skipped, with a note.
    const footer = footerText(rowCells)
    if (footer !== undefined) {
      notes.push({type: 'footer', file: r.file, sheet: g.sheet, row, column: '', cell: '', value: footer, message: t('form.footerSkipped', {row, text: footer}, r.locale)})
      continue
    }
    if (!name.own && !location.own && !quantity.own) continue // an unused printed row (beside a merged cell, perhaps)
    const before = problems.length
    for (const [part, field, label] of [
      [name, 'name', '网点名称'],
      [location, 'location', '网点位置'],
      [quantity, 'quantity', '投放数量'],
    ] as const) {
      if (!part.v) r.problem(part.cell, field, label, '', 'kiosk.form.placementIncomplete', {row: no.v || String(placements.length + 1)})
    }
    const q = quantity.v ? wholeNumber(quantity.v) : undefined
    if (quantity.v && q === undefined) r.problem(quantity.cell, 'quantity', '投放数量', quantity.v, 'kiosk.form.badCount')
    if (problems.length === before) {
      const n = wholeNumber(no.v)
      placements.push({no: n ?? placements.length + 1, name: name.v, location: location.v, quantity: q!})
      quantityCells.push(quantity.cell)
      noCells.push(no.cell || quantity.cell)
    }
  }
  checkPlacements(r, header, {placements, quantityCells, noCells}, form, cells)
  return {placements, notes}
}

/** One cell of a placement row, by its column's key. */
function placementCell(r: FormReading, header: Header, row: number, key: string): PlacementCell {
  const c = header.columns.get(key)
  if (c === undefined) return {v: '', cell: '', own: false}
  const rowCells = r.g.text[row] ?? []
  // A value merged down over several placement rows belongs to each of them (a 网点位置 shared by two sites), located at its top-left cell.
  const merged = r.g.merged[row]?.[c + 1]
  const shared = merged?.col === c + 1 ? merged.text : ''
  return {v: trimText(rowCells[c + 1] || shared), cell: r.visible(row, c + 1), own: Boolean(trimText(rowCells[c + 1] ?? ''))}
}

/** The table as a whole: at least one placement, no number twice, the quantities summing to the count. */
function checkPlacements(r: FormReading, header: Header, read: {placements: Placement[]; quantityCells: string[]; noCells: string[]}, form: Partial<KioskForm>, cells: Record<string, string>): void {
  const {placements, quantityCells, noCells} = read
  if (!placements.length && !r.problems.some((p) => p.field === 'name' || p.field === 'location' || p.field === 'quantity')) {
    r.problem(address(header.headerRow + 2, 1), 'placements', r.layout.placements.label, '', 'kiosk.form.noPlacements')
  }
  const seen = new Set<number>()
  placements.forEach((p, i) => {
    if (seen.has(p.no)) r.problem(noCells[i]!, 'no', '编号', String(p.no), 'kiosk.form.duplicateSite')
    seen.add(p.no)
  })
  const sum = placements.reduce((s, p) => s + p.quantity, 0)
  if (form.count !== undefined && placements.length && !r.problems.length && sum !== form.count) {
    r.problem(cells.count ?? '', 'count', '自助终端数量', String(form.count), 'kiosk.form.sumMismatch', {count: form.count, sum, cells: quantityCells.join('、')})
  }
}

/** The opinion boxes: the text right of each label, without the printed （盖章） 年 月 日. */
function readOpinions(r: FormReading, form: Partial<KioskForm>): void {
  const g = r.g
  for (const o of r.layout.opinions) {
    let value = ''
    for (let row = 1; row <= g.rows && !value; row++) {
      for (let c = 1; c <= g.cols; c++) {
        if (labelKey(g.text[row]?.[c] ?? '') === labelKey(o.label)) {
          value = r
            .valueRight(row, c)
            .value.replace(/（盖章）\s*年\s*月\s*日/, '')
            .trim()
          break
        }
      }
    }
    form[o.key] = value
  }
}

function address(row: number, col: number): string {
  let s = ''
  for (let c = col; c > 0; c = Math.floor((c - 1) / 26)) s = String.fromCharCode(65 + ((c - 1) % 26)) + s
  return `${s}${row}`
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
