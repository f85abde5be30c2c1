import {extname} from 'node:path'

import {InvalidInput} from '../errors.js'
import {itemStats, LOW_VOLUME, latestCaseYear} from '../items/index.js'
import {writeSheets} from '../io/tables.js'
import {type Reader, readerDb} from '../store/index.js'
import {OPINION_LABELS, opinionLine} from './opinions.js'
import {listKiosks, opinionsOf} from './registry.js'

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
  /** Kiosks active at the year's end (by the dates of their history, not today's registry). */
  kiosks: number
  /** Kiosks disconnected at the year's end. */
  disconnected: number
  /** Sites with a kiosk active or disconnected at the year's end. */
  sites: number
  /** In the year, by the dates in the kiosks' history: kiosks admitted, retired, and disconnections (normal or emergency). */
  admittedInYear: number
  retiredInYear: number
  disconnectionsInYear: number
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
  /** The figures are as of this date: the year's last day, or today for the year under way. */
  asOf: string
  units: KioskUnitFigures[]
}

const IN_SERVICE = new Set(['active', 'disconnected'])

/** The instant a China-time date begins, as the ISO string the store writes (UTC). */
const chinaStart = (date: string) => new Date(`${date}T00:00:00+08:00`).toISOString()

export async function kioskStats(reader: Reader, options: {year?: number; today: string}): Promise<KioskFigures> {
  const db = readerDb(reader)
  const year = options.year ?? (await latestCaseYear(db)) ?? Number(options.today.slice(0, 4))
  if (!Number.isInteger(year) || year < 2000 || year > 2100) throw new InvalidInput('input.badInteger', {field: 'year', value: options.year}, {field: 'year'})
  // KIOSK-5 figures are as of the year's end: each kiosk's status then is the last step of
  // its history dated before the next year began (China time), whatever it is today.
  const from = chinaStart(`${year}-01-01`)
  const until = chinaStart(`${year + 1}-01-01`)
  const kiosks = await listKiosks(db)
  const rows = await db.selectFrom('kiosks').select(['id', 'serial']).execute()
  const idOf = new Map(rows.map((r) => [Number(r.id), r.serial]))
  const events = await db.selectFrom('kiosk_events').select(['kiosk_id', 'event', 'to_status', 'at']).where('at', '<', until).orderBy('at').orderBy('id').execute()
  const atStart = new Map<string, string>()
  const atEnd = new Map<string, string>()
  const inYear = new Map<string, Array<{event: string; to: string}>>()
  for (const e of events) {
    const serial = idOf.get(Number(e.kiosk_id))
    if (!serial) continue
    atEnd.set(serial, e.to_status)
    if (e.at < from) atStart.set(serial, e.to_status)
    else inYear.set(serial, [...(inYear.get(serial) ?? []), {event: e.event, to: e.to_status}])
  }
  // A unit is assessed for the year if any of its kiosks was in service at some time in it.
  const served = kiosks.filter((k) => IN_SERVICE.has(atStart.get(k.serial) ?? '') || (inYear.get(k.serial) ?? []).some((e) => IN_SERVICE.has(e.to)))
  const probes = await db.selectFrom('kiosk_probes as p').innerJoin('kiosks as k', 'k.id', 'p.kiosk_id').select(['k.unit', 'p.outcome']).where('p.at', '>=', from).where('p.at', '<', until).execute()
  const stats = await itemStats(db, {year, today: options.today})
  const units = [...new Set(served.map((k) => k.unit))].sort()
  const yearEnd = `${year}-12-31`
  return {
    year,
    asOf: options.today < yearEnd ? options.today : yearEnd,
    units: units.map((unit) => {
      const mine = served.filter((k) => k.unit === unit)
      const endStatus = (k: (typeof mine)[number]) => atEnd.get(k.serial) ?? ''
      const moves = mine.flatMap((k) => inYear.get(k.serial) ?? [])
      const p = probes.filter((x) => x.unit === unit)
      const items = stats.items.filter((i) => i.body === unit)
      const onKiosk = items.filter((i) => i.byChannel.自助 > 0)
      const figures = stats.units.find((u) => u.body === unit)
      return {
        unit,
        kiosks: mine.filter((k) => endStatus(k) === 'active').length,
        disconnected: mine.filter((k) => endStatus(k) === 'disconnected').length,
        sites: new Set(mine.filter((k) => IN_SERVICE.has(endStatus(k))).map((k) => `${k.requestId}/${k.site.no}`)).size,
        admittedInYear: moves.filter((e) => e.event === 'admit').length,
        retiredInYear: moves.filter((e) => e.to === 'retired').length,
        disconnectionsInYear: moves.filter((e) => e.to === 'disconnected').length,
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
      columns: [
        '接入单位',
        '在用终端数',
        '网点数',
        '可用率',
        '探测次数',
        '事项数',
        '自助办理事项数',
        '自助办件量',
        '办件量',
        '网办比例',
        '未上自助终端的高频事项数',
        '年末中断终端数',
        '年内准入',
        '年内退役',
        '年内中断次数',
        '统计截至',
      ].map((header, i) => ({header, width: i ? 14 : 28})),
      rows: figures.units.map((u) => [
        u.unit,
        u.kiosks,
        u.sites,
        pct(u.availability),
        u.probes,
        u.items,
        u.kioskItems,
        u.kioskCases,
        u.cases,
        pct(u.onlineShare),
        u.notOnKiosk.length,
        u.disconnected,
        u.admittedInYear,
        u.retiredInYear,
        u.disconnectionsInYear,
        figures.asOf,
      ]),
    },
    {
      name: '高频未上自助终端事项',
      columns: [
        {header: '接入单位', width: 28},
        {header: '事项编码', width: 56},
        {header: '事项名称', width: 30},
        {header: '办件量', width: 12},
      ],
      rows: figures.units.flatMap((u) => u.notOnKiosk.map((i) => [u.unit, i.code, i.name, i.cases])),
    },
  ])
}

/** The registry as a workbook or a UTF-8 CSV with a BOM; in a CSV, text that a spreadsheet would run as a formula is guarded (writeSheets). */
export async function exportKiosks(from: Reader, path: string): Promise<{file: string; kiosks: number}> {
  const db = readerDb(from)
  const ext = extname(path).toLowerCase()
  if (ext !== '.xlsx' && ext !== '.csv') throw new InvalidInput('io.badExtension', {field: 'out', path}, {field: 'out'})
  const kiosks = await listKiosks(db)
  const opinions = await opinionsOf(
    db,
    kiosks.map((k) => k.requestId),
  )
  const headers = [
    '序列号',
    '接入单位',
    '网点编号',
    '网点名称',
    '网点位置',
    '自助终端型号',
    '状态',
    '心跳地址',
    '最近在线',
    '核验时间',
    '核验人',
    '申请编号',
    '说明',
    OPINION_LABELS.office,
    OPINION_LABELS.leader,
  ]
  const status: Record<string, string> = {pending: '待准入', failed: '核验未通过', active: '在用', disconnected: '已中断', retired: '已退役'}
  const rows = kiosks.map((k) => [
    k.serial,
    k.unit,
    String(k.site.no),
    k.site.name,
    k.site.location,
    k.model,
    status[k.status] ?? k.status,
    k.heartbeatUrl ?? '',
    k.lastSeen ?? '',
    k.verifiedAt,
    k.verifiedBy,
    String(k.requestId),
    k.note ?? '',
    opinionLine(opinions.get(k.requestId)?.office),
    opinionLine(opinions.get(k.requestId)?.leader),
  ])
  await writeSheets(path, [{name: '自助终端登记', columns: headers.map((header) => ({header, width: 18})), rows}])
  return {file: path, kiosks: kiosks.length}
}
