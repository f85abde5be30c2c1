import {basename, extname} from 'node:path'

import {sql} from '#kysely'

import {appendAudit} from '../../audit/index.js'
import {now as clockNow} from '../../clock.js'
import {Conflict, InvalidInput} from '../../errors.js'
import type {Locale} from '../../i18n/index.js'
import type {LocatedProblem} from '../../io/index.js'
import {type FormLayout, loadLayout} from '../../io/layout.js'
import {type Encoding, refuseOldWorkbook, type TextEncoding} from '../../io/tables.js'
import type {Store} from '../../store/index.js'
import {undoable} from '../../store/rehearse.js'
import {Reading, type ReadingContext} from './rows.js'
import {Stage} from './stage.js'
import {systemsByName, systemsKey} from './systems.js'
import {RULE} from './values.js'

/**
 * CLOUD-8 (第二十条, 第十条(二)): providers report how their tenants' systems use what they
 * were given. This module reads the providers' utilisation files into `cloud_usage`, for the
 * efficiency review (efficiency.ts).
 */

export interface UsageImportOptions {
  dryRun?: boolean
  encoding?: Encoding
  locale?: Locale
  /** Called now and then with the number of data rows read so far. */
  onProgress?(rows: number): void
}

export interface UsageImportResult {
  files: Array<{file: string; sha256: string; encoding?: TextEncoding}>
  dryRun: boolean
  /** Data rows read (blank lines aside). */
  read: number
  /** Samples new to the store (with --dry-run: that would be). */
  added: number
  /** Samples the store already had for that system and time: skipped, never overwritten. */
  alreadyRecorded: number
  /** Rows given twice in the files with the same values: recorded once. */
  repeated: number
  /** Systems the files report on. */
  systems: number
  /** The earliest and the latest sample time (ISO, UTC); null without samples. */
  from: string | null
  to: string | null
}

export function usageLayout(): FormLayout {
  return loadLayout('cloud-usage.json')
}

/** An import's files, form, options and result, the same for every attempt. */
interface Job {
  files: string[]
  layout: FormLayout
  options: UsageImportOptions
  result: UsageImportResult
  /** Rolls the transaction back (the files had problems, or nothing was new, or this was a dry run): the one rollback mechanism, store/rehearse.ts. */
  undo: (problems: LocatedProblem[]) => never
}

/**
 * Imports providers' utilisation files (CSV or xlsx, templates/cloud-usage.json): one row
 * per system and sampling time, with CPU, memory and disk use in percent.
 *
 * Each file is streamed, never held whole: its header row is looked for among the first
 * rows (under any title rows, columns in any order, Chinese headers or English aliases).
 * Every row is checked — the system must be one the cloud runs or ran (not a rejected
 * application), the time must read as a time no later than now, each percentage must be
 * 0–100, and the sample goes to the system that had that name at the sample's time (in
 * service from its provisioning to its wipe or confirmed release: a name reused after a
 * release stands for the new system only from its own provisioning; a time when no system of
 * the name was in service is a problem) — and every problem is located (file, sheet, row,
 * cell, field, rule, value), all of them.
 *
 * Valid rows go into a staging table inside the one write transaction; once every row is
 * read, they go into cloud_usage by one INSERT … SELECT … ORDER BY key ON CONFLICT DO
 * NOTHING: a sample the store already has (same system and time) is counted as already
 * recorded and left as it is. When fewer rows went in than were staged, one query finds the
 * samples given twice in the files: with the same values they count once, with different
 * values the later row is reported, naming the earlier. Any problem, --dry-run, or nothing
 * new rolls the transaction back: nothing is written, and importing the same files again is
 * a no-op.
 */
export async function importUsage(store: Store, files: string[], options: UsageImportOptions = {}): Promise<UsageImportResult> {
  checkFiles(files)
  const result: UsageImportResult = {files: [], dryRun: Boolean(options.dryRun), read: 0, added: 0, alreadyRecorded: 0, repeated: 0, systems: 0, from: null, to: null}
  let problems: LocatedProblem[] = []
  const rehearsed = await undoable<LocatedProblem[]>(async (undo) => {
    const job: Job = {files, layout: usageLayout(), options, result, undo}
    // The files are read, checked and staged before the write lock is taken (issue 20): other
    // writers go on meanwhile. The write re-reads the systems; if one changed while the files
    // were read (a release, a new system of a name), the rows are attributed afresh.
    for (let attempt = 1; ; attempt++) {
      Object.assign(result, {files: [], read: 0, added: 0, alreadyRecorded: 0, repeated: 0, systems: 0, from: null, to: null})
      const moved = await store.pinned((pinned) => stageAndWrite(pinned, job))
      if (!moved) break
      if (attempt >= 3) throw new Conflict('cloud.usage.systemsMoving', {attempts: attempt}, {field: 'FILE', rule: RULE})
    }
  })
  if (rehearsed.undone) problems = rehearsed.value
  // As after an items import: PostgreSQL plans with the empty table's statistics until autovacuum catches up.
  if (store.dialect === 'postgres' && !result.dryRun && !problems.length && result.added >= 10_000) await sql`analyze cloud_usage`.execute(store.db).catch(() => undefined)
  if (problems.length) refuse(files, problems)
  return result
}

