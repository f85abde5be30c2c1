import type {Kysely} from '#kysely'

import {appendAudit} from '../audit/index.js'
import {addDays, parseIsoDate} from '../dates.js'
import {Conflict, InvalidInput} from '../errors.js'
import type {Database, Store} from '../store/index.js'
import {chinaDate} from '../clock.js'
import {findSystem} from './model.js'

/**
 * Security before go-live and after (CLOUD-7): the security commitment (上云安全承诺书),
 * the graded-protection assessment (等保测评) and the cryptography assessment (密评), with
 * their dates and results. Provisioning needs the commitment; the two assessments fall due
 * yearly.
 */

export type SecurityKind = 'commitment' | 'grading' | 'crypto'
export const ASSESSMENTS = ['grading', 'crypto'] as const

export interface SecurityRecord {
  kind: SecurityKind
  on: string
  result: 'pass' | 'fail' | null
  at: string
  by: string
}

type Db = Kysely<Database>

export async function recordSecurity(store: Store, name: string, input: {kind: SecurityKind; on: string; result?: string}): Promise<{record: SecurityRecord; system: string; unchanged?: boolean}> {
  const on = parseIsoDate(input.on, input.kind)
  let result: 'pass' | 'fail' | null = null
  if (input.kind === 'commitment') {
    if (input.result) throw new InvalidInput('cloud.resultNotForCommitment', {}, {field: 'result', rule: 'CLOUD-7'})
  } else {
    if (input.result !== 'pass' && input.result !== 'fail') throw new InvalidInput('cloud.resultNeeded', {kind: input.kind, value: input.result ?? ''}, {field: 'result', rule: 'CLOUD-7'})
    result = input.result
  }
  return store.write(async (ctx) => {
    if (on > ctx.today) throw new InvalidInput('cloud.dateInFuture', {field: input.kind, value: on, today: ctx.today}, {field: input.kind, rule: 'CLOUD-7'})
    const system = await findSystem(ctx.db, name)
    if (system.status === 'released' || system.status === 'rejected' || system.status === 'withdrawn') throw new Conflict('cloud.systemGone', {system: system.name, status: system.status}, {field: 'SYS'})
    const same = await ctx.db.selectFrom('cloud_security').selectAll().where('system_id', '=', system.id).where('kind', '=', input.kind).where('on_date', '=', on).executeTakeFirst()
    if (same && same.result === result) return {record: {kind: input.kind, on, result, at: same.at, by: same.actor}, system: system.name, unchanged: true}
    await ctx.db.insertInto('cloud_security').values({system_id: system.id, kind: input.kind, on_date: on, result, at: ctx.at, actor: ctx.actor}).execute()
    await appendAudit(ctx, {action: `cloud.security.${input.kind}`, entityType: 'cloud-system', entityId: system.id, after: {on, result}})
    return {record: {kind: input.kind, on, result, at: ctx.at, by: ctx.actor}, system: system.name}
  })
}

export async function securityOf(db: Db, systemId: number): Promise<SecurityRecord[]> {
  const rows = await db.selectFrom('cloud_security').selectAll().where('system_id', '=', systemId).orderBy('on_date').orderBy('id').execute()
  return rows.map((r) => ({kind: r.kind as SecurityKind, on: r.on_date, result: r.result as SecurityRecord['result'], at: r.at, by: r.actor}))
}

export interface DueAssessment {
  system: string
  unit: string
  provider: string | null
  kind: 'grading' | 'crypto'
  /** the last assessment of this kind, if any */
  last: {on: string; result: 'pass' | 'fail'} | null
  dueOn: string
  overdue: boolean
  daysLeft: number
}

/**
 * When an assessment falls due: a year after the last one passed; at once after a failed
 * one (it must be redone); and, for a system never assessed, on the day it went into service.
 */
export function dueOf(last: {on: string; result: 'pass' | 'fail'} | null, since: string): string {
  if (!last) return since
  if (last.result === 'fail') return last.on
  const [y, m, d] = last.on.split('-').map(Number)
  // A year later; 29 February falls due on 28 February.
  const next = `${y + 1}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`
  return m === 2 && d === 29 ? addDays(`${y + 1}-03-01`, -1) : next
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000)
}

/** Assessments of systems in service that fall due within `days` days of `today`, overdue first. */
export async function dueAssessments(db: Db, today: string, days: number, asOf?: {systems: Array<{id: number; name: string; unit: string; provider: string | null; since: string}>; before: string}): Promise<DueAssessment[]> {
  const systems =
    asOf?.systems ??
    (await db.selectFrom('cloud_systems').select(['id', 'name', 'unit', 'provider', 'provisioned_at']).where('status', '=', 'in-service').execute()).map((s) => ({
      id: Number(s.id),
      name: s.name,
      unit: s.unit,
      provider: s.provider,
      since: chinaDate(new Date(s.provisioned_at!)),
    }))
  if (!systems.length) return []
  let q = db.selectFrom('cloud_security').selectAll().where('kind', 'in', [...ASSESSMENTS])
  if (asOf) q = q.where('on_date', '<', asOf.before)
  const records = await q.orderBy('on_date').orderBy('id').execute()
  const last = new Map<string, {on: string; result: 'pass' | 'fail'}>()
  for (const r of records) last.set(`${r.system_id}\u0000${r.kind}`, {on: r.on_date, result: r.result as 'pass' | 'fail'})
  const horizon = addDays(today, days)
  const out: DueAssessment[] = []
  for (const s of systems) {
    for (const kind of ASSESSMENTS) {
      const l = last.get(`${s.id}\u0000${kind}`) ?? null
      const dueOn = dueOf(l, s.since)
      if (dueOn > horizon) continue
      out.push({system: s.name, unit: s.unit, provider: s.provider, kind, last: l, dueOn, overdue: dueOn < today, daysLeft: daysBetween(today, dueOn)})
    }
  }
  return out.sort((a, b) => Number(b.overdue) - Number(a.overdue) || a.dueOn.localeCompare(b.dueOn) || a.system.localeCompare(b.system) || a.kind.localeCompare(b.kind))
}
