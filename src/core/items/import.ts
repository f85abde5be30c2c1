import {createHash} from 'node:crypto'
import {readFileSync} from 'node:fs'
import {basename} from 'node:path'

import type {Kysely} from '#kysely'

import {appendAudit} from '../audit/index.js'
import {InvalidInput} from '../errors.js'
import {type FoundSheet, type LocatedProblem, readForm} from '../io/form-reader.js'
import {writeReport} from '../io/form-report.js'
import type {Encoding} from '../io/tables.js'
import {DEFAULT_CODE_PATTERN} from '../io/values.js'
import type {Locale} from '../i18n/index.js'
import type {Database, Store, WriteContext} from '../store/index.js'
import {fileRequestIn} from '../workflow/index.js'
import {column, displayName, type ItemContent, itemsLayout} from './index.js'

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
}

/** The item-code pattern: `egov config set items.code-pattern REGEX`, else the national forms. */
export async function codePattern(db: Kysely<Database>): Promise<RegExp> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', CODE_PATTERN_KEY).executeTakeFirst()
  return row ? new RegExp(row.value) : DEFAULT_CODE_PATTERN
}

export const CODE_PATTERN_KEY = 'items.code-pattern'

const SEP = '\u001f'

/** What a list file holds, once read and checked: rows packed one string each (a large list is held once, compactly). */
interface ReadList {
  basic: string[]
  steps: Map<string, string[]>
  materials: Map<string, string[]>
  stepCount: number
  materialCount: number
  problems: LocatedProblem[]
  sheets: FoundSheet[]
  encodings: Record<string, string>
}

async function readList(files: string[], options: ItemImportOptions, pattern: RegExp): Promise<ReadList> {
  const basic: string[] = []
  const steps = new Map<string, string[]>()
  const materials = new Map<string, string[]>()
  let stepCount = 0
  let materialCount = 0
  const {problems, sheets, encodings} = await readForm(files, itemsLayout(), {
    encoding: options.encoding,
    locale: options.locale,
    codePattern: pattern,
    defaultRule: 'ITEM-2',
    onRecord(sheet, _row, values) {
      // Joining makes one flat string per row: no per-cell objects, no slices pinning the reader's buffers.
      const packed = values.join(SEP)
      if (sheet === 'basic') {
        basic.push(packed)
      } else {
        const into = sheet === 'steps' ? steps : materials
        const list = into.get(values[0])
        if (list) list.push(packed)
        else into.set(values[0], [packed])
        if (sheet === 'steps') stepCount++
        else materialCount++
      }
    },
  })
  return {basic, steps, materials, stepCount, materialCount, problems, sheets, encodings}
}

function contentOf(packed: string, steps: Map<string, string[]>, materials: Map<string, string[]>, codeAt: number): ItemContent {
  const basic = packed.split(SEP)
  const code = basic[codeAt]
  return {basic, steps: (steps.get(code) ?? []).map((s) => s.split(SEP)), materials: (materials.get(code) ?? []).map((m) => m.split(SEP))}
}

export function hashContent(json: string): string {
  return createHash('sha256').update(json).digest('hex')
}

class DryRunDone extends Error {}

const BATCH = 400

/**
 * Imports a service-item list: a workbook of the three sheets, or CSV files one sheet each.
 * Every cell and rule is checked and every problem reported, located; nothing is written
 * unless the whole file is valid. A valid file becomes a new version of the list: its
 * 实施主体's items are replaced by the file's (added, changed, removed), other bodies' items
 * stay. A version that changes anything starts the ITEM-5 clock.
 */
