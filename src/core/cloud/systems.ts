import type {Kysely} from '#kysely'

import {appendAudit} from '../audit/index.js'
import {Conflict, InvalidInput, RuleRefused} from '../errors.js'
import {allocateIn, findAllocation, findPool, release} from '../net/index.js'
import type {Database, Store, WriteContext} from '../store/index.js'
import {findUnit, kindOf} from '../units/index.js'
import {advanceRequest, fileRequestIn, findKind, loadRequest, noteOnRequest, type RequestWithHistory, type WorkflowResult} from '../workflow/index.js'
import {exceptionFacts} from './exceptions.js'
import type {ApplicationValues} from './forms.js'
import {
  allProviders,
  type Amounts,
  type Attachment,
  capacityOf,
  type CloudSystem,
  type Configuration,
  CONFIG_FIELDS,
  configColumns,
  envelopeColumns,
  findProvider,
  findSystem,
  fingerprint,
  GONE_STATUSES,
  HOLDING_STATUSES,
  type Provider,
  RESOURCES,
  recordAttachment,
  recordEvent,
  requireRoom,
  shortfalls,
  systemById,
  totals,
} from './model.js'
import {cloud9Admissible} from './rules.js'
import {requireGoLiveSteps} from './security.js'

/**
 * Tenant systems through CLOUD-3 (申请 → 初审 → 上云方案 → 审批 → 服务协议 → 开通),
 * CLOUD-4 (change inside the envelope, or a scale request beyond it) and CLOUD-5 (release,
 * wipe, confirmation by a second person). Capacity is reserved when the bureau approves and
 * checked inside the write transaction every writer takes in turn (CLOUD-6).
 */

type Db = Kysely<Database>

/** What a cloud-onboarding request carries. */
export interface OnboardingRequest {
  unit: string
  system: string
  systemId: number
  level: number
  classified: boolean
  os: string
  config: Configuration
  totals: Amounts
  /** CLOUD-9: the recorded exception (a cloud-exception request, approved) the application was admitted under. */
  exceptionId?: number
  /** Free text that applications carried before exceptions were recorded; kept readable on old rows. */
  exceptionRef?: string
  securityLetter: Attachment
  plan?: {provider: string; pool?: string; file: Attachment; proposed: boolean; reason: string; at: string; by: string}
  reserved?: {provider: string; envelope: Amounts; allocation?: {id: number; cidr: string; pool: string}}
  agreement?: Attachment
  provisionedAt?: string
}

/** A scale (扩容/缩容) request: the configuration asked for and the envelope it would need. */
export interface ScaleRequest {
  unit: string
  system: string
  systemId: number
  provider: string
  config: Configuration
  envelope: Amounts
  previousEnvelope: Amounts
  direction: 'up' | 'down' | 'mixed'
  reason?: string
}

export interface ReleaseRequest {
  unit: string
  system: string
  systemId: number
  provider: string
  reason: string
  wipe?: {method: WipeMethod; by: string; recordedBy: string; at: string; evidence?: Attachment}
  confirmedBy?: string
}

export type WipeMethod = 'overwrite' | 'crypto-erase' | 'destroy-media'
export const WIPE_METHODS: WipeMethod[] = ['overwrite', 'crypto-erase', 'destroy-media']

/** A result of a step that may already have been taken: re-running it changes nothing. */
export type StepResult<P> = WorkflowResult<P> & {unchanged?: boolean}

const ONBOARDING = 'cloud-onboarding'

// ---------------------------------------------------------------- apply (CLOUD-1, 3, 9)

