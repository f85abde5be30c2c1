import type {Kysely} from '#kysely'

import {WorkCalendar} from '../calendar/index.js'
import {chinaDate} from '../clock.js'
import {parseIsoDate} from '../dates.js'
import {Conflict, InvalidInput, NotFound, RuleRefused} from '../errors.js'
import {signerName} from '../operators/permit.js'
import type {Database, Store, WriteContext} from '../store/index.js'
import {readTemplate} from '../templates.js'
import {findUnit, kindOf, type Unit} from '../units/index.js'
import {advanceRequest, fileRequestIn, findKind, limitKey, loadRequest, noteOnRequest, type RequestWithHistory, type WorkflowResult} from '../workflow/index.js'
import {checkNet4, type Net4Override} from './districts.js'
import {planGivenBlock} from './given-block.js'
import {allocateIn, findPool, type Plane, parsePlane, prefixForHosts, release} from './index.js'

/**
 * Units' extranet requests (NET-3..9), as the regulation's paper process:
 * onboarding and change run 申请 → 审核 → 制定方案 → 实施 → 业务测试 → in service (NET-5);
 * closing (NET-6), cut-off and restore (NET-7) are decisions approved by a second person,
 * each carried out with a written notice.
 */

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

export type CostBearer = 'bureau' | 'unit'

export interface ProbeRecord {
  target: string
  ok: boolean
  status?: number
  latencyMs?: number
  error?: string
  errorCode?: string
}

export interface BusinessTest {
  at: string
  by: string
  passed: boolean
  /** probes run by egov, or a unit's own manual test */
  method: 'probe' | 'manual'
  probes?: ProbeRecord[]
  note?: string
}

/** A block a plan reserved; override: the pool is not the unit's under NET-4, recorded with the reason given. */
export interface PlannedBlock {
  allocationId: number
  cidr: string
  pool: string
  at: string
  by: string
  override?: Net4Override
}

/** What an onboarding or change request carries. */
export interface ConnectionRequest {
  unit: string
  /** NET-3 category of the unit (第十一条 (一)–(四)). */
  category: 1 | 2 | 3 | 4
  basis: string
  accessMode?: string
  scope?: string
  hosts?: number
  prefixLength?: number
  /** Dual stack: an IPv6 block of this prefix length beside the IPv4 one, planned in the same step. */
  prefixLengthV6?: number
  plane: Plane
  bandwidthMbps?: number
  business?: string
  /** 归口部门: category 4 applies through it, and it carries the unit's security responsibility. */
  sponsor?: string
  costBearer?: CostBearer
  /** The technical plan: the block reserved for the unit; override: NET-4 waived, and why. */
  plan?: PlannedBlock
  /** Dual stack: the IPv6 block reserved in the same plan. */
  planV6?: PlannedBlock
  implementNote?: string
  tests?: BusinessTest[]
  /** For a change: the connection before it. */
  previous?: Connection
  /** Rejected (NET-5): the path of the written reply (不予批准通知书) and its document number. */
  notice?: string
  noticeNumber?: string
}

export interface DecisionRequest {
  unit: string
  /** The connection's plane (a unit holds one connection per plane); absent in requests filed before 025: the unit's only one. */
  plane?: Plane
  reason?: string
  rectifyBy?: string
  note?: string
  /** Path of the written notice, once the decision is carried out. */
  notice?: string
  /** Its document number (发文字号), e.g. 甘数〔2026〕3号. */
  noticeNumber?: string
  addresses?: string[]
}

// The kinds themselves (states, steps) are declared in request-kinds.ts, which loads this
// module only when a step's effect runs: listing requests does not pay for it.

