import {Conflict, InvalidInput, RuleRefused} from '../errors.js'
import {allocateIn, findPool} from '../net/index.js'
import type {Store, WriteContext} from '../store/index.js'
import {findUnit, kindOf} from '../units/index.js'
import {advanceRequest, fileRequestIn, loadRequest, type RequestWithHistory, type WorkflowResult} from '../workflow/index.js'
import {exceptionFacts} from './exceptions.js'
import type {ApplicationValues} from './forms.js'
import {type Amounts, type Attachment, type Configuration, configColumns, envelopeColumns, GONE_STATUSES, sameConfig, type StepResult, totals} from './model.js'
import {type Proposal, proposeProvider} from './proposal.js'
import {findProvider, fingerprint, recordAttachment, recordEvent, requireRoom, systemById} from './queries.js'
import {cloud9Admissible} from './rules.js'
import {requireGoLiveSteps} from './security.js'
import {releaseAddresses, requestOf, statesAfter} from './system-requests.js'

/**
 * Onboarding a tenant system through CLOUD-3 (申请 → 初审 → 上云方案 → 审批 → 服务协议 → 开通),
 * with CLOUD-1 and CLOUD-9 checked on application. Capacity is reserved when the bureau
 * approves and checked inside the write transaction every writer takes in turn (CLOUD-6).
 */

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

// ---------------------------------------------------------------- plan (CLOUD-3, CLOUD-6)

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
    if (!a) throw new Error(`cloud onboarding ${id}: no extranet block allocated`)
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
    const moved = await advanceRequest<OnboardingRequest>(ctx, id, 'agreement', {kinds: [ONBOARDING], comment, effect: (r) => Promise.resolve({...r.payload, agreement: file})})
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
    const moved = await advanceRequest<OnboardingRequest>(ctx, id, 'provision', {kinds: [ONBOARDING], comment, effect: (r) => Promise.resolve({...r.payload, provisionedAt: ctx.at})})
    const system = await systemById(ctx.db, p.systemId)
    if (system.allocationId !== null) await ctx.db.updateTable('net_allocations').set({status: 'active'}).where('id', '=', system.allocationId).execute()
    await ctx.db.updateTable('cloud_systems').set({status: 'in-service', provisioned_at: ctx.at, updated_at: ctx.at}).where('id', '=', p.systemId).execute()
    await recordEvent(ctx, await systemById(ctx.db, p.systemId), 'provisioned', id)
    return moved
  })
}

/**
 * Entering `withdrawn` (撤回 by the applicant): the system gives up its name and, if the bureau
 * had approved it, its reservation — the envelope leaves the provider's reserved capacity (a
 * withdrawn system holds none) and the extranet block reserved at approval goes back to its pool.
 */
export async function onOnboardingWithdrawn(ctx: WriteContext, id: number, p: OnboardingRequest): Promise<void> {
  const system = await systemById(ctx.db, p.systemId)
  await releaseAddresses(ctx, system)
  await ctx.db.updateTable('cloud_systems').set({status: 'withdrawn', updated_at: ctx.at}).where('id', '=', p.systemId).execute()
  await recordEvent(ctx, await systemById(ctx.db, p.systemId), 'withdrawn', id)
}
