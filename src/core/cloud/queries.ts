import {createHash} from 'node:crypto'
import {statSync} from 'node:fs'
import {resolve} from 'node:path'

import type {Kysely} from '#kysely'

import {Conflict, InvalidInput, NotFound} from '../errors.js'
import {hashInto} from '../io/file-hash.js'
import {type Database, type Reader, readerDb, type WriteContext} from '../store/index.js'
import {idReference} from '../names.js'
import {
  add,
  type Amounts,
  type Attachment,
  type AttachmentCheck,
  type Capacity,
  type CloudSystem,
  type Configuration,
  describeShortfalls,
  GONE_STATUSES,
  HOLDING_STATUSES,
  type Provider,
  type ProviderRow,
  RESERVED_STATUSES,
  shortfalls,
  type SystemEvent,
  type SystemFilter,
  type SystemRow,
  toProvider,
  toSystem,
  totals,
  zero,
} from './model.js'

/**
 * The cloud area's reads and the records every use case writes: providers and systems by
 * name, a provider's capacity and the room check (CLOUD-6), attachments by reference, and
 * a system's events.
 */

type Db = Kysely<Database>

/** A provider by name, or by the id egov printed (`#1`, or `1` when no provider has that name). */
export async function findProvider(db: Db, name: string, field = 'provider'): Promise<Provider> {
  const ref = idReference(name)
  let row = ref?.explicit ? undefined : await db.selectFrom('cloud_providers').selectAll().where('name', '=', name.trim()).executeTakeFirst()
  if (!row && ref) row = await db.selectFrom('cloud_providers').selectAll().where('id', '=', ref.id).executeTakeFirst()
  if (!row) throw new NotFound('cloud.providerNotFound', {name}, {field})
  return toProvider(row)
}

export async function allProviders(db: Db): Promise<Provider[]> {
  return ((await db.selectFrom('cloud_providers').selectAll().orderBy('name').execute()) as ProviderRow[]).map(toProvider)
}

/**
 * A system by name: the live one of that name, else the latest released or rejected one;
 * or by the id egov printed (`#3`, or `3` when no system has that name), which reaches a
 * released system whose name was given to another.
 */
export async function findSystem(from: Reader, name: string, field = 'SYS'): Promise<CloudSystem> {
  const db = readerDb(from)
  const ref = idReference(name)
  const rows = ref?.explicit ? [] : ((await db.selectFrom('cloud_systems').selectAll().where('name', '=', name.trim()).orderBy('id', 'desc').execute()) as SystemRow[])
  if (!rows.length && ref) rows.push(...((await db.selectFrom('cloud_systems').selectAll().where('id', '=', ref.id).execute()) as SystemRow[]))
  const row = rows.find((r) => !GONE_STATUSES.includes(r.status)) ?? rows[0]
  if (!row) throw new NotFound('cloud.systemNotFound', {name}, {field})
  return toSystem(row)
}

export async function systemById(db: Db, id: number): Promise<CloudSystem> {
  const row = await db.selectFrom('cloud_systems').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
  return toSystem(row)
}

export async function listSystems(from: Reader, filter: SystemFilter = {}): Promise<CloudSystem[]> {
  const db = readerDb(from)
  let q = db.selectFrom('cloud_systems').selectAll()
  if (filter.unit) q = q.where('unit', '=', filter.unit.trim())
  if (filter.provider) q = q.where('provider', '=', filter.provider.trim())
  if (filter.status) q = q.where('status', '=', filter.status.trim())
  return ((await q.orderBy('unit').orderBy('name').execute()) as SystemRow[]).map(toSystem)
}

// ---------------------------------------------------------------- capacity (CLOUD-6)

export async function capacityOf(db: Db, provider: Provider): Promise<Capacity> {
  const held = (await db.selectFrom('cloud_systems').selectAll().where('provider', '=', provider.name).where('status', 'in', HOLDING_STATUSES).execute()) as SystemRow[]
  let reserved = zero()
  let inUse = zero()
  for (const row of held) {
    const s = toSystem(row)
    const env = s.envelope ?? totals(s.config)
    if ((RESERVED_STATUSES as readonly string[]).includes(s.status)) reserved = add(reserved, env)
    else inUse = add(inUse, env)
  }
  return {provider: provider.name, status: provider.status, offered: provider.offered, reserved, inUse, free: add(add(provider.offered, reserved, -1), inUse, -1), systems: held.length}
}

