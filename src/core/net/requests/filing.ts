/**
 * Filing requests (NET-3, NET-5..8): onboarding and change applications, and the decisions to
 * close, cut off or restore a connection, each checked before it is filed.
 */
import type {Kysely} from '#kysely'

import {parseIsoDate} from '../../dates.js'
import {Conflict, InvalidInput, RuleRefused} from '../../errors.js'
import type {Database, Store} from '../../store/index.js'
import {readTemplate} from '../../templates.js'
import {findUnit, kindOf, type Unit} from '../../units/index.js'
import {fileRequestIn, findKind, type WorkflowResult} from '../../workflow/index.js'
import {prefixForHosts} from '../ip.js'
import type {Plane} from '../model.js'
import {connectionOf, connectionsOf, planeOption} from './connections.js'
import type {ConnectionRequest, CostBearer, DecisionRequest} from './payloads.js'

export interface AccessMode {
  key: string
  name: string
}

export function accessModes(): AccessMode[] {
  return readTemplate<{modes: AccessMode[]}>('access-modes.json').modes
}

export function accessModeOf(value: string): AccessMode {
  const mode = accessModes().find((m) => m.key === value.trim() || m.name === value.trim())
  if (!mode)
    throw new InvalidInput(
      'netreq.badAccessMode',
      {
        value,
        allowed: accessModes()
          .map((m) => `${m.key} (${m.name})`)
          .join(', '),
      },
      {field: 'access-mode', rule: 'NET-5'},
    )
  return mode
}

export interface ApplyInput {
  unit: string
  basis: string
  accessMode: string
  scope: string
  hosts?: number
  prefixLength?: number
  prefixLengthV6?: number
  plane?: string | number
  bandwidthMbps: number
  business: string
  sponsor?: string
  costBearer?: string
}

/** NET-8: city-budget units' lines are paid by the bureau, the others' by themselves. */
export function costBearerFor(unit: Unit): CostBearer {
  return unit.budget === 'city' ? 'bureau' : 'unit'
}

export async function checkEligibility(db: Kysely<Database>, unit: Unit, sponsorName?: string): Promise<{category: 1 | 2 | 3 | 4; sponsor?: string}> {
  const kind = kindOf(unit.kind)
  if (!kind.netCategory) throw new RuleRefused('NET-3', 'netreq.notEligible', {unit: unit.name, kind: kind.name}, {field: 'unit'})
  if (kind.netCategory === 4) {
    if (!sponsorName) throw new RuleRefused('NET-3', 'netreq.sponsorRequired', {unit: unit.name, kind: kind.name}, {field: 'sponsor'})
    const sponsor = await findUnit(db, sponsorName, 'sponsor')
    const sk = kindOf(sponsor.kind)
    if (sk.netCategory !== 1) throw new RuleRefused('NET-3', 'netreq.sponsorNotDepartment', {sponsor: sponsor.name, kind: sk.name}, {field: 'sponsor'})
    return {category: 4, sponsor: sponsor.name}
  }
  return {category: kind.netCategory}
}

function positive(value: number | undefined, field: string, max = 1_000_000): number | undefined {
  if (value === undefined) return undefined
  if (!Number.isInteger(value) || value < 1 || value > max) throw new InvalidInput('input.badInteger', {field, value}, {field})
  return value
}

function required(value: string | undefined, field: string): string {
  const v = value?.trim()
  if (!v) throw new InvalidInput('input.empty', {field}, {field})
  return v
}

/** One open request of a kind per unit: a second is a conflict naming the first. */
export async function refuseSecondOpen(db: Kysely<Database>, unit: string, kind: string, plane?: Plane): Promise<void> {
  const rows = await db.selectFrom('requests').select(['id', 'state', 'payload']).where('applicant_unit', '=', unit).where('kind', '=', kind).execute()
  // A decision is about one connection: an open one about the other plane's is no conflict.
  const samePlane = (payload: string) => {
    const about = (JSON.parse(payload) as {plane?: number}).plane
    return plane === undefined || about === undefined || about === plane
  }
  const open = rows.find((r) => !findKind(kind)?.states[r.state]?.terminal && samePlane(r.payload))
  if (open) throw new Conflict('netreq.openRequest', {unit, id: open.id}, {field: 'unit', details: {requestId: open.id}})
}

