/**
 * The net area's records (NET-1, NET-2): pools and allocations as the rest of the area sees
 * them, their row mappers, the parsers of plane and status, and the query every use case
 * shares, the allocations that hold space.
 */
import type {Kysely} from '#kysely'

import {InvalidInput} from '../errors.js'
import type {Database} from '../store/index.js'
import type {UnitLevel} from '../units/index.js'
import {blockSize, type Family, normaliseInput} from './ip.js'

/** NET-2: plane 1 is run by China Telecom, plane 2 by China Mobile. */
export type Plane = 1 | 2
export type AllocationStatus = 'active' | 'reserved' | 'released'
export const HOLDING_STATUSES = ['active', 'reserved'] as const

export interface Pool {
  id: number
  name: string
  cidr: string
  family: Family
  plane: Plane
  prefix: number
  parentId: number | null
  note: string | null
  /** 属地 (NET-4): the district the pool serves; null: not recorded (then its parent's counts). */
  district: string | null
  /** 分级接入 (NET-4): the level of unit it serves (city, county, township, village); null: any. */
  level: UnitLevel | null
  createdAt: string
  createdBy: string
}

export interface Allocation {
  id: number
  cidr: string
  pool: string
  poolId: number | null
  plane: Plane
  family: Family
  prefix: number
  unit: string
  purpose: string | null
  status: AllocationStatus
  /** Addresses in the block, as a decimal string (IPv6 blocks exceed JSON numbers). */
  addresses: string
  createdAt: string
  createdBy: string
  releasedAt: string | null
  releasedBy: string | null
}

export type Db = Kysely<Database>
export type PoolRow = Database['net_pools'] extends infer T ? {[K in keyof T]: K extends 'id' ? number : T[K]} : never
export type AllocationRow = Database['net_allocations'] extends infer T ? {[K in keyof T]: K extends 'id' ? number : T[K]} : never

export function toPool(row: PoolRow): Pool {
  return {
    id: Number(row.id),
    name: row.name,
    cidr: row.cidr,
    family: Number(row.family) as Family,
    plane: Number(row.plane) as Plane,
    prefix: Number(row.prefix),
    parentId: row.parent_id === null ? null : Number(row.parent_id),
    note: row.note,
    district: row.district ?? null,
    level: (row.level ?? null) as UnitLevel | null,
    createdAt: row.created_at,
    createdBy: row.created_by,
  }
}

export function toAllocation(row: AllocationRow): Allocation {
  const family = Number(row.family) as Family
  return {
    id: Number(row.id),
    cidr: row.cidr,
    pool: row.pool_name,
    poolId: row.pool_id === null ? null : Number(row.pool_id),
    plane: Number(row.plane) as Plane,
    family,
    prefix: Number(row.prefix),
    unit: row.unit,
    purpose: row.purpose,
    status: row.status as AllocationStatus,
    addresses: blockSize(family, Number(row.prefix)).toString(),
    createdAt: row.created_at,
    createdBy: row.created_by,
    releasedAt: row.released_at,
    releasedBy: row.released_by,
  }
}
export function parsePlane(value: string | number): Plane {
  const v = normaliseInput(String(value))
  const byName: Record<string, Plane> = {'1': 1, '2': 2, 电信: 1, 移动: 2, 电信平面: 1, 移动平面: 2, 平面1: 1, 平面2: 2, telecom: 1, mobile: 2}
  const plane = byName[v.toLowerCase()]
  if (!plane) throw new InvalidInput('net.badPlane', {value}, {field: 'plane', rule: 'NET-2'})
  return plane
}

export function parseStatus(value: string, field = 'status'): 'active' | 'reserved' {
  const v = normaliseInput(value).toLowerCase()
  const byName: Record<string, 'active' | 'reserved'> = {active: 'active', reserved: 'reserved', 已分配: 'active', 在用: 'active', 使用: 'active', 预留: 'reserved', 保留: 'reserved'}
  const status = byName[v]
  if (!status) throw new InvalidInput('net.badStatus', {value, allowed: 'active (已分配), reserved (预留)'}, {field})
  return status
}

/** Allocations that hold space (not released) on one plane, in one address family. */
export function holdingOn(db: Db, plane: Plane, family: Family) {
  return db.selectFrom('net_allocations').where('plane', '=', plane).where('family', '=', family).where('status', '<>', 'released')
}

export function* chunks<T>(items: T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size)
}
