import {basename, extname} from 'node:path'

import {type Kysely, sql} from '#kysely'

import {appendAudit} from '../audit/index.js'
import {areaCode, CODE_PATTERN_SETTING} from '../config/index.js'
import {parseIsoDate} from '../dates.js'
import {InvalidInput, RuleRefused} from '../errors.js'
import {type FormNote, type LocatedProblem, readForm, type FoundSheet} from '../io/form-reader.js'
import {hashFile} from '../io/file-hash.js'
import {writeReport} from '../io/form-report.js'
import {checkOutput} from '../io/output-file.js'
import type {Encoding} from '../io/tables.js'
import {DEFAULT_CODE_PATTERN} from '../io/values.js'
import {StagedRows} from '../io/staging.js'
import {checkWorkbookLimits} from '../io/xlsx-limits.js'
import type {Locale} from '../i18n/index.js'
import {insertRows} from '../store/bulk.js'
import type {Database, Store, WriteContext} from '../store/index.js'
import {rehearse} from '../store/rehearse.js'
import {fileRequestIn} from '../workflow/index.js'
import {
  column,
  contentHash,
  currentContent,
  decidedStatus,
  displayName,
  eventsOf,
  itemsLayout,
  packRow,
  packRows,
  type PartKey,
  PARTS,
  sheetOf,
  type StatusEvent,
  statusOn,
  unpackRow,
} from './index.js'
// eslint-disable-next-line import-x/no-cycle -- import and lifecycle call each other only at run time, never while loading; to untangle later
import {earliestFor, fileLifecycleIn, waitingRequest} from './lifecycle.js'

export interface ItemImportOptions {
  dryRun?: boolean
  encoding?: Encoding
  locale?: Locale
  /** Write the clerk's workbook back, each problem marked on its cell, plus a summary sheet. */
  report?: string
  /** The file is the whole list of its 实施主体: their items not in it are removed (open ones by a terminate request). */
  replace?: boolean
  /** More than REMOVAL_LIMIT removals were confirmed (--yes, or yes at the prompt). */
  confirmed?: boolean
  /** Refuse the import (ITEM-4, exit 5) instead of filing requests when it would change or remove an open item. */
  refuseOpen?: boolean
  /** The date the filed requests take effect (default: the earliest the ITEM-4 notice allows). */
  effective?: string
  /** The reason given in the filed requests and their announcements. */
  reason?: string
}

/** A lifecycle request an import filed (or, in a dry run, would file; or found already filed) for an open item. */
export interface ImportRequest {
  id: number | null
  action: 'change' | 'terminate'
  code: string
  name: string
  effective: string | null
  /** change: the 基本信息 elements proposed, by header; the parts (办理流程, 申请材料) replaced. */
  set?: Record<string, string>
  parts?: string[]
}

export interface ItemImportResult {
  files: string[]
  dryRun: boolean
  /** The version recorded; null when nothing in the list changed directly (or a dry run). */
  version: number | null
  /** Nothing changed and no request filed: the file is the list as it stands. */
  unchanged: boolean
  items: number
  steps: number
  materials: number
  added: number
  changed: number
  removed: number
  /** Items of the file that are as the list has them. */
  same: number
  /** The 实施主体 of the file. */
  bodies: string[]
  /** Whether the file replaced its bodies' whole lists (--replace). */
  replace: boolean
  /** Items of the file's bodies that the file does not list, kept because it is not a --replace. */
  kept: number
  /** ITEM-4: the change and terminate requests filed for open items (which stay as they are until approved). */
  requests: ImportRequest[]
  /** Requests for the same proposal filed by an earlier import and still waiting: not filed again. */
  awaiting: ImportRequest[]
  /** Open items already scheduled to terminate (an approved request): the file neither changes nor removes them. */
  terminating: string[]
  encodings: Record<string, string>
  /** The ITEM-5 clock a change starts: the library-update request and its due date. */
  clock: {requestId: number; dueOn: string | null} | null
  report: {file: string; marked: number} | null
  /** What the reader passed over without refusing: footer rows skipped, columns ignored (序号, 备注). */
  notes: FormNote[]
}

