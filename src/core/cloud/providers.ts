import {chinaDate} from '../clock.js'
import {parseIsoDate} from '../dates.js'
import {Conflict, InvalidInput} from '../errors.js'
import type {Store, WriteContext} from '../store/index.js'
import {advanceRequest, fileRequestIn, findKind, loadRequest, noteOnRequest, type RequestWithHistory, type WorkflowResult} from '../workflow/index.js'
import type {ProviderValues} from './forms.js'
import {type Capacity, HOLDING_STATUSES, type Provider, type StepResult} from './model.js'
import {allProviders, capacityOf, findProvider} from './queries.js'

/**
 * Providers (CLOUD-2, 纳管): apply with what they offer → expert review (egov requests
 * approve) → admission test → admitted and reported to the provincial big-data centre.
 * Exit is a request too, refused while the provider hosts systems: they migrate first.
 */

export interface AdmissionTest {
  at: string
  by: string
  result: 'pass' | 'fail'
  note: string
}

export interface ProviderApplication extends ProviderValues {
  tests?: AdmissionTest[]
  /** The date the admission was reported to the provincial big-data centre. */
  reportedOn?: string
}

export interface ProviderExit {
  name: string
  reason?: string
}

const KIND = 'cloud-provider'

function sameOffer(a: ProviderValues, b: ProviderValues): boolean {
  return (
    a.vcpu === b.vcpu &&
    a.memoryGib === b.memoryGib &&
    a.storageGib === b.storageGib &&
    a.bandwidthMbps === b.bandwidthMbps &&
    a.extranetIps === b.extranetIps &&
    a.internetIps === b.internetIps &&
    a.zones.join(',') === b.zones.join(',')
  )
}

async function openRequestsFor(ctx: WriteContext, kind: string, name: string): Promise<RequestWithHistory[]> {
  const rows = await ctx.db.selectFrom('requests').select(['id', 'state']).where('kind', '=', kind).where('applicant_unit', '=', name).execute()
  const def = findKind(kind)!
  const out: RequestWithHistory[] = []
  for (const r of rows) if (!def.states[r.state]?.terminal) out.push(await loadRequest(ctx.db, Number(r.id), ctx.today))
  return out
}

export async function applyAsProvider(store: Store, input: ProviderValues): Promise<StepResult<ProviderApplication>> {
  return store.write(async (ctx) => {
    const existing = await ctx.db.selectFrom('cloud_providers').select(['name', 'status']).where('name', '=', input.name).executeTakeFirst()
    if (existing?.status === 'admitted') throw new Conflict('cloud.providerExists', {name: input.name}, {field: 'NAME'})
    const [open] = await openRequestsFor(ctx, KIND, input.name)
    if (open) {
      if (sameOffer(open.payload as ProviderApplication, input)) return {request: open as RequestWithHistory<ProviderApplication>, warnings: [], unchanged: true}
      throw new Conflict('cloud.providerPending', {name: input.name, id: open.id}, {field: 'NAME', details: {requestId: open.id}})
    }
    return (await fileRequestIn(ctx, {kind: KIND, applicantUnit: input.name, payload: input})) as WorkflowResult<ProviderApplication>
  })
}

/**
 * 纳管测试: a pass admits the provider and records the date it was reported to the
 * provincial centre (today unless given); a fail is recorded and the test may be run again.
 */
export async function recordAdmissionTest(store: Store, id: number, input: {result: string; note: string; reportedOn?: string}): Promise<StepResult<ProviderApplication> & {admitted: boolean}> {
  const result = input.result?.trim()
  if (result !== 'pass' && result !== 'fail') throw new InvalidInput('cloud.badResult', {field: 'result', value: input.result}, {field: 'result'})
  const note = input.note?.trim()
  if (!note) throw new InvalidInput('input.empty', {field: 'note'}, {field: 'note'})
  const reportedOn = input.reportedOn ? parseIsoDate(input.reportedOn, 'reported-on') : undefined
  return store.write(async (ctx) => {
    const request = (await loadRequest(ctx.db, id, ctx.today)) as RequestWithHistory<ProviderApplication>
    if (request.kind !== KIND) throw new InvalidInput('request.wrongKind', {id, kind: request.kind, expected: KIND}, {field: 'ID'})
    if (request.state === 'admitted' && result === 'pass') return {request, warnings: [], unchanged: true, admitted: true}
    if (request.state !== 'reviewed') {
      const allowed = findKind(KIND)!
        .transitions.filter((t) => t.from === request.state)
        .map((t) => t.action)
      throw new Conflict('request.actionNotAllowed', {id, state: request.state, action: 'admission-test', allowed: allowed.join(', ') || '—'}, {field: 'ID', details: {state: request.state, allowed}})
    }
    if (reportedOn && reportedOn > ctx.today) throw new InvalidInput('cloud.dateInFuture', {field: 'reported-on', value: reportedOn, today: ctx.today}, {field: 'reported-on', rule: 'CLOUD-2'})
    // 纳管完成后报备 (第十一条(三)): the report comes after the application, never before it was filed.
    const filed = chinaDate(new Date(request.filedAt))
    if (reportedOn && reportedOn < filed) throw new InvalidInput('cloud.reportBeforeApplication', {value: reportedOn, filed, id}, {field: 'reported-on', rule: 'CLOUD-2'})
    const test: AdmissionTest = {at: ctx.at, by: ctx.actor, result, note}
    const payload = {...request.payload, tests: [...(request.payload.tests ?? []), test]}
    if (result === 'fail') return {request: await noteOnRequest(ctx, id, 'admission-failed', payload, note), warnings: [], admitted: false}
    const moved = await advanceRequest<ProviderApplication>(ctx, id, 'admit', {comment: note, effect: () => Promise.resolve({...payload, reportedOn: reportedOn ?? ctx.today})})
    return {...moved, admitted: true}
  })
}

