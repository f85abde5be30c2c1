import type {HistoryMismatch} from './history.js'

import {EgovError} from '../errors.js'
import {insertRows, type Reader, readerDb, type WriteContext} from '../store/index.js'

export {AUDIT_KEY_ENV, auditKeyPath} from './key-path.js'

/** prev_hash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64)

export interface AuditEntry {
  seq: number
  at: string
  actor: string
  action: string
  entityType: string
  entityId: string
  before: unknown
  after: unknown
  prevHash: string
  hash: string
}

export interface AuditChange {
  action: string
  entityType: string
  entityId: string | number
  before?: unknown
  after?: unknown
}

/** JSON with keys sorted at every level, so the same value always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    }
    return v
  })
}

interface HashedFields {
  seq: number
  at: string
  actor: string
  action: string
  entity_type: string
  entity_id: string
  before_json: string | null
  after_json: string | null
  prev_hash: string
}

// node:crypto costs a few milliseconds to load; commands that only read never need it.
let sha256: ((text: string) => string) | undefined

async function hasher(): Promise<(text: string) => string> {
  if (!sha256) {
    const {createHash} = await import('node:crypto')
    sha256 = (text) => createHash('sha256').update(text).digest('hex')
  }
  return sha256
}

/** The hash covers every stored column but itself, in a fixed order. */
export async function entryHash(row: HashedFields): Promise<string> {
  const material = JSON.stringify([row.seq, row.at, row.actor, row.action, row.entity_type, row.entity_id, row.before_json, row.after_json, row.prev_hash])
  return (await hasher())(material)
}

/**
 * Appends one entry in the caller's transaction. Writers are serialised by the store
 * (BEGIN IMMEDIATE / the advisory lock), so reading the head and writing the next entry
 * cannot interleave with another writer.
 */
export async function appendAudit(ctx: WriteContext, change: AuditChange): Promise<AuditEntry> {
  const head = await ctx.db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst()
  const row: HashedFields = {
    seq: (head ? Number(head.seq) : 0) + 1,
    at: ctx.at,
    actor: ctx.actor,
    action: change.action,
    entity_type: change.entityType,
    entity_id: String(change.entityId),
    before_json: change.before === undefined ? null : canonicalJson(change.before),
    after_json: change.after === undefined ? null : canonicalJson(change.after),
    prev_hash: head?.hash ?? GENESIS_HASH,
  }
  const hash = await entryHash(row)
  const key = await writeKey(ctx, head ? Number(head.seq) : 0)
  const mac = key ? (await import('./key.js')).mac(key, hash) : null
  await ctx.db
    .insertInto('audit_log')
    .values({...row, hash, mac})
    .execute()
  if (head) {
    await ctx.db.updateTable('audit_head').set({seq: row.seq, hash}).where('id', '=', 1).execute()
  } else {
    await ctx.db.insertInto('audit_head').values({id: 1, seq: row.seq, hash}).execute()
  }
  return toEntry({...row, hash})
}

const AUDIT_COLUMNS = ['seq', 'at', 'actor', 'action', 'entity_type', 'entity_id', 'before_json', 'after_json', 'prev_hash', 'hash', 'mac'] as const

/**
 * Appends many entries in the caller's transaction, in order: the very entries appendAudit
 * would write one by one (same seq, hashes, MACs), with the head read once, the entries
 * written in multi-row statements and the head moved once (issue 20: a bulk import on
 * PostgreSQL paid three round trips per entry).
 */
export async function appendAuditMany(ctx: WriteContext, changes: readonly AuditChange[]): Promise<void> {
  if (!changes.length) return
  const head = await ctx.db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst()
  const headSeq = head ? Number(head.seq) : 0
  const key = await writeKey(ctx, headSeq)
  const macOf = key ? (await import('./key.js')).mac : undefined
  let seq = headSeq
  let prev = head?.hash ?? GENESIS_HASH
  const rows: unknown[][] = []
  for (const change of changes) {
    const row: HashedFields = {
      seq: ++seq,
      at: ctx.at,
      actor: ctx.actor,
      action: change.action,
      entity_type: change.entityType,
      entity_id: String(change.entityId),
      before_json: change.before === undefined ? null : canonicalJson(change.before),
      after_json: change.after === undefined ? null : canonicalJson(change.after),
      prev_hash: prev,
    }
    const hash = await entryHash(row)
    rows.push([row.seq, row.at, row.actor, row.action, row.entity_type, row.entity_id, row.before_json, row.after_json, row.prev_hash, hash, key && macOf ? macOf(key, hash) : null])
    prev = hash
  }
  await insertRows(ctx, 'audit_log', AUDIT_COLUMNS, rows)
  if (head) {
    await ctx.db.updateTable('audit_head').set({seq, hash: prev}).where('id', '=', 1).execute()
  } else {
    await ctx.db.insertInto('audit_head').values({id: 1, seq, hash: prev}).execute()
  }
}