/** Removing more items than this at once needs a confirmation: a yes on a terminal, or --yes. */
export const REMOVAL_LIMIT = 3

/** The item-code pattern: `egov config set items.code-pattern REGEX`, else the national forms. */
export async function codePattern(db: Kysely<Database>): Promise<RegExp> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', CODE_PATTERN_SETTING).executeTakeFirst()
  return row ? new RegExp(row.value) : DEFAULT_CODE_PATTERN
}

/** What an import found, committed or rolled back (the file had problems, or this was a dry run): its problems and the sheets they are on. */
interface Outcome {
  problems: LocatedProblem[]
  sheets: FoundSheet[]
}

const BATCH = 500
/** Rows of 基本信息 written per statement: few statements to prepare, within SQLite's 32,766 parameters. */
const WRITE_BATCH = 3000
const REVISION_COLUMNS = ['code', 'body', 'type', 'name', 'version_from', 'version_to', 'hash', 'content'] as const
const PART_COLUMNS = ['code', 'part', 'version_from', 'version_to', 'hash', 'content'] as const

/**
 * An item the public can see, now or by an approved change: open or paused today, or
 * scheduled to be (ITEM-4). Its elements change, and it leaves the list, only by a
 * lifecycle request a second person approves; pending and terminated items change directly.
 */
function isPublic(events: StatusEvent[] | undefined, today: string): boolean {
  if (!events?.length) return false
  const now = statusOn(events, today).status
  if (now === 'terminated') return false
  return now === 'open' || now === 'paused' || events.some((e) => e.effective > today && (e.status === 'open' || e.status === 'paused'))
}

/**
 * Imports a service-item list: a workbook of the three sheets, or CSV files one sheet each.
 *
 * The file is read and every cell and rule checked before the write lock is taken (issue
 * 20): every problem is reported, located, and a file with problems never takes the lock.
 * The 基本信息 rows are staged on disk as they are read, so a 100,000-item list never sits
 * in memory; 办理流程 and 申请材料 rows are gathered per item. Then, in one write
 * transaction, each staged row is compared with the item's current revision (by hash) and,
 * when new or changed, written in batches; --dry-run rolls the whole transaction back.
 *
 * A valid file is a proposal against the current list. Items not yet open are added and
 * changed directly; an open (or scheduled) item's change files an ITEM-4 change request,
 * announced 3 working days ahead and approved by a second person, and the item
 * stays as it is until then (or, with refuseOpen, the import is refused). Items of the
 * file's 实施主体 that it does not list stay, unless it replaces their whole list
 * (replace): then pending ones are removed and open ones get a terminate request; more
 * than REMOVAL_LIMIT removals need confirming. A sheet the file does not have (a CSV of
 * the basic sheet alone) leaves those parts as they are. What changes the list directly
 * becomes a new version and starts the ITEM-5 clock; a file that changes nothing records
 * no version.
 */
