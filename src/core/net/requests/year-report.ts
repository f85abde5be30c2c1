/** The yearly report (NET-9): what the year's requests did, the addresses held at its end, what was still open, who pays the lines. */
import type {Kysely} from '#kysely'

import {WorkCalendar} from '../../calendar/index.js'
import {chinaDate} from '../../clock.js'
import {InvalidInput} from '../../errors.js'
import {type Database, type Reader, readerDb} from '../../store/index.js'
import {findKind, limitKey} from '../../workflow/index.js'
import type {Plane} from '../model.js'
import type {ConnectionRequest, CostBearer} from './payloads.js'

export interface YearReport {
  year: number
  counts: {onboarded: number; changed: number; closed: number; cutOff: number; restored: number}
  addresses: Array<{plane: Plane; pool: string; blocks: number; addresses: string}>
  openRequests: Array<{id: number; kind: string; state: string; unit: string; dueOn: string | null; overdue: boolean}>
  costBearers: Array<{costBearer: CostBearer; units: number}>
}

/**
 * Built from the recorded history (transitions, allocation dates), so a past year's report
 * reads the same whenever it is run.
 */
export async function yearReport(from: Reader, year: number): Promise<YearReport> {
  const db = readerDb(from)
  if (!Number.isInteger(year) || year < 2000 || year > 2100) throw new InvalidInput('input.badInteger', {field: 'year', value: year}, {field: 'year'})
  // The year's end in China, as an instant: 1 January next year 00:00 +08:00.
  const end = new Date(`${year + 1}-01-01T00:00:00+08:00`).toISOString()
  const start = new Date(`${year}-01-01T00:00:00+08:00`).toISOString()
  const counts = await yearCounts(db, start, end)
  const addresses = await heldAtEnd(db, end)
  const openRequests = await openAtEnd(db, year, end)
  const costBearers = await costBearersAtEnd(db, end)
  return {year, counts, addresses, openRequests, costBearers}
}

type Db = Kysely<Database>

/** Requests of the year that reached their outcome: onboarded, changed, closed, cut off, restored. */
async function yearCounts(db: Db, start: string, end: string): Promise<YearReport['counts']> {
  const moves = await db
    .selectFrom('request_transitions')
    .innerJoin('requests', 'requests.id', 'request_transitions.request_id')
    .select(['requests.kind', 'request_transitions.to_state', 'request_transitions.from_state'])
    .where('request_transitions.at', '>=', start)
    .where('request_transitions.at', '<', end)
    .where('requests.kind', 'like', 'net-%')
    .execute()
  const count = (kind: string, to: string) => moves.filter((m) => m.kind === kind && m.to_state === to && m.from_state !== to).length
  return {
    onboarded: count('net-onboarding', 'in-service'),
    changed: count('net-change', 'in-service'),
    closed: count('net-close', 'closed'),
    cutOff: count('net-cutoff', 'cut-off'),
    restored: count('net-restore', 'restored'),
  }
}

/** Addresses held at the year's end, per plane and pool. */
async function heldAtEnd(db: Db, end: string): Promise<YearReport['addresses']> {
  const held = await db
    .selectFrom('net_allocations')
    .select(['plane', 'pool_name', 'family', 'prefix', (eb) => eb.fn.countAll<number>().as('n')])
    .where('created_at', '<', end)
    .where((eb) => eb.or([eb('released_at', 'is', null), eb('released_at', '>=', end)]))
    .groupBy(['plane', 'pool_name', 'family', 'prefix'])
    .execute()
  const byPool = new Map<string, {plane: Plane; pool: string; blocks: number; addresses: bigint}>()
  for (const h of held) {
    const key = `${h.plane}\u0000${h.pool_name}`
    const e = byPool.get(key) ?? {plane: Number(h.plane) as Plane, pool: h.pool_name, blocks: 0, addresses: 0n}
    e.blocks += Number(h.n)
    e.addresses += BigInt(h.n) << BigInt((Number(h.family) === 4 ? 32 : 128) - Number(h.prefix))
    byPool.set(key, e)
  }
  return [...byPool.values()].sort((a, b) => a.plane - b.plane || a.pool.localeCompare(b.pool)).map((e) => ({...e, addresses: e.addresses.toString()}))
}

/** Requests open at the year's end: filed before it, and their last move before it left them in a non-final state. */
async function openAtEnd(db: Db, year: number, end: string): Promise<YearReport['openRequests']> {
  const requests = await db.selectFrom('requests').select(['id', 'kind', 'applicant_unit']).where('filed_at', '<', end).where('kind', 'like', 'net-%').execute()
  const calendar = await WorkCalendar.fromDatabase(db)
  const limits = new Map((await db.selectFrom('settings').select(['key', 'value']).where('key', 'like', 'limit.%').execute()).map((r) => [r.key, Number(r.value)]))
  const openRequests: YearReport['openRequests'] = []
  const lastMoves = await db
    .selectFrom('request_transitions')
    .select(['request_id', 'from_state', 'to_state', 'at', 'id'])
    .where('at', '<', end)
    .where('request_id', 'in', requests.length ? requests.map((r) => Number(r.id)) : [0])
    .orderBy('id')
    .execute()
  const last = new Map<number, {state: string; at: string}>()
  // A row that leaves the state as it was (a note, a due date recomputed) does not restart the state's clock.
  for (const m of lastMoves) if (m.from_state !== m.to_state) last.set(Number(m.request_id), {state: m.to_state, at: m.at})
  const yearEnd = `${year}-12-31`
  for (const r of requests) {
    const l = last.get(Number(r.id))
    const def = findKind(r.kind)
    if (!l || !def || def.states[l.state]?.terminal) continue
    const limit = limits.get(limitKey(r.kind, l.state)) ?? def.states[l.state]?.limitDays
    const dueOn = limit === undefined ? null : calendar.addWorkdays(chinaDate(new Date(l.at)), limit).date
    openRequests.push({id: Number(r.id), kind: r.kind, state: l.state, unit: r.applicant_unit, dueOn, overdue: dueOn !== null && dueOn < yearEnd})
  }
  openRequests.sort((a, b) => Number(b.overdue) - Number(a.overdue) || a.id - b.id)
  return openRequests
}

/** Line costs: units whose connection was in service at the year's end, by who pays (NET-8). */
async function costBearersAtEnd(db: Db, end: string): Promise<YearReport['costBearers']> {
  const bearers = new Map<CostBearer, number>()
  const connected = new Map<string, CostBearer | null>()
  const lifecycle = await db
    .selectFrom('request_transitions')
    .innerJoin('requests', 'requests.id', 'request_transitions.request_id')
    .select(['requests.kind', 'requests.applicant_unit', 'requests.payload', 'request_transitions.to_state'])
    .where('request_transitions.at', '<', end)
    .where('requests.kind', 'in', ['net-onboarding', 'net-adopt', 'net-close'])
    .orderBy('request_transitions.id')
    .execute()
  for (const m of lifecycle) {
    if ((m.kind === 'net-onboarding' && m.to_state === 'in-service') || (m.kind === 'net-adopt' && m.to_state === 'adopted'))
      connected.set(m.applicant_unit, (JSON.parse(m.payload) as ConnectionRequest).costBearer ?? 'unit')
    if (m.kind === 'net-close' && m.to_state === 'closed') connected.set(m.applicant_unit, null)
  }
  for (const bearer of connected.values()) if (bearer) bearers.set(bearer, (bearers.get(bearer) ?? 0) + 1)
  return [...bearers.entries()].map(([costBearer, units]) => ({costBearer, units}))
}
