import {createHash} from 'node:crypto'
import {readFileSync} from 'node:fs'
import {basename} from 'node:path'

import {type Kysely, sql} from '#kysely'

import {appendAudit} from '../audit/index.js'
import {areaCode, CODE_PATTERN_SETTING} from '../config/index.js'
import {InvalidInput} from '../errors.js'
import {type FormNote, type LocatedProblem, readForm, type FoundSheet} from '../io/form-reader.js'
import {writeReport} from '../io/form-report.js'
import type {Encoding} from '../io/tables.js'
import {DEFAULT_CODE_PATTERN} from '../io/values.js'
import type {Locale} from '../i18n/index.js'
import {insertRows} from '../store/bulk.js'
import type {Database, Store, WriteContext} from '../store/index.js'
import {fileRequestIn} from '../workflow/index.js'
import {column, contentHash, displayName, itemsLayout, packRow, packRows, type PartKey, PARTS} from './index.js'

export interface ItemImportOptions {
  dryRun?: boolean
  encoding?: Encoding
  locale?: Locale
  /** Write the clerk's workbook back, each problem marked on its cell, plus a summary sheet. */
  report?: string
}

export interface ItemImportResult {
  files: string[]
  dryRun: boolean
  version: number | null
  items: number
  steps: number
  materials: number
  added: number
  changed: number
  removed: number
  unchanged: number
  /** The 实施主体 whose lists this import replaced: their items not in the file are removed. */
  bodies: string[]
  encodings: Record<string, string>
  /** The ITEM-5 clock a change starts: the library-update request and its due date. */
  clock: {requestId: number; dueOn: string | null} | null
  report: {file: string; marked: number} | null
  /** What the reader passed over without refusing: footer rows skipped, columns ignored (序号, 备注). */
  notes: FormNote[]
}

/** The item-code pattern: `egov config set items.code-pattern REGEX`, else the national forms. */
export async function codePattern(db: Kysely<Database>): Promise<RegExp> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', CODE_PATTERN_SETTING).executeTakeFirst()
  return row ? new RegExp(row.value) : DEFAULT_CODE_PATTERN
}

/** Raised inside the transaction to undo it: the file had problems, or this was a dry run. */
class Undo extends Error {
  constructor(readonly problems: LocatedProblem[], readonly sheets: FoundSheet[]) {
    super('undo')
  }
}

const BATCH = 500
/** Rows of 基本信息 written per statement: few statements to prepare, within SQLite's 32,766 parameters. */
const WRITE_BATCH = 3000
const REVISION_COLUMNS = ['code', 'body', 'type', 'name', 'version_from', 'version_to', 'hash', 'content'] as const
const PART_COLUMNS = ['code', 'part', 'version_from', 'version_to', 'hash', 'content'] as const

/**
 * Imports a service-item list: a workbook of the three sheets, or CSV files one sheet each.
 *
 * The file is read row by row inside one write transaction. Each valid 基本信息 row is
 * compared with the item's current revision (by hash) and, when new or changed, written
 * as it is read, so a 100,000-item list never sits in memory; 办理流程 and 申请材料 rows are
 * gathered per item and written at the end. Every cell and rule is checked and every
 * problem reported, located; any problem (or --dry-run) rolls the whole transaction back,
 * so nothing is written unless the whole file is valid.
 *
 * A valid file becomes a new version: the items of its 实施主体 are replaced by the file's
 * (added, changed, removed), other bodies' items stay; a sheet the file does not have
 * (a CSV of the basic sheet alone) leaves those parts as they are. A version that changes
 * anything starts the ITEM-5 clock.
 */
