import {extname} from 'node:path'

import type {Kysely} from '#kysely'

import {InvalidInput, NotFound} from '../errors.js'
import {writeOutput} from '../io/output-file.js'
import {type Database, type Reader, readerDb} from '../store/index.js'
import {column, contentsAt, type ItemContent, sheetOf} from './model.js'

export interface ElementChange {
  /** 基本信息, 办理流程 or 申请材料 */
  sheet: string
  /** A step's 环节名称 or a material's 材料名称; '' on 基本信息. */
  entry: string
  /** The element's Chinese name; '' when a whole step or material was added or removed. */
  element: string
  before: string | null
  after: string | null
}

export interface ItemDiff {
  code: string
  name: string
  body: string
  change: 'added' | 'removed' | 'changed'
  elements: ElementChange[]
}

export interface ListDiff {
  from: number
  to: number
  added: number
  removed: number
  changed: number
  items: ItemDiff[]
}

async function latestVersion(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('item_versions')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst()
  if (!row?.id) throw new NotFound('items.noVersions', {}, {field: 'to'})
  return Number(row.id)
}

async function requireVersion(db: Kysely<Database>, version: number, field: string): Promise<void> {
  if (version === 0) return
  const row = await db.selectFrom('item_versions').select('id').where('id', '=', version).executeTakeFirst()
  if (!row) throw new NotFound('items.versionNotFound', {version}, {field})
}

/**
 * What changed between two versions of the list, element by element. Default: the latest
 * version against the one before it. Version 0 is the empty list before the first import.
 */
export async function diffVersions(reader: Reader, options: {from?: number; to?: number} = {}): Promise<ListDiff> {
  const db = readerDb(reader)
  const to = options.to ?? (await latestVersion(db))
  await requireVersion(db, to, 'to')
  // Version numbers may have gaps (a PostgreSQL sequence does not roll back with a refused import).
  const previous = await db
    .selectFrom('item_versions')
    .select((eb) => eb.fn.max('id').as('id'))
    .where('id', '<', to)
    .executeTakeFirst()
  const from = options.from ?? (previous?.id ? Number(previous.id) : 0)
  await requireVersion(db, from, 'from')
  const [lo, hi] = from <= to ? [from, to] : [to, from]
  // Every item whose basic row, steps or materials began or ended a revision between the two versions.
  const touched = new Set<string>()
  for (const table of ['item_revisions', 'item_parts'] as const) {
    const rows = await db
      .selectFrom(table)
      .select('code')
      .where((eb) => eb.or([eb.and([eb('version_from', '>', lo), eb('version_from', '<=', hi)]), eb.and([eb('version_to', '>', lo), eb('version_to', '<=', hi)])]))
      .execute()
    for (const r of rows) touched.add(r.code)
  }
  const codes = [...touched].sort()
  const [atLo, atHi] = [await contentsAt(db, codes, lo), await contentsAt(db, codes, hi)]
  const [before, after] = from <= to ? [atLo, atHi] : [atHi, atLo]
  const items: ItemDiff[] = []
  for (const code of codes) {
    const a = before.get(code)
    const b = after.get(code)
    if (a && b) {
      const elements = compare(a.content, b.content)
      if (elements.length) items.push({code, name: b.name, body: b.body, change: 'changed', elements})
    } else if (b) {
      items.push({code, name: b.name, body: b.body, change: 'added', elements: []})
    } else if (a) {
      items.push({code, name: a.name, body: a.body, change: 'removed', elements: []})
    }
  }
  const count = (c: ItemDiff['change']) => items.filter((i) => i.change === c).length
  return {from, to, added: count('added'), removed: count('removed'), changed: count('changed'), items}
}

function compare(a: ItemContent, b: ItemContent): ElementChange[] {
  const out: ElementChange[] = []
  const basic = sheetOf('basic')
  basic.columns.forEach((c, i) => {
    if ((a.basic[i] ?? '') !== (b.basic[i] ?? '')) out.push({sheet: basic.name, entry: '', element: c.header, before: a.basic[i] ?? '', after: b.basic[i] ?? ''})
  })
  out.push(...compareRows('steps', 'step', a.steps, b.steps), ...compareRows('materials', 'material', a.materials, b.materials))
  return out
}

/** Steps and materials are matched by their name (环节名称, 材料名称), then compared element by element. */
function compareRows(key: 'steps' | 'materials', nameKey: string, a: string[][], b: string[][]): ElementChange[] {
  const sheet = sheetOf(key)
  const at = column(key, nameKey)
  const index = (rows: string[][]) => {
    const m = new Map<string, string[]>()
    rows.forEach((r, i) => {
      let name = r[at] ?? ''
      if (m.has(name)) name = `${name} (${i + 1})`
      m.set(name, r)
    })
    return m
  }
  const before = index(a)
  const after = index(b)
  const out: ElementChange[] = []
  for (const [name, row] of before) if (!after.has(name)) out.push({sheet: sheet.name, entry: name, element: '', before: row.filter(Boolean).slice(1).join(' | '), after: null})
  for (const [name, row] of after) {
    const old = before.get(name)
    if (!old) {
      out.push({sheet: sheet.name, entry: name, element: '', before: null, after: row.filter(Boolean).slice(1).join(' | ')})
      continue
    }
    sheet.columns.forEach((c, i) => {
      if (c.key === 'code' || (old[i] ?? '') === (row[i] ?? '')) return
      out.push({sheet: sheet.name, entry: name, element: c.header, before: old[i] ?? '', after: row[i] ?? ''})
    })
  }
  return out
}

