import type {Kysely} from '#kysely'

import {appendAudit} from '../audit/index.js'
import {Conflict, InvalidInput, NotFound, RuleRefused} from '../errors.js'
import {type Database, type Reader, readerDb, type Store, type WriteContext} from '../store/index.js'
import {loadRequest, noteOnRequest, parseRequestId, type RequestWithHistory} from '../workflow/index.js'
import {chinaDate} from '../clock.js'
import type {FilledForm} from './form.js'
import type {KioskRequestPayload} from './onboarding.js'
import type {Opinion, Opinions} from './opinions.js'

/**
 * The kiosk registry (KIOSK-2, KIOSK-4): each kiosk the bureau verified (核验) at its site,
 * by serial, unique across the registry. Statuses: pending (verified, its request not yet
 * approved), failed (did not pass verification; stays out, with its reason), active,
 * disconnected, retired.
 */
export type KioskStatus = 'pending' | 'failed' | 'active' | 'disconnected' | 'retired'
export const KIOSK_STATUSES: KioskStatus[] = ['pending', 'failed', 'active', 'disconnected', 'retired']

export interface Kiosk {
  serial: string
  unit: string
  requestId: number
  site: {no: number; name: string; location: string}
  model: string
  heartbeatUrl: string | null
  status: KioskStatus
  note: string | null
  verifiedAt: string
  verifiedBy: string
  lastSeen: string | null
}

export interface KioskEvent {
  event: string
  from: string | null
  to: string
  at: string
  actor: string
  requestId: number | null
  note: string | null
}

type KioskRow = Database['kiosks'] extends infer T ? {[K in keyof T]: K extends 'id' ? number : T[K]} : never

function toKiosk(r: KioskRow): Kiosk {
  return {
    serial: r.serial,
    unit: r.unit,
    requestId: Number(r.request_id),
    site: {no: Number(r.site_no), name: r.site_name, location: r.site_location},
    model: r.model,
    heartbeatUrl: r.heartbeat_url,
    status: r.status as KioskStatus,
    note: r.note,
    verifiedAt: r.verified_at,
    verifiedBy: r.verified_by,
    lastSeen: r.last_seen,
  }
}

async function kioskRequest(db: Kysely<Database>, id: number, today: string): Promise<RequestWithHistory<KioskRequestPayload>> {
  const request = (await loadRequest(db, id, today)) as RequestWithHistory<KioskRequestPayload>
  if (request.kind !== 'kiosk') throw new InvalidInput('request.wrongKind', {id, kind: request.kind, expected: 'kiosk'}, {field: 'REQUEST'})
  return request
}

export interface VerifyInput {
  site: number
  serials: string[]
  result: 'pass' | 'fail'
  heartbeatUrl?: string
  note?: string
}

export interface VerifyResult {
  requestId: number
  unit: string
  site: {no: number; name: string; quantity: number; verified: number}
  kiosks: Kiosk[]
  /** Kiosks still to verify, over all sites of the request. */
  remaining: number
}

/**
 * The bureau's check (核验, KIOSK-2) of kiosks delivered at one site of an onboarding
 * request. Verifying a serial again at the same site replaces the earlier result; a serial
 * registered elsewhere is a conflict. A site takes no more kiosks than the form placed there.
 */
