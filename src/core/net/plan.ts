import {extname} from 'node:path'

import {parseIsoDate, parseWholeNumber} from '../dates.js'
import {type EgovError, InvalidInput} from '../errors.js'
import {type FormLayout, loadLayout, matchHeader, type SheetLayout} from '../io/layout.js'
import {foreignLineMessage, type LineEncoding} from '../io/mixed-encoding.js'
import {isDelimitedText, readSheets, type SheetData, writeSheets} from '../io/tables.js'
import {toHalfWidth} from '../io/values.js'
import {checkWorkbookLimits} from '../io/xlsx-limits.js'
import {type Locale, t as translate} from '../i18n/index.js'
import type {Store, WriteContext} from '../store/index.js'
import {undoable} from '../store/rehearse.js'
import {unitLevels} from '../units/index.js'
import {fileAdoptionIn} from './adopt.js'
import {listAllocations} from './allocations.js'
import {parseCidr, type ParsedCidr} from './ip.js'
import {type Allocation, parsePlane, type Plane} from './model.js'
import {placeImportedMany} from './placement.js'
import {checkAllocations, type ImportUpdate} from './plan-allocations.js'
import {cell, type ImportProblem, problemFrom, type RowValues, type Say} from './plan-rows.js'
import {addPoolIn, allPools, treeOrder} from './pools.js'

/**
 * Address plans in and out (`net import`, `net export`): the 地址池 sheet's pools, the 地址分配
 * sheet's allocations (checked in plan-allocations.ts) and the 存量接入 sheet's connections,
 * each filed as an adoption request.
 */

export interface ImportResult {
  file: string
  dryRun: boolean
  /** Allocation rows already recorded exactly so (same block, plane and unit): left as they are, so a re-run is harmless. */
  alreadyRecorded: number
  pools: number
  allocations: number
  /** Rows over a recorded allocation of the same block and plane whose purpose, status or holder differ: edited (audited before and after). */
  updated: number
  /** What each of those rows changes, field by field: in --dry-run the diff of what would be written. */
  updates: ImportUpdate[]
  /** Rows of released blocks (状态 已收回, as `net export --all` writes them): history, carried over and never placed. */
  history: number
  /** Rows of the 存量接入 sheet: each filed as an adoption request (net request adopt), for a second person to approve. */
  connections: Array<{row: number; unit: string; requestId: number}>
  /** Nothing to write: every pool and allocation of the file is already recorded so (a re-run), said as every command says it. */
  unchanged: boolean
}

const LAYOUT = 'net-plan.json'

export function netPlanLayout(): FormLayout {
  return loadLayout(LAYOUT)
}

function rowsOf(sheet: SheetData, layout: SheetLayout, problems: ImportProblem[], say: Say): RowValues[] | undefined {
  const match = matchHeader(
    sheet.rows.map((r) => r.cells),
    layout,
  )
  if (!match || match.missing.length) {
    for (const col of match?.missing ?? layout.columns.filter((c) => c.required)) {
      problems.push({
        sheet: sheet.name || layout.name,
        row: sheet.rows[match?.headerRow ?? 0]?.row ?? 1,
        field: col.key,
        column: col.header,
        value: '',
        message: say.t('net.import.missingColumn', {column: col.header}),
      })
    }
    return undefined
  }
  const headers = Object.fromEntries(layout.columns.map((c) => [c.key, c.header]))
  return sheet.rows
    .slice(match.headerRow + 1)
    .map((r) => ({sheet: sheet.name || layout.name, row: r.row, values: Object.fromEntries([...match.columns].map(([key, i]) => [key, (r.cells[i] ?? '').trim()])), headers}))
    .filter((r) => Object.values(r.values).some((v) => v !== ''))
}

/** The sheet for a layout: by name in a workbook; a CSV's only sheet is the allocations. */
function pickSheet(sheets: SheetData[], layout: SheetLayout, csv: boolean): SheetData | undefined {
  if (csv) return layout.key === 'allocations' ? sheets[0] : undefined
  return sheets.find((s) => s.name.trim() === layout.name) ?? (layout.key === 'allocations' ? sheets.find((s) => !['地址池', '存量接入'].includes(s.name.trim())) : undefined)
}

function sayer(locale: Locale): Say {
  return {locale, t: (key, params = {}) => translate(key, params, locale)}
}

/**
 * Imports an address plan: the 地址池 sheet (optional) creates pools, outer ones first;
 * the 地址分配 sheet (or a CSV) records allocations. Every row is checked, against the
 * database and against the other rows, before anything is kept: one transaction, and
 * every problem reported with its sheet, row and column.
 */