const CHANGED_FILL = {type: 'pattern' as const, pattern: 'solid' as const, fgColor: {argb: 'FFFFFF00'}}
const ADDED_FILL = {type: 'pattern' as const, pattern: 'solid' as const, fgColor: {argb: 'FFC6EFCE'}}
const REMOVED_FILL = {type: 'pattern' as const, pattern: 'solid' as const, fgColor: {argb: 'FFFFC7CE'}}
const MARK = {added: '新增', removed: '删除', changed: '变更'} as const

/**
 * The differences as a workbook, one sheet per part (基本信息, 办理流程, 申请材料) in the
 * template's columns after a first column 变更 (新增, 删除, 变更): each added, removed or
 * changed item, step and material in a row — the new values, or the old ones of what was
 * removed — and each changed element marked yellow with its old value in the cell's
 * comment, so an accidental import can be reviewed before it is undone.
 */
export async function writeDiffWorkbook(from: Reader, diff: ListDiff, out: string): Promise<{file: string; items: number}> {
  const db = readerDb(from)
  if (extname(out).toLowerCase() !== '.xlsx') throw new InvalidInput('io.badExtension', {field: 'out', path: out}, {field: 'out'})
  const {default: ExcelJS} = await import('exceljs')
  const wb = new ExcelJS.Workbook()
  wb.creator = 'egov'
  const codes = diff.items.map((i) => i.code)
  const [before, after] = [await contentsAt(db, codes, diff.from), await contentsAt(db, codes, diff.to)]
  type Row = {mark: keyof typeof MARK; values: string[]; old?: string[]}
  const sheets: Record<'basic' | 'steps' | 'materials', Row[]> = {basic: [], steps: [], materials: []}
  for (const item of diff.items) {
    const a = before.get(item.code)?.content
    const b = after.get(item.code)?.content
    if (item.change === 'added' && b) sheets.basic.push({mark: 'added', values: b.basic})
    else if (item.change === 'removed' && a) sheets.basic.push({mark: 'removed', values: a.basic})
    else if (a && b && a.basic.some((v, i) => (v ?? '') !== (b.basic[i] ?? ''))) sheets.basic.push({mark: 'changed', values: b.basic, old: a.basic})
    for (const [key, nameKey] of [
      ['steps', 'step'],
      ['materials', 'material'],
    ] as const) {
      const at = column(key, nameKey)
      const index = (rows: string[][] | undefined) => {
        const m = new Map<string, string[]>()
        ;(rows ?? []).forEach((r, i) => {
          const name = r[at] ?? ''
          m.set(m.has(name) ? `${name} (${i + 1})` : name, r)
        })
        return m
      }
      const was = index(a?.[key])
      const now = index(b?.[key])
      for (const [name, row] of now) {
        const old = was.get(name)
        if (!old) sheets[key].push({mark: 'added', values: row})
        else if (old.some((v, i) => (v ?? '') !== (row[i] ?? ''))) sheets[key].push({mark: 'changed', values: row, old})
      }
      for (const [name, row] of was) if (!now.has(name)) sheets[key].push({mark: 'removed', values: row})
    }
  }
  for (const key of ['basic', 'steps', 'materials'] as const) {
    const layout = sheetOf(key)
    const ws = wb.addWorksheet(layout.name, {views: [{state: 'frozen', ySplit: 1, xSplit: 1}]})
    ws.columns = [{header: '变更', width: 8}, ...layout.columns.map((c) => ({header: c.header, width: c.width ?? 16}))]
    ws.getRow(1).font = {bold: true}
    for (const r of sheets[key]) {
      const row = ws.addRow([MARK[r.mark], ...r.values.map((v) => v || null)])
      row.getCell(1).fill = r.mark === 'added' ? ADDED_FILL : r.mark === 'removed' ? REMOVED_FILL : CHANGED_FILL
      if (!r.old) continue
      r.values.forEach((v, i) => {
        const was = r.old![i] ?? ''
        if ((v ?? '') === was) return
        const cell = row.getCell(i + 2)
        cell.fill = CHANGED_FILL
        cell.note = `原值：${was || '（空）'}`
      })
    }
  }
  await writeOutput(out, (tmp) => wb.xlsx.writeFile(tmp))
  return {file: out, items: diff.items.length}
}
