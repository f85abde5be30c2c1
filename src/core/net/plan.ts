import {extname} from 'node:path'

import {Conflict, EgovError, InvalidInput} from '../errors.js'
import {type FormLayout, loadLayout, matchHeader, type SheetLayout} from '../io/layout.js'
import {foreignLineMessage, type LineEncoding} from '../io/mixed-encoding.js'
import {isDelimitedText, readSheets, type SheetData, writeSheets} from '../io/tables.js'
import {checkWorkbookLimits} from '../io/xlsx-limits.js'
import type {LocatedProblem, Problem} from '../io/problem.js'
import {type Locale, t as translate} from '../i18n/index.js'
import type {Store, WriteContext} from '../store/index.js'
import {undoable} from '../store/rehearse.js'
import {listAllocations} from './allocations.js'
import {freeContaining, PoolFreeSpace} from './free-space.js'
import {blockEnd, parseCidr, type ParsedCidr} from './ip.js'
import {type Allocation, parsePlane, parseStatus, type Plane, type Pool} from './model.js'
import {placeImportedMany} from './placement.js'
import {addPoolIn, allPools, findPool, treeOrder} from './pools.js'
import {parseIsoDate, parseWholeNumber} from '../dates.js'
import {toHalfWidth} from '../io/values.js'
import {fileAdoptionIn} from './adopt.js'
import {editAllocationIn, type EditedAllocation} from './edit.js'
import {registeredNames, unitNotRegistered} from './registry.js'
import {unitLevels} from '../units/index.js'

/** A plan row's problem: the one located-problem type, its sheet, row, column (the header), field (the layout's key, the same in every language) and value always known. */
type ImportProblem = Problem & Pick<LocatedProblem, 'sheet' | 'row' | 'column' | 'value'>

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

export interface ImportUpdate {
  sheet: string
  row: number
  cidr: string
  plane: Plane
  allocationId: number
  changes: EditedAllocation['changes']
}

const LAYOUT = 'net-plan.json'

export function netPlanLayout(): FormLayout {
  return loadLayout(LAYOUT)
}