// ---------------------------------------------------------------- connections

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
export async function connectionsOf(db: Kysely<Database>, unit: Unit): Promise<Connection[]> {
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
  if (!connection || connection.status !== 'in-service') {
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

// ---------------------------------------------------------------- apply and change

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

// ---------------------------------------------------------------- the technical plan, implementation, business test

/** A crash between the allocation and the state change must leave neither: tests kill the process here. */
function faultPoint(name: string): void {
  if (process.env.EGOV_FAULT === name) process.kill(process.pid, 'SIGKILL')
}

/** 制定方案: the block for the unit is reserved from the pool in the same transaction as the state change. */
export async function planRequest(
  store: Store,
  id: number,
  options: {pool?: string; poolV6?: string; prefixLength?: number; cidr?: string; comment?: string; overrideReason?: string},
): Promise<WorkflowResult<ConnectionRequest>> {
  return store.write((ctx) =>
    advanceRequest<ConnectionRequest>(ctx, id, 'plan', {
      kinds: ['net-onboarding', 'net-change'],
      comment: options.comment,
      effect: async (request) => {
        const p = request.payload
        if (options.cidr !== undefined && options.prefixLength !== undefined) throw new InvalidInput('net.oneSize', {}, {field: 'cidr'})
        const needsBlock = p.hosts !== undefined || p.prefixLength !== undefined || options.prefixLength !== undefined || options.cidr !== undefined
        const purpose = `电子政务外网接入（申请 ${id}）`
        // --pool-v6 on a request that asks for no IPv6 block is a mistake to say, not to ignore.
        if (options.poolV6 !== undefined && p.prefixLengthV6 === undefined) throw new InvalidInput('netreq.poolV6Unasked', {id}, {field: 'pool-v6'})
        // Dual stack: the IPv6 block in the same transaction as the IPv4 one; either failing leaves neither.
        const v6 = p.prefixLengthV6 === undefined ? undefined : await planV6(ctx, p, options.poolV6, purpose, options.overrideReason)
        if (!needsBlock) return v6 ? {...p, planV6: v6} : p
        let allocation
        if (options.cidr !== undefined) {
          allocation = await planGivenBlock(ctx, {requestId: id, unit: p.unit, plane: p.plane, cidr: options.cidr, pool: options.pool, purpose})
        } else {
          if (!options.pool) throw new InvalidInput('input.missingFlag', {flag: 'pool', label: '地址池'}, {field: 'pool'})
          ;[allocation] = await allocateIn(ctx, {
            pool: options.pool,
            ...(options.prefixLength !== undefined ? {prefixLength: options.prefixLength} : p.hosts !== undefined ? {hosts: p.hosts} : {prefixLength: p.prefixLength}),
            unit: p.unit,
            purpose,
            status: 'reserved',
          })
        }
        if (allocation.plane !== p.plane) throw new InvalidInput('netreq.planeMismatch', {pool: options.pool, poolPlane: allocation.plane, plane: p.plane}, {field: 'pool', rule: 'NET-2'})
        const override = await checkNet4(ctx.db, {unit: p.unit, poolId: allocation.poolId, overrideReason: options.overrideReason, field: options.cidr === undefined ? 'pool' : 'cidr'})
        faultPoint('net-plan')
        return {...p, plan: {allocationId: allocation.id, cidr: allocation.cidr, pool: allocation.pool, at: ctx.at, by: ctx.actor, ...(override ? {override} : {})}, ...(v6 ? {planV6: v6} : {})}
      },
    }),
  )
}

async function planV6(ctx: WriteContext, p: ConnectionRequest, pool: string | undefined, purpose: string, overrideReason: string | undefined): Promise<PlannedBlock> {
  if (!pool) throw new InvalidInput('netreq.poolV6Needed', {prefix: p.prefixLengthV6}, {field: 'pool-v6'})
  const named = await findPool(ctx.db, pool).catch((e: unknown) => {
    throw e instanceof NotFound ? new NotFound('net.poolNotFound', {pool}, {field: 'pool-v6'}) : e
  })
  if (named.family !== 6) throw new InvalidInput('netreq.poolNotV6', {pool}, {field: 'pool-v6'})
  const [allocation] = await allocateIn(ctx, {pool, prefixLength: p.prefixLengthV6, unit: p.unit, purpose, status: 'reserved'})
  if (allocation.plane !== p.plane) throw new InvalidInput('netreq.planeMismatch', {pool, poolPlane: allocation.plane, plane: p.plane}, {field: 'pool-v6', rule: 'NET-2'})
  const override = await checkNet4(ctx.db, {unit: p.unit, poolId: allocation.poolId, overrideReason, field: 'pool-v6'})
  return {allocationId: allocation.id, cidr: allocation.cidr, pool: allocation.pool, at: ctx.at, by: ctx.actor, ...(override ? {override} : {})}
}

export async function implementRequest(store: Store, id: number, note?: string): Promise<WorkflowResult<ConnectionRequest>> {
  return store.write((ctx) =>
    advanceRequest<ConnectionRequest>(ctx, id, 'implement', {
      kinds: ['net-onboarding', 'net-change'],
      comment: note,
      effect: async (request) => ({...request.payload, ...(note?.trim() ? {implementNote: note.trim()} : {})}),
    }),
  )
}

/**
 * 业务测试: a passing test puts the request in service at once; a failing one is recorded
 * and leaves it implemented, to be tested again.
 */
export async function recordBusinessTest(store: Store, id: number, test: Omit<BusinessTest, 'at' | 'by'>): Promise<WorkflowResult<ConnectionRequest> & {passed: boolean}> {
  return store.write(async (ctx) => {
    const request = (await loadRequest(ctx.db, id, ctx.today)) as RequestWithHistory<ConnectionRequest>
    if (!['net-onboarding', 'net-change'].includes(request.kind)) throw new InvalidInput('request.wrongKind', {id, kind: request.kind, expected: 'net-onboarding, net-change'}, {field: 'ID'})
    if (request.state !== 'implemented') {
      const allowed = findKind(request.kind)!
        .transitions.filter((t) => t.from === request.state)
        .map((t) => t.action)
      throw new Conflict('request.actionNotAllowed', {id, state: request.state, action: 'test', allowed: allowed.join(', ') || '—'}, {field: 'ID', details: {state: request.state, allowed}})
    }
    const record: BusinessTest = {...test, at: ctx.at, by: ctx.actor}
    const payload = {...request.payload, tests: [...(request.payload.tests ?? []), record]}
    if (!test.passed) {
      const noted = await noteOnRequest(ctx, id, 'test-failed', payload, test.note ?? failedProbes(test.probes))
      return {request: noted, warnings: [], passed: false}
    }
    const moved = await advanceRequest<ConnectionRequest>(ctx, id, 'test', {comment: test.note, effect: async () => payload})
    return {...moved, passed: true}
  })
}

function failedProbes(probes: ProbeRecord[] | undefined): string | undefined {
  return probes
    ?.filter((p) => !p.ok)
    .map((p) => `${p.target}: ${p.error ?? 'failed'}`)
    .join('; ')
}

// ---------------------------------------------------------------- close, cut off, restore

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
    if (!connection || connection.status !== 'in-service') throw new Conflict('netreq.notInService', {unit: unit.name, status: connection?.status ?? '—'}, {field: 'unit', rule: 'NET-7'})
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
    if (!connection || connection.status !== 'cut-off') throw new Conflict('netreq.notCutOff', {unit: unit.name}, {field: 'unit', rule: 'NET-7'})
    await refuseSecondOpen(ctx.db, unit.name, 'net-restore', connection.plane)
    return (await fileRequestIn(ctx, {kind: 'net-restore', applicantUnit: unit.name, payload: {unit: unit.name, plane: connection.plane, note: what}})) as WorkflowResult<DecisionRequest>
  })
}

