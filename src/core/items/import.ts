import {createHash} from 'node:crypto'
import {basename, extname} from 'node:path'

import {sql} from '#kysely'

import {areaCode} from '../config/index.js'
import {parseIsoDate} from '../dates.js'
import {InvalidInput} from '../errors.js'
import {readForm, type ReadFormOptions} from '../io/form-reader.js'
import {writeReport} from '../io/form-report.js'
import {checkOutput} from '../io/output-file.js'
import {StagedRows} from '../io/staging.js'
import {checkWorkbookLimits} from '../io/xlsx-limits.js'
import type {Store} from '../store/index.js'
import {rehearse} from '../store/rehearse.js'
import {column, itemsLayout, packRow, type PartKey} from './model.js'
import {importIn} from './import-apply.js'
import type {ImportRun, ItemImportOptions, ItemImportResult, Outcome} from './import-model.js'
import {codePattern} from './versions.js'

export {REMOVAL_LIMIT} from './import-model.js'
export type {ImportRequest, ItemImportOptions, ItemImportResult} from './import-model.js'
export {closeRevisions, codePattern, newVersion, startClock} from './versions.js'

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
 *
 * The steps: the file read and its rows staged (readList); under the write lock, compared and
 * written (import-apply.ts), requests filed and the version recorded (import-requests.ts).
 */
export async function importList(store: Store, files: string[], options: ItemImportOptions = {}): Promise<ItemImportResult> {
  // The copy's folder is there before the file is read (exit 2 naming it); a file already at --report is replaced.
  if (options.report) checkOutput(options.report, {field: 'report', force: true})
  // Before the write lock, and before exceljs: a truncated or damaged zip, a zip bomb, a shared-strings
  // bomb (and for --report, which copies the workbook whole, merges past the limits) is exit 2 (issue 20).
  for (const f of files) if (extname(f).toLowerCase() === '.xlsx') await checkWorkbookLimits(f, {field: 'FILE', kind: options.report ? 'list' : 'stream'})
  const pattern = await codePattern(store.db)
  const area = await areaCode(store.db)
  const run = newRun(store, files, options)
  let outcome: Outcome
  try {
    outcome = await readList(run, {codePattern: pattern, areaCode: area})
  } finally {
    run.staged.remove()
  }
  const result = run.result
  if (store.dialect === 'postgres' && result.added + result.changed >= 1000) await refreshStatistics(store)
  // Problems or a dry run: nothing was committed, and the copy is written after the rollback.
  if (!result.report) await run.report(outcome)
  if (outcome.problems.length) {
    const details = {problems: outcome.problems, ...(result.notes.length ? {notes: result.notes} : {}), ...(result.report ? {report: result.report} : {})}
    throw new InvalidInput('form.invalid', {file: run.label, count: outcome.problems.length}, {field: 'FILE', details})
  }
  return result
}

function newRun(store: Store, files: string[], options: ItemImportOptions): ImportRun {
  const label = files.map((f) => basename(f)).join(', ')
  const layout = itemsLayout()
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
  return {
    store,
    files,
    options,
    label,
    sha256: '',
    effectiveGiven: options.effective === undefined ? undefined : parseIsoDate(options.effective, 'effective'),
    reason: options.reason?.trim() || `依据更新后的事项清单（${label}）`,
    result,
    seen: new Set(),
    bodies: new Set(),
    parts: {steps: new Map(), materials: new Map()},
    staged: new StagedRows(),
    /**
     * --report: the clerk's workbook back, annotated. For an import that commits, this is the
     * transaction's last step on purpose (issue 20): the copy is on disk before anything is
     * committed, and a copy that cannot be written (a missing folder, a full disk) rolls the
     * import back, so the command's exit code never disagrees with what was recorded. It holds
     * the write lock for as long as the copy takes, which is short beside reading the file.
     */
    async report(o) {
      if (options.report) result.report = {file: options.report, marked: await writeReport(layout, files, o.sheets, o.problems, options.report, options.locale ?? 'en', result.notes)}
    },
  }
}

/**
 * Read and checked before the write lock (issue 20): the rows are staged on disk, not held,
 * and a file with problems never takes the lock. Under the lock only the staged rows are read
 * back (importIn); a dry run is rolled back with what it found.
 */
async function readList(run: ImportRun, check: Pick<ReadFormOptions, 'codePattern' | 'areaCode'>): Promise<Outcome> {
  const {options, result} = run
  // The files' hash is taken as they are read: a CSV is not read once more for it.
  const hash = createHash('sha256')
  const read = await readForm(run.files, itemsLayout(), {encoding: options.encoding, locale: options.locale, ...check, hash, defaultRule: 'ITEM-2', onRecord: recorder(run)})
  run.sha256 = hash.digest('hex')
  result.encodings = read.encodings
  result.notes = read.notes
  if (read.problems.length) return {problems: read.problems, sheets: read.sheets}
  if (!run.seen.size) throw new InvalidInput('items.import.noData', {file: run.label}, {field: 'FILE'})
  // A dry run: undo() rolls the transaction back with what was found.
  const rehearsed = await rehearse<Outcome, Outcome>(run.store, (ctx, undo) => importIn(run, ctx, read.sheets, undo))
  return rehearsed.value
}

/** Each valid row as it is read: 基本信息 staged on disk, its code and 实施主体 noted; 办理流程 and 申请材料 gathered per item. */
function recorder(run: ImportRun): ReadFormOptions['onRecord'] {
  const codeAt = column('basic', 'code')
  const bodyAt = column('basic', 'body')
  let slow: Promise<void> | undefined
  return (sheet, _row, values) => {
    if (sheet !== 'basic') {
      const into = run.parts[sheet as PartKey]
      const packed = packRow(values)
      const code = values[0]!
      const list = into.get(code)
      if (list) list.push(packed)
      else into.set(code, [packed])
      return
    }
    // A testing aid (EGOV_FAULT=items-slow-read): the list takes 4 s longer to read, to show other writers go on meanwhile.
    if (!run.staged.count && process.env.EGOV_FAULT === 'items-slow-read') slow = new Promise((resolve) => setTimeout(resolve, 4000))
    run.seen.add(values[codeAt]!)
    run.bodies.add(values[bodyAt]!)
    run.staged.add(values)
    return slow
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
