import {chinaDate} from '../clock.js'
import {InvalidInput} from '../errors.js'
import {type Reader, readerDb} from '../store/index.js'
import {add, type Amounts, HOLDING_STATUSES, RESERVED_STATUSES, zero} from './model.js'
import {type DueAssessment, dueAssessments} from './security.js'

/**
 * The yearly cloud report (CLOUD-3..8): systems onboarded, scaled and released in the year,
 * each provider's capacity use at the year's end, and the assessments done and overdue.
 * Built from the recorded events, so a past year reads the same whenever it is run.
 */
export interface CloudYearReport {
  year: number
  counts: {onboarded: number; scaled: number; changedInside: number; migrated: number; released: number}
  providers: Array<{provider: string; status: string; offered: Amounts; reserved: Amounts; inUse: Amounts; free: Amounts; systems: number}>
  assessments: {done: Array<{kind: string; pass: number; fail: number}>; overdue: DueAssessment[]}
}

export async function cloudYearReport(from: Reader, year: number): Promise<CloudYearReport> {
  const db = readerDb(from)
  if (!Number.isInteger(year) || year < 2000 || year > 2100) throw new InvalidInput('input.badInteger', {field: 'year', value: year}, {field: 'year'})
  const start = new Date(`${year}-01-01T00:00:00+08:00`).toISOString()
  const end = new Date(`${year + 1}-01-01T00:00:00+08:00`).toISOString()
  const events = await db.selectFrom('cloud_events').selectAll().where('at', '<', end).orderBy('id').execute()
  const counts = {onboarded: 0, scaled: 0, changedInside: 0, migrated: 0, released: 0}
  const last = new Map<number, (typeof events)[number]>()
  const since = new Map<number, string>()
  for (const e of events) {
    last.set(Number(e.system_id), e)
    if (e.event === 'provisioned') since.set(Number(e.system_id), chinaDate(new Date(e.at)))
    if (e.at < start) continue
    if (e.event === 'provisioned') counts.onboarded++
    if (e.event === 'scaled') counts.scaled++
    if (e.event === 'changed') counts.changedInside++
    if (e.event === 'migrated') counts.migrated++
    if (e.event === 'released') counts.released++
  }
  const providers = await db.selectFrom('cloud_providers').selectAll().where('admitted_on', '<=', `${year}-12-31`).orderBy('name').execute()
  const rows: CloudYearReport['providers'] = []
  for (const p of providers) {
    if (p.exited_at && p.exited_at < end && p.status === 'exited') continue
    const offered: Amounts = {
      vcpu: Number(p.vcpu),
      memoryGib: Number(p.memory_gib),
      storageGib: Number(p.storage_gib),
      bandwidthMbps: Number(p.bandwidth_mbps),
      extranetIps: Number(p.extranet_ips),
      internetIps: Number(p.internet_ips),
    }
    let reserved = zero()
    let inUse = zero()
    let systems = 0
    for (const e of last.values()) {
      if (e.provider !== p.name || !HOLDING_STATUSES.includes(e.status)) continue
      const env = (JSON.parse(e.snapshot) as {envelope: Amounts | null}).envelope
      if (!env) continue
      systems++
      if ((RESERVED_STATUSES as readonly string[]).includes(e.status)) reserved = add(reserved, env)
      else inUse = add(inUse, env)
    }
    rows.push({provider: p.name, status: p.status, offered, reserved, inUse, free: add(add(offered, reserved, -1), inUse, -1), systems})
  }
  const done = await db
    .selectFrom('cloud_security')
    .select(['kind', 'result', (eb) => eb.fn.countAll<number>().as('n')])
    .where('on_date', '>=', `${year}-01-01`)
    .where('on_date', '<=', `${year}-12-31`)
    .where('kind', 'in', ['grading', 'crypto'])
    .groupBy(['kind', 'result'])
    .execute()
  const byKind = new Map<string, {kind: string; pass: number; fail: number}>()
  for (const d of done) {
    const e = byKind.get(d.kind) ?? {kind: d.kind, pass: 0, fail: 0}
    if (d.result === 'pass') e.pass += Number(d.n)
    else e.fail += Number(d.n)
    byKind.set(d.kind, e)
  }
  // Systems in service at the year's end, and what was overdue on 31 December.
  const inService: Array<{id: number; name: string; unit: string; level: number; provider: string | null; since: string}> = []
  if (last.size) {
    const names = await db
      .selectFrom('cloud_systems')
      .select(['id', 'name', 'unit', 'level'])
      .where('id', 'in', [...last.keys()])
      .execute()
    for (const s of names) {
      const e = last.get(Number(s.id))!
      if (e.status === 'in-service') inService.push({id: Number(s.id), name: s.name, unit: s.unit, level: Number(s.level), provider: e.provider, since: since.get(Number(s.id)) ?? `${year}-12-31`})
    }
  }
  const yearEnd = `${year}-12-31`
  const overdue = inService.length ? (await dueAssessments(db, yearEnd, 0, {systems: inService, before: `${year + 1}-01-01`})).filter((d) => d.overdue) : []
  return {year, counts, providers: rows, assessments: {done: [...byKind.values()].sort((a, b) => a.kind.localeCompare(b.kind)), overdue}}
}
