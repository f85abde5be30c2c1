import type {Kysely} from '#kysely'

import {appendAudit} from '../audit/index.js'
import {chinaDate} from '../clock.js'
import {parseIsoDate} from '../dates.js'
import {Conflict, InvalidInput, RuleRefused} from '../errors.js'
import type {Database, Store, WriteContext} from '../store/index.js'
import {findUnit, type Unit} from '../units/index.js'
import {fileRequestIn, type WorkflowResult} from '../workflow/index.js'
import {allocateOneIn} from './allocations.js'
import {type Allocation, type Plane} from './model.js'
import {formatCidr, overlaps, type ParsedCidr, parseCidr} from './ip.js'
import {holdersOf, innermostPool} from './given-block.js'
import {protectionOf} from './protect.js'
import {connectionOf, planeOption, recordConnection} from './requests/connections.js'
import {accessModeOf, checkEligibility, costBearerFor, costBearerOf, refuseSecondOpen} from './requests/filing.js'
import type {CostBearer} from './requests/payloads.js'

/**
 * 存量接入: a connection already in service before egov, recorded with the blocks it has
 * (NET-5's steps happened on paper). Filed by one person, approved by a second (X-2); on
 * approval the blocks become the unit's (free ones allocated, its own kept) and the connection
 * is in service from `since`, after which change, cut-off, close and the yearly report treat it
 * like any other.
 */
export interface AdoptRequest {
  unit: string
  category: 1 | 2 | 3 | 4
  basis: string
  accessMode: string
  plane: Plane
  bandwidthMbps: number
  /** The day the connection went into service, YYYY-MM-DD (China). */
  since: string
  cidrs: string[]
  sponsor?: string
  costBearer: CostBearer
  /** After approval: the allocations that are the connection's blocks. */
  allocations?: number[]
}

export interface AdoptInput {
  unit: string
  cidrs: string[]
  accessMode: string
  bandwidthMbps: number | undefined
  since: string
  basis: string
  plane?: string | number
  sponsor?: string
  costBearer?: string
}

interface BlockCheck {
  block: ParsedCidr
  text: string
  pool: string
  /** The unit's own allocation of exactly this block, when it holds it already. */
  own?: Allocation
}

/** 申请: every block is checked now and again in the approving transaction. */
export async function applyForAdoption(store: Store, input: AdoptInput): Promise<WorkflowResult<AdoptRequest>> {
  return store.write((ctx) => fileAdoptionIn(ctx, input))
}

/** Checks an adoption and files it in the caller's transaction (`net import`'s 存量接入 sheet files one per row). */
export async function fileAdoptionIn(ctx: WriteContext, input: AdoptInput): Promise<WorkflowResult<AdoptRequest>> {
  const basis = input.basis?.trim()
  if (!basis) throw new InvalidInput('input.empty', {field: 'basis'}, {field: 'basis'})
  if (!input.accessMode?.trim()) throw new InvalidInput('input.empty', {field: 'access-mode'}, {field: 'access-mode'})
  const mode = accessModeOf(input.accessMode)
  const bandwidthMbps = input.bandwidthMbps
  if (bandwidthMbps === undefined || !Number.isInteger(bandwidthMbps) || bandwidthMbps < 1 || bandwidthMbps > 100_000) {
    throw new InvalidInput('input.badInteger', {field: 'bandwidth', value: bandwidthMbps ?? ''}, {field: 'bandwidth'})
  }
  const plane = planeOption(input.plane) ?? 1
  const since = parseIsoDate(input.since, 'since')
  if (!input.cidrs.length) throw new InvalidInput('input.missingFlag', {flag: 'cidr', label: '地址段'}, {field: 'cidr'})
  if (since > chinaDate(new Date(ctx.at))) throw new InvalidInput('netreq.adoptFuture', {since}, {field: 'since'})
  const unit = await findUnit(ctx.db, input.unit?.trim() ?? '')
  const {category, sponsor} = await checkEligibility(ctx.db, unit, input.sponsor?.trim() || undefined)
  const expected = costBearerFor(unit)
  if (input.costBearer && costBearerOf(input.costBearer) !== expected) {
    throw new RuleRefused('NET-8', 'netreq.costBearerRule', {unit: unit.name, budget: unit.budget, expected, given: input.costBearer}, {field: 'cost-bearer'})
  }
  await refuseConnected(ctx.db, unit, plane)
  await refuseSecondOpen(ctx.db, unit.name, 'net-adopt')
  await refuseSecondOpen(ctx.db, unit.name, 'net-onboarding')
  const checks = await checkBlocks(ctx.db, unit.name, plane, input.cidrs)
  const payload: AdoptRequest = {
    unit: unit.name,
    category,
    basis,
    accessMode: mode.key,
    plane,
    bandwidthMbps,
    since,
    cidrs: checks.map((c) => c.text),
    ...(sponsor ? {sponsor} : {}),
    costBearer: expected,
  }
  return (await fileRequestIn(ctx, {kind: 'net-adopt', applicantUnit: unit.name, payload})) as WorkflowResult<AdoptRequest>
}

