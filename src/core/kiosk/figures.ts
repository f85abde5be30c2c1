import {extname} from 'node:path'

import type {Kysely} from '#kysely'

import {InvalidInput} from '../errors.js'
import {itemStats, LOW_VOLUME, latestCaseYear} from '../items/cases.js'
import {writeSheets} from '../io/tables.js'
import {neutraliseFormula} from '../io/values.js'
import type {Database} from '../store/index.js'
import {listKiosks} from './registry.js'

/**
 * The yearly assessment sheet of 第二十条 (KIOSK-5), per access unit: kiosks and sites in
 * service, availability from the year's heartbeat probes, the unit's items offered on
 * kiosks (items with 自助 cases in the year) with their cases and the unit's online share
 * (ITEM-7, from the items area), and its high-frequency items not yet on a kiosk (ITEM-8:
 * at least 150 cases in the year — the ITEM-6 threshold — and no 自助 case). An item
 * belongs to the access unit whose registry name is its 实施主体.
 */
export interface KioskUnitFigures {
  unit: string
  kiosks: number
  sites: number
  /** up probes ÷ all probes of the unit's kiosks in the year, 0..1; null without probes. */
  availability: number | null
  probes: number
  items: number
  kioskItems: number
  kioskCases: number
  cases: number
  onlineShare: number | null
  /** ITEM-8: high-frequency items without a kiosk case. */
  notOnKiosk: Array<{code: string; name: string; cases: number}>
}

export interface KioskFigures {
  year: number
  units: KioskUnitFigures[]
}

export async function kioskStats(db: Kysely<Database>, options: {year?: number; today: string}): Promise<KioskFigures> {
  const year = options.year ?? (await latestCaseYear(db)) ?? Number(options.today.slice(0, 4))
  if (!Number.isInteger(year) || year < 2000 || year > 2100) throw new InvalidInput('input.badInteger', {field: 'year', value: options.year}, {field: 'year'})
  const kiosks = (await listKiosks(db)).filter((k) => k.status === 'active' || k.status === 'disconnected')
  const probes = await db
    .selectFrom('kiosk_probes as p')
    .innerJoin('kiosks as k', 'k.id', 'p.kiosk_id')
    .select(['k.unit', 'p.outcome'])
    .where('p.at', '>=', `${year}-01-01`)
    .where('p.at', '<', `${year + 1}-01-01`)
    .execute()
  const stats = await itemStats(db, {year, today: options.today})
  const units = [...new Set(kiosks.map((k) => k.unit))].sort()
  return {
    year,
    units: units.map((unit) => {
      const mine = kiosks.filter((k) => k.unit === unit)
      const p = probes.filter((x) => x.unit === unit)
      const items = stats.items.filter((i) => i.body === unit)
      const onKiosk = items.filter((i) => i.byChannel.自助 > 0)
      const figures = stats.units.find((u) => u.body === unit)
      return {
        unit,
        kiosks: mine.filter((k) => k.status === 'active').length,
        sites: new Set(mine.map((k) => `${k.requestId}/${k.site.no}`)).size,
        availability: p.length ? p.filter((x) => x.outcome === 'up').length / p.length : null,
        probes: p.length,
        items: items.length,
        kioskItems: onKiosk.length,
        kioskCases: onKiosk.reduce((s, i) => s + i.byChannel.自助, 0),
        cases: figures?.cases ?? 0,
        onlineShare: figures?.onlineShare ?? null,
        notOnKiosk: items.filter((i) => i.cases >= LOW_VOLUME && i.byChannel.自助 === 0).map((i) => ({code: i.code, name: i.name, cases: i.cases})),
      }
    }),
  }
}

const pct = (v: number | null) => (v === null ? '' : `${(v * 100).toFixed(1)}%`)

export async function writeKioskStats(path: string, figures: KioskFigures): Promise<void> {
  if (extname(path).toLowerCase() !== '.xlsx') throw new InvalidInput('io.badExtension', {field: 'out', path}, {field: 'out'})
  await writeSheets(path, [
    {
      name: `${figures.year}年度考核`,
      columns: ['接入单位', '在用终端数', '网点数', '可用率', '探测次数', '事项数', '自助办理事项数', '自助办件量', '办件量', '网办比例', '未上自助终端的高频事项数'].map((header, i) => ({header, width: i ? 14 : 28})),
      rows: figures.units.map((u) => [neutraliseFormula(u.unit), u.kiosks, u.sites, pct(u.availability), u.probes, u.items, u.kioskItems, u.kioskCases, u.cases, pct(u.onlineShare), u.notOnKiosk.length]) as unknown as string[][],
    },
    {
      name: '高频未上自助终端事项',
      columns: [{header: '接入单位', width: 28}, {header: '事项编码', width: 56}, {header: '事项名称', width: 30}, {header: '办件量', width: 12}],
      rows: figures.units.flatMap((u) => u.notOnKiosk.map((i) => [neutraliseFormula(u.unit), neutraliseFormula(i.code), neutraliseFormula(i.name), i.cases])) as unknown as string[][],
    },
  ])
}

/** The registry as a workbook or a UTF-8 CSV with a BOM; text that a spreadsheet would run as a formula is neutralised. */
export async function exportKiosks(db: Kysely<Database>, path: string): Promise<{file: string; kiosks: number}> {
  const ext = extname(path).toLowerCase()
  if (ext !== '.xlsx' && ext !== '.csv') throw new InvalidInput('io.badExtension', {field: 'out', path}, {field: 'out'})
  const kiosks = await listKiosks(db)
  const headers = ['序列号', '接入单位', '网点编号', '网点名称', '网点位置', '自助终端型号', '状态', '心跳地址', '最近在线', '核验时间', '核验人', '申请编号', '说明']
  const status: Record<string, string> = {pending: '待准入', failed: '核验未通过', active: '在用', disconnected: '已中断', retired: '已退役'}
  const rows = kiosks.map((k) =>
    [k.serial, k.unit, String(k.site.no), k.site.name, k.site.location, k.model, status[k.status] ?? k.status, k.heartbeatUrl ?? '', k.lastSeen ?? '', k.verifiedAt, k.verifiedBy, String(k.requestId), k.note ?? ''].map(neutraliseFormula),
  )
  await writeSheets(path, [{name: '自助终端登记', columns: headers.map((header) => ({header, width: 18})), rows}])
  return {file: path, kiosks: kiosks.length}
}
