import {createHash} from 'node:crypto'
import {createReadStream, statSync} from 'node:fs'
import {resolve} from 'node:path'

import type {Kysely} from '#kysely'

import {Conflict, InvalidInput, NotFound} from '../errors.js'
import type {Database, WriteContext} from '../store/index.js'
import {idReference} from '../names.js'

/**
 * The government cloud's shapes (CLOUD-1..9): what a provider offers, what a system runs
 * and what it was agreed, and the capacity arithmetic every approval checks (CLOUD-6).
 */

/** The resources capacity is counted in, as totals. */
export const RESOURCES = ['vcpu', 'memoryGib', 'storageGib', 'bandwidthMbps', 'extranetIps', 'internetIps'] as const
export type Resource = (typeof RESOURCES)[number]
export type Amounts = Record<Resource, number>

/** A system's configuration as run: VM count, per-VM compute and disks, and its network needs. */
export interface Configuration {
  vms: number
  vcpu: number
  memoryGib: number
  systemDiskGib: number
  dataDiskGib: number
  bandwidthMbps: number
  extranetIps: number
  internetIps: number
}

export const CONFIG_FIELDS = ['vms', 'vcpu', 'memoryGib', 'systemDiskGib', 'dataDiskGib', 'bandwidthMbps', 'extranetIps', 'internetIps'] as const

/** The request's totals: per-VM figures times the VM count. */
export function totals(c: Configuration): Amounts {
  return {
    vcpu: c.vms * c.vcpu,
    memoryGib: c.vms * c.memoryGib,
    storageGib: c.vms * (c.systemDiskGib + c.dataDiskGib),
    bandwidthMbps: c.bandwidthMbps,
    extranetIps: c.extranetIps,
    internetIps: c.internetIps,
  }
}

export function zero(): Amounts {
  return {vcpu: 0, memoryGib: 0, storageGib: 0, bandwidthMbps: 0, extranetIps: 0, internetIps: 0}
}

export function add(a: Amounts, b: Amounts, sign = 1): Amounts {
  const out = zero()
  for (const r of RESOURCES) out[r] = a[r] + sign * b[r]
  return out
}

/** Statuses whose envelope a provider holds for an approved request not yet provisioned. */
export const RESERVED_STATUSES = ['approved', 'agreed'] as const
/** Statuses whose envelope is in use: until the wipe is confirmed, capacity does not come back (CLOUD-5). */
export const IN_USE_STATUSES = ['in-service', 'releasing', 'wiped'] as const
/** A system in one of these holds capacity on its provider. */
export const HOLDING_STATUSES = [...RESERVED_STATUSES, ...IN_USE_STATUSES] as string[]

export type SystemStatus = 'applying' | 'approved' | 'agreed' | 'in-service' | 'releasing' | 'wiped' | 'released' | 'rejected' | 'withdrawn'

/** A system in one of these no longer holds its name: it was rejected, released, or its onboarding withdrawn. */
export const GONE_STATUSES = ['rejected', 'released', 'withdrawn']

export interface Provider {
  id: number
  name: string
  status: 'admitted' | 'exited'
  offered: Amounts
  zones: string[]
  requestId: number
  admittedOn: string
  reportedOn: string
  exitedAt: string | null
}

export interface CloudSystem {
  id: number
  name: string
  unit: string
  level: number
  os: string
  /** Free text of applications filed before exceptions were recorded (CLOUD-9); null on newer rows. */
  exceptionRef: string | null
  /** CLOUD-9: the recorded exception (cloud-exception request) the system was admitted under. */
  exceptionId: number | null
  requestId: number
  status: SystemStatus
  provider: string | null
  pool: string | null
  allocationId: number | null
  config: Configuration
  /** The agreed envelope in totals; null before the bureau approves. */
  envelope: Amounts | null
  provisionedAt: string | null
  releasedAt: string | null
  createdAt: string
  updatedAt: string
}

type Db = Kysely<Database>
type ProviderRow = Database['cloud_providers'] extends infer T ? {[K in keyof T]: K extends 'id' ? number : T[K]} : never
type SystemRow = Database['cloud_systems'] extends infer T ? {[K in keyof T]: K extends 'id' ? number : T[K]} : never

export function toProvider(row: ProviderRow): Provider {
  return {
    id: Number(row.id),
    name: row.name,
    status: row.status as Provider['status'],
    offered: {
      vcpu: Number(row.vcpu),
      memoryGib: Number(row.memory_gib),
      storageGib: Number(row.storage_gib),
      bandwidthMbps: Number(row.bandwidth_mbps),
      extranetIps: Number(row.extranet_ips),
      internetIps: Number(row.internet_ips),
    },
    zones: JSON.parse(row.zones) as string[],
    requestId: Number(row.request_id),
    admittedOn: row.admitted_on,
    reportedOn: row.reported_on,
    exitedAt: row.exited_at,
  }
}