/** CSV and xlsx files only (an old .xls named as such), checked before any is read. */
function checkFiles(files: string[]): void {
  if (!files.length) throw new InvalidInput('cloud.usage.noFiles', {}, {field: 'FILE'})
  for (const file of files) {
    refuseOldWorkbook(file, 'FILE')
    const ext = extname(file).toLowerCase()
    if (ext !== '.csv' && ext !== '.xlsx') throw new InvalidInput('io.badExtension', {field: 'FILE', path: file}, {field: 'FILE'})
  }
}

/** The files' problems, file by file and sheet by sheet in the order they were read, row by row within each: exit 2. */
function refuse(files: string[], problems: LocatedProblem[]): never {
  const rank = new Map<string, number>()
  for (const p of problems) if (!rank.has(`${p.file}\u0000${p.sheet}`)) rank.set(`${p.file}\u0000${p.sheet}`, rank.size)
  // sort is stable: within a row, problems stay in column order.
  problems.sort((a, b) => rank.get(`${a.file}\u0000${a.sheet}`)! - rank.get(`${b.file}\u0000${b.sheet}`)! || a.row - b.row)
  throw new InvalidInput('form.invalid', {file: files.map((f) => basename(f)).join(', '), count: problems.length}, {field: 'FILE', rule: RULE, details: {problems}})
}

/** One attempt: stage every file's rows outside the lock, then write them under it. True when the systems moved meanwhile. */
async function stageAndWrite(pinned: Store, job: Job): Promise<boolean> {
  const systems = await systemsByName(pinned.db)
  const nowS = Math.floor(clockNow().getTime() / 1000)
  const stage = new Stage(pinned.db, pinned.dialect)
  await stage.create()
  try {
    const ctx: ReadingContext = {layout: job.layout, options: job.options, result: job.result, problems: [], systems, nowS, stage}
    const reading = new Reading(ctx)
    await readFiles(reading, ctx, job.files, job.undo)
    const checkedAgainst = systemsKey(systems)
    // A testing aid (EGOV_FAULT=usage-slow-read): the files take 4 s longer to read, to show other writers go on meanwhile.
    if (process.env.EGOV_FAULT === 'usage-slow-read') await new Promise((resolve) => setTimeout(resolve, 4000))
    return await write(pinned, reading, ctx, job, checkedAgainst)
  } finally {
    stage.db = pinned.db
    await stage.drop()
  }
}

/** Every file read, checked and staged; any problem undoes the import, and files without a data row are refused. */
async function readFiles(reading: Reading, ctx: ReadingContext, files: string[], undo: Job['undo']): Promise<void> {
  const {result, problems, stage, options} = ctx
  for (const path of files) {
    // A file is named by its name, or by its path where two files of the import share a name.
    const file = files.filter((f) => basename(f) === basename(path)).length > 1 ? path : basename(path)
    await reading.readFile(path, file)
  }
  await stage.flush()
  options.onProgress?.(result.read)
  if (problems.length) {
    await reading.findDuplicates()
    undo(problems)
  }
  if (!result.read) throw new InvalidInput('cloud.usage.noData', {file: files.map((f) => basename(f)).join(', ')}, {field: 'FILE'})
  result.systems = reading.seenSystems.size
  result.from = new Date(reading.first * 1000).toISOString()
  result.to = new Date(reading.last * 1000).toISOString()
}

/** The staged samples into cloud_usage under the write lock, with their audit entry. True (nothing written) when the systems moved since they were read. */
async function write(pinned: Store, reading: Reading, ctx: ReadingContext, job: Job, checkedAgainst: string): Promise<boolean> {
  const {result, problems, stage} = ctx
  const {files, undo} = job
  return await pinned.write(async (w) => {
    // What the rows were checked against must still hold: the systems and their lifetimes
    // (cheap: two small queries), and no sample later than the write's own now.
    if (systemsKey(await systemsByName(w.db)) !== checkedAgainst || reading.last > Math.floor(Date.parse(w.at) / 1000)) return true
    stage.db = w.db
    result.added = await stage.commit()
    // Every staged row went in: no sample was given twice and none was recorded before (a new
    // file, the usual case) — no need to look. Otherwise look, and undo if two rows disagree.
    if (result.added < stage.rows) {
      await reading.findDuplicates()
      if (problems.length) undo(problems)
    }
    result.alreadyRecorded = stage.rows - result.repeated - result.added
    // Nothing new (the same files again) or a dry run: nothing is written, not even an audit entry.
    if (result.dryRun || result.added === 0) undo([])
    await appendAudit(w, {
      action: 'cloud.usage.import',
      entityType: 'cloud-usage',
      entityId: files.map((f) => basename(f)).join(', '),
      after: {
        files: result.files.map((f) => ({file: basename(f.file), sha256: f.sha256})),
        read: result.read,
        added: result.added,
        alreadyRecorded: result.alreadyRecorded,
        repeated: result.repeated,
        systems: result.systems,
        from: result.from,
        to: result.to,
      },
    })
    return false
  })
}
