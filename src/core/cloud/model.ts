import type {WorkflowResult} from '../workflow/index.js'
import type {Database} from '../store/index.js'

/**
 * The government cloud's shapes (CLOUD-1..9): what a provider offers, what a system runs
 * and what it was agreed, and the capacity arithmetic every approval checks (CLOUD-6).
 * Types, constants and pure functions only; reading and writing them is in queries.ts.
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

/** Two configurations are the same when every field is. */
export function sameConfig(a: Configuration, b: Configuration): boolean {
  return CONFIG_FIELDS.every((k) => a[k] === b[k])
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

/** A result of a step that may already have been taken: re-running it changes nothing. */
export type StepResult<P> = WorkflowResult<P> & {unchanged?: boolean}

export type ProviderRow = Database['cloud_providers'] extends infer T ? {[K in keyof T]: K extends 'id' ? number : T[K]} : never

export type SystemRow = Database['cloud_systems'] extends infer T ? {[K in keyof T]: K extends 'id' ? number : T[K]} : never

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

export interface SystemFilter {
  unit?: string
  provider?: string
  status?: string
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

// ---------------------------------------------------------------- attachments by reference, events

export interface Attachment {
  role: string
  path: string
  size: number
  sha256: string
}

export interface AttachmentCheck extends Attachment {
  requestId: number
  at: string
  /** ok: the file is as recorded; changed: its content differs; missing: it is gone */
  state: 'ok' | 'changed' | 'missing'
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
