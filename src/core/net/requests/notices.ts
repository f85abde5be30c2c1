/**
 * Decisions carried out (NET-6, NET-7) and applications rejected (NET-5), each with its
 * written notice under the next document number of its kind.
 */
import {signerName} from '../../operators/permit.js'
import type {WriteContext} from '../../store/index.js'
import {findUnit, type Unit} from '../../units/index.js'
import {release} from '../allocations.js'
import {connectionsOf} from './connections.js'
import type {ConnectionRequest, DecisionRequest} from './payloads.js'

/** Writes a decision's notice under the next document number of its kind (same transaction). */
async function notice(ctx: WriteContext, kind: 'close' | 'cutoff' | 'restore', id: number, p: DecisionRequest, addresses: string[]): Promise<{notice: string; noticeNumber: string}> {
  const {writeNotice} = await import('../../io/notices.js')
  const {nextNoticeNumber} = await import('../notice-numbers.js')
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
  const {writeNotice} = await import('../../io/notices.js')
  const {nextNoticeNumber} = await import('../notice-numbers.js')
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