/**
 * Refuses (exit 4, CLOUD-6) when `need` does not fit what the provider has free. Runs inside
 * the write transaction, which every writer takes in turn: two approvals cannot both see the
 * same free capacity, on SQLite or PostgreSQL.
 */
export async function requireRoom(db: Db, provider: Provider, need: Amounts, field = 'ID'): Promise<Capacity> {
  if (provider.status !== 'admitted') throw new Conflict('cloud.providerExited', {provider: provider.name}, {field, rule: 'CLOUD-2'})
  const capacity = await capacityOf(db, provider)
  const short = shortfalls(capacity.free, need)
  if (short.length) {
    throw new Conflict('cloud.noRoom', {provider: provider.name, shortfalls: describeShortfalls(short)}, {field, rule: 'CLOUD-6', details: {provider: provider.name, shortfalls: short}})
  }
  return capacity
}

// ---------------------------------------------------------------- attachments by reference

/** Reads a file once for its size and SHA-256; the file itself stays where it is. */
export async function fingerprint(path: string, field: string, role: string): Promise<Attachment> {
  const absolute = resolve(path)
  let size: number
  try {
    const st = statSync(absolute)
    if (!st.isFile()) throw new Error('not a file')
    size = st.size
  } catch (error) {
    throw new InvalidInput('cloud.attachmentUnreadable', {field, path, reason: (error as Error).message}, {field})
  }
  if (size === 0) throw new InvalidInput('cloud.attachmentEmpty', {field, path}, {field})
  const hash = createHash('sha256')
  await hashInto(hash, absolute)
  return {role, path: absolute, size, sha256: hash.digest('hex')}
}

export async function recordAttachment(ctx: WriteContext, a: Attachment, requestId: number, systemId: number | null): Promise<void> {
  await ctx.db.insertInto('cloud_attachments').values({system_id: systemId, request_id: requestId, role: a.role, path: a.path, size: a.size, sha256: a.sha256, at: ctx.at, actor: ctx.actor}).execute()
}

export async function checkAttachments(from: Reader, systemId: number): Promise<AttachmentCheck[]> {
  const db = readerDb(from)
  const rows = await db.selectFrom('cloud_attachments').selectAll().where('system_id', '=', systemId).orderBy('id').execute()
  const out: AttachmentCheck[] = []
  for (const r of rows) {
    let state: AttachmentCheck['state'] = 'ok'
    try {
      const now = await fingerprint(r.path, 'attachment', r.role)
      if (now.sha256 !== r.sha256 || now.size !== Number(r.size)) state = 'changed'
    } catch {
      state = 'missing'
    }
    out.push({role: r.role, path: r.path, size: Number(r.size), sha256: r.sha256, requestId: Number(r.request_id), at: r.at, state})
  }
  return out
}

// ---------------------------------------------------------------- events

/** Every change to a system is an event with a snapshot after it: the yearly report reads them. */
export async function recordEvent(ctx: WriteContext, system: CloudSystem, event: string, requestId: number | null, note?: string | null): Promise<void> {
  await ctx.db
    .insertInto('cloud_events')
    .values({
      system_id: system.id,
      event,
      at: ctx.at,
      actor: ctx.actor,
      request_id: requestId,
      status: system.status,
      provider: system.provider,
      snapshot: JSON.stringify({config: system.config, envelope: system.envelope}),
      note: note ?? null,
    })
    .execute()
}

export async function eventsOf(from: Reader, systemId: number): Promise<SystemEvent[]> {
  const db = readerDb(from)
  const rows = await db.selectFrom('cloud_events').selectAll().where('system_id', '=', systemId).orderBy('id').execute()
  return rows.map((r) => {
    const snap = JSON.parse(r.snapshot) as {config: Configuration; envelope: Amounts | null}
    return {
      event: r.event,
      at: r.at,
      actor: r.actor,
      requestId: r.request_id === null ? null : Number(r.request_id),
      status: r.status,
      provider: r.provider,
      config: snap.config,
      envelope: snap.envelope,
      note: r.note,
    }
  })
}
