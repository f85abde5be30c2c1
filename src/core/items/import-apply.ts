import {InvalidInput} from '../errors.js'
import type {FoundSheet} from '../io/index.js'
import {insertRows, type WriteContext} from '../store/index.js'
import {column, contentHash, decidedStatus, displayName, eventsOf, packRow, packRows, type PartKey, PARTS, type StatusEvent, statusOn, unpackRow} from './model.js'
import {type Applying, type ImportRun, type Outcome, type Proposal, REMOVAL_LIMIT} from './import-model.js'
import {fileRequests, recordImport} from './import-requests.js'
import {BATCH, closeRevisions, newVersion} from './versions.js'

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
 * The staged rows against the current list, under the write lock: compared, written, requests
 * filed; a dry run is rolled back by undo() with what was found. The steps: the 基本信息 rows
 * (writeBasic), the items the file leaves out (removeMissing), the 办理流程 and 申请材料 rows
 * (writeParts), then the ITEM-4 requests and the version (import-requests.ts).
 */
export async function importIn(run: ImportRun, ctx: WriteContext, sheets: FoundSheet[], undo: (outcome: Outcome) => never): Promise<Outcome> {
  const a = await begin(run, ctx)
  const result = run.result
  await writeBasic(a)
  result.items = run.seen.size
  result.bodies = [...run.bodies].sort()
  const {removed, terminating} = await removeMissing(a)
  await writeParts(a, sheets, removed)
  result.changed = a.changed.size
  result.same = result.items - result.added - result.changed - a.proposed.size
  await fileRequests(a, terminating)
  result.unchanged = result.added + result.changed + result.removed + result.requests.length === 0
  const outcome: Outcome = {problems: [], sheets}
  if (a.dry) undo({problems: [], sheets})
  await recordImport(a, outcome)
  return outcome
}

/** The list as it stands: every current item's hash, the items' status events, which are public; and the new version's number. */
async function begin(run: ImportRun, ctx: WriteContext): Promise<Applying> {
  const dry = Boolean(run.options.dryRun)
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
  const version = dry ? 0 : await newVersion(ctx, {source: run.label, sha256: run.sha256, origin: 'import', bodies: [], items: 0, added: 0, changed: 0, removed: 0})
  return {run, ctx, dry, current, events, open, version, changed: new Set(), proposed: new Map()}
}

/** An open item's proposal, made on first use. */
export function proposalOf(a: Applying, code: string): Proposal {
  let p = a.proposed.get(code)
  if (!p) a.proposed.set(code, (p = {parts: {}}))
  return p
}

/** Each 基本信息 row is compared with the item's current revision (by hash) and, when new or changed, written in batches. */
async function writeBasic(a: Applying): Promise<void> {
  const {run, ctx, dry, version} = a
  const codeAt = column('basic', 'code')
  const bodyAt = column('basic', 'body')
  const typeAt = column('basic', 'type')
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
  for await (const values of run.staged.rows()) {
    const code = values[codeAt]!
    const content = packRow(values)
    const hash = contentHash(content)
    const before = a.current.get(code)
    if (before === hash) continue
    if (!before) run.result.added++
    else if (a.open.has(code)) {
      // ITEM-4: an open item's elements change by an approved request, not by the file.
      proposalOf(a, code).basic = [...values]
      continue
    } else {
      a.changed.add(code)
      closing.push(code)
    }
    pending.push([code, values[bodyAt], values[typeAt], displayName(values), version, null, hash, content])
    if (pending.length >= WRITE_BATCH) await flush()
  }
  await flush()
}

/**
 * Items of the file's bodies that the file does not list: removed only when it replaces their
 * whole list (pending ones directly, open ones by a terminate request); more than REMOVAL_LIMIT
 * need confirming.
 */
async function removeMissing(a: Applying): Promise<{removed: string[]; terminating: string[]}> {
  const {run, ctx, dry, open, events} = a
  const {options, result} = run
  const missing: string[] = []
  const ofBodies = [...run.bodies]
  for (let i = 0; i < ofBodies.length; i += BATCH) {
    const rows = await ctx.db
      .selectFrom('item_revisions')
      .select('code')
      .where('version_to', 'is', null)
      .where('body', 'in', ofBodies.slice(i, i + BATCH))
      .execute()
    for (const r of rows) if (!run.seen.has(r.code)) missing.push(r.code)
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
      {count: removed.length + terminating.length, limit: REMOVAL_LIMIT, file: run.label, bodies: result.bodies.join('、')},
      {field: 'yes', details: {removing: [...removed, ...terminating]}},
    )
  }
  if (!dry) await closeRevisions(ctx, removed, a.version)
  return {removed, terminating}
}

/** Steps and materials: a sheet the file has replaces those of its items; a sheet it lacks leaves them be. Removed items' parts end too. */
async function writeParts(a: Applying, sheets: FoundSheet[], removed: string[]): Promise<void> {
  const {run, ctx, dry} = a
  const present = new Set(sheets.map((f) => f.key))
  const recorded = [...run.seen].filter((c) => a.current.has(c))
  for (const part of PARTS) {
    run.result[part] = [...run.parts[part].values()].reduce((n, rows) => n + rows.length, 0)
    const close: string[] = [...removed]
    const add: unknown[][] = []
    if (present.has(part)) await compareParts(a, part, recorded, close, add)
    if (dry) continue
    for (let i = 0; i < close.length; i += BATCH) {
      await ctx.db
        .updateTable('item_parts')
        .set({version_to: a.version})
        .where('part', '=', part)
        .where('version_to', 'is', null)
        .where('code', 'in', close.slice(i, i + BATCH))
        .execute()
    }
    await insertRows(ctx, 'item_parts', PART_COLUMNS, add)
  }
}

/** One part of each item of the file against its current rows (by hash): the codes whose rows end (`close`) and the new rows (`add`); an open item's go into its proposal. */
async function compareParts(a: Applying, part: PartKey, recorded: string[], close: string[], add: unknown[][]): Promise<void> {
  const {run, ctx} = a
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
  for (const code of run.seen) {
    const rows = run.parts[part].get(code)
    const content = rows ? packRows(rows) : ''
    const hash = rows ? contentHash(content) : ''
    const before = now.get(code)
    if (before === hash || (!rows && before === undefined)) continue
    if (a.open.has(code)) {
      proposalOf(a, code).parts[part] = (rows ?? []).map(unpackRow)
      continue
    }
    if (a.current.has(code)) a.changed.add(code)
    if (before !== undefined) close.push(code)
    if (rows) add.push([code, part, a.version, null, hash, content])
  }
}