/** CLOUD-1 and CLOUD-9, then the request; the system's name is held from here on. */
export async function applyForCloud(store: Store, input: ApplicationValues): Promise<StepResult<OnboardingRequest>> {
  if (input.level >= 4 || input.classified) {
    throw new RuleRefused('CLOUD-1', input.classified ? 'cloud.classified' : 'cloud.levelTooHigh', {system: input.system, level: input.level}, {field: input.classified ? 'classified' : 'level'})
  }
  const letter = await fingerprint(input.securityLetter, 'security-letter', 'security-letter')
  return store.write(async (ctx) => {
    const unit = await findUnit(ctx.db, input.unit)
    const kind = kindOf(unit.kind)
    const exception = input.approvedException === undefined ? undefined : await exceptionFacts(ctx.db, input.approvedException)
    const verdict = cloud9Admissible({unit: unit.name, system: input.system, kind}, exception)
    if (!verdict.admissible) throw new RuleRefused('CLOUD-9', verdict.key, verdict.params, {field: 'approved-exception'})
    const exceptionId = verdict.exceptionId
    const existing = await ctx.db.selectFrom('cloud_systems').selectAll().where('name', '=', input.system).where('status', 'not in', GONE_STATUSES).executeTakeFirst()
    if (existing) {
      const same = await loadRequest(ctx.db, Number(existing.request_id), ctx.today)
      const p = same.payload as OnboardingRequest
      if (
        same.kind === ONBOARDING &&
        p.unit === unit.name &&
        sameConfig(p.config, input.config) &&
        p.level === input.level &&
        p.os === input.os &&
        p.securityLetter.sha256 === letter.sha256 &&
        p.exceptionId === exceptionId
      ) {
        return {request: same as RequestWithHistory<OnboardingRequest>, warnings: [], unchanged: true}
      }
      throw new Conflict('cloud.systemTaken', {system: input.system, unit: existing.unit, status: existing.status, id: existing.request_id}, {field: 'system'})
    }
    const inserted = await ctx.db
      .insertInto('cloud_systems')
      .values({
        name: input.system,
        unit: unit.name,
        level: input.level,
        os: input.os,
        exception_ref: null,
        exception_id: exceptionId ?? null,
        request_id: 0,
        status: 'applying',
        provider: null,
        pool: null,
        allocation_id: null,
        ...configColumns(input.config),
        env_vcpu: null,
        env_memory_gib: null,
        env_storage_gib: null,
        env_bandwidth_mbps: null,
        env_extranet_ips: null,
        env_internet_ips: null,
        provisioned_at: null,
        released_at: null,
        created_at: ctx.at,
        updated_at: ctx.at,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const systemId = Number(inserted.id)
    const payload: OnboardingRequest = {
      unit: unit.name,
      system: input.system,
      systemId,
      level: input.level,
      classified: false,
      os: input.os,
      config: input.config,
      totals: totals(input.config),
      ...(exceptionId ? {exceptionId} : {}),
      securityLetter: letter,
    }
    const filed = (await fileRequestIn(ctx, {kind: ONBOARDING, applicantUnit: unit.name, payload})) as WorkflowResult<OnboardingRequest>
    await ctx.db.updateTable('cloud_systems').set({request_id: filed.request.id}).where('id', '=', systemId).execute()
    await recordAttachment(ctx, letter, filed.request.id, systemId)
    await recordEvent(ctx, await systemById(ctx.db, systemId), 'applied', filed.request.id)
    return filed
  })
}

function sameConfig(a: Configuration, b: Configuration): boolean {
  return CONFIG_FIELDS.every((k) => a[k] === b[k])
}

// ---------------------------------------------------------------- plan (CLOUD-3, CLOUD-6)

export interface Proposal {
  provider: string
  /** unit: hosts the unit's own systems; sector: hosts systems of its department's units; free: the most free capacity */
  reason: 'unit' | 'sector' | 'free'
  /** unit, sector: how many systems it hosts; free: the share left free of the scarcest resource after this system, in % */
  figure: number
  /** sector: the department whose units' systems it hosts */
  department?: string
  resource?: string
}

/**
 * CLOUD-6 部门高度集中、行业相对集中、技术适配优先: among the admitted providers with room
 * for the system, the one already hosting most of the unit's own systems; else the one
 * hosting most systems of its department's units (the department itself, the units under
 * it, the unit's own units); else the one with the most free capacity — measured by the
 * share left free of the resource this system makes scarcest.
 */
export async function proposeProvider(db: Db, unitName: string, need: Amounts): Promise<Proposal> {
  const providers = (await allProviders(db)).filter((p) => p.status === 'admitted')
  if (!providers.length) throw new Conflict('cloud.noProviders', {}, {field: 'provider', rule: 'CLOUD-2'})
  const fits: Array<{provider: Provider; left: number; resource: string}> = []
  const misses: string[] = []
  for (const p of providers) {
    const cap = await capacityOf(db, p)
    const short = shortfalls(cap.free, need)
    if (short.length) {
      misses.push(`${p.name}: ${short.map((s) => `${s.resource} short ${s.short}`).join(', ')}`)
      continue
    }
    let left = Infinity
    let resource = ''
    for (const r of RESOURCES) {
      if (need[r] === 0 || p.offered[r] === 0) continue
      const share = (cap.free[r] - need[r]) / p.offered[r]
      if (share < left) {
        left = share
        resource = r
      }
    }
    fits.push({provider: p, left: left === Infinity ? 1 : left, resource})
  }
  if (!fits.length) throw new Conflict('cloud.noProviderFits', {misses: misses.join('; ')}, {field: 'provider', rule: 'CLOUD-6'})
  const fitting = new Set(fits.map((f) => f.provider.name))
  /** The fitting provider hosting most live systems of these units, with how many. */
  const mostHosting = async (units: string[]): Promise<{name: string; n: number} | undefined> => {
    if (!units.length) return undefined
    const rows = await db
      .selectFrom('cloud_systems')
      .select(['provider', (eb) => eb.fn.countAll<number>().as('n')])
      .where('unit', 'in', units)
      .where('provider', 'is not', null)
      .where('status', 'in', HOLDING_STATUSES)
      .groupBy('provider')
      .execute()
    return rows
      .map((r) => ({name: r.provider!, n: Number(r.n)}))
      .filter((r) => fitting.has(r.name))
      .sort((a, b) => b.n - a.n || a.name.localeCompare(b.name))[0]
  }
  const own = await mostHosting([unitName])
  if (own) return {provider: own.name, reason: 'unit', figure: own.n}
  const unit = await findUnit(db, unitName)
  const department = unit.parent ?? unit.name
  const sector = await db
    .selectFrom('units as u')
    .leftJoin('units as p', 'p.id', 'u.parent_id')
    .select('u.name')
    .where((eb) => eb.or([eb('u.name', '=', department), eb('p.name', '=', department), eb('p.name', '=', unit.name)]))
    .execute()
  const related = await mostHosting(sector.map((r) => r.name).filter((n) => n !== unit.name))
  if (related) return {provider: related.name, reason: 'sector', figure: related.n, department}
  fits.sort((a, b) => b.left - a.left || a.provider.name.localeCompare(b.provider.name))
  const best = fits[0]
  return {provider: best.provider.name, reason: 'free', figure: Math.round(best.left * 1000) / 10, resource: best.resource}
}

async function requestOf<P>(ctx: WriteContext, id: number, kinds: string[]): Promise<RequestWithHistory<P>> {
  const request = await loadRequest(ctx.db, id, ctx.today)
  if (!kinds.includes(request.kind)) throw new InvalidInput('request.wrongKind', {id, kind: request.kind, expected: kinds.join(', ')}, {field: 'ID'})
  return request as RequestWithHistory<P>
}

/** The states a request of a kind passes through after taking `action` (for "already done"). */
function statesAfter(kind: string, action: string): string[] {
  const def = findKind(kind)!
  const start = def.transitions.find((t) => t.action === action)?.to
  if (!start) return []
  const seen = new Set<string>([start])
  const queue = [start]
  while (queue.length) {
    const s = queue.shift()!
    for (const t of def.transitions) if (t.from === s && t.action !== 'reject' && !seen.has(t.to)) (seen.add(t.to), queue.push(t.to))
  }
  return [...seen]
}

/** 上云方案/迁移方案: the plan names the provider (proposed by CLOUD-6 when not given) and, for extranet addresses, the net pool. */
export async function planOnboarding(
  store: Store,
  id: number,
  options: {file: string; provider?: string; pool?: string; comment?: string},
): Promise<StepResult<OnboardingRequest> & {proposal?: Proposal}> {
  const file = await fingerprint(options.file, 'file', 'plan')
  return store.write(async (ctx) => {
    const request = await requestOf<OnboardingRequest>(ctx, id, [ONBOARDING])
    const p = request.payload
    if (statesAfter(ONBOARDING, 'plan').includes(request.state) && p.plan) {
      if (p.plan.file.sha256 === file.sha256 && (!options.provider || options.provider === p.plan.provider) && (!options.pool || options.pool === p.plan.pool)) {
        return {request, warnings: [], unchanged: true}
      }
      throw new Conflict('cloud.alreadyPlanned', {id, provider: p.plan.provider, state: request.state}, {field: 'ID'})
    }
    let proposal: Proposal | undefined
    let providerName = options.provider?.trim()
    let pool: string | undefined
    const moved = await advanceRequest<OnboardingRequest>(ctx, id, 'plan', {
      kinds: [ONBOARDING],
      comment: options.comment,
      effect: async () => {
        if (providerName) {
          const provider = await findProvider(ctx.db, providerName)
          if (provider.status !== 'admitted') throw new Conflict('cloud.providerExited', {provider: provider.name}, {field: 'provider', rule: 'CLOUD-2'})
          providerName = provider.name
        } else {
          proposal = await proposeProvider(ctx.db, p.unit, p.totals)
          providerName = proposal.provider
        }
        if (p.config.extranetIps > 0) {
          if (!options.pool) throw new InvalidInput('cloud.poolNeeded', {count: p.config.extranetIps}, {field: 'pool'})
          pool = (await findPool(ctx.db, options.pool)).name
        }
        const reason = !proposal
          ? 'named by the plan'
          : proposal.reason === 'unit'
            ? `hosts ${proposal.figure} of the unit's systems`
            : proposal.reason === 'sector'
              ? `hosts ${proposal.figure} systems of ${proposal.department}'s units`
              : `most free capacity (${proposal.figure}% of ${proposal.resource} left)`
        return {...p, plan: {provider: providerName, ...(pool ? {pool} : {}), file, proposed: Boolean(proposal), reason, at: ctx.at, by: ctx.actor}}
      },
    })
    await recordAttachment(ctx, file, id, p.systemId)
    await ctx.db
      .updateTable('cloud_systems')
      .set({provider: providerName!, pool: pool ?? null, updated_at: ctx.at})
      .where('id', '=', p.systemId)
      .execute()
    return {...moved, ...(proposal ? {proposal} : {})}
  })
}

/**
 * Entering `approved` (the bureau approves the plan): capacity is reserved on the planned
 * provider, or the approval is refused naming the resource short (exit 4, CLOUD-6);
 * extranet addresses are reserved in the plan's net pool in the same transaction.
 */
export async function reserveOnApproval(ctx: WriteContext, id: number, p: OnboardingRequest): Promise<Partial<OnboardingRequest>> {
  const provider = await findProvider(ctx.db, p.plan!.provider)
  await requireRoom(ctx.db, provider, p.totals)
  let allocation: {id: number; cidr: string; pool: string} | undefined
  let allocationId: number | null = null
  if (p.config.extranetIps > 0 && p.plan?.pool) {
    const [a] = await allocateIn(ctx, {pool: p.plan.pool, hosts: p.config.extranetIps, unit: p.unit, purpose: `政务云 ${p.system}（申请 ${id}）`, status: 'reserved'})
    allocation = {id: a.id, cidr: a.cidr, pool: a.pool}
    allocationId = a.id
  }
  await ctx.db
    .updateTable('cloud_systems')
    .set({status: 'approved', provider: provider.name, allocation_id: allocationId, ...envelopeColumns(p.totals), updated_at: ctx.at})
    .where('id', '=', p.systemId)
    .execute()
  await recordEvent(ctx, await systemById(ctx.db, p.systemId), 'approved', id)
  return {reserved: {provider: provider.name, envelope: p.totals, ...(allocation ? {allocation} : {})}}
}

export async function onOnboardingRejected(ctx: WriteContext, id: number, p: OnboardingRequest): Promise<void> {
  await ctx.db.updateTable('cloud_systems').set({status: 'rejected', updated_at: ctx.at}).where('id', '=', p.systemId).execute()
  await recordEvent(ctx, await systemById(ctx.db, p.systemId), 'rejected', id)
}

/** 服务协议: the approved resources become the system's envelope. */
export async function recordAgreement(store: Store, id: number, path: string, comment?: string): Promise<StepResult<OnboardingRequest>> {
  const file = await fingerprint(path, 'file', 'agreement')
  return store.write(async (ctx) => {
    const request = await requestOf<OnboardingRequest>(ctx, id, [ONBOARDING])
    if (statesAfter(ONBOARDING, 'agreement').includes(request.state)) {
      if (request.payload.agreement?.sha256 === file.sha256) return {request, warnings: [], unchanged: true}
      throw new Conflict('cloud.alreadyAgreed', {id, state: request.state}, {field: 'ID'})
    }
    const moved = await advanceRequest<OnboardingRequest>(ctx, id, 'agreement', {kinds: [ONBOARDING], comment, effect: async (r) => ({...r.payload, agreement: file})})
    await recordAttachment(ctx, file, id, request.payload.systemId)
    await ctx.db.updateTable('cloud_systems').set({status: 'agreed', updated_at: ctx.at}).where('id', '=', request.payload.systemId).execute()
    await recordEvent(ctx, await systemById(ctx.db, request.payload.systemId), 'agreed', id)
    return moved
  })
}

/** 开通: refused until the steps its level requires before go-live are on record (CLOUD-7, 第二十三条); the system goes into service with its envelope. */
export async function provision(store: Store, id: number, comment?: string): Promise<StepResult<OnboardingRequest>> {
  return store.write(async (ctx) => {
    const request = await requestOf<OnboardingRequest>(ctx, id, [ONBOARDING])
    if (request.state === 'provisioned') return {request, warnings: [], unchanged: true}
    const p = request.payload
    if (request.state === 'agreed') {
      await requireGoLiveSteps(ctx.db, await systemById(ctx.db, p.systemId), id)
    }
    const moved = await advanceRequest<OnboardingRequest>(ctx, id, 'provision', {kinds: [ONBOARDING], comment, effect: async (r) => ({...r.payload, provisionedAt: ctx.at})})
    const system = await systemById(ctx.db, p.systemId)
    if (system.allocationId !== null) await ctx.db.updateTable('net_allocations').set({status: 'active'}).where('id', '=', system.allocationId).execute()
    await ctx.db.updateTable('cloud_systems').set({status: 'in-service', provisioned_at: ctx.at, updated_at: ctx.at}).where('id', '=', p.systemId).execute()
    await recordEvent(ctx, await systemById(ctx.db, p.systemId), 'provisioned', id)
    return moved
  })
}

// ---------------------------------------------------------------- change and scale (CLOUD-4)

export type ConfigChange = Partial<Omit<Configuration, 'extranetIps'>>

export interface ChangeResult {
  system: CloudSystem
  /** recorded: inside the envelope, done; filed: a scale request; unchanged: nothing to change */
  outcome: 'recorded' | 'filed' | 'unchanged'
  /** Set when nothing changed, as on every re-run that changes nothing. */
  unchanged?: true
  request?: RequestWithHistory<ScaleRequest>
  /** the resources beyond the envelope, for a scale request */
  beyond?: Array<{resource: string; envelope: number; wanted: number}>
}

/**
 * A change inside the agreed envelope is recorded at once, no approval (CLOUD-4); beyond
 * it, a scale request (扩容) for an envelope that holds it. `rescale` asks for the envelope
 * to become exactly the new configuration's totals (缩容 included), through approval.
 */
export async function changeSystem(store: Store, name: string, change: ConfigChange, options: {rescale?: boolean; reason?: string} = {}): Promise<ChangeResult> {
  return store.write(async (ctx) => {
    const system = await findSystem(ctx.db, name)
    if (system.status !== 'in-service') throw new Conflict('cloud.notInService', {system: system.name, status: system.status}, {field: 'SYS', rule: 'CLOUD-4'})
    const open = await requestOfSystem(ctx, 'cloud-scale', system)
    if (open) throw new Conflict('cloud.scalePending', {system: system.name, id: open.id}, {field: 'SYS', details: {requestId: open.id}})
    const config: Configuration = {...system.config, ...Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined))}
    const wanted = totals(config)
    const envelope = system.envelope!
    const beyond = RESOURCES.filter((r) => wanted[r] > envelope[r]).map((r) => ({resource: r, envelope: envelope[r], wanted: wanted[r]}))
    if (!beyond.length && !options.rescale) {
      if (sameConfig(config, system.config)) return {system, outcome: 'unchanged', unchanged: true}
      await ctx.db
        .updateTable('cloud_systems')
        .set({...configColumns(config), updated_at: ctx.at})
        .where('id', '=', system.id)
        .execute()
      const after = await systemById(ctx.db, system.id)
      await recordEvent(ctx, after, 'changed', null, options.reason)
      await appendAudit(ctx, {action: 'cloud.change', entityType: 'cloud-system', entityId: system.id, before: {config: system.config}, after: {config}})
      return {system: after, outcome: 'recorded'}
    }
    // The new envelope: what the new configuration needs, and no less than agreed unless asked (--rescale).
    const next = options.rescale ? wanted : (Object.fromEntries(RESOURCES.map((r) => [r, Math.max(envelope[r], wanted[r])])) as Amounts)
    if (RESOURCES.every((r) => next[r] === envelope[r])) {
      if (sameConfig(config, system.config)) return {system, outcome: 'unchanged', unchanged: true}
    }
    const up = RESOURCES.some((r) => next[r] > envelope[r])
    const down = RESOURCES.some((r) => next[r] < envelope[r])
    const payload: ScaleRequest = {
      unit: system.unit,
      system: system.name,
      systemId: system.id,
      provider: system.provider!,
      config,
      envelope: next,
      previousEnvelope: envelope,
      direction: up && down ? 'mixed' : up ? 'up' : 'down',
      ...(options.reason?.trim() ? {reason: options.reason.trim()} : {}),
    }
    const filed = (await fileRequestIn(ctx, {kind: 'cloud-scale', applicantUnit: system.unit, payload})) as WorkflowResult<ScaleRequest>
    return {system, outcome: 'filed', request: filed.request, beyond}
  })
}

