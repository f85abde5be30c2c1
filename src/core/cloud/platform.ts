import type {Kysely} from '#kysely'

import {appendAudit} from '../audit/index.js'
import {addDays, daysBetween} from '../dates.js'
import {Conflict, InvalidInput} from '../errors.js'
import {type Database, type Reader, readerDb, type Store} from '../store/index.js'
import {findProvider} from './queries.js'
import {cloud7PlatformNextDue, type PlatformKind, securityLevels} from './rules.js'
import {cloud7Date, type DocumentRef, securityDocument} from './security.js'

/**
 * The platform's own assessments (CLOUD-7, 第十五条, 第二十四条): 等保测评, 云计算服务安全评估
 * and 密码应用安全性评估, tracked per provider. 第二十四条 puts 等保测评 and 密评 on each
 * 政务云服务商, and what 第十五条 has assessed — the cloud platform — is each provider's own
 * platform (the city's 政务云 is the sum of them, and a single record for "the platform"
 * could not say which provider's platform passed). Cycles are data in
 * templates/cloud-security-levels.json (platform).
 */

export interface PlatformAssessment {
  provider: string
  kind: PlatformKind
  on: string
  result: 'pass' | 'fail'
  document: DocumentRef | null
  at: string
  by: string
}

export interface PlatformDue {
  provider: string
  kind: PlatformKind
  /** the cycle, in months */
  months: number
  last: {on: string; result: 'pass' | 'fail'} | null
  dueOn: string
  overdue: boolean
  daysLeft: number
}

type Db = Kysely<Database>

export function platformKinds(): PlatformKind[] {
  return securityLevels().platform.map((p) => p.key)
}

export async function recordPlatformAssessment(
  store: Store,
  input: {kind?: string; on?: string; result?: string; provider?: string; document?: string},
): Promise<{assessment: PlatformAssessment; unchanged?: boolean}> {
  const kinds = platformKinds()
  if (!input.kind || !(kinds as string[]).includes(input.kind)) throw new InvalidInput('cloud.platformKind', {value: input.kind ?? '', allowed: kinds.join(', ')}, {field: 'kind', rule: 'CLOUD-7'})
  const kind = input.kind as PlatformKind
  if (!input.on) throw new InvalidInput('cloud.platformOn', {}, {field: 'on', rule: 'CLOUD-7'})
  const on = cloud7Date(input.on, 'on')
  if (input.result !== 'pass' && input.result !== 'fail') throw new InvalidInput('cloud.resultNeeded', {kind: input.kind, value: input.result ?? ''}, {field: 'result', rule: 'CLOUD-7'})
  const result = input.result
  if (!input.provider?.trim()) throw new InvalidInput('cloud.platformProvider', {}, {field: 'provider', rule: 'CLOUD-7'})
  const document = await securityDocument(input.document)
  return store.write(async (ctx) => {
    if (on > ctx.today) throw new InvalidInput('cloud.dateInFuture', {field: 'on', value: on, today: ctx.today}, {field: 'on', rule: 'CLOUD-7'})
    const provider = await findProvider(ctx.db, input.provider!)
    // A provider that has left runs no platform of the city cloud to assess.
    if (provider.status !== 'admitted') throw new Conflict('cloud.platformProviderExited', {provider: provider.name}, {field: 'provider', rule: 'CLOUD-2'})
    const same = (
      await ctx.db.selectFrom('cloud_platform_assessments').selectAll().where('provider', '=', provider.name).where('kind', '=', kind).where('on_date', '=', on).orderBy('id').execute()
    ).find((r) => r.result === result && (!document || r.document_sha256 === document.sha256))
    if (same) return {assessment: toAssessment(same), unchanged: true}
    const row = {
      provider: provider.name,
      kind,
      on_date: on,
      result,
      document_path: document?.path ?? null,
      document_size: document?.size ?? null,
      document_sha256: document?.sha256 ?? null,
      at: ctx.at,
      actor: ctx.actor,
    }
    await ctx.db.insertInto('cloud_platform_assessments').values(row).execute()
    await appendAudit(ctx, {action: `cloud.platform.${kind}`, entityType: 'cloud-provider', entityId: provider.id, after: {on, result, document}})
    return {assessment: toAssessment(row)}
  })
}

function toAssessment(r: {
  provider: string
  kind: string
  on_date: string
  result: string
  document_path: string | null
  document_size: number | string | null
  document_sha256: string | null
  at: string
  actor: string
}): PlatformAssessment {
  return {
    provider: r.provider,
    kind: r.kind as PlatformKind,
    on: r.on_date,
    result: r.result as 'pass' | 'fail',
    document: r.document_path === null ? null : {path: r.document_path, size: Number(r.document_size), sha256: r.document_sha256!},
    at: r.at,
    by: r.actor,
  }
}

/**
 * Every admitted provider's three assessments with their due dates (cloud7PlatformNextDue),
 * overdue first, then by due date. `overdueOnly` keeps the overdue ones.
 */
export async function platformDue(from: Reader, today: string, options: {provider?: string; overdueOnly?: boolean; days?: number} = {}): Promise<PlatformDue[]> {
  const db = readerDb(from)
  let q = db.selectFrom('cloud_providers').select(['name', 'admitted_on']).where('status', '=', 'admitted')
  if (options.provider) q = q.where('name', '=', (await findProvider(db, options.provider)).name)
  const providers = await q.orderBy('name').execute()
  if (!providers.length) return []
  const records = await db
    .selectFrom('cloud_platform_assessments')
    .selectAll()
    .where(
      'provider',
      'in',
      providers.map((p) => p.name),
    )
    .orderBy('on_date')
    .orderBy('id')
    .execute()
  const last = new Map<string, {on: string; result: 'pass' | 'fail'}>()
  for (const r of records) last.set(`${r.provider}\u0000${r.kind}`, {on: r.on_date, result: r.result as 'pass' | 'fail'})
  const horizon = options.days === undefined ? null : addDays(today, options.days)
  const out: PlatformDue[] = []
  for (const p of providers) {
    for (const def of securityLevels().platform) {
      const l = last.get(`${p.name}\u0000${def.key}`) ?? null
      const dueOn = cloud7PlatformNextDue(def.key, l, p.admitted_on)
      const overdue = dueOn < today
      if (options.overdueOnly && !overdue) continue
      if (horizon && dueOn > horizon) continue
      out.push({provider: p.name, kind: def.key, months: def.months, last: l, dueOn, overdue, daysLeft: daysBetween(today, dueOn)})
    }
  }
  return out.sort((a, b) => Number(b.overdue) - Number(a.overdue) || a.dueOn.localeCompare(b.dueOn) || a.provider.localeCompare(b.provider) || a.kind.localeCompare(b.kind))
}

export async function platformHistory(db: Db, provider?: string): Promise<PlatformAssessment[]> {
  let q = db.selectFrom('cloud_platform_assessments').selectAll()
  if (provider) q = q.where('provider', '=', provider.trim())
  return (await q.orderBy('provider').orderBy('on_date').orderBy('id').execute()).map(toAssessment)
}
