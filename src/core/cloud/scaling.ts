import {appendAudit} from '../audit/index.js'
import {Conflict} from '../errors.js'
import type {Store, WriteContext} from '../store/index.js'
import {fileRequestIn, type RequestWithHistory, type WorkflowResult} from '../workflow/index.js'
import {type Amounts, type CloudSystem, type Configuration, configColumns, envelopeColumns, RESOURCES, sameConfig, totals} from './model.js'
import {findProvider, findSystem, recordEvent, requireRoom, systemById} from './queries.js'
import {requestOfSystem} from './system-requests.js'

/**
 * CLOUD-4: a change inside a system's agreed envelope, recorded at once, or a scale request
 * (扩容/缩容) beyond it, through approval.
 */

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
