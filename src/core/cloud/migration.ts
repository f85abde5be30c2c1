import {appendAudit} from '../audit/index.js'
import {Conflict, InvalidInput, RuleRefused} from '../errors.js'
import type {Store, WriteContext} from '../store/index.js'
import {fileRequestIn, findKind, noteOnRequest, type WorkflowResult} from '../workflow/index.js'
import type {Amounts, Attachment, CloudSystem, StepResult} from './model.js'
import {findProvider, findSystem, fingerprint, recordAttachment, recordEvent, requireRoom, systemById} from './queries.js'
import {requestOfSystem} from './system-requests.js'

/** 迁移: a system moves to another provider (CLOUD-2 exit, 迁移方案) with its envelope. */

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
      if (done?.payload.to === target.name) return {request: done, warnings: [], unchanged: true}
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
    if (next.provider === from) {
      next.provider = to
      changed = true
    }
    for (const key of ['plan', 'reserved']) {
      const inner = next[key] as {provider?: string} | undefined
      if (inner?.provider === from) {
        next[key] = {...inner, provider: to}
        changed = true
      }
    }
    if (!changed) continue
    await noteOnRequest(ctx, Number(row.id), 'migrated', next, `${from} → ${to}（迁移申请 ${migrationId}）`)
    ids.push(Number(row.id))
  }
  return ids
}