/** One connection per plane: a unit with an open connection on the plane has nothing to adopt there. */
async function refuseConnected(db: Kysely<Database>, unit: Unit, plane: Plane): Promise<void> {
  const connection = await connectionOf(db, unit, plane)
  if (connection && connection.status !== 'closed') throw new Conflict('netreq.alreadyConnected', {unit: unit.name, status: connection.status, plane}, {field: 'unit'})
}

/** Each block: in a pool of the plane, not overlapping another given, and free or held whole by the unit outside any request. */
async function checkBlocks(db: Kysely<Database>, unit: string, plane: Plane, cidrs: string[]): Promise<BlockCheck[]> {
  const out: BlockCheck[] = []
  for (const cidr of cidrs) {
    const block = parseCidr(cidr, 'cidr')
    const text = formatCidr(block)
    const twin = out.find((o) => overlaps(o.block, block))
    if (twin) throw new InvalidInput('netreq.adoptOverlap', {cidr: text, other: twin.text}, {field: 'cidr', rule: 'NET-1'})
    const pool = await innermostPool(db, plane, block)
    const held = await holdersOf(db, plane, block)
    let own: Allocation | undefined
    if (held.length) {
      const first = held[0]!
      if (held.length > 1 || first.unit !== unit || first.cidr !== text) {
        throw new Conflict('netreq.adoptHeld', {cidr: text, held: first.cidr, unit: first.unit}, {field: 'cidr', rule: 'NET-1', details: {held: first.cidr, unit: first.unit}})
      }
      const protection = await protectionOf(db, first)
      if (protection) throw new Conflict('netreq.planBlockInUse', {cidr: text, unit, status: protection.status, use: protection.use}, {field: 'cidr', rule: protection.rule})
      own = first
    }
    out.push({block, text, pool, own})
  }
  return out
}

/** On approval, in the approving transaction: the blocks checked again, taken, and the connection recorded in service. */
export async function adoptConnection(ctx: WriteContext, requestId: number, p: AdoptRequest): Promise<Partial<AdoptRequest>> {
  const unit = await findUnit(ctx.db, p.unit)
  await refuseConnected(ctx.db, unit, p.plane)
  const checks = await checkBlocks(ctx.db, unit.name, p.plane, p.cidrs)
  const purpose = `电子政务外网接入（存量，申请 ${requestId}）`
  const allocations: number[] = []
  for (const c of checks) {
    if (c.own) {
      if (c.own.status !== 'active') {
        await ctx.db.updateTable('net_allocations').set({status: 'active'}).where('id', '=', c.own.id).execute()
        await appendAudit(ctx, {action: 'net.alloc.edit', entityType: 'net-allocation', entityId: c.own.id, before: c.own, after: {...c.own, status: 'active'}})
      }
      allocations.push(c.own.id)
    } else {
      const a = await allocateOneIn(ctx, {pool: c.pool, cidr: c.text, unit: unit.name, purpose, status: 'active'})
      allocations.push(a.id)
    }
  }
  await recordConnection(ctx, unit, {
    status: 'in-service',
    plane: p.plane,
    access_mode: p.accessMode,
    bandwidth_mbps: p.bandwidthMbps,
    cost_bearer: p.costBearer,
    sponsor: p.sponsor ?? null,
    request_id: requestId,
    since: new Date(`${p.since}T00:00:00+08:00`).toISOString(),
    rectify_by: null,
    updated_at: ctx.at,
  })
  return {allocations}
}