/**
 * The audit key in a write, for other secrets kept under it (issue 18: ID numbers, see
 * core/cert/id-key.ts): the key this write's audit entries are MACed with, under the same
 * checks (made when there is none and no entry is MACed yet; refused, exit 4, when it is
 * missing or not the chain's). Undefined when the store names no key file.
 */
export async function auditKeyOfWrite(ctx: WriteContext): Promise<Buffer | undefined> {
  const head = await ctx.db.selectFrom('audit_head').select('seq').where('id', '=', 1).executeTakeFirst()
  return writeKey(ctx, head ? Number(head.seq) : 0)
}

/** The key of each write transaction, checked once per transaction. */
const keysOfWrites = new WeakMap<object, Buffer>()

/**
 * The audit key this write MACs its entries with (issue 18): read from the key file, or
 * made there when there is none and the chain carries no MAC yet (a new database, or one
 * from before the key). A chain whose last entry is MACed takes only the key that MACed it:
 * with the file missing or another key there, the write is refused (exit 4), nothing
 * written; a second key would make every later entry fail `audit verify`.
 */
async function writeKey(ctx: WriteContext, headSeq: number): Promise<Buffer | undefined> {
  const path = ctx.auditKeyPath
  if (!path) return undefined
  const known = keysOfWrites.get(ctx.db)
  if (known) return known
  const {AUDIT_KEY_ENV, createAuditKey, macMatches, readAuditKey} = await import('./key.js')
  const last = headSeq ? await ctx.db.selectFrom('audit_log').select(['hash', 'mac']).where('seq', '=', headSeq).executeTakeFirst() : undefined
  let key = readAuditKey(path)
  if (!key) {
    if (last?.mac) throw new EgovError('conflict', 'audit.keyMissing', {path, env: AUDIT_KEY_ENV}, {field: AUDIT_KEY_ENV, details: {path}})
    key = createAuditKey(path)
  } else if (last?.mac && !macMatches(key, last.hash, last.mac)) {
    throw new EgovError('conflict', 'audit.keyWrong', {path, seq: headSeq, env: AUDIT_KEY_ENV}, {field: AUDIT_KEY_ENV, details: {path, seq: headSeq}})
  }
  keysOfWrites.set(ctx.db, key)
  return key
}

function toEntry(row: HashedFields & {hash: string}): AuditEntry {
  return {
    seq: Number(row.seq),
    at: row.at,
    actor: row.actor,
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    before: row.before_json === null ? null : JSON.parse(row.before_json),
    after: row.after_json === null ? null : JSON.parse(row.after_json),
    prevHash: row.prev_hash,
    hash: row.hash,
  }
}

export interface AuditQuery {
  /** TYPE or TYPE:ID, e.g. request or request:12. */
  entity?: string
  /** Entries at or after this instant (ISO). */
  since?: string
  limit?: number
}

export function parseEntity(value: string): {type: string; id?: string} {
  const m = /^([a-z][a-z0-9_.-]*)(?::(.+))?$/i.exec(value.trim())
  if (!m) throw new EgovError('invalid_input', 'audit.badEntity', {value}, {field: 'entity'})
  return {type: m[1]!, id: m[2]}
}

/** Newest first. */
export async function auditLog(from: Reader, query: AuditQuery = {}): Promise<AuditEntry[]> {
  const db = readerDb(from)
  let q = db.selectFrom('audit_log').selectAll()
  if (query.entity) {
    const {type, id} = parseEntity(query.entity)
    q = q.where('entity_type', '=', type)
    if (id !== undefined) q = q.where('entity_id', '=', id)
  }
  if (query.since) q = q.where('at', '>=', query.since)
  const rows = await q
    .orderBy('seq', 'desc')
    .limit(query.limit ?? 1000)
    .execute()
  return rows.map(toEntry)
}

export type BreakReason = 'altered' | 'missing' | 'chain' | 'head' | 'mac' | 'unsigned' | 'history'

export interface MacReport {
  /** The key file used, or the one looked for. */
  key: string | null
  /** Whether the key file was there: without it no MAC is checked. */
  keyFound: boolean
  /** Entries whose MAC was checked and matched. */
  checked: number
  /** Entries with no MAC, all before the first MACed one (written before the key existed). */
  unsigned: number
  /** Entries with a MAC that could not be checked (no key). */
  unchecked: number
}