/** Writes a decision's notice under the next document number of its kind (same transaction). */
async function notice(ctx: WriteContext, kind: 'close' | 'cutoff' | 'restore', id: number, p: DecisionRequest, addresses: string[]): Promise<{notice: string; noticeNumber: string}> {
  const {writeNotice} = await import('../io/notices.js')
  const {nextNoticeNumber} = await import('./notice-numbers.js')
  const number = (await nextNoticeNumber(ctx, kind)).text
  const path = await writeNotice(ctx.noticesDir, {
    kind,
    unit: p.unit,
    requestId: id,
    number,
    date: ctx.today,
    reason: kind === 'restore' ? p.note : p.reason,
    rectifyBy: p.rectifyBy,
    addresses,
    issuer: process.env.EGOV_ISSUER || '市数据局',
    // 经办: the real name on the operator roster (issue 18), else the login.
    approvedBy: await signerName(ctx.db, ctx.actor),
    rehearsal: ctx.rehearsal,
  })
  return {notice: path, noticeNumber: number}
}

/**
 * NET-5 (第十二条（二）, 审核未通过的，应当及时告知申请单位): an application (onboarding or change)
 * rejected gets a written reply with the reason, under its own document number.
 */
export async function rejectionReply(ctx: WriteContext, id: number, p: ConnectionRequest, application: 'onboarding' | 'change', reason: string): Promise<Partial<ConnectionRequest>> {
  const {writeNotice} = await import('../io/notices.js')
  const {nextNoticeNumber} = await import('./notice-numbers.js')
  const number = (await nextNoticeNumber(ctx, 'reject')).text
  const path = await writeNotice(ctx.noticesDir, {
    kind: 'reject',
    unit: p.unit,
    requestId: id,
    number,
    date: ctx.today,
    reason,
    application,
    basis: p.basis,
    issuer: process.env.EGOV_ISSUER || '市数据局',
    approvedBy: await signerName(ctx.db, ctx.actor),
    rehearsal: ctx.rehearsal,
  })
  return {notice: path, noticeNumber: number}
}

/** The connection a decision is about: the one on its plane (before 025, the unit's only one). */
function connectionRows(ctx: WriteContext, unit: Unit, p: DecisionRequest) {
  const rows = ctx.db.updateTable('net_connections').where('unit_id', '=', unit.id)
  return p.plane === undefined ? rows : rows.where('plane', '=', p.plane)
}

