/** The steps of an onboarding or change request after approval (NET-5): 制定方案 → 实施 → 业务测试. */
import {Conflict, InvalidInput, NotFound} from '../../errors.js'
import type {Store, WriteContext} from '../../store/index.js'
import {advanceRequest, findKind, loadRequest, noteOnRequest, type RequestWithHistory, type WorkflowResult} from '../../workflow/index.js'
import {allocateOneIn} from '../allocations.js'
import {checkNet4} from '../districts.js'
import {planGivenBlock} from '../given-block.js'
import {findPool} from '../pools.js'
import type {BusinessTest, ConnectionRequest, PlannedBlock, ProbeRecord} from './payloads.js'

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
          allocation = await allocateOneIn(ctx, {
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
  const allocation = await allocateOneIn(ctx, {pool, prefixLength: p.prefixLengthV6, unit: p.unit, purpose, status: 'reserved'})
  if (allocation.plane !== p.plane) throw new InvalidInput('netreq.planeMismatch', {pool, poolPlane: allocation.plane, plane: p.plane}, {field: 'pool-v6', rule: 'NET-2'})
  const override = await checkNet4(ctx.db, {unit: p.unit, poolId: allocation.poolId, overrideReason, field: 'pool-v6'})
  return {allocationId: allocation.id, cidr: allocation.cidr, pool: allocation.pool, at: ctx.at, by: ctx.actor, ...(override ? {override} : {})}
}

export async function implementRequest(store: Store, id: number, note?: string): Promise<WorkflowResult<ConnectionRequest>> {
  return store.write((ctx) =>
    advanceRequest<ConnectionRequest>(ctx, id, 'implement', {
      kinds: ['net-onboarding', 'net-change'],
      comment: note,
      effect: (request) => Promise.resolve({...request.payload, ...(note?.trim() ? {implementNote: note.trim()} : {})}),
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
    const moved = await advanceRequest<ConnectionRequest>(ctx, id, 'test', {comment: test.note, effect: () => Promise.resolve(payload)})
    return {...moved, passed: true}
  })
}

function failedProbes(probes: ProbeRecord[] | undefined): string | undefined {
  return probes
    ?.filter((p) => !p.ok)
    .map((p) => `${p.target}: ${p.error ?? 'failed'}`)
    .join('; ')
}