/**
 * The newest request of a kind about this system, in one of `states` (by default, any that is
 * not final). Requests are filed with the system's unit as applicant and its id in the payload.
 */
/**
 * The requests still open on a system (a scale, a migration, a release …), by id, kind and
 * state: shown by `cloud system show`, so the id a script needs is never only in a message.
 */
export async function openRequestsOfSystem(db: Kysely<Database>, system: CloudSystem): Promise<Array<{id: number; kind: string; state: string}>> {
  const rows = await db.selectFrom('requests').select(['id', 'kind', 'state', 'payload']).where('kind', 'like', 'cloud-%').where('applicant_unit', '=', system.unit).orderBy('id').execute()
  return rows
    .filter((r) => {
      const def = findKind(r.kind)
      return def && !def.states[r.state]?.terminal && (JSON.parse(r.payload) as {systemId?: number}).systemId === system.id
    })
    .map((r) => ({id: Number(r.id), kind: r.kind, state: r.state}))
}

async function requestOfSystem<P>(ctx: WriteContext, kind: string, system: CloudSystem, states?: string[]): Promise<RequestWithHistory<P> | undefined> {
  const def = findKind(kind)!
  const wanted = states ?? Object.keys(def.states).filter((st) => !def.states[st].terminal)
  const rows = await ctx.db
    .selectFrom('requests')
    .select(['id', 'payload'])
    .where('kind', '=', kind)
    .where('applicant_unit', '=', system.unit)
    .where('state', 'in', wanted)
    .orderBy('id', 'desc')
    .execute()
  const row = rows.find((r) => (JSON.parse(r.payload) as {systemId: number}).systemId === system.id)
  return row ? ((await loadRequest(ctx.db, Number(row.id), ctx.today)) as RequestWithHistory<P>) : undefined
}