export async function importPlan(store: Store, path: string, options: {dryRun?: boolean; encoding?: 'auto' | 'utf8' | 'gb18030'; locale?: Locale} = {}): Promise<ImportResult> {
  const say = sayer(options.locale ?? 'en')
  const layout = netPlanLayout()
  // A truncated or damaged zip, a zip bomb, a shared-strings bomb: exit 2 before exceljs reads it (issue 20: a half-copied plan exited 13 with no output).
  if (extname(path).toLowerCase() === '.xlsx') await checkWorkbookLimits(path, {field: 'FILE', kind: 'stream'})
  const {sheets, encoding, foreign} = await readSheets(path, {encoding: options.encoding})
  const csv = isDelimitedText(path)
  const problems: ImportProblem[] = []
  // A CSV line in another encoding than the file's (a row pasted from elsewhere) is a problem of its row.
  for (const f of foreign ?? []) {
    problems.push({
      sheet: layout.sheets.find((s) => s.key === 'allocations')!.name,
      row: f.line,
      field: 'encoding',
      column: '',
      value: '',
      message: foreignLineMessage(path, f, encoding as LineEncoding, say.locale),
    })
  }
  const poolLayout = layout.sheets.find((s) => s.key === 'pools')!
  const allocLayout = layout.sheets.find((s) => s.key === 'allocations')!
  const poolSheet = pickSheet(sheets, poolLayout, csv)
  const poolRows = poolSheet ? (rowsOf(poolSheet, poolLayout, problems, say) ?? []) : []
  const allocSheet = pickSheet(sheets, allocLayout, csv)
  const allocRows = allocSheet ? (rowsOf(allocSheet, allocLayout, problems, say) ?? []) : []
  const connLayout = layout.sheets.find((s) => s.key === 'connections')!
  const connSheet = csv ? undefined : sheets.find((sh) => sh.name.trim() === connLayout.name)
  const connRows = connSheet ? (rowsOf(connSheet, connLayout, problems, say) ?? []) : []
  if (!allocSheet && !poolSheet && !connSheet)
    problems.push({
      sheet: allocLayout.name,
      row: 1,
      field: allocLayout.columns[0]!.key,
      column: allocLayout.columns[0]!.header,
      value: '',
      message: say.t('net.import.missingColumn', {column: allocLayout.columns[0]!.header}),
    })
  if (problems.length) throw invalid(path, problems)
  if (!poolRows.length && !allocRows.length && !connRows.length) throw new InvalidInput('net.import.empty', {file: path}, {field: 'FILE'})

  let alreadyRecorded = 0
  let poolsAdded = 0
  let history = 0
  const updates: ImportUpdate[] = []
  const connections: ImportResult['connections'] = []
  // A dry run rehearses the whole import in its transaction, then undo() rolls it back.
  await undoable<undefined>(async (undo) => {
    await store.write(async (ctx) => {
      poolsAdded = await importPools(ctx, poolRows, problems, say)
      const checked = await checkAllocations(ctx, allocRows, problems, say)
      if (problems.length) throw invalid(path, problems)
      alreadyRecorded = checked.placements.filter((p) => p.unchanged).length
      history = checked.history
      updates.push(...checked.updates)
      // Edits were made in this transaction as they were checked, and the blocks are placed before the
      // connections are checked (a connection may hold blocks this file brings): a dry run, or a
      // problem, rolls all of it back.
      await placeImportedMany(
        ctx,
        checked.placements.filter((p) => !p.unchanged),
      )
      connections.push(...(await fileConnections(ctx, connRows, problems, say)))
      if (problems.length) throw invalid(path, problems)
      if (options.dryRun) undo(undefined)
    })
  })
  const allocations = allocRows.length - alreadyRecorded - updates.length - history
  return {
    file: path,
    dryRun: Boolean(options.dryRun),
    alreadyRecorded,
    pools: poolRows.length,
    allocations,
    updated: updates.length,
    updates,
    history,
    connections,
    unchanged: allocations === 0 && poolsAdded === 0 && updates.length === 0 && connections.length === 0,
  }
}

function invalid(path: string, problems: ImportProblem[]): InvalidInput {
  problems.sort((a, b) => (a.sheet === b.sheet ? a.row - b.row : a.sheet < b.sheet ? -1 : 1))
  return new InvalidInput('net.import.invalid', {file: path, count: problems.length, s: problems.length === 1 ? '' : 's'}, {field: 'FILE', details: {problems}})
}

/** Creates the file's pools that do not exist yet, outermost first; an identical existing pool is fine. */
/** Adds the file's pools not yet recorded; returns how many it added. */
async function importPools(ctx: WriteContext, rows: RowValues[], problems: ImportProblem[], say: Say): Promise<number> {
  let added = 0
  const parsed: Array<{r: RowValues; block: ParsedCidr; plane: Plane}> = []
  for (const r of rows) {
    const block = cell(r, 'cidr', (v) => parseCidr(v, 'CIDR'), problems, say)
    const plane = cell(r, 'plane', parsePlane, problems, say)
    if (!r.values.name) problems.push({sheet: r.sheet, row: r.row, field: 'name', column: r.headers.name ?? 'name', value: '', message: say.t('net.import.required', {column: r.headers.name})})
    if (block && plane && r.values.name) parsed.push({r, block, plane})
  }
  const existing = await allPools(ctx.db)
  for (const {r, block, plane} of parsed.sort((a, b) => a.block.prefix - b.block.prefix)) {
    const same = existing.find((p) => p.name === r.values.name)
    if (same?.cidr === block.text && same.plane === plane) continue
    try {
      await addPoolIn(ctx, {cidr: block.text, name: r.values.name!, plane, note: r.values.note, district: r.values.district, level: r.values.level})
      added++
    } catch (e) {
      const err = e as EgovError
      const field = err.context?.field
      problems.push(problemFrom(r, field === 'name' || field === 'district' || field === 'level' ? field : 'cidr', e, say))
    }
  }
  return added
}