export async function verifyKiosks(store: Store, ref: string, input: VerifyInput): Promise<VerifyResult> {
  const serials = [...new Set(input.serials.map((s) => s.trim()).filter(Boolean))]
  if (!serials.length) throw new InvalidInput('input.empty', {field: 'serial'}, {field: 'serial'})
  if (serials.length !== input.serials.filter((s) => s.trim()).length) throw new InvalidInput('kiosk.verify.repeatedSerial', {}, {field: 'serial'})
  if (input.result === 'fail' && !input.note?.trim()) throw new InvalidInput('kiosk.verify.reasonRequired', {}, {field: 'note', rule: 'KIOSK-2'})
  if (input.heartbeatUrl && !/^https?:\/\/[^\s/]+/i.test(input.heartbeatUrl)) throw new InvalidInput('kiosk.verify.badUrl', {value: input.heartbeatUrl}, {field: 'heartbeat-url'})
  return store.write(async (ctx) => {
    const requestId = await resolveKioskRequest(ctx.db, ref)
    const request = await kioskRequest(ctx.db, requestId, ctx.today)
    if (request.state !== 'applied') throw new Conflict('kiosk.verify.notOpen', {id: requestId, state: request.state}, {field: 'REQUEST'})
    const site = request.payload.form.placements.find((p) => p.no === input.site)
    if (!site) {
      throw new NotFound('kiosk.verify.noSite', {id: requestId, site: input.site, sites: request.payload.form.placements.map((p) => p.no).join(', ')}, {field: 'site'})
    }
    const status: KioskStatus = input.result === 'pass' ? 'pending' : 'failed'
    for (const serial of serials) {
      const existing = await ctx.db.selectFrom('kiosks').selectAll().where('serial', '=', serial).executeTakeFirst()
      if (existing && (Number(existing.request_id) !== requestId || Number(existing.site_no) !== input.site)) {
        throw new Conflict('kiosk.serialTaken', {serial, unit: existing.unit, id: Number(existing.request_id), site: Number(existing.site_no)}, {field: 'serial'})
      }
      const values = {
        heartbeat_url: input.heartbeatUrl?.trim() || existing?.heartbeat_url || null,
        status,
        note: input.note?.trim() || null,
        verified_at: ctx.at,
        verified_by: ctx.actor,
        updated_at: ctx.at,
      }
      let kioskId: number
      if (existing) {
        await ctx.db.updateTable('kiosks').set(values).where('id', '=', existing.id).execute()
        kioskId = Number(existing.id)
      } else {
        const row = await ctx.db
          .insertInto('kiosks')
          .values({
            serial,
            request_id: requestId,
            unit: request.applicantUnit,
            site_no: site.no,
            site_name: site.name,
            site_location: site.location,
            model: request.payload.form.model,
            last_seen: null,
            ...values,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
        kioskId = Number(row.id)
      }
      await event(ctx, kioskId, 'verify', existing?.status ?? null, status, requestId, input.note)
    }
    const atSite = await ctx.db
      .selectFrom('kiosks')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('request_id', '=', requestId)
      .where('site_no', '=', site.no)
      .executeTakeFirstOrThrow()
    if (Number(atSite.n) > site.quantity) {
      throw new Conflict('kiosk.verify.tooMany', {site: site.no, name: site.name, quantity: site.quantity, count: Number(atSite.n)}, {field: 'serial', rule: 'KIOSK-3'})
    }
    const verb = input.result === 'pass' ? '通过' : '未通过'
    await noteOnRequest(ctx, requestId, 'verify', request.payload, `网点 ${site.no}（${site.name}）核验${verb}：${serials.join('、')}${input.note?.trim() ? `；${input.note.trim()}` : ''}`)
    const kiosks = (await ctx.db.selectFrom('kiosks').selectAll().where('serial', 'in', serials).orderBy('serial').execute()).map((r) => toKiosk(r))
    const gaps = await unverified(ctx.db, requestId, request.payload)
    return {
      requestId,
      unit: request.applicantUnit,
      site: {no: site.no, name: site.name, quantity: site.quantity, verified: Number(atSite.n)},
      kiosks,
      remaining: gaps.reduce((s, g) => s + g.quantity - g.verified, 0),
    }
  })
}

/** REQUEST is a request number, or the applicant unit's name when it has exactly one kiosk request open. */
export async function resolveKioskRequest(db: Kysely<Database>, ref: string): Promise<number> {
  const trimmed = ref.trim()
  if (/^#?\d+$/.test(trimmed)) return parseRequestId(trimmed)
  const open = await db.selectFrom('requests').select('id').where('kind', '=', 'kiosk').where('state', '=', 'applied').where('applicant_unit', '=', trimmed).orderBy('id').execute()
  if (!open.length) throw new NotFound('kiosk.noOpenRequest', {unit: trimmed}, {field: 'REQUEST'})
  if (open.length > 1) throw new Conflict('kiosk.manyOpenRequests', {unit: trimmed, ids: open.map((r) => Number(r.id)).join(', ')}, {field: 'REQUEST'})
  return Number(open[0]!.id)
}

async function unverified(db: Kysely<Database>, requestId: number, payload: KioskRequestPayload): Promise<Array<{no: number; name: string; quantity: number; verified: number}>> {
  const counts = await db
    .selectFrom('kiosks')
    .select(['site_no'])
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('request_id', '=', requestId)
    .groupBy('site_no')
    .execute()
  const bySite = new Map(counts.map((c) => [Number(c.site_no), Number(c.n)]))
  return payload.form.placements.map((p) => ({no: p.no, name: p.name, quantity: p.quantity, verified: bySite.get(p.no) ?? 0})).filter((g) => g.verified < g.quantity)
}

async function event(ctx: WriteContext, kioskId: number, name: string, from: string | null, to: string, requestId: number | null, note?: string | null): Promise<void> {
  await ctx.db
    .insertInto('kiosk_events')
    .values({kiosk_id: kioskId, event: name, from_status: from, to_status: to, at: ctx.at, actor: ctx.actor, request_id: requestId, note: note?.trim() || null})
    .execute()
}

/**
 * On approval (KIOSK-2): every placed kiosk must have been verified; those that passed
 * enter the registry as active, those that failed stay out with their reasons.
 */
export async function admitKiosks(ctx: WriteContext, requestId: number, payload: KioskRequestPayload): Promise<Partial<KioskRequestPayload>> {
  await requireVerified(ctx, requestId, payload)
  const rows = await ctx.db.selectFrom('kiosks').selectAll().where('request_id', '=', requestId).execute()
  let admitted = 0
  for (const r of rows) {
    if (r.status !== 'pending') continue
    await ctx.db.updateTable('kiosks').set({status: 'active', updated_at: ctx.at}).where('id', '=', r.id).execute()
    await event(ctx, Number(r.id), 'admit', 'pending', 'active', requestId, null)
    admitted++
  }
  const failed = rows.filter((r) => r.status === 'failed').length
  await appendAudit(ctx, {action: 'kiosk.admit', entityType: 'request', entityId: requestId, after: {admitted, failed, serials: rows.filter((r) => r.status !== 'failed').map((r) => r.serial)}})
  return {admitted, failed, outcome: `准入 ${admitted} 台自助终端${failed ? `，${failed} 台未通过核验` : ''}（KIOSK-2）`}
}

/** KIOSK-2: no review or approval before every placed kiosk is verified. */
export async function requireVerified(ctx: WriteContext, requestId: number, payload: KioskRequestPayload): Promise<void> {
  const gaps = await unverified(ctx.db, requestId, payload)
  if (gaps.length) {
    const missing = gaps.map((g) => `${g.no} ${g.name} ${g.verified}/${g.quantity}`).join('; ')
    throw new RuleRefused('KIOSK-2', 'kiosk.notAllVerified', {id: requestId, missing}, {field: 'ID', details: {sites: gaps}})
  }
}

/** A rejected request admits nothing: its verified kiosks leave the registry, so their serials can be applied for again. */
export async function dropKiosks(ctx: WriteContext, requestId: number): Promise<void> {
  const ids = (await ctx.db.selectFrom('kiosks').select('id').where('request_id', '=', requestId).execute()).map((r) => Number(r.id))
  if (!ids.length) return
  await ctx.db.deleteFrom('kiosk_events').where('kiosk_id', 'in', ids).execute()
  await ctx.db.deleteFrom('kiosks').where('id', 'in', ids).execute()
}

export interface KioskFilter {
  unit?: string
  site?: string
  status?: string
}

export async function listKiosks(from: Reader, filter: KioskFilter = {}): Promise<Kiosk[]> {
  const db = readerDb(from)
  if (filter.status && !KIOSK_STATUSES.includes(filter.status as KioskStatus)) {
    throw new InvalidInput('kiosk.badStatus', {value: filter.status, allowed: KIOSK_STATUSES.join(', ')}, {field: 'status'})
  }
  let q = db.selectFrom('kiosks').selectAll()
  if (filter.unit) q = q.where('unit', '=', filter.unit.trim())
  if (filter.status) q = q.where('status', '=', filter.status)
  if (filter.site) {
    const s = filter.site.trim()
    q = /^\d+$/.test(s) ? q.where('site_no', '=', Number(s)) : q.where('site_name', 'like', `%${s.replace(/[%_]/g, '')}%`)
  }
  return (await q.orderBy('unit').orderBy('site_no').orderBy('serial').execute()).map((r) => toKiosk(r))
}

export async function findKiosk(db: Kysely<Database>, serial: string): Promise<Kiosk & {id: number}> {
  const row = await db.selectFrom('kiosks').selectAll().where('serial', '=', serial.trim()).executeTakeFirst()
  if (!row) throw new NotFound('kiosk.notFound', {serial}, {field: 'SERIAL'})
  return {...toKiosk(row), id: Number(row.id)}
}

/** A kiosk request's form to write back (`kiosk template --request`): its content and the opinions its approvals gave. */
export async function filledFormOf(from: Reader, ref: string, today: string): Promise<FilledForm & {requestId: number}> {
  const db = readerDb(from)
  const id = parseRequestId(ref)
  const request = await kioskRequest(db, id, today)
  const o = request.payload.opinions ?? {}
  const box = (x: Opinion | undefined) => {
    if (!x) return undefined
    const [y, m, d] = chinaDate(new Date(x.at)).split('-').map(Number)
    return {text: `${x.decision === 'reject' ? '不同意：' : ''}${x.text}`, by: x.by, date: `${y}年${m}月${d}日`}
  }
  return {requestId: id, form: request.payload.form, opinions: {officeOpinion: box(o.office), leaderOpinion: box(o.leader)}}
}

/** The opinion boxes of each request's form as its approvals gave them (KIOSK-3), by request id. */
export async function opinionsOf(db: Kysely<Database>, requestIds: number[]): Promise<Map<number, Opinions>> {
  const ids = [...new Set(requestIds)]
  const out = new Map<number, Opinions>()
  if (!ids.length) return out
  const rows = await db.selectFrom('requests').select(['id', 'payload']).where('id', 'in', ids).execute()
  for (const r of rows) out.set(Number(r.id), (JSON.parse(r.payload) as KioskRequestPayload).opinions ?? {})
  return out
}

export async function showKiosk(from: Reader, serial: string): Promise<Kiosk & {opinions: {office: Opinion | null; leader: Opinion | null}; history: KioskEvent[]}> {
  const db = readerDb(from)
  const {id, ...kiosk} = await findKiosk(db, serial)
  const events = await db.selectFrom('kiosk_events').selectAll().where('kiosk_id', '=', id).orderBy('id').execute()
  const opinions = (await opinionsOf(db, [kiosk.requestId])).get(kiosk.requestId) ?? {}
  return {
    ...kiosk,
    opinions: {office: opinions.office ?? null, leader: opinions.leader ?? null},
    history: events.map((e) => ({event: e.event, from: e.from_status, to: e.to_status, at: e.at, actor: e.actor, requestId: e.request_id === null ? null : Number(e.request_id), note: e.note})),
  }
}

/** A kiosk taken out of service for good; a failed or retired kiosk cannot be retired. */
export async function retireKiosk(store: Store, serial: string, reason: string): Promise<Kiosk> {
  if (!reason.trim()) throw new InvalidInput('input.empty', {field: 'reason'}, {field: 'reason'})
  return store.write(async (ctx) => {
    const before = await findKiosk(ctx.db, serial)
    if (before.status === 'retired' || before.status === 'failed') throw new Conflict('kiosk.cannotRetire', {serial, status: before.status}, {field: 'SERIAL'})
    await ctx.db.updateTable('kiosks').set({status: 'retired', note: reason.trim(), updated_at: ctx.at}).where('id', '=', before.id).execute()
    await event(ctx, before.id, 'retire', before.status, 'retired', null, reason)
    const {id, ...after} = await findKiosk(ctx.db, serial)
    await appendAudit(ctx, {action: 'kiosk.retire', entityType: 'kiosk', entityId: id, before, after})
    return after
  })
}
