import {createHash} from 'node:crypto'
import * as nodeCrypto from 'node:crypto'

import type {Kysely} from '#kysely'

import {NotFound} from '../errors.js'
import {type FormLayout, loadLayout, type SheetLayout} from '../io/layout.js'
import {type Database, type Reader, readerDb} from '../store/index.js'

/**
 * Service-item lists (政务服务事项清单, ITEM-1..8): the layout in templates/items-list.json
 * is the one source of the sheets, columns, types and rules; import, validation, the blank
 * template and export all read it (ITEM-3).
 */
export const ITEMS_LAYOUT = 'items-list.json'

let cached: FormLayout | undefined
export function itemsLayout(): FormLayout {
  return (cached ??= loadLayout(ITEMS_LAYOUT))
}

export function sheetOf(key: 'basic' | 'steps' | 'materials'): SheetLayout {
  return itemsLayout().sheets.find((s) => s.key === key)!
}

/** An item's elements, values in layout column order (the 基本信息 row, and its 办理流程 and 申请材料 rows). */
export interface ItemContent {
  basic: string[]
  steps: string[][]
  materials: string[][]
}

export type PartKey = 'steps' | 'materials'
export const PARTS: PartKey[] = ['steps', 'materials']

/**
 * Stored rows are packed: values joined by the unit separator, rows by the record
 * separator (cell values never hold control characters: import drops them). A packed
 * row is what import builds anyway, so storing and hashing it costs nothing more.
 */
const FIELD = '\u001f'
const ROW = '\u001e'
export const packRow = (values: string[]): string => values.join(FIELD)
export const unpackRow = (packed: string): string[] => packed.split(FIELD)
export const packRows = (rows: string[]): string => rows.join(ROW)
export const unpackRows = (packed: string): string[][] => (packed === '' ? [] : packed.split(ROW).map(unpackRow))

const oneShot = (nodeCrypto as unknown as {hash?: (algorithm: string, data: string, encoding: string) => string}).hash
/** Change detection only (not security): SHA-1 of the packed content, base64, one-shot where Node has it. */
export function contentHash(packed: string): string {
  return oneShot ? oneShot('sha1', packed, 'base64') : createHash('sha1').update(packed).digest('base64')
}

export type ItemStatus = 'pending' | 'open' | 'paused' | 'terminated'
export const ITEM_STATUSES: ItemStatus[] = ['pending', 'open', 'paused', 'terminated']

export interface ItemSummary {
  code: string
  name: string
  type: string
  body: string
  /** The status today. */
  status: ItemStatus
  /** A status announced for a later date (ITEM-4), with that date. */
  next: {status: ItemStatus; effective: string} | null
  version: number
}

export interface Item extends ItemSummary {
  /** Element name (the Chinese header) → value. */
  elements: Record<string, string>
  steps: Array<Record<string, string>>
  materials: Array<Record<string, string>>
}

/** Named elements of a row, by the layout's headers. */
export function named(sheet: SheetLayout, values: string[], skipCode = false): Record<string, string> {
  const out: Record<string, string> = {}
  sheet.columns.forEach((c, i) => {
    if (skipCode && c.key === 'code') return
    out[c.header] = values[i] ?? ''
  })
  return out
}

export function column(sheet: 'basic' | 'steps' | 'materials', key: string): number {
  return sheetOf(sheet).columns.findIndex((c) => c.key === key)
}

export interface StatusEvent {
  status: ItemStatus
  effective: string
}

/** An item's schedule of approved changes, oldest first. */
export async function eventsOf(db: Kysely<Database>, code?: string): Promise<Map<string, StatusEvent[]>> {
  let q = db.selectFrom('item_events').select(['code', 'status', 'effective']).orderBy('code').orderBy('effective').orderBy('id')
  if (code) q = q.where('code', '=', code)
  const out = new Map<string, StatusEvent[]>()
  for (const r of await q.execute()) {
    const list = out.get(r.code) ?? []
    list.push({status: r.status as ItemStatus, effective: r.effective})
    out.set(r.code, list)
  }
  return out
}

/** The status on a day: the last change in effect by then (pending before any); the next one scheduled after it. */
export function statusOn(events: StatusEvent[] | undefined, day: string): {status: ItemStatus; next: ItemSummary['next']} {
  let status: ItemStatus = 'pending'
  for (const e of events ?? []) {
    if (e.effective > day) return {status, next: {status: e.status, effective: e.effective}}
    status = e.status
  }
  return {status, next: null}
}

/** Where the schedule leads once every approved change is in effect: what the next change builds on. */
export function decidedStatus(events: StatusEvent[] | undefined): StatusEvent | undefined {
  return events?.at(-1)
}

export interface ItemFilter {
  body?: string
  type?: string
  status?: ItemStatus
}

