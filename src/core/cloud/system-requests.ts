import {InvalidInput} from '../errors.js'
import {findAllocation, release} from '../net/index.js'
import {type Reader, readerDb, type WriteContext} from '../store/index.js'
import {findKind, loadRequest, type RequestWithHistory} from '../workflow/index.js'
import type {CloudSystem} from './model.js'
import {recordEvent, systemById} from './queries.js'

/**
 * What the use cases on a system (onboarding.ts, scaling.ts, migration.ts, release.ts) share:
 * finding a system's requests, the states after a step (for "already done"), and giving back
 * the extranet block a system held.
 */

export async function requestOf<P>(ctx: WriteContext, id: number, kinds: string[]): Promise<RequestWithHistory<P>> {
  const request = await loadRequest(ctx.db, id, ctx.today)
  if (!kinds.includes(request.kind)) throw new InvalidInput('request.wrongKind', {id, kind: request.kind, expected: kinds.join(', ')}, {field: 'ID'})
  return request as RequestWithHistory<P>
}

/** The states a request of a kind passes through after taking `action` (for "already done"). */
export function statesAfter(kind: string, action: string): string[] {
  const def = findKind(kind)!
  const start = def.transitions.find((t) => t.action === action)?.to
  if (!start) return []
  const seen = new Set<string>([start])
  const queue = [start]
  while (queue.length) {
    const s = queue.shift()!
    for (const t of def.transitions) {
      if (t.from === s && t.action !== 'reject' && !seen.has(t.to)) {
        seen.add(t.to)
        queue.push(t.to)
      }
    }
  }
  return [...seen]
}

/**
 * The newest request of a kind about this system, in one of `states` (by default, any that is
 * not final). Requests are filed with the system's unit as applicant and its id in the payload.
 */
export async function requestOfSystem<P>(ctx: WriteContext, kind: string, system: CloudSystem, states?: string[]): Promise<RequestWithHistory<P> | undefined> {
  const def = findKind(kind)!
  const wanted = states ?? Object.entries(def.states).flatMap(([st, d]) => (d.terminal ? [] : [st]))
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

/**
 * The requests still open on a system (a scale, a migration, a release …), by id, kind and
 * state: shown by `cloud system show`, so the id a script needs is never only in a message.
 */
export async function openRequestsOfSystem(from: Reader, system: CloudSystem): Promise<Array<{id: number; kind: string; state: string}>> {
  const db = readerDb(from)
  const rows = await db.selectFrom('requests').select(['id', 'kind', 'state', 'payload']).where('kind', 'like', 'cloud-%').where('applicant_unit', '=', system.unit).orderBy('id').execute()
  return rows
    .filter((r) => {
      const def = findKind(r.kind)
      return def && !def.states[r.state]?.terminal && (JSON.parse(r.payload) as {systemId?: number}).systemId === system.id
    })
    .map((r) => ({id: Number(r.id), kind: r.kind, state: r.state}))
}

/** A request about a system ended without effect (withdrawn, or a migration rejected): the system's history shows it. */
export async function recordRequestEvent(ctx: WriteContext, id: number, p: {systemId: number}, event: string): Promise<void> {
  await recordEvent(ctx, await systemById(ctx.db, p.systemId), event, id)
}

/** The extranet block a system holds (reserved at approval) goes back to its pool, unless it is already released. */
export async function releaseAddresses(ctx: WriteContext, system: CloudSystem): Promise<void> {
  if (system.allocationId === null) return
  const allocation = await findAllocation(ctx.db, String(system.allocationId)).catch(() => undefined)
  if (allocation && allocation.status !== 'released') await release(ctx, String(system.allocationId))
}