export async function importList(store: Store, files: string[], options: ItemImportOptions = {}): Promise<ItemImportResult> {
  const pattern = await codePattern(store.db)
  const area = await areaCode(store.db)
  const label = files.map((f) => basename(f)).join(', ')
  const sha256 = sha256Of(files)
  const layout = itemsLayout()
  const codeAt = column('basic', 'code')
  const bodyAt = column('basic', 'body')
  const typeAt = column('basic', 'type')
  const result: ItemImportResult = {
    files,
    dryRun: Boolean(options.dryRun),
    version: null,
    items: 0,
    steps: 0,
    materials: 0,
    added: 0,
    changed: 0,
    removed: 0,
    unchanged: 0,
    bodies: [],
    encodings: {},
    clock: null,
    report: null,
    notes: [],
  }
  let outcome: {problems: LocatedProblem[]; sheets: FoundSheet[]} | undefined
  try {
    await store.write(async (ctx) => {
      const dry = Boolean(options.dryRun)
      // code → hash of every current item, read in pages (a large list's rows are not all in memory at once).
      const current = new Map<string, string>()
      for (let after = ''; ; ) {
        const page = await ctx.db.selectFrom('item_revisions').select(['code', 'hash']).where('version_to', 'is', null).where('code', '>', after).orderBy('code').limit(20_000).execute()
        for (const r of page) current.set(r.code, r.hash)
        if (page.length < 20_000) break
        after = page.at(-1)!.code
      }
      const version = dry ? 0 : await newVersion(ctx, {source: label, sha256, origin: 'import', bodies: [], items: 0, added: 0, changed: 0, removed: 0})
      const seen = new Set<string>()
      const bodies = new Set<string>()
      const changed = new Set<string>()
      const closing: string[] = []
      const pending: unknown[][] = []
      const parts: Record<PartKey, Map<string, string[]>> = {steps: new Map(), materials: new Map()}
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
          const code = values[codeAt]
          seen.add(code)
          bodies.add(values[bodyAt])
          const content = packRow(values)
          const hash = contentHash(content)
          const before = current.get(code)
          if (before === hash) return
          if (!before) result.added++
          else {
            changed.add(code)
            closing.push(code)
          }
          pending.push([code, values[bodyAt], values[typeAt], displayName(values), version, null, hash, content])
          if (pending.length >= WRITE_BATCH) return flush()
        },
      })
      result.encodings = read.encodings
      result.notes = read.notes
      if (read.problems.length) throw new Undo(read.problems, read.sheets)
      if (!seen.size) throw new InvalidInput('items.import.noData', {file: label}, {field: 'FILE'})
      await flush()
      result.items = seen.size
      result.bodies = [...bodies].sort()

      // Items of the file's bodies that the file no longer lists are removed.
      const removed: string[] = []
      const ofBodies = [...bodies]
      for (let i = 0; i < ofBodies.length; i += BATCH) {
        const rows = await ctx.db.selectFrom('item_revisions').select('code').where('version_to', 'is', null).where('body', 'in', ofBodies.slice(i, i + BATCH)).execute()
        for (const r of rows) if (!seen.has(r.code)) removed.push(r.code)
      }
      result.removed = removed.length
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
            const rows = await ctx.db.selectFrom('item_parts').select(['code', 'hash']).where('part', '=', part).where('version_to', 'is', null).where('code', 'in', recorded.slice(i, i + BATCH)).execute()
            for (const r of rows) now.set(r.code, r.hash)
          }
          for (const code of seen) {
            const rows = parts[part].get(code)
            const content = rows ? packRows(rows) : ''
            const hash = rows ? contentHash(content) : ''
            const before = now.get(code)
            if (before === hash || (!rows && before === undefined)) continue
            if (current.has(code)) changed.add(code)
            if (before !== undefined) close.push(code)
            if (rows) add.push([code, part, version, null, hash, content])
          }
        }
        if (dry) continue
        for (let i = 0; i < close.length; i += BATCH) {
          await ctx.db.updateTable('item_parts').set({version_to: version}).where('part', '=', part).where('version_to', 'is', null).where('code', 'in', close.slice(i, i + BATCH)).execute()
        }
        await insertRows(ctx, 'item_parts', PART_COLUMNS, add)
      }
      result.changed = changed.size
      result.unchanged = result.items - result.added - result.changed
      if (dry) throw new Undo([], read.sheets)

      result.version = version
      await ctx.db
        .updateTable('item_versions')
        .set({bodies: JSON.stringify(result.bodies), items: result.items, added: result.added, changed: result.changed, removed: result.removed})
        .where('id', '=', version)
        .execute()
      if (result.added + result.changed + result.removed > 0) {
        result.clock = await startClock(ctx, version, {source: label, bodies: result.bodies, added: result.added, changed: result.changed, removed: result.removed})
      }
      await appendAudit(ctx, {
        action: 'items.import',
        entityType: 'item-list',
        entityId: version,
        after: {source: label, sha256, bodies: result.bodies, items: result.items, added: result.added, changed: result.changed, removed: result.removed},
      })
      outcome = {problems: [], sheets: read.sheets}
    })
  } catch (error) {
    if (!(error instanceof Undo)) throw error
    outcome = {problems: error.problems, sheets: error.sheets}
  }
  if (store.dialect === 'postgres' && result.added + result.changed >= 1000) await refreshStatistics(store)
  if (options.report) result.report = {file: options.report, marked: await writeReport(layout, files, outcome!.sheets, outcome!.problems, options.report, options.locale ?? 'en', result.notes)}
  if (outcome!.problems.length) {
    const details = {problems: outcome!.problems, ...(result.notes.length ? {notes: result.notes} : {}), ...(result.report ? {report: result.report} : {})}
    throw new InvalidInput('form.invalid', {file: label, count: outcome!.problems.length}, {field: 'FILE', details})
  }
  return result
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