/** The current list (every item's latest revision), with each item's status today. */
export async function listItems(from: Reader, filter: ItemFilter, today: string): Promise<ItemSummary[]> {
  const db = readerDb(from)
  let q = db.selectFrom('item_revisions as r').select(['r.code', 'r.name', 'r.type', 'r.body', 'r.version_from']).where('r.version_to', 'is', null)
  if (filter.body) q = q.where('r.body', '=', filter.body)
  if (filter.type) q = q.where('r.type', '=', filter.type)
  const rows = await q.orderBy('r.body').orderBy('r.code').execute()
  const events = await eventsOf(db)
  const out: ItemSummary[] = []
  for (const r of rows) {
    const st = statusOn(events.get(r.code), today)
    if (filter.status && st.status !== filter.status) continue
    out.push({code: r.code, name: r.name, type: r.type, body: r.body, status: st.status, next: st.next, version: Number(r.version_from)})
  }
  return out
}

export async function currentContent(db: Kysely<Database>, code: string): Promise<{content: ItemContent; version: number; body: string; name: string; type: string}> {
  const row = await db.selectFrom('item_revisions').select(['content', 'version_from', 'body', 'name', 'type']).where('code', '=', code).where('version_to', 'is', null).executeTakeFirst()
  if (!row) throw new NotFound('items.notFound', {code}, {field: 'CODE'})
  const parts = await partsOf(db, [code], null)
  const p = parts.get(code)
  return {content: {basic: unpackRow(row.content), steps: p?.steps ?? [], materials: p?.materials ?? []}, version: Number(row.version_from), body: row.body, name: row.name, type: row.type}
}

/** Items' steps and materials as they were at a version (null: now). */
export async function partsOf(db: Kysely<Database>, codes: string[], version: number | null): Promise<Map<string, {steps: string[][]; materials: string[][]}>> {
  const out = new Map<string, {steps: string[][]; materials: string[][]}>()
  for (let i = 0; i < codes.length; i += 500) {
    let q = db
      .selectFrom('item_parts')
      .select(['code', 'part', 'content'])
      .where('code', 'in', codes.slice(i, i + 500))
    q = version === null ? q.where('version_to', 'is', null) : q.where('version_from', '<=', version).where((eb) => eb.or([eb('version_to', 'is', null), eb('version_to', '>', version)]))
    for (const r of await q.execute()) {
      const entry = out.get(r.code) ?? {steps: [], materials: []}
      entry[r.part as PartKey] = unpackRows(r.content)
      out.set(r.code, entry)
    }
  }
  return out
}

/** Items' whole content as it was at a version (null: now); items not in the list then are absent. */
export async function contentsAt(db: Kysely<Database>, codes: string[], version: number | null): Promise<Map<string, {content: ItemContent; name: string; body: string}>> {
  const out = new Map<string, {content: ItemContent; name: string; body: string}>()
  if (version === 0) return out
  for (let i = 0; i < codes.length; i += 500) {
    let q = db
      .selectFrom('item_revisions')
      .select(['code', 'name', 'body', 'content'])
      .where('code', 'in', codes.slice(i, i + 500))
    q = version === null ? q.where('version_to', 'is', null) : q.where('version_from', '<=', version).where((eb) => eb.or([eb('version_to', 'is', null), eb('version_to', '>', version)]))
    for (const r of await q.execute()) out.set(r.code, {content: {basic: unpackRow(r.content), steps: [], materials: []}, name: r.name, body: r.body})
  }
  const parts = await partsOf(db, [...out.keys()], version)
  for (const [code, p] of parts) {
    const item = out.get(code)
    if (item) Object.assign(item.content, p)
  }
  return out
}

export async function showItem(from: Reader, code: string, today: string): Promise<Item> {
  const db = readerDb(from)
  const {content, version, body, name, type} = await currentContent(db, code)
  const st = statusOn((await eventsOf(db, code)).get(code), today)
  return {
    code,
    name,
    type,
    body,
    status: st.status,
    next: st.next,
    version,
    elements: named(sheetOf('basic'), content.basic),
    steps: content.steps.map((s) => named(sheetOf('steps'), s, true)),
    materials: content.materials.map((m) => named(sheetOf('materials'), m, true)),
  }
}

export interface ListVersion {
  version: number
  createdAt: string
  createdBy: string
  source: string
  origin: string
  items: number
  added: number
  changed: number
  removed: number
  requestId: number | null
}

export async function listVersions(from: Reader): Promise<ListVersion[]> {
  const db = readerDb(from)
  const rows = await db.selectFrom('item_versions').selectAll().orderBy('id').execute()
  return rows.map((r) => ({
    version: Number(r.id),
    createdAt: r.created_at,
    createdBy: r.created_by,
    source: r.source,
    origin: r.origin,
    items: Number(r.items),
    added: Number(r.added),
    changed: Number(r.changed),
    removed: Number(r.removed),
    requestId: r.request_id === null ? null : Number(r.request_id),
  }))
}

/** The display name of an item: 主项名称, and its 子项名称 when there is one. */
export function displayName(basic: string[]): string {
  const name = basic[column('basic', 'name')] ?? ''
  const sub = basic[column('basic', 'subName')]
  return !sub ? name : sub.startsWith(name) ? sub : `${name}（${sub}）`
}