export interface VerifyResult {
  ok: boolean
  count: number
  head: {seq: number; hash: string} | null
  broken?: {seq: number; reason: BreakReason; expected?: number; found?: number; history?: HistoryMismatch}
  macs: MacReport
  /** The requests and history rows cross-checked against the trail, once the chain holds. */
  history?: {requests: number; transitions: number}
}

/**
 * Walks the chain in order and names the first entry that is not what was written:
 * content changed (altered), a gap in the numbering (missing), a prev_hash that is not
 * the previous entry's hash (reordered or replaced), or a chain that stops short of the
 * recorded head (entries removed from the end). With the audit key (issue 18) every MAC
 * is checked: a MAC that does not match is a chain recomputed without the key (mac); an
 * entry without a MAC after one with a MAC had its MAC removed (unsigned). Entries before
 * the first MAC were written before the key existed: counted, not failed.
 */
export async function verifyAudit(from: Reader, onProgress?: (checked: number, total: number) => void, options: {keyPath?: string} = {}): Promise<VerifyResult> {
  const db = readerDb(from)
  const keyModule = options.keyPath ? await import('./key.js') : undefined
  const key = keyModule?.readAuditKey(options.keyPath!)
  const macs: MacReport = {key: options.keyPath ?? null, keyFound: Boolean(key), checked: 0, unsigned: 0, unchecked: 0}
  const head = await db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst()
  const totalRow = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow()
  const total = Number(totalRow.n)
  const page = 2000
  let expectedSeq = 1
  let prevHash = GENESIS_HASH
  let count = 0
  let lastSeq = 0
  let macSeen = false
  const broken = (seq: number, reason: BreakReason, more: {expected?: number; found?: number} = {}): VerifyResult => ({ok: false, count, head: headOf(head), broken: {seq, reason, ...more}, macs})
  for (;;) {
    const rows = await db.selectFrom('audit_log').selectAll().where('seq', '>=', expectedSeq).orderBy('seq').limit(page).execute()
    for (const row of rows) {
      const seq = Number(row.seq)
      if (seq !== expectedSeq) return broken(expectedSeq, 'missing', {expected: expectedSeq, found: seq})
      if ((await entryHash({...row, seq})) !== row.hash) return broken(seq, 'altered')
      if (row.prev_hash !== prevHash) return broken(seq, 'chain')
      if (row.mac === null || row.mac === undefined) {
        if (macSeen) return broken(seq, 'unsigned')
        macs.unsigned++
      } else {
        macSeen = true
        if (!key) macs.unchecked++
        else if (keyModule!.macMatches(key, row.hash, row.mac)) macs.checked++
        else return broken(seq, 'mac')
      }
      prevHash = row.hash
      lastSeq = seq
      expectedSeq = seq + 1
      count++
    }
    onProgress?.(count, total)
    if (rows.length < page) break
  }
  const recorded = headOf(head)
  if ((recorded?.seq ?? 0) !== lastSeq || (recorded && recorded.hash !== prevHash)) {
    return broken(Math.min(lastSeq, recorded?.seq ?? 0) + 1, 'head', {expected: recorded?.seq ?? 0, found: lastSeq})
  }
  // The chain holds: now every request's history against it (issue 18), which catches what was
  // written around egov by a login that may insert rows but has no key to forge entries with.
  const {crossCheckHistory} = await import('./history.js')
  const checked = await crossCheckHistory(db)
  const history = {requests: checked.requests, transitions: checked.transitions}
  if (checked.mismatch) return {ok: false, count, head: recorded, broken: {seq: checked.mismatch.seq ?? 0, reason: 'history', history: checked.mismatch}, macs, history}
  return {ok: true, count, head: recorded, macs, history}
}

function headOf(head: {seq: number; hash: string} | undefined): {seq: number; hash: string} | null {
  return head ? {seq: Number(head.seq), hash: head.hash} : null
}

/**
 * At `egov db init` (issue 18): the audit key made (0600, folder 0700) when there is none and
 * no entry carries a MAC yet. When entries carry MACs and the file is missing, none is made
 * (it would not match them): the caller warns that the key must be copied there.
 */
export async function ensureAuditKey(from: Reader, path: string): Promise<{path: string; created: boolean; missing: boolean}> {
  const db = readerDb(from)
  const {createAuditKey, readAuditKey} = await import('./key.js')
  if (readAuditKey(path)) return {path, created: false, missing: false}
  const signed = await db.selectFrom('audit_log').select('seq').where('mac', 'is not', null).limit(1).executeTakeFirst()
  if (signed) return {path, created: false, missing: true}
  createAuditKey(path)
  return {path, created: true, missing: false}
}