function sha256Of(files: string[]): string {
  const h = createHash('sha256')
  for (const f of files) {
    try {
      h.update(readFileSync(f))
    } catch {
      // An unreadable file is reported, with its reason, by the reader.
    }
  }
  return h.digest('hex')
}

export async function newVersion(
  ctx: WriteContext,
  v: {source: string; sha256: string; origin: 'import' | 'change'; bodies: string[]; items: number; added: number; changed: number; removed: number},
): Promise<number> {
  // Numbered here, under the write lock, not by a sequence: a refused import (rolled back) leaves no gap on PostgreSQL.
  const last = await ctx.db.selectFrom('item_versions').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst()
  const row = await ctx.db
    .insertInto('item_versions')
    .values({id: Number(last?.id ?? 0) + 1, created_at: ctx.at, created_by: ctx.actor, source: v.source, sha256: v.sha256, origin: v.origin, bodies: JSON.stringify(v.bodies), items: v.items, added: v.added, changed: v.changed, removed: v.removed, request_id: null})
    .returning('id')
    .executeTakeFirstOrThrow()
  return Number(row.id)
}

/** Ends the current revision of these items (basic rows, and their parts when removing). */
export async function closeRevisions(ctx: WriteContext, codes: string[], version: number): Promise<void> {
  for (let i = 0; i < codes.length; i += BATCH) {
    await ctx.db.updateTable('item_revisions').set({version_to: version}).where('version_to', 'is', null).where('code', 'in', codes.slice(i, i + BATCH)).execute()
  }
}

/**
 * ITEM-5: once an upstream list changes, the item library is updated within 10 working
 * days. The change files an item-update request whose due date is that deadline; it shows
 * in `egov requests list --overdue` when missed, and a second person approves it when done.
 */
export async function startClock(ctx: WriteContext, version: number, change: {source: string; bodies: string[]; added: number; changed: number; removed: number}): Promise<{requestId: number; dueOn: string | null}> {
  const unit = change.bodies.length > 3 ? `${change.bodies.slice(0, 3).join('、')}等` : change.bodies.join('、')
  const {request} = await fileRequestIn(ctx, {kind: 'item-update', applicantUnit: unit, payload: {version, ...change}})
  await ctx.db.updateTable('item_versions').set({request_id: request.id}).where('id', '=', version).execute()
  return {requestId: request.id, dueOn: request.dueOn}
}