/** Entering `scaled`: the envelope and the provider's capacity move together; a scale-down frees capacity now. */
export async function applyScale(ctx: WriteContext, id: number, p: ScaleRequest): Promise<void> {
  const system = await systemById(ctx.db, p.systemId)
  if (system.status !== 'in-service') throw new Conflict('cloud.notInService', {system: system.name, status: system.status}, {field: 'ID', rule: 'CLOUD-4'})
  const provider = await findProvider(ctx.db, system.provider!)
  const growth = Object.fromEntries(RESOURCES.map((r) => [r, Math.max(0, p.envelope[r] - system.envelope![r])])) as Amounts
  if (RESOURCES.some((r) => growth[r] > 0)) await requireRoom(ctx.db, provider, growth)
  await ctx.db
    .updateTable('cloud_systems')
    .set({...configColumns(p.config), ...envelopeColumns(p.envelope), updated_at: ctx.at})
    .where('id', '=', system.id)
    .execute()
  await recordEvent(ctx, await systemById(ctx.db, system.id), 'scaled', id)
}

// ---------------------------------------------------------------- migrate (CLOUD-2 exit, 迁移方案)

/** A migration (迁移) request: the system, the provider it leaves and the one it moves to, with its envelope. */
export interface MigrationRequest {
  unit: string
  system: string
  systemId: number
  from: string
  to: string
  reason: string
  /** The envelope that moves: reserved (approved, agreed) or in use (in service), as at filing. */
  envelope: Amounts
  /** The migration plan (迁移方案), by reference. */
  plan?: Attachment
  migratedAt?: string
  /** The system's open requests re-pointed from `from` to `to` on approval. */
  repointed?: number[]
}