/** The flag names core errors give, as the 存量接入 sheet's column keys. */
const CONNECTION_FIELD: Record<string, string> = {
  cidr: 'cidrs',
  'access-mode': 'accessMode',
  'cost-bearer': 'costBearer',
  bandwidth: 'bandwidth',
  since: 'since',
  basis: 'basis',
  unit: 'unit',
  sponsor: 'sponsor',
  plane: 'plane',
}

/**
 * The 存量接入 sheet: each row a connection in service before egov, filed as an adoption request
 * in this transaction (net request adopt's checks, row by row), every problem located.
 */
async function fileConnections(ctx: WriteContext, rows: RowValues[], problems: ImportProblem[], say: Say): Promise<ImportResult['connections']> {
  const filed: ImportResult['connections'] = []
  for (const r of rows) {
    const v = r.values
    const bandwidth = cell(r, 'bandwidth', (text) => parseWholeNumber(toHalfWidth(text), 'bandwidth', {min: 1, max: 100_000}), problems, say)
    const since = cell(r, 'since', sinceDate, problems, say)
    const cidrs = (v.cidrs ?? '').split(/[\s,，、;；]+/).filter(Boolean)
    if (bandwidth === undefined || since === undefined) continue
    try {
      const result = await fileAdoptionIn(ctx, {
        unit: v.unit ?? '',
        cidrs,
        accessMode: v.accessMode ?? '',
        bandwidthMbps: bandwidth,
        since,
        basis: v.basis ?? '',
        plane: v.plane || undefined,
        sponsor: v.sponsor || undefined,
        costBearer: v.costBearer || undefined,
      })
      filed.push({row: r.row, unit: result.request.applicantUnit, requestId: result.request.id})
    } catch (e) {
      const field = CONNECTION_FIELD[String((e as EgovError).context?.field)] ?? 'unit'
      problems.push(problemFrom(r, field, e, say))
    }
  }
  return filed
}

/**
 * 接入日期 as clerks' workbooks give it: 2019-05-01, 2019/5/1, 2019.5.1, or a date cell whose
 * format the streaming reader did not see, which arrives as Excel's serial day number (days
 * since 1899-12-30, the 1900 system) — a plain 5-digit number is read so.
 */
function sinceDate(text: string): string {
  const t = toHalfWidth(text).trim()
  if (/^\d{5}$/.test(t)) return new Date(Date.UTC(1899, 11, 30) + Number(t) * 86_400_000).toISOString().slice(0, 10)
  return parseIsoDate(
    t
      .replace(/[/.]/g, '-')
      .replace(/^(\d{4})-(\d)-/, '$1-0$2-')
      .replace(/-(\d)$/, '-0$1'),
    'since',
  )
}

/** The plan as a workbook (pools and allocations) or a CSV (allocations): the same layout as import. */
export async function exportPlan(store: Store, path: string, options: {all?: boolean} = {}): Promise<{pools: number; allocations: number}> {
  const layout = netPlanLayout()
  const pools = treeOrder(await allPools(store.db))
  const allocations: Allocation[] = await listAllocations(store.db, {all: options.all})
  const statusText: Record<Allocation['status'], string> = {active: '已分配', reserved: '预留', released: '已收回'}
  const sheet = (key: string) => layout.sheets.find((s) => s.key === key)!
  const poolSheet = sheet('pools')
  const allocSheet = sheet('allocations')
  const values = {
    pools: pools.map((p) => ({
      cidr: p.cidr,
      name: p.name,
      plane: String(p.plane),
      note: p.note ?? '',
      district: p.district ?? '',
      level: p.level ? (unitLevels().find((l) => l.key === p.level)?.name ?? p.level) : '',
    })),
    allocations: allocations.map((a) => ({cidr: a.cidr, plane: String(a.plane), pool: a.pool, unit: a.unit, purpose: a.purpose ?? '', status: statusText[a.status]})),
  }
  const toSheet = (s: SheetLayout, rows: Array<Record<string, string>>) => ({
    name: s.name,
    columns: s.columns.map((c) => ({header: c.header, width: c.width, list: c.list})),
    rows: rows.map((r) => s.columns.map((c) => r[c.key] ?? '')),
  })
  const csv = path.toLowerCase().endsWith('.csv')
  await writeSheets(path, csv ? [toSheet(allocSheet, values.allocations)] : [toSheet(poolSheet, values.pools), toSheet(allocSheet, values.allocations)])
  return {pools: csv ? 0 : pools.length, allocations: allocations.length}
}