/** Every block held for the connection the decision is about (its notice lists them all). */
async function decisionAddresses(ctx: WriteContext, unit: Unit, p: DecisionRequest): Promise<string[]> {
  const all = await connectionsOf(ctx.db, unit)
  return all.filter((c) => p.plane === undefined || c.plane === p.plane).flatMap((c) => c.addresses)
}

/** NET-6: the link is closed, every address the unit holds goes back to its pool, and the unit is told in writing. */
export async function closeConnection(ctx: WriteContext, id: number, p: DecisionRequest): Promise<Partial<DecisionRequest>> {
  const unit = await findUnit(ctx.db, p.unit)
  // The connection's addresses: those on its plane (a request from before 025 names none: all the unit holds).
  let heldQuery = ctx.db.selectFrom('net_allocations').select(['id', 'cidr']).where('unit', '=', unit.name).where('status', '<>', 'released')
  if (p.plane !== undefined) heldQuery = heldQuery.where('plane', '=', p.plane)
  const held = await heldQuery.execute()
  for (const a of held) await release(ctx, String(a.id))
  await connectionRows(ctx, unit, p).set({status: 'closed', request_id: id, rectify_by: null, updated_at: ctx.at}).execute()
  const addresses = held.map((a) => a.cidr)
  return {addresses, ...(await notice(ctx, 'close', id, p, addresses))}
}

/** NET-7: cut off with a deadline to rectify; the unit keeps its addresses, held for it. */
export async function cutOff(ctx: WriteContext, id: number, p: DecisionRequest): Promise<Partial<DecisionRequest>> {
  const unit = await findUnit(ctx.db, p.unit)
  await connectionRows(ctx, unit, p)
    .set({status: 'cut-off', rectify_by: p.rectifyBy ?? null, request_id: id, updated_at: ctx.at})
    .execute()
  const addresses = await decisionAddresses(ctx, unit, p)
  return {addresses, ...(await notice(ctx, 'cutoff', id, p, addresses))}
}

export async function restore(ctx: WriteContext, id: number, p: DecisionRequest): Promise<Partial<DecisionRequest>> {
  const unit = await findUnit(ctx.db, p.unit)
  await connectionRows(ctx, unit, p).set({status: 'in-service', rectify_by: null, request_id: id, updated_at: ctx.at}).execute()
  const addresses = await decisionAddresses(ctx, unit, p)
  return {addresses, ...(await notice(ctx, 'restore', id, p, addresses))}
}

export interface CutOffEntry extends Connection {
  /** Past its rectification date. */
  overdue: boolean
}