const MIGRATION = 'cloud-migration'
/** A system in one of these may move: its capacity is reserved (approved, agreed) or in use (in service). */
const MIGRATABLE = ['approved', 'agreed', 'in-service']

/**
 * 迁移: files a migration request (`egov cloud system migrate`). Checked now and again on
 * approval: the target exists (exit 3) and is admitted (exit 5, CLOUD-2), the system can move
 * (exit 4) and the target has room for its envelope (exit 4 naming the resource, CLOUD-6).
 * One open migration per system; filing the same one again changes nothing.
 */
export async function migrateSystem(store: Store, name: string, to: string, options: {reason?: string; plan?: string}): Promise<StepResult<MigrationRequest>> {
  const reason = options.reason?.trim()
  if (!reason) throw new InvalidInput('input.empty', {field: 'reason'}, {field: 'reason'})
  const plan = options.plan ? await fingerprint(options.plan, 'plan', 'migration-plan') : undefined
  return store.write(async (ctx) => {
    const system = await findSystem(ctx.db, name)
    const target = await findProvider(ctx.db, to, 'to')
    const open = await requestOfSystem<MigrationRequest>(ctx, MIGRATION, system)
    if (open) {
      if (open.payload.to === target.name) return {request: open, warnings: [], unchanged: true}
      throw new Conflict('cloud.migrationPending', {system: system.name, id: open.id, to: open.payload.to}, {field: 'SYS', details: {requestId: open.id}})
    }
    if (system.provider === target.name) {
      const done = await requestOfSystem<MigrationRequest>(ctx, MIGRATION, system, ['migrated'])
      if (done && done.payload.to === target.name) return {request: done, warnings: [], unchanged: true}
      throw new Conflict('cloud.alreadyOnProvider', {system: system.name, provider: target.name}, {field: 'to'})
    }
    if (!MIGRATABLE.includes(system.status)) throw new Conflict('cloud.cannotMigrate', {system: system.name, status: system.status}, {field: 'SYS'})
    if (target.status !== 'admitted') throw new RuleRefused('CLOUD-2', 'cloud.migrationTargetExited', {provider: target.name, system: system.name}, {field: 'to'})
    await requireRoom(ctx.db, target, system.envelope!, 'to')
    const payload: MigrationRequest = {
      unit: system.unit,
      system: system.name,
      systemId: system.id,
      from: system.provider!,
      to: target.name,
      reason,
      envelope: system.envelope!,
      ...(plan ? {plan} : {}),
    }
    const filed = (await fileRequestIn(ctx, {kind: MIGRATION, applicantUnit: system.unit, payload})) as WorkflowResult<MigrationRequest>
    if (plan) await recordAttachment(ctx, plan, filed.request.id, system.id)
    await recordEvent(ctx, system, 'migration-applied', filed.request.id, `${system.provider} → ${target.name}: ${reason}`)
    return filed
  })
}