export function toSystem(row: SystemRow): CloudSystem {
  const env =
    row.env_vcpu === null
      ? null
      : {
          vcpu: Number(row.env_vcpu),
          memoryGib: Number(row.env_memory_gib),
          storageGib: Number(row.env_storage_gib),
          bandwidthMbps: Number(row.env_bandwidth_mbps),
          extranetIps: Number(row.env_extranet_ips),
          internetIps: Number(row.env_internet_ips),
        }
  return {
    id: Number(row.id),
    name: row.name,
    unit: row.unit,
    level: Number(row.level),
    os: row.os,
    exceptionRef: row.exception_ref,
    exceptionId: row.exception_id === null || row.exception_id === undefined ? null : Number(row.exception_id),
    requestId: Number(row.request_id),
    status: row.status as SystemStatus,
    provider: row.provider,
    pool: row.pool,
    allocationId: row.allocation_id === null ? null : Number(row.allocation_id),
    config: {
      vms: Number(row.vms),
      vcpu: Number(row.vcpu),
      memoryGib: Number(row.memory_gib),
      systemDiskGib: Number(row.system_disk_gib),
      dataDiskGib: Number(row.data_disk_gib),
      bandwidthMbps: Number(row.bandwidth_mbps),
      extranetIps: Number(row.extranet_ips),
      internetIps: Number(row.internet_ips),
    },
    envelope: env,
    provisionedAt: row.provisioned_at,
    releasedAt: row.released_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

/** Columns for a configuration. */
export function configColumns(c: Configuration) {
  return {
    vms: c.vms,
    vcpu: c.vcpu,
    memory_gib: c.memoryGib,
    system_disk_gib: c.systemDiskGib,
    data_disk_gib: c.dataDiskGib,
    bandwidth_mbps: c.bandwidthMbps,
    extranet_ips: c.extranetIps,
    internet_ips: c.internetIps,
  }
}

export function envelopeColumns(e: Amounts) {
  return {
    env_vcpu: e.vcpu,
    env_memory_gib: e.memoryGib,
    env_storage_gib: e.storageGib,
    env_bandwidth_mbps: e.bandwidthMbps,
    env_extranet_ips: e.extranetIps,
    env_internet_ips: e.internetIps,
  }
}

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
export async function findSystem(db: Db, name: string, field = 'SYS'): Promise<CloudSystem> {
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

export interface SystemFilter {
  unit?: string
  provider?: string
  status?: string
}

export async function listSystems(db: Db, filter: SystemFilter = {}): Promise<CloudSystem[]> {
  let q = db.selectFrom('cloud_systems').selectAll()
  if (filter.unit) q = q.where('unit', '=', filter.unit.trim())
  if (filter.provider) q = q.where('provider', '=', filter.provider.trim())
  if (filter.status) q = q.where('status', '=', filter.status.trim())
  return ((await q.orderBy('unit').orderBy('name').execute()) as SystemRow[]).map(toSystem)
}

// ---------------------------------------------------------------- capacity (CLOUD-6)

export interface Capacity {
  provider: string
  status: Provider['status']
  offered: Amounts
  /** envelopes of approved requests not yet provisioned */
  reserved: Amounts
  /** envelopes of systems in service, and of released ones until their wipe is confirmed */
  inUse: Amounts
  free: Amounts
  systems: number
}

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

export interface Shortfall {
  resource: Resource
  need: number
  free: number
  short: number
}

export function shortfalls(free: Amounts, need: Amounts): Shortfall[] {
  return RESOURCES.filter((r) => need[r] > 0 && need[r] > free[r]).map((r) => ({resource: r, need: need[r], free: free[r], short: need[r] - Math.max(free[r], 0)}))
}

/** Units in messages: what each resource is counted in. */
export const UNIT_OF: Record<Resource, string> = {vcpu: 'vCPU', memoryGib: 'GiB', storageGib: 'GiB', bandwidthMbps: 'Mbps', extranetIps: 'IP', internetIps: 'IP'}

export function describeShortfalls(list: Shortfall[]): string {
  return list.map((s) => `${s.resource} ${s.need} ${UNIT_OF[s.resource]} > free ${s.free} (short ${s.short})`).join('; ')
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

export interface Attachment {
  role: string
  path: string
  size: number
  sha256: string
}

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
  await new Promise<void>((done, fail) => {
    createReadStream(absolute)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => done())
      .on('error', fail)
  })
  return {role, path: absolute, size, sha256: hash.digest('hex')}
}

export async function recordAttachment(ctx: WriteContext, a: Attachment, requestId: number, systemId: number | null): Promise<void> {
  await ctx.db.insertInto('cloud_attachments').values({system_id: systemId, request_id: requestId, role: a.role, path: a.path, size: a.size, sha256: a.sha256, at: ctx.at, actor: ctx.actor}).execute()
}

export interface AttachmentCheck extends Attachment {
  requestId: number
  at: string
  /** ok: the file is as recorded; changed: its content differs; missing: it is gone */
  state: 'ok' | 'changed' | 'missing'
}

export async function checkAttachments(db: Db, systemId: number): Promise<AttachmentCheck[]> {
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

export interface SystemEvent {
  event: string
  at: string
  actor: string
  requestId: number | null
  status: string
  provider: string | null
  config: Configuration
  envelope: Amounts | null
  note: string | null
}

export async function eventsOf(db: Db, systemId: number): Promise<SystemEvent[]> {
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