export async function importList(store: Store, files: string[], options: ItemImportOptions = {}): Promise<ItemImportResult> {
  // The copy's folder is there before the file is read (exit 2 naming it); a file already at --report is replaced.
  if (options.report) checkOutput(options.report, {field: 'report', force: true})
  // Before the write lock, and before exceljs: a truncated or damaged zip, a zip bomb, a shared-strings
  // bomb (and for --report, which copies the workbook whole, merges past the limits) is exit 2 (issue 20).
  for (const f of files) if (extname(f).toLowerCase() === '.xlsx') await checkWorkbookLimits(f, {field: 'FILE', kind: options.report ? 'list' : 'stream'})
  const pattern = await codePattern(store.db)
  const area = await areaCode(store.db)
  const label = files.map((f) => basename(f)).join(', ')
  const sha256 = await hashFile(files)
  const layout = itemsLayout()
  const codeAt = column('basic', 'code')
  const bodyAt = column('basic', 'body')
  const typeAt = column('basic', 'type')
  const effectiveGiven = options.effective === undefined ? undefined : parseIsoDate(options.effective, 'effective')
  const reason = options.reason?.trim() || `依据更新后的事项清单（${label}）`
  const result: ItemImportResult = {
    files,
    dryRun: Boolean(options.dryRun),
    version: null,
    unchanged: false,
    items: 0,
    steps: 0,
    materials: 0,
    added: 0,
    changed: 0,
    removed: 0,
    same: 0,
    bodies: [],
    replace: Boolean(options.replace),
    kept: 0,
    requests: [],
    awaiting: [],
    terminating: [],
    encodings: {},
    clock: null,
    report: null,
    notes: [],
  }
  let outcome: Outcome | undefined
  /**
   * --report: the clerk's workbook back, annotated. For an import that commits, this is the
   * transaction's last step on purpose (issue 20): the copy is on disk before anything is
   * committed, and a copy that cannot be written (a missing folder, a full disk) rolls the
   * import back, so the command's exit code never disagrees with what was recorded. It holds
   * the write lock for as long as the copy takes, which is short beside reading the file.
   */
  const report = async (o: Outcome) => {
    if (options.report) result.report = {file: options.report, marked: await writeReport(layout, files, o.sheets, o.problems, options.report, options.locale ?? 'en', result.notes)}
  }
  // Read and checked before the write lock (issue 20): the rows are staged on disk, not held,
  // and a file with problems never takes the lock. Under the lock only the staged rows are read back.
  const seen = new Set<string>()
  const bodies = new Set<string>()
  const parts: Record<PartKey, Map<string, string[]>> = {steps: new Map(), materials: new Map()}
  const staged = new StagedRows()
  let slow: Promise<void> | undefined
  try {
    const read = await readForm(files, layout, {
      encoding: options.encoding,
      locale: options.locale,
      codePattern: pattern,
      areaCode: area,
      defaultRule: 'ITEM-2',
      onRecord(sheet, _row, values) {
        if (sheet !== 'basic') {
          const into = parts[sheet as PartKey]
          const packed = packRow(values)
          const list = into.get(values[0])
          if (list) list.push(packed)
          else into.set(values[0], [packed])
          return
        }
        // A testing aid (EGOV_FAULT=items-slow-read): the list takes 4 s longer to read, to show other writers go on meanwhile.
        if (!staged.count && process.env.EGOV_FAULT === 'items-slow-read') slow = new Promise((resolve) => setTimeout(resolve, 4000))
        seen.add(values[codeAt])
        bodies.add(values[bodyAt])
        staged.add(values)
        return slow
      },
    })
    result.encodings = read.encodings
    result.notes = read.notes
    if (read.problems.length) outcome = {problems: read.problems, sheets: read.sheets}
    else if (!seen.size) throw new InvalidInput('items.import.noData', {file: label}, {field: 'FILE'})
    else await writeList(read.sheets)
  } finally {
    staged.remove()
  }

  if (store.dialect === 'postgres' && result.added + result.changed >= 1000) await refreshStatistics(store)
  // Problems or a dry run: nothing was committed, and the copy is written after the rollback.
  if (!result.report) await report(outcome!)
  if (outcome!.problems.length) {
    const details = {problems: outcome!.problems, ...(result.notes.length ? {notes: result.notes} : {}), ...(result.report ? {report: result.report} : {})}
    throw new InvalidInput('form.invalid', {file: label, count: outcome!.problems.length}, {field: 'FILE', details})
  }
  return result

  async function writeList(sheets: FoundSheet[]): Promise<void> {
    // A dry run: undo() rolls the transaction back with what was found.
    const rehearsed = await rehearse<Outcome>(store, (ctx, undo) => importIn(ctx, {sheets}, undo))
    if (rehearsed.undone) outcome = rehearsed.value
  }

  /** The staged rows against the current list, under the write lock: compared, written, requests filed; a dry run is rolled back. */
  async function importIn(ctx: WriteContext, read: {sheets: FoundSheet[]}, undo: (outcome: Outcome) => never): Promise<void> {
    const dry = Boolean(options.dryRun)
    // code → hash of every current item, read in pages (a large list's rows are not all in memory at once).
    const current = new Map<string, string>()
    for (let after = ''; ;) {
      const page = await ctx.db.selectFrom('item_revisions').select(['code', 'hash']).where('version_to', 'is', null).where('code', '>', after).orderBy('code').limit(20_000).execute()
      for (const r of page) current.set(r.code, r.hash)
      if (page.length < 20_000) break
      after = page.at(-1)!.code
    }
    const events = await eventsOf(ctx.db)
    const open = new Set([...events.keys()].filter((code) => current.has(code) && isPublic(events.get(code), ctx.today)))
    const version = dry ? 0 : await newVersion(ctx, {source: label, sha256, origin: 'import', bodies: [], items: 0, added: 0, changed: 0, removed: 0})
    const changed = new Set<string>()
    /** Open items whose proposed 基本信息 row differs, and their proposed parts: filed as change requests. */
    const proposed = new Map<string, {basic?: string[]; parts: Partial<Record<PartKey, string[][]>>}>()
    const propose = (code: string) => {
      let p = proposed.get(code)
      if (!p) proposed.set(code, (p = {parts: {}}))
      return p
    }
    const closing: string[] = []
    const pending: unknown[][] = []
    const flush = async () => {
      if (!pending.length || dry) {
        pending.length = 0
        closing.length = 0
        return
      }
      // A changed item's revision ends before its new one begins: one current revision per code.
      if (closing.length) await closeRevisions(ctx, closing.splice(0), version)
      await insertRows(ctx, 'item_revisions', REVISION_COLUMNS, pending.splice(0))
    }

    // Each 基本信息 row is compared with the item's current revision (by hash) and, when new or changed, written in batches.
    for await (const values of staged.rows()) {
      const code = values[codeAt]
      const content = packRow(values)
      const hash = contentHash(content)
      const before = current.get(code)
      if (before === hash) continue
      if (!before) result.added++
      else if (open.has(code)) {
        // ITEM-4: an open item's elements change by an approved request, not by the file.
        propose(code).basic = [...values]
        continue
      } else {
        changed.add(code)
        closing.push(code)
      }
      pending.push([code, values[bodyAt], values[typeAt], displayName(values), version, null, hash, content])
      if (pending.length >= WRITE_BATCH) await flush()
    }
    await flush()
    result.items = seen.size
    result.bodies = [...bodies].sort()

    // Items of the file's bodies that the file does not list: removed only when it replaces their whole list.
    const missing: string[] = []
    const ofBodies = [...bodies]
    for (let i = 0; i < ofBodies.length; i += BATCH) {
      const rows = await ctx.db
        .selectFrom('item_revisions')
        .select('code')
        .where('version_to', 'is', null)
        .where('body', 'in', ofBodies.slice(i, i + BATCH))
        .execute()
      for (const r of rows) if (!seen.has(r.code)) missing.push(r.code)
    }
    missing.sort()
    const removed = options.replace ? missing.filter((c) => !open.has(c)) : []
    const terminating = options.replace ? missing.filter((c) => open.has(c) && decidedStatus(events.get(c))?.status !== 'terminated') : []
    if (options.replace) result.terminating.push(...missing.filter((c) => open.has(c) && decidedStatus(events.get(c))?.status === 'terminated'))
    result.kept = options.replace ? 0 : missing.length
    result.removed = removed.length
    if (!dry && removed.length + terminating.length > REMOVAL_LIMIT && !options.confirmed) {
      throw new InvalidInput(
        'items.import.confirmRemovals',
        {count: removed.length + terminating.length, limit: REMOVAL_LIMIT, file: label, bodies: result.bodies.join('、')},
        {field: 'yes', details: {removing: [...removed, ...terminating]}},
      )
    }
    if (!dry) await closeRevisions(ctx, removed, version)

    // Steps and materials: a sheet the file has replaces those of its items; a sheet it lacks leaves them be.
    const present = new Set(read.sheets.map((f) => f.key))
    const recorded = [...seen].filter((c) => current.has(c))
    for (const part of PARTS) {
      result[part] = [...parts[part].values()].reduce((n, rows) => n + rows.length, 0)
      const close: string[] = [...removed]
      const add: unknown[][] = []
      if (present.has(part)) {
        const now = new Map<string, string>()
        for (let i = 0; i < recorded.length; i += BATCH) {
          const rows = await ctx.db
            .selectFrom('item_parts')
            .select(['code', 'hash'])
            .where('part', '=', part)
            .where('version_to', 'is', null)
            .where('code', 'in', recorded.slice(i, i + BATCH))
            .execute()
          for (const r of rows) now.set(r.code, r.hash)
        }
        for (const code of seen) {
          const rows = parts[part].get(code)
          const content = rows ? packRows(rows) : ''
          const hash = rows ? contentHash(content) : ''
          const before = now.get(code)
          if (before === hash || (!rows && before === undefined)) continue
          if (open.has(code)) {
            propose(code).parts[part] = (rows ?? []).map(unpackRow)
            continue
          }
          if (current.has(code)) changed.add(code)
          if (before !== undefined) close.push(code)
          if (rows) add.push([code, part, version, null, hash, content])
        }
      }
      if (dry) continue
      for (let i = 0; i < close.length; i += BATCH) {
        await ctx.db
          .updateTable('item_parts')
          .set({version_to: version})
          .where('part', '=', part)
          .where('version_to', 'is', null)
          .where('code', 'in', close.slice(i, i + BATCH))
          .execute()
      }
      await insertRows(ctx, 'item_parts', PART_COLUMNS, add)
    }
    result.changed = changed.size
    result.same = result.items - result.added - result.changed - proposed.size

    // ITEM-4: open items change or leave the list by a request, announced ahead and approved by a second person.
    const asked = [...proposed.keys()].sort()
    const refused = [...asked.filter((c) => decidedStatus(events.get(c))?.status !== 'terminated'), ...terminating]
    if (options.refuseOpen && refused.length > 0) {
      const codes = refused
      throw new RuleRefused('ITEM-4', 'items.import.refuseOpen', {count: codes.length, codes: codes.join(', ')}, {field: 'FILE', details: {items: codes}})
    }
    const file = async (code: string, action: 'change' | 'terminate', proposal: string, change?: {set: Record<string, string>; parts: Partial<Record<PartKey, string[][]>>}) => {
      const item = await currentContent(ctx.db, code)
      const entry: ImportRequest = {
        id: null,
        action,
        code,
        name: item.name,
        effective: null,
        ...(change ? {set: change.set, parts: Object.keys(change.parts).map((k) => sheetOf(k as PartKey).name)} : {}),
      }
      const waiting = await waitingRequest(ctx, code)
      if (waiting && waiting.payload.action === action && waiting.payload.proposal === proposal) {
        result.awaiting.push({...entry, id: waiting.id, effective: waiting.payload.effective})
        return
      }
      const {earliest, from} = await earliestFor(ctx, code)
      const effective = effectiveGiven ?? (from && from > earliest ? from : earliest)
      if (dry) {
        result.requests.push({...entry, effective})
        return
      }
      const {request} = await fileLifecycleIn(ctx, {action, code, effective, reason, source: label, proposal, ahead: true, ...(change ? {set: change.set, parts: change.parts} : {})})
      result.requests.push({...entry, id: request.id, effective})
    }
    for (const code of asked) {
      const p = proposed.get(code)!
      // An item already scheduled to terminate keeps its elements until then: nothing to change.
      if (decidedStatus(events.get(code))?.status === 'terminated') {
        result.terminating.push(code)
        continue
      }
      const item = await currentContent(ctx.db, code)
      const set: Record<string, string> = {}
      if (p.basic)
        sheetOf('basic').columns.forEach((c, i) => {
          if ((item.content.basic[i] ?? '') !== (p.basic![i] ?? '')) set[c.header] = p.basic![i] ?? ''
        })
      const whole = [packRow(p.basic ?? item.content.basic), ...PARTS.map((k) => (p.parts[k] ? packRows(p.parts[k].map(packRow)) : '-'))]
      await file(code, 'change', contentHash(packRows(whole)), {set, parts: p.parts})
    }
    for (const code of terminating) await file(code, 'terminate', 'terminate')
    result.unchanged = result.added + result.changed + result.removed + result.requests.length === 0
    if (dry) undo({problems: [], sheets: read.sheets})
    outcome = {problems: [], sheets: read.sheets}

    if (result.added + result.changed + result.removed === 0) {
      // Nothing in the list changed directly: no version (requests, if any, carry the change).
      await ctx.db.deleteFrom('item_versions').where('id', '=', version).execute()
      if (result.requests.length) {
        await appendAudit(ctx, {
          action: 'items.import',
          entityType: 'item-list',
          entityId: label,
          after: {source: label, sha256, bodies: result.bodies, items: result.items, requests: result.requests.map((r) => r.id)},
        })
      }
      await report(outcome)
      return
    }
    result.version = version
    await ctx.db
      .updateTable('item_versions')
      .set({bodies: JSON.stringify(result.bodies), items: result.items, added: result.added, changed: result.changed, removed: result.removed})
      .where('id', '=', version)
      .execute()
    result.clock = await startClock(ctx, version, {source: label, bodies: result.bodies, added: result.added, changed: result.changed, removed: result.removed})
    await appendAudit(ctx, {
      action: 'items.import',
      entityType: 'item-list',
      entityId: version,
      after: {
        source: label,
        sha256,
        bodies: result.bodies,
        items: result.items,
        added: result.added,
        changed: result.changed,
        removed: result.removed,
        ...(result.requests.length ? {requests: result.requests.map((r) => r.id)} : {}),
      },
    })
    await report(outcome)
  }
}