/**
 * Entering `migrated` (a second person approved, X-2): the target is checked again — admitted
 * (exit 5, CLOUD-2), room for the envelope (exit 4 naming the resource, CLOUD-6) — and the
 * system moves with its reservation: capacity is counted on the provider a system names, so
 * the envelope leaves the source and lands on the target in this one transaction. Every open
 * request of the system that names the source is re-pointed, each with a line in its history.
 */
export async function applyMigration(ctx: WriteContext, id: number, p: MigrationRequest): Promise<Partial<MigrationRequest>> {
  const system = await systemById(ctx.db, p.systemId)
  if (!MIGRATABLE.includes(system.status)) throw new Conflict('cloud.cannotMigrate', {system: system.name, status: system.status}, {field: 'ID'})
  if (system.provider !== p.from) throw new Conflict('cloud.migrationStale', {id, system: system.name, from: p.from, provider: system.provider ?? '—'}, {field: 'ID'})
  const target = await findProvider(ctx.db, p.to, 'ID')
  if (target.status !== 'admitted') throw new RuleRefused('CLOUD-2', 'cloud.migrationTargetExited', {provider: target.name, system: system.name}, {field: 'ID'})
  await requireRoom(ctx.db, target, system.envelope!)
  await ctx.db.updateTable('cloud_systems').set({provider: target.name, updated_at: ctx.at}).where('id', '=', system.id).execute()
  const after = await systemById(ctx.db, system.id)
  const repointed = await repointOpenRequests(ctx, after, p.from, p.to, id)
  await recordEvent(ctx, after, 'migrated', id, `${p.from} → ${p.to}: ${p.reason}`)
  await appendAudit(ctx, {
    action: 'cloud.migrate',
    entityType: 'cloud-system',
    entityId: system.id,
    before: {provider: p.from, envelope: system.envelope},
    after: {provider: p.to, envelope: after.envelope, request: id, repointed},
  })
  return {migratedAt: ctx.at, repointed}
}

