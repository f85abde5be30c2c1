import type {Kysely} from '#kysely'

import {Conflict} from '../errors.js'
import {type Database, type Reader, readerDb} from '../store/index.js'

/**
 * NET-6, NET-7: a block that belongs to a unit's extranet connection — planned (reserved by
 * an onboarding or change in progress), in service, or cut off (its addresses 予以保留，不另行分配)
 * — leaves the unit only through a request: close (NET-6) or change (NET-5). `net release`
 * and `net alloc --cidr` by hand are refused, naming the rule and the request to use.
 */
export interface Protection {
  rule: 'NET-5' | 'NET-6' | 'NET-7'
  unit: string
  /** planned, in-service or cut-off */
  status: 'planned' | 'in-service' | 'cut-off'
  /** The command that moves the block, as a user types it. */
  use: string
  requestId?: number
}

/** Why a holding allocation may not be released or re-allocated by hand, or undefined when it may. */
export async function protectionOf(db: Kysely<Database>, allocation: {id: number; unit: string}): Promise<Protection | undefined> {
  const unit = await db.selectFrom('units').select(['id', 'name']).where('name', '=', allocation.unit).executeTakeFirst()
  if (unit) {
    // The connection the block belongs to: the unit's on the block's plane (one connection per plane).
    const plane = (await db.selectFrom('net_allocations').select('plane').where('id', '=', allocation.id).executeTakeFirst())?.plane
    let query = db.selectFrom('net_connections').select('status').where('unit_id', '=', unit.id)
    if (plane !== undefined) query = query.where('plane', '=', Number(plane))
    const rows = await query.execute()
    const connection = rows.find((r) => r.status === 'in-service') ?? rows.find((r) => r.status === 'cut-off')
    if (connection?.status === 'in-service') {
      return {rule: 'NET-6', unit: unit.name, status: 'in-service', use: `egov net request close ${unit.name} --reason …  |  egov net request change ${unit.name} --basis …`}
    }
    if (connection?.status === 'cut-off') {
      return {rule: 'NET-7', unit: unit.name, status: 'cut-off', use: `egov net restore ${unit.name} --note …  |  egov net request close ${unit.name} --reason …`}
    }
  }
  // A plan in progress: the reserved block is the request's until it goes into service.
  const open = await db
    .selectFrom('requests')
    .select(['id', 'payload'])
    .where('kind', 'in', ['net-onboarding', 'net-change'])
    .where('state', 'in', ['planned', 'implemented'])
    .where('applicant_unit', '=', allocation.unit)
    .execute()
  for (const r of open) {
    let planned: Array<number | undefined>
    try {
      const payload = JSON.parse(r.payload) as {plan?: {allocationId?: number}; planV6?: {allocationId?: number}}
      planned = [payload.plan?.allocationId, payload.planV6?.allocationId]
    } catch {
      planned = []
    }
    if (planned.includes(allocation.id)) {
      return {rule: 'NET-5', unit: allocation.unit, status: 'planned', use: `egov requests show ${r.id}`, requestId: Number(r.id)}
    }
  }
  return undefined
}

/** Refuses (exit 4) a hand release or re-allocation of a protected block; `cidr` is the block asked for. */
export async function refuseIfProtected(from: Reader, allocation: {id: number; unit: string; cidr: string}, field: string, asked = allocation.cidr): Promise<void> {
  const db = readerDb(from)
  const p = await protectionOf(db, allocation)
  if (!p) return
  const key = p.status === 'cut-off' ? 'net.protectedCutOff' : p.status === 'planned' ? 'net.protectedPlanned' : 'net.protectedInService'
  throw new Conflict(
    key,
    {cidr: asked, held: allocation.cidr, unit: p.unit, use: p.use, id: p.requestId ?? ''},
    {field, rule: p.rule, details: {unit: p.unit, held: allocation.cidr, connection: p.status, use: p.use, ...(p.requestId ? {requestId: p.requestId} : {})}},
  )
}
