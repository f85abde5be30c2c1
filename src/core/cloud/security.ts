import type {Kysely} from '#kysely'

import {appendAudit} from '../audit/index.js'
import {addDays, daysBetween, parseIsoDate} from '../dates.js'
import {Conflict, InvalidInput, RuleRefused} from '../errors.js'
import {type Database, type Reader, readerDb, type Store} from '../store/index.js'
import {chinaDate} from '../clock.js'
import {findSystem, fingerprint} from './queries.js'
import {cloud7MissingSteps, cloud7NextDue, securityLevels, type StepKey} from './rules.js'

/**
 * Security before go-live and after (CLOUD-7, 第二十三条): the steps before go-live
 * (安全资源申请, 安全自查, 检测评估, 安全加固, 定级备案, and for level 3 等保测评 and 密评)
 * and the security commitment (上云安全承诺书), each with its date and optionally a
 * document by reference; and the recurring assessments (等保测评, 密评) on the cycle of the
 * system's level. Which steps a level needs, and the cycles, are data
 * (templates/cloud-security-levels.json) read by the rules in rules.ts.
 */

export type SecurityKind = StepKey
export const ASSESSMENTS = ['grading', 'crypto'] as const

export interface DocumentRef {
  path: string
  size: number
  sha256: string
}

export interface SecurityRecord {
  kind: SecurityKind
  on: string
  result: 'pass' | 'fail' | null
  at: string
  by: string
  document: DocumentRef | null
  /** recording it again was a no-op */
  unchanged?: boolean
}

type Db = Kysely<Database>

/** A date of a CLOUD-7 record, YYYY-MM-DD; a bad one names its field and the rule. */
export function cloud7Date(value: string, field: string): string {
  try {
    return parseIsoDate(value, field)
  } catch (error) {
    if (error instanceof InvalidInput) throw new InvalidInput(error.key, error.params, {field, rule: 'CLOUD-7'})
    throw error
  }
}

/** A document given with a CLOUD-7 record: read once for its size and SHA-256, stored by reference. */
export async function securityDocument(path: string | undefined, field = 'document'): Promise<DocumentRef | null> {
  if (path === undefined) return null
  try {
    const a = await fingerprint(path, field, 'security-document')
    return {path: a.path, size: a.size, sha256: a.sha256}
  } catch (error) {
    if (error instanceof InvalidInput) throw new InvalidInput(error.key, error.params, {field, rule: 'CLOUD-7'})
    throw error
  }
}

/**
 * Records one or more of a system's CLOUD-7 steps in one transaction, each with its audit
 * entry. `result` is the result of every step given that has one (检测评估, 等保测评, 密评),
 * and is refused for the others. Dates are not after today. A step recorded again with the
 * same date, result and document is a no-op.
 */
export async function recordSecuritySteps(
  store: Store,
  name: string,
  input: {steps: Array<{kind: SecurityKind; on: string}>; result?: string; document?: string},
): Promise<{system: string; records: SecurityRecord[]; unchanged: boolean}> {
  const table = securityLevels()
  if (!input.steps.length) throw new InvalidInput('cloud.securityOne', {flags: table.steps.map((s) => `--${s.flag}`).join(', ')}, {field: 'commitment', rule: 'CLOUD-7'})
  const steps = input.steps.map((s) => {
    const def = table.steps.find((d) => d.key === s.kind)
    if (!def) throw new InvalidInput('cloud.securityOne', {flags: table.steps.map((d) => `--${d.flag}`).join(', ')}, {field: s.kind, rule: 'CLOUD-7'})
    return {def, on: cloud7Date(s.on, def.flag)}
  })
  const withResult = steps.filter((s) => s.def.result)
  let result: 'pass' | 'fail' | null = null
  if (withResult.length) {
    if (input.result !== 'pass' && input.result !== 'fail') {
      throw new InvalidInput('cloud.resultNeeded', {kind: withResult.map((s) => s.def.name).join('、'), value: input.result ?? ''}, {field: 'result', rule: 'CLOUD-7'})
    }
    result = input.result
  } else if (input.result !== undefined) {
    throw new InvalidInput('cloud.resultNotFor', {steps: steps.map((s) => s.def.name).join('、')}, {field: 'result', rule: 'CLOUD-7'})
  }
  const document = await securityDocument(input.document)
  return store.write(async (ctx) => {
    for (const s of steps) {
      if (s.on > ctx.today) throw new InvalidInput('cloud.dateInFuture', {field: s.def.flag, value: s.on, today: ctx.today}, {field: s.def.flag, rule: 'CLOUD-7'})
    }
    const system = await findSystem(ctx.db, name)
    if (system.status === 'released' || system.status === 'rejected' || system.status === 'withdrawn')
      throw new Conflict('cloud.systemGone', {system: system.name, status: system.status}, {field: 'SYS'})
    const records: SecurityRecord[] = []
    for (const s of steps) {
      const kind = s.def.key
      const stepResult = s.def.result ? result : null
      const same = (await ctx.db.selectFrom('cloud_security').selectAll().where('system_id', '=', system.id).where('kind', '=', kind).where('on_date', '=', s.on).orderBy('id').execute()).find(
        (r) => r.result === stepResult && (!document || r.document_sha256 === document.sha256),
      )
      if (same) {
        records.push({kind, on: s.on, result: stepResult, at: same.at, by: same.actor, document: documentOf(same), unchanged: true})
        continue
      }
      await ctx.db
        .insertInto('cloud_security')
        .values({
          system_id: system.id,
          kind,
          on_date: s.on,
          result: stepResult,
          at: ctx.at,
          actor: ctx.actor,
          document_path: document?.path ?? null,
          document_size: document?.size ?? null,
          document_sha256: document?.sha256 ?? null,
        })
        .execute()
      await appendAudit(ctx, {action: `cloud.security.${kind}`, entityType: 'cloud-system', entityId: system.id, after: {on: s.on, result: stepResult, document}})
      records.push({kind, on: s.on, result: stepResult, at: ctx.at, by: ctx.actor, document})
    }
    return {system: system.name, records, unchanged: records.every((r) => r.unchanged)}
  })
}

