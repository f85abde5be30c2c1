import {basename} from 'node:path'

import {appendAudit} from '../audit/index.js'
import {InvalidInput} from '../errors.js'
import {type LocatedProblem, readForm} from '../io/form-reader.js'
import {loadLayout} from '../io/layout.js'
import {columnLetter, type Encoding} from '../io/tables.js'
import {type Locale, t} from '../i18n/index.js'
import {type Reader, readerDb, type Store} from '../store/index.js'
import {codePattern} from './versions.js'
import {eventsOf, statusOn} from './model.js'

export const CHANNELS = ['窗口', '网上', '自助'] as const
/** Items with fewer cases a year go to the comprehensive window (ITEM-6). */
export const LOW_VOLUME = 150

export interface CasesImportResult {
  file: string
  rows: number
  items: number
  years: number[]
}

/**
 * Case counts per item, year and channel (窗口/网上/自助), from a workbook or CSV
 * (templates/items-cases.json). Every code must be an item of the list; a count given
 * again for the same item, year and channel replaces the earlier one.
 */
export async function importCases(store: Store, file: string, options: {encoding?: Encoding; locale?: Locale} = {}): Promise<CasesImportResult> {
  const layout = loadLayout('items-cases.json')
  const locale = options.locale ?? 'en'
  const rows: Array<{row: number; code: string; year: number; channel: string; cases: number}> = []
  const {problems, sheets} = await readForm([file], layout, {
    encoding: options.encoding,
    locale,
    codePattern: await codePattern(store.db),
    defaultRule: 'ITEM-7',
    onRecord: (_sheet, row, v) => {
      rows.push({row, code: v[0]!, year: Number(v[1]), channel: v[2]!, cases: Number(v[3])})
    },
  })
  const found = sheets[0]
  const where = (row: number, col: number, header: string, value: string, rule: string, message: string): LocatedProblem => {
    const at = found?.columns[col]
    return {
      file: basename(file),
      sheet: found?.name || layout.sheets[0]!.name,
      row,
      column: header,
      cell: at === undefined ? '' : `${columnLetter(at)}${row}`,
      field: layout.sheets[0]!.columns[col]!.key,
      rule,
      value,
      message,
    }
  }
  const known = new Set((await store.db.selectFrom('item_revisions').select('code').where('version_to', 'is', null).execute()).map((r) => r.code))
  const seen = new Map<string, number>()
  for (const r of rows) {
    if (!known.has(r.code)) problems.push(where(r.row, 0, '事项编码', r.code, 'ITEM-7', `${t('items.cases.unknownItem', {column: '事项编码', value: r.code}, locale)} (ITEM-7)`))
    const key = `${r.code}\u0000${r.year}\u0000${r.channel}`
    const other = seen.get(key)
    if (other !== undefined) problems.push(where(r.row, 0, '事项编码', r.code, 'ITEM-7', `${t('items.cases.duplicate', {value: r.code, year: r.year, channel: r.channel, other}, locale)} (ITEM-7)`))
    else seen.set(key, r.row)
  }
  if (problems.length) throw new InvalidInput('form.invalid', {file: basename(file), count: problems.length}, {field: 'FILE', details: {problems}})
  if (!rows.length) throw new InvalidInput('items.import.noData', {file: basename(file)}, {field: 'FILE'})
  await store.write(async (ctx) => {
    // A count given again for the same item, year and channel replaces the earlier one: one upsert per row.
    for (const r of rows) {
      await ctx.db
        .insertInto('item_cases')
        .values({code: r.code, year: r.year, channel: r.channel, cases: r.cases, updated_at: ctx.at})
        .onConflict((oc) => oc.columns(['code', 'year', 'channel']).doUpdateSet({cases: r.cases, updated_at: ctx.at}))
        .execute()
    }
    await appendAudit(ctx, {action: 'items.cases', entityType: 'item-cases', entityId: basename(file), after: {rows: rows.length, years: [...new Set(rows.map((r) => r.year))]}})
  })
  return {file, rows: rows.length, items: new Set(rows.map((r) => r.code)).size, years: [...new Set(rows.map((r) => r.year))].sort()}
}

export interface UnitFigures {
  body: string
  items: number
  cases: number
  byChannel: Record<(typeof CHANNELS)[number], number>
  /** Share of cases handled online (网上), 0..1; null without cases (ITEM-7). */
  onlineShare: number | null
  /** Items with fewer than 150 cases in the year (ITEM-6). */
  lowVolume: number
}

export interface ItemFigures {
  code: string
  name: string
  body: string
  cases: number
  byChannel: Record<(typeof CHANNELS)[number], number>
}

export interface ItemStats {
  year: number
  units: UnitFigures[]
  /** Items under 150 cases in the year: to the comprehensive window (ITEM-6). */
  lowVolume: ItemFigures[]
  items: ItemFigures[]
}

/**
 * The published figures per unit (ITEM-7): items in the current list that are not
 * terminated, their cases in the year by channel, and the share handled online; and the
 * items with fewer than 150 cases that year (ITEM-6). Kiosk figures (ITEM-8) read the same.
 */
export async function itemStats(from: Reader, options: {year: number; body?: string; today: string}): Promise<ItemStats> {
  const db = readerDb(from)
  let q = db.selectFrom('item_revisions as r').select(['r.code', 'r.name', 'r.body']).where('r.version_to', 'is', null)
  if (options.body) q = q.where('r.body', '=', options.body)
  const events = await eventsOf(db)
  const current = (await q.orderBy('r.body').orderBy('r.code').execute()).filter((r) => statusOn(events.get(r.code), options.today).status !== 'terminated')
  const counts = await db.selectFrom('item_cases').select(['code', 'channel', 'cases']).where('year', '=', options.year).execute()
  const byCode = new Map<string, Record<string, number>>()
  for (const c of counts) {
    const m = byCode.get(c.code) ?? {}
    m[c.channel] = Number(c.cases)
    byCode.set(c.code, m)
  }
  const items: ItemFigures[] = current.map((r) => {
    const m = byCode.get(r.code) ?? {}
    const byChannel = {窗口: m['窗口'] ?? 0, 网上: m['网上'] ?? 0, 自助: m['自助'] ?? 0}
    return {code: r.code, name: r.name, body: r.body, cases: byChannel.窗口 + byChannel.网上 + byChannel.自助, byChannel}
  })
  const units = new Map<string, UnitFigures>()
  for (const i of items) {
    const u = units.get(i.body) ?? {body: i.body, items: 0, cases: 0, byChannel: {窗口: 0, 网上: 0, 自助: 0}, onlineShare: null, lowVolume: 0}
    u.items++
    u.cases += i.cases
    for (const ch of CHANNELS) u.byChannel[ch] += i.byChannel[ch]
    if (i.cases < LOW_VOLUME) u.lowVolume++
    units.set(i.body, u)
  }
  for (const u of units.values()) u.onlineShare = u.cases ? u.byChannel.网上 / u.cases : null
  return {year: options.year, units: [...units.values()], lowVolume: items.filter((i) => i.cases < LOW_VOLUME), items}
}

/** The latest year with case counts, for a default. */
export async function latestCaseYear(from: Reader): Promise<number | undefined> {
  const db = readerDb(from)
  const row = await db
    .selectFrom('item_cases')
    .select((eb) => eb.fn.max('year').as('year'))
    .executeTakeFirst()
  return row?.year ? Number(row.year) : undefined
}