/** The open requests of a system that name `from` as its provider (plan, reservation, scale, release…) now name `to`. */
async function repointOpenRequests(ctx: WriteContext, system: CloudSystem, from: string, to: string, migrationId: number): Promise<number[]> {
  const rows = await ctx.db.selectFrom('requests').select(['id', 'kind', 'state', 'payload']).where('applicant_unit', '=', system.unit).where('id', '<>', migrationId).orderBy('id').execute()
  const ids: number[] = []
  for (const row of rows) {
    const def = findKind(row.kind)
    if (!def || def.states[row.state]?.terminal) continue
    const payload = JSON.parse(row.payload) as Record<string, unknown> & {systemId?: number}
    if (payload.systemId !== system.id) continue
    const next: Record<string, unknown> = {...payload}
    let changed = false
    if (next.provider === from) ((next.provider = to), (changed = true))
    for (const key of ['plan', 'reserved']) {
      const inner = next[key] as {provider?: string} | undefined
      if (inner && inner.provider === from) ((next[key] = {...inner, provider: to}), (changed = true))
    }
    if (!changed) continue
    await noteOnRequest(ctx, Number(row.id), 'migrated', next, `${from} → ${to}（迁移申请 ${migrationId}）`)
    ids.push(Number(row.id))
  }
  return ids
}

/** A request about a system ended without effect (withdrawn, or a migration rejected): the system's history shows it. */
export async function recordRequestEvent(ctx: WriteContext, id: number, p: {systemId: number}, event: string): Promise<void> {
  await recordEvent(ctx, await systemById(ctx.db, p.systemId), event, id)
}

/**
 * Entering `withdrawn` (撤回 by the applicant): the system gives up its name and, if the bureau
 * had approved it, its reservation — the envelope leaves the provider's reserved capacity (a
 * withdrawn system holds none) and the extranet block reserved at approval goes back to its pool.
 */
export async function onOnboardingWithdrawn(ctx: WriteContext, id: number, p: OnboardingRequest): Promise<void> {
  const system = await systemById(ctx.db, p.systemId)
  if (system.allocationId !== null) {
    const allocation = await findAllocation(ctx.db, String(system.allocationId)).catch(() => undefined)
    if (allocation && allocation.status !== 'released') await release(ctx, String(system.allocationId))
  }
  await ctx.db.updateTable('cloud_systems').set({status: 'withdrawn', updated_at: ctx.at}).where('id', '=', p.systemId).execute()
  await recordEvent(ctx, await systemById(ctx.db, p.systemId), 'withdrawn', id)
}

// ---------------------------------------------------------------- release (CLOUD-5)

export async function applyToRelease(store: Store, name: string, reason: string): Promise<StepResult<ReleaseRequest>> {
  const why = reason?.trim()
  if (!why) throw new InvalidInput('input.empty', {field: 'reason'}, {field: 'reason'})
  return store.write(async (ctx) => {
    const system = await findSystem(ctx.db, name)
    const open = await requestOfSystem<ReleaseRequest>(ctx, 'cloud-release', system)
    if (open) return {request: open, warnings: [], unchanged: true}
    if (system.status === 'released') {
      const done = await releaseRequestOf(ctx, system, ['released'])
      if (done) return {request: done, warnings: [], unchanged: true}
    }
    if (system.status !== 'in-service') throw new Conflict('cloud.notInService', {system: system.name, status: system.status}, {field: 'SYS', rule: 'CLOUD-5'})
    const payload: ReleaseRequest = {unit: system.unit, system: system.name, systemId: system.id, provider: system.provider!, reason: why}
    return (await fileRequestIn(ctx, {kind: 'cloud-release', applicantUnit: system.unit, payload})) as WorkflowResult<ReleaseRequest>
  })
}