/** 申请 (NET-3, NET-5, NET-8): checks eligibility and the cost rule, then files the request. */
export async function applyForConnection(store: Store, input: ApplyInput): Promise<WorkflowResult<ConnectionRequest>> {
  const basis = required(input.basis, 'basis')
  const scope = required(input.scope, 'scope')
  const business = required(input.business, 'business')
  const mode = accessModeOf(required(input.accessMode, 'access-mode'))
  const bandwidthMbps = positive(input.bandwidthMbps, 'bandwidth', 100_000)
  if (bandwidthMbps === undefined) throw new InvalidInput('input.empty', {field: 'bandwidth'}, {field: 'bandwidth'})
  const size = {...addressNeed(input.hosts, input.prefixLength, true), ...v6Need(input.prefixLengthV6)}
  const plane = planeOption(input.plane) ?? 1
  return store.write(async (ctx) => {
    const unit = await findUnit(ctx.db, required(input.unit, 'unit'))
    const {category, sponsor} = await checkEligibility(ctx.db, unit, input.sponsor?.trim() || undefined)
    const expected = costBearerFor(unit)
    let costBearer = expected
    if (input.costBearer) {
      const given = costBearerOf(input.costBearer)
      if (given !== expected) throw new RuleRefused('NET-8', 'netreq.costBearerRule', {unit: unit.name, budget: unit.budget, expected, given}, {field: 'cost-bearer'})
      costBearer = given
    }
    // One connection per plane (NET-2): a second line on the other carrier's plane is an onboarding of its own.
    const connection = await connectionOf(ctx.db, unit, plane)
    if (connection && connection.status !== 'closed') throw new Conflict('netreq.alreadyConnected', {unit: unit.name, status: connection.status, plane}, {field: 'unit'})
    await refuseSecondOpen(ctx.db, unit.name, 'net-onboarding')
    const payload: ConnectionRequest = {unit: unit.name, category, basis, accessMode: mode.key, scope, ...size, plane, bandwidthMbps, business, ...(sponsor ? {sponsor} : {}), costBearer}
    return (await fileRequestIn(ctx, {kind: 'net-onboarding', applicantUnit: unit.name, payload})) as WorkflowResult<ConnectionRequest>
  })
}

export function costBearerOf(value: string): CostBearer {
  const v = value.trim()
  if (v === 'bureau' || v === '市数据局' || v === '数据局') return 'bureau'
  if (v === 'unit' || v === '单位' || v === '单位自行承担' || v === '自行承担') return 'unit'
  throw new InvalidInput('netreq.badCostBearer', {value}, {field: 'cost-bearer', rule: 'NET-8'})
}

/** Dual stack: an IPv6 prefix length, /16 to /128 (a unit typically gets a /64 or a /56). */
function v6Need(prefixLengthV6: number | undefined): {prefixLengthV6?: number} {
  if (prefixLengthV6 === undefined) return {}
  if (!Number.isInteger(prefixLengthV6) || prefixLengthV6 < 16 || prefixLengthV6 > 128)
    throw new InvalidInput('input.badInteger', {field: 'prefix-length-v6', value: prefixLengthV6}, {field: 'prefix-length-v6'})
  return {prefixLengthV6}
}

function addressNeed(hosts: number | undefined, prefixLength: number | undefined, requiredNeed: boolean): {hosts?: number; prefixLength?: number} {
  if (hosts !== undefined && prefixLength !== undefined) throw new InvalidInput('netreq.oneNeed', {}, {field: 'hosts'})
  if (hosts !== undefined) {
    prefixForHosts(hosts)
    return {hosts}
  }
  if (prefixLength !== undefined) {
    if (!Number.isInteger(prefixLength) || prefixLength < 8 || prefixLength > 128) throw new InvalidInput('input.badInteger', {field: 'prefix-length', value: prefixLength}, {field: 'prefix-length'})
    return {prefixLength}
  }
  if (requiredNeed) throw new InvalidInput('netreq.oneNeed', {}, {field: 'hosts'})
  return {}
}

export interface ChangeInput {
  unit: string
  basis: string
  hosts?: number
  prefixLength?: number
  prefixLengthV6?: number
  bandwidthMbps?: number
  plane?: string | number
  accessMode?: string
}

