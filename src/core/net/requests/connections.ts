/** Units' connections to the extranet, one per plane at most (NET-2, NET-5..7). */
import type {Kysely} from '#kysely'

import {Conflict, InvalidInput} from '../../errors.js'
import {type Database, type Reader, readerDb, type WriteContext} from '../../store/index.js'
import {findUnit, type Unit} from '../../units/index.js'
import {type Plane, parsePlane} from '../model.js'
import type {ConnectionRequest, CostBearer} from './payloads.js'

export type ConnectionStatus = 'in-service' | 'cut-off' | 'closed'

export interface Connection {
  unit: string
  status: ConnectionStatus
  plane: Plane
  accessMode: string
  bandwidthMbps: number
  costBearer: CostBearer
  sponsor: string | null
  requestId: number
  since: string
  rectifyBy: string | null
  addresses: string[]
}

type ConnectionRow = Database['net_connections']

async function toConnection(db: Kysely<Database>, unit: Unit, row: ConnectionRow): Promise<Connection> {
  const plane = Number(row.plane) as Plane
  // The connection's addresses: what the unit holds on its plane.
  const held = await db
    .selectFrom('net_allocations')
    .select('cidr')
    .where('unit', '=', unit.name)
    .where('plane', '=', plane)
    .where('status', '<>', 'released')
    .orderBy('family')
    .orderBy('start_key')
    .execute()
  return {
    unit: unit.name,
    status: row.status as ConnectionStatus,
    plane,
    accessMode: row.access_mode,
    bandwidthMbps: Number(row.bandwidth_mbps),
    costBearer: row.cost_bearer as CostBearer,
    sponsor: row.sponsor,
    requestId: Number(row.request_id),
    since: row.since,
    rectifyBy: row.rectify_by,
    addresses: held.map((h) => h.cidr),
  }
}

/** A unit's connections, one per plane at most, plane 1 first (closed ones included). */
export async function connectionsOf(from: Reader, unit: Unit): Promise<Connection[]> {
  const db = readerDb(from)
  const rows = await db.selectFrom('net_connections').selectAll().where('unit_id', '=', unit.id).orderBy('plane').execute()
  return Promise.all(rows.map((r) => toConnection(db, unit, r)))
}

/**
 * The unit's connection on a plane; without a plane, its only open one (not closed) or, with
 * none open, its only one. A unit with open connections on both planes must be told which:
 * exit 2 naming --plane.
 */
export async function connectionOf(db: Kysely<Database>, unit: Unit, plane?: Plane): Promise<Connection | undefined> {
  const all = await connectionsOf(db, unit)
  if (plane !== undefined) return all.find((c) => c.plane === plane)
  const open = all.filter((c) => c.status !== 'closed')
  if (open.length > 1) throw new InvalidInput('netreq.whichPlane', {unit: unit.name, planes: open.map((c) => c.plane).join(', ')}, {field: 'plane', rule: 'NET-2'})
  return open[0] ?? all[0]
}

/** A --plane flag's value, or undefined when not given. */
export function planeOption(value: string | number | undefined): Plane | undefined {
  return value === undefined || value === '' ? undefined : parsePlane(value)
}

/** Refuses a step of a change when the unit's connection is not in service (NET-6, NET-7). */
export async function requireInService(ctx: WriteContext, unitName: string, plane?: Plane): Promise<void> {
  const unit = await findUnit(ctx.db, unitName)
  const connection = await connectionOf(ctx.db, unit, plane)
  if (connection?.status !== 'in-service') {
    throw new Conflict('netreq.notInService', {unit: unit.name, status: connection?.status ?? '—'}, {field: 'ID', rule: connection?.status === 'closed' ? 'NET-6' : 'NET-7'})
  }
}

/** NET-5 last step: the reserved block goes active and the unit's connection is recorded (or changed). */
export async function putInService(ctx: WriteContext, requestId: number, p: ConnectionRequest, how: 'onboarding' | 'change'): Promise<Partial<ConnectionRequest>> {
  const unit = await findUnit(ctx.db, p.unit)
  // The connection as it stood, kept on the request: old and new are both in the history.
  const previous = how === 'change' ? await connectionOf(ctx.db, unit, p.plane) : undefined
  for (const planned of [p.plan, p.planV6]) if (planned) await ctx.db.updateTable('net_allocations').set({status: 'active'}).where('id', '=', planned.allocationId).execute()
  const current = await ctx.db.selectFrom('net_connections').selectAll().where('unit_id', '=', unit.id).where('plane', '=', p.plane).executeTakeFirst()
  await recordConnection(ctx, unit, {
    status: 'in-service',
    plane: p.plane,
    access_mode: p.accessMode ?? current?.access_mode ?? '',
    bandwidth_mbps: p.bandwidthMbps ?? Number(current?.bandwidth_mbps ?? 0),
    cost_bearer: p.costBearer ?? current?.cost_bearer ?? 'unit',
    sponsor: p.sponsor ?? current?.sponsor ?? null,
    request_id: requestId,
    since: how === 'onboarding' || !current ? ctx.at : current.since,
    rectify_by: null,
    updated_at: ctx.at,
  })
  return previous ? {previous} : {}
}

/** Writes the unit's connection on the row's plane: the one there is replaced, or a new one recorded (one per plane). */
export async function recordConnection(ctx: WriteContext, unit: Unit, row: Omit<Database['net_connections'], 'unit_id'>): Promise<void> {
  const updated = await ctx.db.updateTable('net_connections').set(row).where('unit_id', '=', unit.id).where('plane', '=', row.plane).executeTakeFirst()
  if (!Number(updated.numUpdatedRows))
    await ctx.db
      .insertInto('net_connections')
      .values({unit_id: unit.id, ...row})
      .execute()
}

export interface CutOffEntry extends Connection {
  /** Past its rectification date. */
  overdue: boolean
}

/** Cut-off units, those past their rectification date first. */
export async function cutOffList(from: Reader, today: string): Promise<CutOffEntry[]> {
  const db = readerDb(from)
  const rows = await db
    .selectFrom('net_connections')
    .innerJoin('units', 'units.id', 'net_connections.unit_id')
    .select(['units.name', 'net_connections.plane'])
    .where('net_connections.status', '=', 'cut-off')
    .execute()
  const out: CutOffEntry[] = []
  for (const r of rows) {
    const c = (await connectionOf(db, await findUnit(db, r.name), Number(r.plane) as Plane))!
    out.push({...c, overdue: c.rectifyBy !== null && c.rectifyBy < today})
  }
  return out.sort((a, b) => Number(b.overdue) - Number(a.overdue) || (a.rectifyBy ?? '').localeCompare(b.rectifyBy ?? ''))
}