/** Entering `admitted`: the provider and its offer are recorded (an exited provider may be admitted again). */
export async function admitProvider(ctx: WriteContext, id: number, p: ProviderApplication): Promise<void> {
  const row = {
    status: 'admitted',
    vcpu: p.vcpu,
    memory_gib: p.memoryGib,
    storage_gib: p.storageGib,
    bandwidth_mbps: p.bandwidthMbps,
    extranet_ips: p.extranetIps,
    internet_ips: p.internetIps,
    zones: JSON.stringify(p.zones),
    request_id: id,
    admitted_on: ctx.today,
    reported_on: p.reportedOn ?? ctx.today,
    exited_at: null,
    updated_at: ctx.at,
  }
  const existing = await ctx.db.selectFrom('cloud_providers').select(['id', 'status']).where('name', '=', p.name).executeTakeFirst()
  if (existing?.status === 'admitted') throw new Conflict('cloud.providerExists', {name: p.name}, {field: 'ID'})
  if (existing) await ctx.db.updateTable('cloud_providers').set(row).where('id', '=', existing.id).execute()
  else
    await ctx.db
      .insertInto('cloud_providers')
      .values({name: p.name, ...row})
      .execute()
}

async function hostedBy(ctx: WriteContext, name: string): Promise<string[]> {
  const rows = await ctx.db.selectFrom('cloud_systems').select('name').where('provider', '=', name).where('status', 'in', HOLDING_STATUSES).orderBy('name').execute()
  return rows.map((r) => r.name)
}

/** 退出: refused (exit 4) while the provider hosts systems, naming them. */
export async function applyToExit(store: Store, name: string, reason?: string): Promise<StepResult<ProviderExit>> {
  return store.write(async (ctx) => {
    const provider = await findProvider(ctx.db, name, 'NAME')
    if (provider.status === 'exited') {
      const done = await ctx.db
        .selectFrom('requests')
        .select('id')
        .where('kind', '=', 'cloud-provider-exit')
        .where('applicant_unit', '=', provider.name)
        .where('state', '=', 'exited')
        .orderBy('id', 'desc')
        .executeTakeFirst()
      if (done) return {request: (await loadRequest(ctx.db, Number(done.id), ctx.today)) as RequestWithHistory<ProviderExit>, warnings: [], unchanged: true}
    }
    const [open] = await openRequestsFor(ctx, 'cloud-provider-exit', provider.name)
    if (open) return {request: open as RequestWithHistory<ProviderExit>, warnings: [], unchanged: true}
    const hosted = await hostedBy(ctx, provider.name)
    if (hosted.length) throw new Conflict('cloud.providerHosts', {name: provider.name, count: hosted.length, systems: hosted.join(', ')}, {field: 'NAME', rule: 'CLOUD-2', details: {systems: hosted}})
    const payload: ProviderExit = {name: provider.name, ...(reason?.trim() ? {reason: reason.trim()} : {})}
    return (await fileRequestIn(ctx, {kind: 'cloud-provider-exit', applicantUnit: provider.name, payload})) as WorkflowResult<ProviderExit>
  })
}

/** Entering `exited`: checked again, since systems may have been placed since the request was filed. */
export async function exitProvider(ctx: WriteContext, _id: number, p: ProviderExit): Promise<void> {
  const hosted = await hostedBy(ctx, p.name)
  if (hosted.length) throw new Conflict('cloud.providerHosts', {name: p.name, count: hosted.length, systems: hosted.join(', ')}, {field: 'ID', rule: 'CLOUD-2', details: {systems: hosted}})
  await ctx.db.updateTable('cloud_providers').set({status: 'exited', exited_at: ctx.at, updated_at: ctx.at}).where('name', '=', p.name).execute()
}

export interface ProviderView extends Provider {
  capacity: Capacity
}

export async function providerViews(store: Store, name?: string): Promise<ProviderView[]> {
  const list = name ? [await findProvider(store.db, name)] : await allProviders(store.db)
  const out: ProviderView[] = []
  for (const p of list) out.push({...p, capacity: await capacityOf(store.db, p)})
  return out
}