/** A change to a connection in service runs the same steps (NET-5); a cut-off unit cannot change (NET-7). */
export async function applyForChange(store: Store, input: ChangeInput): Promise<WorkflowResult<ConnectionRequest>> {
  const basis = required(input.basis, 'basis')
  const size = {...addressNeed(input.hosts, input.prefixLength, false), ...v6Need(input.prefixLengthV6)}
  const bandwidthMbps = positive(input.bandwidthMbps, 'bandwidth', 100_000)
  const mode = input.accessMode ? accessModeOf(input.accessMode).key : undefined
  return store.write(async (ctx) => {
    const unit = await findUnit(ctx.db, required(input.unit, 'unit'))
    // --plane names which of the unit's connections changes (one per plane); moving to the other
    // carrier is an onboarding there and a close here.
    const connection = await connectionOf(ctx.db, unit, planeOption(input.plane))
    if (!connection || connection.status === 'closed') throw new Conflict('netreq.notConnected', {unit: unit.name}, {field: 'unit'})
    if (connection.status === 'cut-off') throw new Conflict('netreq.cutOffNoChange', {unit: unit.name, rectifyBy: connection.rectifyBy}, {field: 'unit', rule: 'NET-7'})
    await refuseSecondOpen(ctx.db, unit.name, 'net-change')
    const plane = connection.plane
    if (!size.hosts && !size.prefixLength && !size.prefixLengthV6 && bandwidthMbps === undefined && !mode) {
      throw new InvalidInput('netreq.nothingToChange', {}, {field: 'basis'})
    }
    const {category} = await checkEligibility(ctx.db, unit, connection.sponsor ?? undefined)
    const payload: ConnectionRequest = {unit: unit.name, category, basis, ...size, plane, ...(bandwidthMbps ? {bandwidthMbps} : {}), ...(mode ? {accessMode: mode} : {})}
    return (await fileRequestIn(ctx, {kind: 'net-change', applicantUnit: unit.name, payload})) as WorkflowResult<ConnectionRequest>
  })
}

export async function applyToClose(store: Store, unitName: string, reason: string, options: {plane?: string | number} = {}): Promise<WorkflowResult<DecisionRequest>> {
  const why = required(reason, 'reason')
  const asked = planeOption(options.plane)
  return store.write(async (ctx) => {
    const unit = await findUnit(ctx.db, required(unitName, 'unit'))
    const connection = await connectionOf(ctx.db, unit, asked)
    if (!connection || connection.status === 'closed') throw new Conflict('netreq.notConnected', {unit: unit.name}, {field: 'unit'})
    await refuseSecondOpen(ctx.db, unit.name, 'net-close', connection.plane)
    return (await fileRequestIn(ctx, {kind: 'net-close', applicantUnit: unit.name, payload: {unit: unit.name, plane: connection.plane, reason: why}})) as WorkflowResult<DecisionRequest>
  })
}

export async function applyToCutOff(store: Store, unitName: string, reason: string, rectifyBy: string, options: {plane?: string | number} = {}): Promise<WorkflowResult<DecisionRequest>> {
  const why = required(reason, 'reason')
  const by = parseIsoDate(required(rectifyBy, 'rectify-by'), 'rectify-by')
  const asked = planeOption(options.plane)
  return store.write(async (ctx) => {
    if (by < ctx.today) throw new InvalidInput('netreq.rectifyInPast', {date: by, today: ctx.today}, {field: 'rectify-by', rule: 'NET-7'})
    const unit = await findUnit(ctx.db, required(unitName, 'unit'))
    const connection = await connectionOf(ctx.db, unit, asked)
    if (connection?.status !== 'in-service') throw new Conflict('netreq.notInService', {unit: unit.name, status: connection?.status ?? '—'}, {field: 'unit', rule: 'NET-7'})
    await refuseSecondOpen(ctx.db, unit.name, 'net-cutoff', connection.plane)
    return (await fileRequestIn(ctx, {
      kind: 'net-cutoff',
      applicantUnit: unit.name,
      payload: {unit: unit.name, plane: connection.plane, reason: why, rectifyBy: by},
    })) as WorkflowResult<DecisionRequest>
  })
}

export async function applyToRestore(store: Store, unitName: string, note: string, options: {plane?: string | number} = {}): Promise<WorkflowResult<DecisionRequest>> {
  const what = required(note, 'note')
  const asked = planeOption(options.plane)
  return store.write(async (ctx) => {
    const unit = await findUnit(ctx.db, required(unitName, 'unit'))
    // Without --plane: the unit's cut-off connection, when it has one.
    const connection = asked !== undefined ? await connectionOf(ctx.db, unit, asked) : (await connectionsOf(ctx.db, unit)).find((c) => c.status === 'cut-off')
    if (connection?.status !== 'cut-off') throw new Conflict('netreq.notCutOff', {unit: unit.name}, {field: 'unit', rule: 'NET-7'})
    await refuseSecondOpen(ctx.db, unit.name, 'net-restore', connection.plane)
    return (await fileRequestIn(ctx, {kind: 'net-restore', applicantUnit: unit.name, payload: {unit: unit.name, plane: connection.plane, note: what}})) as WorkflowResult<DecisionRequest>
  })
}
