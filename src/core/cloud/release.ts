import {Conflict, InvalidInput, RuleRefused} from '../errors.js'
import type {Store, WriteContext} from '../store/index.js'
import {advanceRequest, fileRequestIn, type RequestWithHistory, type WorkflowResult} from '../workflow/index.js'
import type {Attachment, CloudSystem, StepResult} from './model.js'
import {findSystem, fingerprint, recordAttachment, recordEvent, systemById} from './queries.js'
import {releaseAddresses, requestOfSystem} from './system-requests.js'

/**
 * CLOUD-5: release (申请 → 审批), the wipe (数据清除), and its confirmation by a second person;
 * only then do the capacity and the extranet addresses come back.
 */

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
      effect: (r) => Promise.resolve({...r.payload, wipe: {method, by, recordedBy: ctx.actor, at: ctx.at, ...(evidence ? {evidence} : {})}}),
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
    const moved = await advanceRequest<ReleaseRequest>(ctx, request.id, 'confirm', {comment, effect: (r) => Promise.resolve({...r.payload, confirmedBy: ctx.actor})})
    await releaseAddresses(ctx, system)
    await ctx.db.updateTable('cloud_systems').set({status: 'released', released_at: ctx.at, updated_at: ctx.at}).where('id', '=', system.id).execute()
    await recordEvent(ctx, await systemById(ctx.db, system.id), 'released', request.id)
    return moved
  })
}