export async function onReleaseApproved(ctx: WriteContext, id: number, p: ReleaseRequest): Promise<void> {
  await ctx.db.updateTable('cloud_systems').set({status: 'releasing', updated_at: ctx.at}).where('id', '=', p.systemId).execute()
  await recordEvent(ctx, await systemById(ctx.db, p.systemId), 'release-approved', id)
}

function releaseRequestOf(ctx: WriteContext, system: CloudSystem, states: string[]): Promise<RequestWithHistory<ReleaseRequest> | undefined> {
  return requestOfSystem<ReleaseRequest>(ctx, 'cloud-release', system, states)
}

/** 数据清除: recorded once the release is approved; the system never goes back to service after it. */
export async function recordWipe(store: Store, name: string, input: {method: string; by: string; evidence?: string}): Promise<StepResult<ReleaseRequest>> {
  const method = input.method?.trim() as WipeMethod
  if (!WIPE_METHODS.includes(method)) throw new InvalidInput('cloud.badWipeMethod', {value: input.method, allowed: WIPE_METHODS.join(', ')}, {field: 'method', rule: 'CLOUD-5'})
  const by = input.by?.trim()
  if (!by) throw new InvalidInput('input.empty', {field: 'by'}, {field: 'by'})
  const evidence = input.evidence ? await fingerprint(input.evidence, 'evidence', 'wipe-evidence') : undefined
  return store.write(async (ctx) => {
    const system = await findSystem(ctx.db, name)
    const done = await releaseRequestOf(ctx, system, ['wiped', 'released'])
    if (done && (system.status === 'wiped' || system.status === 'released')) {
      if (done.payload.wipe?.method === method && done.payload.wipe.by === by) return {request: done, warnings: [], unchanged: true}
      throw new Conflict('cloud.alreadyWiped', {system: system.name, id: done.id}, {field: 'SYS', rule: 'CLOUD-5', details: {requestId: done.id}})
    }
    const request = await releaseRequestOf(ctx, system, ['approved'])
    if (!request) {
      const pending = await releaseRequestOf(ctx, system, ['applied'])
      throw new Conflict(pending ? 'cloud.releaseNotApproved' : 'cloud.noRelease', {system: system.name, id: pending?.id}, {field: 'SYS', rule: 'CLOUD-5'})
    }
    const moved = await advanceRequest<ReleaseRequest>(ctx, request.id, 'wipe', {
      effect: async (r) => ({...r.payload, wipe: {method, by, recordedBy: ctx.actor, at: ctx.at, ...(evidence ? {evidence} : {})}}),
    })
    if (evidence) await recordAttachment(ctx, evidence, request.id, system.id)
    await ctx.db.updateTable('cloud_systems').set({status: 'wiped', updated_at: ctx.at}).where('id', '=', system.id).execute()
    await recordEvent(ctx, await systemById(ctx.db, system.id), 'wiped', request.id, `${method} by ${by}`)
    return moved
  })
}

/**
 * Confirms the wipe, by an operator other than the one who recorded it (exit 5, CLOUD-5):
 * only now does the capacity go back to the provider and the extranet addresses to their pool.
 */
export async function confirmRelease(store: Store, name: string, comment?: string): Promise<StepResult<ReleaseRequest>> {
  return store.write(async (ctx) => {
    const system = await findSystem(ctx.db, name)
    if (system.status === 'released') {
      const done = await releaseRequestOf(ctx, system, ['released'])
      if (done) return {request: done, warnings: [], unchanged: true}
    }
    const request = await releaseRequestOf(ctx, system, ['wiped'])
    if (!request) throw new Conflict('cloud.notWiped', {system: system.name, status: system.status}, {field: 'SYS', rule: 'CLOUD-5'})
    if (request.payload.wipe?.recordedBy === ctx.actor) {
      throw new RuleRefused('CLOUD-5', 'cloud.ownWipe', {system: system.name, actor: ctx.actor}, {field: 'operator'})
    }
    const moved = await advanceRequest<ReleaseRequest>(ctx, request.id, 'confirm', {comment, effect: async (r) => ({...r.payload, confirmedBy: ctx.actor})})
    if (system.allocationId !== null) {
      const allocation = await findAllocation(ctx.db, String(system.allocationId)).catch(() => undefined)
      if (allocation && allocation.status !== 'released') await release(ctx, String(system.allocationId))
    }
    await ctx.db.updateTable('cloud_systems').set({status: 'released', released_at: ctx.at, updated_at: ctx.at}).where('id', '=', system.id).execute()
    await recordEvent(ctx, await systemById(ctx.db, system.id), 'released', request.id)
    return moved
  })
}