/**
 * After a bulk load PostgreSQL still plans with the empty table's statistics and reads the
 * current list by scanning and sorting it for every page (45 ms a page at 100,000 items,
 * against 1 ms by the index). Autovacuum would catch up in a while; an export right after
 * an import should not wait for it. A login that does not own the tables is told so by a
 * notice, not an error: the import has already succeeded.
 */
async function refreshStatistics(store: Store): Promise<void> {
  await sql`analyze item_revisions, item_parts`.execute(store.db).catch(() => undefined)
}

export async function newVersion(
  ctx: WriteContext,
  v: {source: string; sha256: string; origin: 'import' | 'change'; bodies: string[]; items: number; added: number; changed: number; removed: number},
): Promise<number> {
  // Numbered here, under the write lock, not by a sequence: a refused import (rolled back) leaves no gap on PostgreSQL.
  const last = await ctx.db
    .selectFrom('item_versions')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst()
  const row = await ctx.db
    .insertInto('item_versions')
    .values({
      id: Number(last?.id ?? 0) + 1,
      created_at: ctx.at,
      created_by: ctx.actor,
      source: v.source,
      sha256: v.sha256,
      origin: v.origin,
      bodies: JSON.stringify(v.bodies),
      items: v.items,
      added: v.added,
      changed: v.changed,
      removed: v.removed,
      request_id: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return Number(row.id)
}

/** Ends the current revision of these items (basic rows, and their parts when removing). */
export async function closeRevisions(ctx: WriteContext, codes: string[], version: number): Promise<void> {
  for (let i = 0; i < codes.length; i += BATCH) {
    await ctx.db
      .updateTable('item_revisions')
      .set({version_to: version})
      .where('version_to', 'is', null)
      .where('code', 'in', codes.slice(i, i + BATCH))
      .execute()
  }
}

/**
 * ITEM-5: once an upstream list changes, the item library is updated within 10 working
 * days. The change files an item-update request whose due date is that deadline; it shows
 * in `egov requests list --overdue` when missed, and a second person approves it when done.
 */
export async function startClock(
  ctx: WriteContext,
  version: number,
  change: {source: string; bodies: string[]; added: number; changed: number; removed: number},
): Promise<{requestId: number; dueOn: string | null}> {
  const unit = change.bodies.length > 3 ? `${change.bodies.slice(0, 3).join('、')}等` : change.bodies.join('、')
  const {request} = await fileRequestIn(ctx, {kind: 'item-update', applicantUnit: unit, payload: {version, ...change}})
  await ctx.db.updateTable('item_versions').set({request_id: request.id}).where('id', '=', version).execute()
  return {requestId: request.id, dueOn: request.dueOn}
}