interface RowValues {
  sheet: string
  row: number
  values: Record<string, string>
  headers: Record<string, string>
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

/** Messages in the clerk's language, passed down one import. */
interface Say {
  locale: Locale
  t(key: Parameters<typeof translate>[0], params?: Record<string, unknown>): string
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
      field: allocLayout.columns[0].key,
      column: allocLayout.columns[0].header,
      value: '',
      message: say.t('net.import.missingColumn', {column: allocLayout.columns[0].header}),
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

function problemFrom(r: RowValues, key: string, error: unknown, say: Say): ImportProblem {
  const e = error as EgovError
  if (!(e instanceof EgovError)) throw error
  return {
    sheet: r.sheet,
    row: r.row,
    field: key,
    column: r.headers[key] ?? key,
    value: r.values[key] ?? '',
    message: e.localized(say.locale),
    ...(e.context.rule ? {rule: e.context.rule} : {}),
    ...(typeof e.context.details?.suggestion === 'string' ? {suggestion: e.context.details.suggestion} : {}),
  }
}

/** A cell's value through its parser; a refusal becomes a located problem and the value undefined. */
function cell<T>(r: RowValues, key: string, parse: (text: string) => T, problems: ImportProblem[], say: Say): T | undefined {
  try {
    return parse(r.values[key] ?? '')
  } catch (e) {
    problems.push(problemFrom(r, key, e, say))
    return undefined
  }
}

/** Creates the file's pools that do not exist yet, outermost first; an identical existing pool is fine. */
/** Adds the file's pools not yet recorded; returns how many it added. */
async function importPools(ctx: WriteContext, rows: RowValues[], problems: ImportProblem[], say: Say): Promise<number> {
  let added = 0
  const parsed: Array<{r: RowValues; block: ParsedCidr; plane: Plane}> = []
  for (const r of rows) {
    const block = cell(r, 'cidr', (v) => parseCidr(v, 'CIDR'), problems, say)
    const plane = cell(r, 'plane', parsePlane, problems, say)
    if (!r.values.name) problems.push({sheet: r.sheet, row: r.row, field: 'name', column: r.headers.name, value: '', message: say.t('net.import.required', {column: r.headers.name})})
    if (block && plane && r.values.name) parsed.push({r, block, plane})
  }
  const existing = await allPools(ctx.db)
  for (const {r, block, plane} of parsed.sort((a, b) => a.block.prefix - b.block.prefix)) {
    const same = existing.find((p) => p.name === r.values.name)
    if (same && same.cidr === block.text && same.plane === plane) continue
    try {
      await addPoolIn(ctx, {cidr: block.text, name: r.values.name, plane, note: r.values.note, district: r.values.district, level: r.values.level})
      added++
    } catch (e) {
      const err = e as EgovError
      const field = err.context?.field
      problems.push(problemFrom(r, field === 'name' || field === 'district' || field === 'level' ? field : 'cidr', e, say))
    }
  }
  return added
}

interface Placement {
  row: RowValues
  pool: Pool
  block: ParsedCidr
  unchanged?: boolean
  fields: {unit: string; purpose: string | null; status: 'active' | 'reserved'}
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

/** 已收回 (released), as `net export --all` writes a released block's row. */
const RELEASED = new Set(['已收回', '收回', 'released'])

async function checkAllocations(ctx: WriteContext, rows: RowValues[], problems: ImportProblem[], say: Say): Promise<{placements: Placement[]; updates: ImportUpdate[]; history: number}> {
  const pools = await allPools(ctx.db)
  const units = await registeredNames(ctx.db)
  const known = new Set(units)
  const placements: Placement[] = []
  const updates: ImportUpdate[] = []
  let history = 0
  // The file's blocks already recorded (holding), read in a few statements instead of one or two per row.
  const holding = await holdingByBlock(ctx, rows)
  // A pool named in many rows is looked up once (its refusal too, so each row gets the same problem).
  const named = new Map<string, Promise<Pool>>()
  for (const r of rows) {
    const block = cell(r, 'cidr', (v) => parseCidr(v, 'cidr'), problems, say)
    const plane = cell(r, 'plane', parsePlane, problems, say)
    if (RELEASED.has((r.values.status ?? '').trim().toLowerCase())) {
      // History: a block given back. It is neither placed nor checked against the plan as it stands.
      history++
      continue
    }
    const status = cell(r, 'status', (v) => (v ? parseStatus(v) : 'active'), problems, say) ?? 'active'
    const unit = r.values.unit ?? ''
    if (!unit) problems.push({sheet: r.sheet, row: r.row, field: 'unit', column: r.headers.unit, value: '', message: say.t('net.import.required', {column: r.headers.unit})})
    // Only registry units hold blocks: a typo would make a holder nobody owns.
    else if (!known.has(unit)) problems.push(problemFrom(r, 'unit', unitNotRegistered(unit, units, r.headers.unit ?? 'unit'), say))
    if (!block || !plane) continue
    let pool: Pool | undefined
    if (r.values.pool) {
      try {
        let found = named.get(r.values.pool)
        if (!found) {
          found = findPool(ctx.db, r.values.pool)
          found.catch(() => {})
          named.set(r.values.pool, found)
        }
        pool = await found
      } catch (e) {
        problems.push(problemFrom(r, 'pool', e, say))
        continue
      }
      const pb = parseCidr(pool.cidr, 'pool')
      if (pool.plane !== plane) {
        problems.push(
          problemFrom(r, 'plane', new InvalidInput('net.planeMismatch', {cidr: block.text, plane, pool: pool.name, poolCidr: pool.cidr, poolPlane: pool.plane}, {field: 'plane', rule: 'NET-2'}), say),
        )
        continue
      }
      if (pool.family !== block.family || block.prefix < pb.prefix || block.start < pb.start || blockEnd(block) > blockEnd(pb)) {
        problems.push(problemFrom(r, 'cidr', new InvalidInput('net.outsidePool', {cidr: block.text, pool: pool.name, poolCidr: pool.cidr}, {field: 'cidr', rule: 'NET-1'}), say))
        continue
      }
    } else {
      // The deepest pool on the plane that contains the block.
      pool = pools
        .filter((p) => p.plane === plane && p.family === block.family && p.prefix <= block.prefix)
        .filter((p) => {
          const pb = parseCidr(p.cidr, 'pool')
          return block.start >= pb.start && blockEnd(block) <= blockEnd(pb)
        })
        .sort((a, b) => b.prefix - a.prefix)[0]
      if (!pool) {
        problems.push({
          sheet: r.sheet,
          row: r.row,
          field: 'cidr',
          column: r.headers.cidr,
          value: r.values.cidr,
          message: say.t('net.import.outsideEveryPool', {cidr: block.text, plane}),
          rule: 'NET-1',
        })
        continue
      }
    }
    // A row over a recorded allocation of the very same block: an edit of its purpose, status or holder.
    if (unit && known.has(unit)) {
      const recorded = holding.get(`${block.text}|${plane}`)
      if (recorded) {
        try {
          // An empty 用途 or 状态 cell leaves the recorded value as it is.
          const edited = await editAllocationIn(ctx, String(recorded.id), {unit, ...(r.values.purpose ? {purpose: r.values.purpose} : {}), ...(r.values.status ? {status} : {})})
          recorded.unit = unit
          if (edited.unchanged) placements.push({row: r, pool, block, unchanged: true, fields: {unit, purpose: r.values.purpose || null, status}})
          else updates.push({sheet: r.sheet, row: r.row, cidr: block.text, plane, allocationId: Number(recorded.id), changes: edited.changes})
        } catch (e) {
          const err = e as EgovError
          problems.push(problemFrom(r, ['unit', 'purpose', 'status'].includes(String(err.context?.field)) ? String(err.context.field) : 'cidr', e, say))
        }
        continue
      }
    }
    placements.push({row: r, pool, block, fields: {unit, purpose: r.values.purpose || null, status}})
  }
  // Rows that overlap each other: sorted by address, each is compared with the furthest-reaching row before it.
  const byPlane = [...placements].sort((a, b) => a.pool.plane - b.pool.plane || a.block.family - b.block.family || (a.block.start < b.block.start ? -1 : a.block.start > b.block.start ? 1 : 0))
  let reach: Placement | undefined
  const clashing = new Set<Placement>()
  for (const p of byPlane) {
    if (reach && reach.pool.plane === p.pool.plane && reach.block.family === p.block.family && p.block.start <= blockEnd(reach.block)) {
      problems.push({
        sheet: p.row.sheet,
        row: p.row.row,
        field: 'cidr',
        column: p.row.headers.cidr,
        value: p.row.values.cidr,
        message: say.t('net.import.rowOverlap', {cidr: p.block.text, other: reach.row.row, otherCidr: reach.block.text}),
        rule: 'NET-1',
      })
      clashing.add(p)
    }
    if (!reach || reach.pool.plane !== p.pool.plane || reach.block.family !== p.block.family || blockEnd(p.block) > blockEnd(reach.block)) reach = p
  }
  // Against the database: the block must be free in its pool (no allocation, no child pool there).
  // The pools' free space is read once per pool and asked in memory; only a block that is not free asks the database what holds it.
  const spaces = new Map<number, PoolFreeSpace>()
  for (const p of placements) {
    if (clashing.has(p) || p.unchanged) continue
    const same = holding.get(`${p.block.text}|${p.pool.plane}`)
    if (same && same.unit === p.fields.unit) {
      p.unchanged = true
      continue
    }
    let space = spaces.get(p.pool.id)
    if (!space) spaces.set(p.pool.id, (space = await PoolFreeSpace.load(ctx.db, p.pool)))
    const holder = space.holding(p.block) ? undefined : await freeContaining(ctx.db, p.pool, p.block)
    if (holder)
      problems.push(problemFrom(p.row, 'cidr', new Conflict('net.taken', {cidr: p.block.text, pool: p.pool.name, holder: holder.name, other: holder.cidr}, {field: 'cidr', rule: 'NET-1'}), say))
  }
  return {placements, updates, history}
}

/**
 * The holding allocations at the blocks the rows name, by `cidr|plane`: a few `in` queries
 * instead of a query per row (a cell that is not a block is skipped here and reported by the
 * row's own check).
 */
async function holdingByBlock(ctx: WriteContext, rows: RowValues[]): Promise<Map<string, {id: number; unit: string}>> {
  const texts = new Set<string>()
  for (const r of rows) {
    try {
      texts.add(parseCidr(r.values.cidr ?? '', 'cidr').text)
    } catch {
      // reported by the row's check
    }
  }
  const found = new Map<string, {id: number; unit: string}>()
  const all = [...texts]
  for (let i = 0; i < all.length; i += 500) {
    const chunk = all.slice(i, i + 500)
    const recorded = await ctx.db.selectFrom('net_allocations').select(['id', 'cidr', 'plane', 'unit']).where('cidr', 'in', chunk).where('status', '<>', 'released').execute()
    for (const a of recorded) found.set(`${a.cidr}|${Number(a.plane)}`, {id: Number(a.id), unit: a.unit})
  }
  return found
}

/** The plan as a workbook (pools and allocations) or a CSV (allocations): the same layout as import. */
export async function exportPlan(store: Store, path: string, options: {all?: boolean} = {}): Promise<{pools: number; allocations: number}> {
  const layout = netPlanLayout()
  const pools = treeOrder(await allPools(store.db))
  const allocations: Allocation[] = await listAllocations(store.db, {all: options.all})
  const statusText: Record<string, string> = {active: '已分配', reserved: '预留', released: '已收回'}
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