/** Cut-off units, those past their rectification date first. */
export async function cutOffList(db: Kysely<Database>, today: string): Promise<CutOffEntry[]> {
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

// ---------------------------------------------------------------- the yearly report (NET-9)

export interface YearReport {
  year: number
  counts: {onboarded: number; changed: number; closed: number; cutOff: number; restored: number}
  addresses: Array<{plane: Plane; pool: string; blocks: number; addresses: string}>
  openRequests: Array<{id: number; kind: string; state: string; unit: string; dueOn: string | null; overdue: boolean}>
  costBearers: Array<{costBearer: CostBearer; units: number}>
}

/**
 * Built from the recorded history (transitions, allocation dates), so a past year's report
 * reads the same whenever it is run.
 */
export async function yearReport(db: Kysely<Database>, year: number): Promise<YearReport> {
  if (!Number.isInteger(year) || year < 2000 || year > 2100) throw new InvalidInput('input.badInteger', {field: 'year', value: year}, {field: 'year'})
  // The year's end in China, as an instant: 1 January next year 00:00 +08:00.
  const end = new Date(`${year + 1}-01-01T00:00:00+08:00`).toISOString()
  const start = new Date(`${year}-01-01T00:00:00+08:00`).toISOString()
  const moves = await db
    .selectFrom('request_transitions')
    .innerJoin('requests', 'requests.id', 'request_transitions.request_id')
    .select(['requests.kind', 'request_transitions.to_state', 'request_transitions.from_state'])
    .where('request_transitions.at', '>=', start)
    .where('request_transitions.at', '<', end)
    .where('requests.kind', 'like', 'net-%')
    .execute()
  const count = (kind: string, to: string) => moves.filter((m) => m.kind === kind && m.to_state === to && m.from_state !== to).length
  const counts = {
    onboarded: count('net-onboarding', 'in-service'),
    changed: count('net-change', 'in-service'),
    closed: count('net-close', 'closed'),
    cutOff: count('net-cutoff', 'cut-off'),
    restored: count('net-restore', 'restored'),
  }

  const held = await db
    .selectFrom('net_allocations')
    .select(['plane', 'pool_name', 'family', 'prefix', (eb) => eb.fn.countAll<number>().as('n')])
    .where('created_at', '<', end)
    .where((eb) => eb.or([eb('released_at', 'is', null), eb('released_at', '>=', end)]))
    .groupBy(['plane', 'pool_name', 'family', 'prefix'])
    .execute()
  const byPool = new Map<string, {plane: Plane; pool: string; blocks: number; addresses: bigint}>()
  for (const h of held) {
    const key = `${h.plane}\u0000${h.pool_name}`
    const e = byPool.get(key) ?? {plane: Number(h.plane) as Plane, pool: h.pool_name, blocks: 0, addresses: 0n}
    e.blocks += Number(h.n)
    e.addresses += BigInt(h.n) << BigInt((Number(h.family) === 4 ? 32 : 128) - Number(h.prefix))
    byPool.set(key, e)
  }
  const addresses = [...byPool.values()].sort((a, b) => a.plane - b.plane || a.pool.localeCompare(b.pool)).map((e) => ({...e, addresses: e.addresses.toString()}))

  // Requests open at the year's end: filed before it, and their last move before it left them in a non-final state.
  const requests = await db.selectFrom('requests').select(['id', 'kind', 'applicant_unit']).where('filed_at', '<', end).where('kind', 'like', 'net-%').execute()
  const calendar = await WorkCalendar.fromDatabase(db)
  const limits = new Map((await db.selectFrom('settings').select(['key', 'value']).where('key', 'like', 'limit.%').execute()).map((r) => [r.key, Number(r.value)]))
  const openRequests: YearReport['openRequests'] = []
  const lastMoves = await db
    .selectFrom('request_transitions')
    .select(['request_id', 'from_state', 'to_state', 'at', 'id'])
    .where('at', '<', end)
    .where('request_id', 'in', requests.length ? requests.map((r) => Number(r.id)) : [0])
    .orderBy('id')
    .execute()
  const last = new Map<number, {state: string; at: string}>()
  // A row that leaves the state as it was (a note, a due date recomputed) does not restart the state's clock.
  for (const m of lastMoves) if (m.from_state !== m.to_state) last.set(Number(m.request_id), {state: m.to_state, at: m.at})
  const yearEnd = `${year}-12-31`
  for (const r of requests) {
    const l = last.get(Number(r.id))
    const def = findKind(r.kind)
    if (!l || !def || def.states[l.state]?.terminal) continue
    const limit = limits.get(limitKey(r.kind, l.state)) ?? def.states[l.state]?.limitDays
    const dueOn = limit === undefined ? null : calendar.addWorkdays(chinaDate(new Date(l.at)), limit).date
    openRequests.push({id: Number(r.id), kind: r.kind, state: l.state, unit: r.applicant_unit, dueOn, overdue: dueOn !== null && dueOn < yearEnd})
  }
  openRequests.sort((a, b) => Number(b.overdue) - Number(a.overdue) || a.id - b.id)

  // Line costs: units whose connection was in service at the year's end, by who pays (NET-8).
  const bearers = new Map<CostBearer, number>()
  const connected = new Map<string, CostBearer | null>()
  const lifecycle = await db
    .selectFrom('request_transitions')
    .innerJoin('requests', 'requests.id', 'request_transitions.request_id')
    .select(['requests.kind', 'requests.applicant_unit', 'requests.payload', 'request_transitions.to_state'])
    .where('request_transitions.at', '<', end)
    .where('requests.kind', 'in', ['net-onboarding', 'net-adopt', 'net-close'])
    .orderBy('request_transitions.id')
    .execute()
  for (const m of lifecycle) {
    if ((m.kind === 'net-onboarding' && m.to_state === 'in-service') || (m.kind === 'net-adopt' && m.to_state === 'adopted'))
      connected.set(m.applicant_unit, (JSON.parse(m.payload) as ConnectionRequest).costBearer ?? 'unit')
    if (m.kind === 'net-close' && m.to_state === 'closed') connected.set(m.applicant_unit, null)
  }
  for (const bearer of connected.values()) if (bearer) bearers.set(bearer, (bearers.get(bearer) ?? 0) + 1)
  const costBearers = [...bearers.entries()].map(([costBearer, units]) => ({costBearer, units}))
  return {year, counts, addresses, openRequests, costBearers}
}
