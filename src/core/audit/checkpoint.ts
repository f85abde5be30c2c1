import {readFileSync} from 'node:fs'

import {EgovError, InvalidInput} from '../errors.js'
import {type Reader, readerDb} from '../store/index.js'
import {canonicalJson} from './index.js'
import {mac, macMatches} from './key.js'

/**
 * A checkpoint (issue 18): the head of the audit chain at one moment, MACed with the audit
 * key, in a small file kept off the machine (another machine, a USB stick, paper). Later
 * `audit verify --checkpoint FILE` shows whether the chain still holds that entry with that
 * hash: a chain that now ends before it had its tail cut or was rolled back to an older
 * copy; a different hash there means history was rewritten.
 */
export const CHECKPOINT_FORMAT = 'egov-audit-checkpoint/1'

export interface Checkpoint {
  format: typeof CHECKPOINT_FORMAT
  /** The last entry's number and hash when the checkpoint was made. */
  seq: number
  hash: string
  /** When that entry was written, and when the checkpoint was made (ISO). */
  entryAt: string
  at: string
  /** The database: its dialect and location (a path, or the URL without password), and the hash of entry 1, which names the chain. */
  database: {dialect: string; location: string; first: string}
  /** HMAC-SHA256, under the audit key, of every other field (canonical JSON). */
  mac: string
}

type Unsigned = Omit<Checkpoint, 'mac'>

function macOf(key: Buffer, body: Unsigned): string {
  return mac(key, canonicalJson(body))
}

/** The checkpoint of the chain's current head; undefined when the chain is empty. */
export async function makeCheckpoint(from: Reader, key: Buffer, database: {dialect: string; location: string}, at: string): Promise<Checkpoint | undefined> {
  const db = readerDb(from)
  const head = await db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst()
  if (!head) return undefined
  const last = await db.selectFrom('audit_log').select(['at']).where('seq', '=', Number(head.seq)).executeTakeFirst()
  const first = await db.selectFrom('audit_log').select(['hash']).where('seq', '=', 1).executeTakeFirst()
  const body: Unsigned = {
    format: CHECKPOINT_FORMAT,
    seq: Number(head.seq),
    hash: head.hash,
    entryAt: last?.at ?? '',
    at,
    database: {...database, first: first?.hash ?? ''},
  }
  return {...body, mac: macOf(key, body)}
}

/** Reads a checkpoint file; a file that is missing, not JSON or not a checkpoint is exit 2 naming it. */
export function readCheckpoint(path: string): Checkpoint {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new InvalidInput('audit.checkpointUnreadable', {path, reason: (error as NodeJS.ErrnoException).code ?? String(error)}, {field: 'checkpoint', details: {path}})
  }
  let parsed: Partial<Checkpoint>
  try {
    parsed = JSON.parse(text) as Partial<Checkpoint>
  } catch {
    parsed = {}
  }
  const ok =
    parsed?.format === CHECKPOINT_FORMAT &&
    Number.isSafeInteger(parsed.seq) &&
    parsed.seq! > 0 &&
    typeof parsed.hash === 'string' &&
    /^[0-9a-f]{64}$/.test(parsed.hash) &&
    typeof parsed.mac === 'string' &&
    typeof parsed.at === 'string' &&
    typeof parsed.entryAt === 'string' &&
    parsed.database !== null &&
    typeof parsed.database === 'object'
  if (!ok) throw new InvalidInput('audit.checkpointMalformed', {path, format: CHECKPOINT_FORMAT}, {field: 'checkpoint', details: {path}})
  return parsed as Checkpoint
}

/** A checkpoint whose MAC does not match its fields was changed (or made with another key): exit 2 naming the file. */
export function checkCheckpointMac(checkpoint: Checkpoint, key: Buffer, path: string): void {
  const {mac: found, ...body} = checkpoint
  if (!macMatches(key, canonicalJson(body), found)) throw new InvalidInput('audit.checkpointTampered', {path}, {field: 'checkpoint', details: {path}})
}

export type CheckpointBreak = {reason: 'behind'; seq: number; last: number} | {reason: 'rewritten'; seq: number}

/**
 * Whether the chain still holds the checkpoint's entry with its hash: a chain that ends
 * before it (behind: the tail removed, or an older copy put back) or holds another hash
 * there (rewritten) is named; otherwise undefined.
 */
export async function compareCheckpoint(from: Reader, checkpoint: Checkpoint): Promise<CheckpointBreak | undefined> {
  const db = readerDb(from)
  const row = await db.selectFrom('audit_log').select(['hash']).where('seq', '=', checkpoint.seq).executeTakeFirst()
  if (!row) {
    const last = await db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .executeTakeFirst()
    return {reason: 'behind', seq: checkpoint.seq, last: Number(last?.seq ?? 0)}
  }
  if (row.hash !== checkpoint.hash) return {reason: 'rewritten', seq: checkpoint.seq}
  return undefined
}

export function checkpointBroken(br: CheckpointBreak, path: string): EgovError {
  return br.reason === 'behind'
    ? new EgovError('conflict', 'audit.checkpointBehind', {path, seq: br.seq, last: br.last}, {field: 'checkpoint', details: {path, ...br}})
    : new EgovError('conflict', 'audit.checkpointRewritten', {path, seq: br.seq}, {field: 'checkpoint', details: {path, ...br}})
}