function documentOf(r: {document_path: string | null; document_size: number | string | null; document_sha256: string | null}): DocumentRef | null {
  return r.document_path === null ? null : {path: r.document_path, size: Number(r.document_size), sha256: r.document_sha256!}
}

export async function securityOf(from: Reader, systemId: number): Promise<SecurityRecord[]> {
  const db = readerDb(from)
  const rows = await db.selectFrom('cloud_security').selectAll().where('system_id', '=', systemId).orderBy('on_date').orderBy('id').execute()
  return rows.map((r) => ({kind: r.kind as SecurityKind, on: r.on_date, result: r.result as SecurityRecord['result'], at: r.at, by: r.actor, document: documentOf(r)}))
}

/**
 * CLOUD-7 (第二十三条) at provisioning: refused (exit 5) naming every step the system's level
 * requires before go-live that is not on record (a failed 检测评估 counts after a later pass).
 */
export async function requireGoLiveSteps(db: Db, system: {id: number; name: string; level: number}, requestId: number): Promise<void> {
  const missing = cloud7MissingSteps(system.level, await securityOf(db, system.id))
  if (!missing.length) return
  throw new RuleRefused(
    'CLOUD-7',
    'cloud.stepsMissing',
    {
      system: system.name,
      id: requestId,
      level: system.level,
      missing: missing.map((m) => `${m.name} (--${m.flag})`).join('、'),
      command: `egov cloud security record "${system.name}" ${missing.map((m) => `--${m.flag} DATE`).join(' ')}${missing.some((m) => m.result) ? ' --result pass' : ''}`,
    },
    {field: 'ID', details: {missing: missing.map((m) => m.key), level: system.level}},
  )
}

export interface DueAssessment {
  system: string
  unit: string
  /** the system's graded-protection level, whose cycle the due date follows */
  level: number
  provider: string | null
  kind: 'grading' | 'crypto'
  /** the last assessment of this kind, if any */
  last: {on: string; result: 'pass' | 'fail'} | null
  dueOn: string
  overdue: boolean
  daysLeft: number
}

/** Assessments of systems in service that fall due within `days` days of `today`, on their level's cycle (cloud7NextDue), overdue first. */
export async function dueAssessments(
  from: Reader,
  today: string,
  days: number,
  asOf?: {systems: Array<{id: number; name: string; unit: string; level: number; provider: string | null; since: string}>; before: string},
): Promise<DueAssessment[]> {
  const db = readerDb(from)
  const systems =
    asOf?.systems ??
    (await db.selectFrom('cloud_systems').select(['id', 'name', 'unit', 'level', 'provider', 'provisioned_at']).where('status', '=', 'in-service').execute()).map((s) => ({
      id: Number(s.id),
      name: s.name,
      unit: s.unit,
      level: Number(s.level),
      provider: s.provider,
      since: chinaDate(new Date(s.provisioned_at!)),
    }))
  if (!systems.length) return []
  let q = db
    .selectFrom('cloud_security')
    .selectAll()
    .where('kind', 'in', [...ASSESSMENTS])
  if (asOf) q = q.where('on_date', '<', asOf.before)
  const records = await q.orderBy('on_date').orderBy('id').execute()
  const last = new Map<string, {on: string; result: 'pass' | 'fail'}>()
  for (const r of records) last.set(`${r.system_id}\u0000${r.kind}`, {on: r.on_date, result: r.result as 'pass' | 'fail'})
  const horizon = addDays(today, days)
  const out: DueAssessment[] = []
  for (const s of systems) {
    for (const kind of ASSESSMENTS) {
      const l = last.get(`${s.id}\u0000${kind}`) ?? null
      const dueOn = cloud7NextDue(s.level, kind, l, s.since)
      if (dueOn === null || dueOn > horizon) continue
      out.push({system: s.name, unit: s.unit, level: s.level, provider: s.provider, kind, last: l, dueOn, overdue: dueOn < today, daysLeft: daysBetween(today, dueOn)})
    }
  }
  return out.sort((a, b) => Number(b.overdue) - Number(a.overdue) || a.dueOn.localeCompare(b.dueOn) || a.system.localeCompare(b.system) || a.kind.localeCompare(b.kind))
}