export async function importList(store: Store, files: string[], options: ItemImportOptions = {}): Promise<ItemImportResult> {
  const pattern = await codePattern(store.db)
  const list = await readList(files, options, pattern)
  const label = files.map((f) => basename(f)).join(', ')
  let report: ItemImportResult['report'] = null
  if (options.report) report = {file: options.report, marked: await writeReport(itemsLayout(), files, list.sheets, list.problems, options.report, options.locale ?? 'en')}
  if (list.problems.length) {
    throw new InvalidInput('form.invalid', {file: label, count: list.problems.length}, {field: 'FILE', details: {problems: list.problems, ...(report ? {report} : {})}})
  }
  if (!list.basic.length) throw new InvalidInput('items.import.noData', {file: label}, {field: 'FILE'})

  const codeAt = column('basic', 'code')
  const bodyAt = column('basic', 'body')
  const typeAt = column('basic', 'type')
  const bodies = [...new Set(list.basic.map((p) => p.split(SEP, bodyAt + 1)[bodyAt]))].sort()
  const sha256 = sha256Hex(files)

  const result: ItemImportResult = {
    files,
    dryRun: Boolean(options.dryRun),
    version: null,
    items: list.basic.length,
    steps: list.stepCount,
    materials: list.materialCount,
    added: 0,
    changed: 0,
    removed: 0,
    unchanged: 0,
    bodies,
    encodings: list.encodings,
    clock: null,
    report,
  }
  try {
    await store.write(async (ctx) => {
      const current = new Map<string, {hash: string; body: string}>()
      for (const r of await ctx.db.selectFrom('item_revisions').select(['code', 'hash', 'body']).where('version_to', 'is', null).execute()) current.set(r.code, {hash: r.hash, body: r.body})
      // A file without the 办理流程 or 申请材料 sheet (a CSV of the basic sheet) keeps each item's steps or materials as they are.
      const present = new Set(list.sheets.map((f) => f.key))
      if (!present.has('steps') || !present.has('materials')) {
        const codes = list.basic.map((p) => p.split(SEP, codeAt + 1)[codeAt]).filter((c) => current.has(c))
        for (let i = 0; i < codes.length; i += BATCH) {
          for (const r of await ctx.db.selectFrom('item_revisions').select(['code', 'content']).where('version_to', 'is', null).where('code', 'in', codes.slice(i, i + BATCH)).execute()) {
            const kept = JSON.parse(r.content) as ItemContent
            if (!present.has('steps') && kept.steps.length) list.steps.set(r.code, kept.steps.map((v) => v.join(SEP)))
            if (!present.has('materials') && kept.materials.length) list.materials.set(r.code, kept.materials.map((v) => v.join(SEP)))
          }
        }
      }
      const inFile = new Set<string>()
      const toWrite: Array<{index: number; hash: string}> = []
      const closing: string[] = []
      list.basic.forEach((packed, index) => {
        const content = contentOf(packed, list.steps, list.materials, codeAt)
        const code = content.basic[codeAt]
        inFile.add(code)
        const hash = hashContent(JSON.stringify(content))
        const before = current.get(code)
        if (!before) {
          result.added++
          toWrite.push({index, hash})
        } else if (before.hash !== hash) {
          result.changed++
          toWrite.push({index, hash})
          closing.push(code)
        } else {
          result.unchanged++
        }
      })
      const bodySet = new Set(bodies)
      for (const [code, r] of current) {
        if (!inFile.has(code) && bodySet.has(r.body)) {
          result.removed++
          closing.push(code)
        }
      }
      if (options.dryRun) throw new DryRunDone()

      const version = await newVersion(ctx, {source: label, sha256, origin: 'import', bodies, items: result.items, added: result.added, changed: result.changed, removed: result.removed})
      result.version = version
      await closeRevisions(ctx, closing, version)
      for (let i = 0; i < toWrite.length; i += BATCH) {
        const rows = toWrite.slice(i, i + BATCH).map(({index, hash}) => {
          const content = contentOf(list.basic[index], list.steps, list.materials, codeAt)
          return {code: content.basic[codeAt], body: content.basic[bodyAt], type: content.basic[typeAt], name: displayName(content.basic), version_from: version, version_to: null, hash, content: JSON.stringify(content)}
        })
        await ctx.db.insertInto('item_revisions').values(rows).execute()
      }
      if (result.added + result.changed + result.removed > 0) result.clock = await startClock(ctx, version, {source: label, bodies, added: result.added, changed: result.changed, removed: result.removed})
      await appendAudit(ctx, {
        action: 'items.import',
        entityType: 'item-list',
        entityId: version,
        after: {source: label, sha256, bodies, items: result.items, added: result.added, changed: result.changed, removed: result.removed},
      })
    })
  } catch (error) {
    if (!(error instanceof DryRunDone)) throw error
  }
  return result
}

function sha256Hex(files: string[]): string {
  const h = createHash('sha256')
  for (const f of files) h.update(readFileSync(f))
  return h.digest('hex')
}

export async function newVersion(
  ctx: WriteContext,
  v: {source: string; sha256: string; origin: 'import' | 'change'; bodies: string[]; items: number; added: number; changed: number; removed: number},
): Promise<number> {
  const row = await ctx.db
    .insertInto('item_versions')
    .values({created_at: ctx.at, created_by: ctx.actor, source: v.source, sha256: v.sha256, origin: v.origin, bodies: JSON.stringify(v.bodies), items: v.items, added: v.added, changed: v.changed, removed: v.removed, request_id: null})
    .returning('id')
    .executeTakeFirstOrThrow()
  return Number(row.id)
}

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
