import {appendAudit} from '../audit/index.js'
import {Conflict, NotFound} from '../errors.js'
import {InvalidInput} from '../errors.js'
import type {Store, WriteContext} from '../store/index.js'
import {advanceRequest, fileRequestIn, type RequestWithHistory} from '../workflow/index.js'

/**
 * KIOSK-4 (第十七条): the bureau may disconnect a unit whose kiosks endanger the platform.
 * A disconnection is a request (kind kiosk-disconnect) a second person approves, or,
 * in an emergency, carried out at once and reviewed after: the review confirms it, or
 * overrules it, which reconnects the kiosks. Reconnection is a request of its own
 * (kind kiosk-reconnect), carried out on approval.
 */
export interface SwitchRequest {
  /** What was named: a unit, or one kiosk's serial. */
  target: string
  unit: string
  serials: string[]
  reason: string
  emergency?: boolean
}

async function targetKiosks(ctx: WriteContext, target: string, status: 'active' | 'disconnected'): Promise<{unit: string; serials: string[]}> {
  const name = target.trim()
  if (!name) throw new InvalidInput('input.empty', {field: 'TARGET'}, {field: 'TARGET'})
  const one = await ctx.db.selectFrom('kiosks').select(['serial', 'unit', 'status']).where('serial', '=', name).executeTakeFirst()
  const rows = one ? [one] : await ctx.db.selectFrom('kiosks').select(['serial', 'unit', 'status']).where('unit', '=', name).orderBy('serial').execute()
  if (!rows.length) throw new NotFound('kiosk.noTarget', {target: name}, {field: 'TARGET'})
  const serials = rows.filter((r) => r.status === status).map((r) => r.serial)
  if (!serials.length) throw new Conflict(status === 'active' ? 'kiosk.noneActive' : 'kiosk.noneDisconnected', {target: name}, {field: 'TARGET', rule: 'KIOSK-4'})
  return {unit: rows[0]!.unit, serials}
}

/** Sets the kiosks of a request from one status to another, each with its history event. */
export async function switchKiosks(ctx: WriteContext, requestId: number, p: SwitchRequest, from: string, to: string, event: string): Promise<number> {
  let n = 0
  for (const serial of p.serials) {
    const row = await ctx.db.selectFrom('kiosks').select(['id', 'status']).where('serial', '=', serial).executeTakeFirst()
    if (row?.status !== from) continue
    await ctx.db.updateTable('kiosks').set({status: to, note: p.reason, updated_at: ctx.at}).where('id', '=', row.id).execute()
    await ctx.db
      .insertInto('kiosk_events')
      .values({kiosk_id: Number(row.id), event, from_status: from, to_status: to, at: ctx.at, actor: ctx.actor, request_id: requestId, note: p.reason})
      .execute()
    n++
  }
  await appendAudit(ctx, {action: `kiosk.${event}`, entityType: 'request', entityId: requestId, after: {serials: p.serials, changed: n, to}})
  return n
}

export async function requestDisconnect(store: Store, target: string, reason: string, emergency: boolean): Promise<RequestWithHistory<SwitchRequest>> {
  if (!reason.trim()) throw new InvalidInput('input.empty', {field: 'reason'}, {field: 'reason'})
  return store.write(async (ctx) => {
    const {unit, serials} = await targetKiosks(ctx, target, 'active')
    const payload: SwitchRequest = {target: target.trim(), unit, serials, reason: reason.trim(), emergency: Boolean(emergency)}
    const filed = await fileRequestIn(ctx, {kind: 'kiosk-disconnect', applicantUnit: unit, payload})
    if (!emergency) return filed.request as RequestWithHistory<SwitchRequest>
    const moved = await advanceRequest<SwitchRequest>(ctx, filed.request.id, 'emergency', {comment: reason})
    return moved.request
  })
}

export async function requestReconnect(store: Store, target: string, note: string): Promise<RequestWithHistory<SwitchRequest>> {
  if (!note.trim()) throw new InvalidInput('input.empty', {field: 'note'}, {field: 'note'})
  return store.write(async (ctx) => {
    const {unit, serials} = await targetKiosks(ctx, target, 'disconnected')
    const filed = await fileRequestIn(ctx, {kind: 'kiosk-reconnect', applicantUnit: unit, payload: {target: target.trim(), unit, serials, reason: note.trim()} satisfies SwitchRequest})
    return filed.request as RequestWithHistory<SwitchRequest>
  })
}
