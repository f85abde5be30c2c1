import type {Kysely} from '#kysely'

import {Conflict} from '../errors.js'
import type {Database} from '../store/index.js'
import {findUnit} from '../units/index.js'
import {type Amounts, HOLDING_STATUSES, type Provider, RESOURCES, shortfalls} from './model.js'
import {allProviders, capacityOf} from './queries.js'

type Db = Kysely<Database>

export interface Proposal {
  provider: string
  /** unit: hosts the unit's own systems; sector: hosts systems of its department's units; free: the most free capacity */
  reason: 'unit' | 'sector' | 'free'
  /** unit, sector: how many systems it hosts; free: the share left free of the scarcest resource after this system, in % */
  figure: number
  /** sector: the department whose units' systems it hosts */
  department?: string
  resource?: string
}

/**
 * CLOUD-6 部门高度集中、行业相对集中、技术适配优先: among the admitted providers with room
 * for the system, the one already hosting most of the unit's own systems; else the one
 * hosting most systems of its department's units (the department itself, the units under
 * it, the unit's own units); else the one with the most free capacity — measured by the
 * share left free of the resource this system makes scarcest.
 */
export async function proposeProvider(db: Db, unitName: string, need: Amounts): Promise<Proposal> {
  const providers = (await allProviders(db)).filter((p) => p.status === 'admitted')
  if (!providers.length) throw new Conflict('cloud.noProviders', {}, {field: 'provider', rule: 'CLOUD-2'})
  const fits: Array<{provider: Provider; left: number; resource: string}> = []
  const misses: string[] = []
  for (const p of providers) {
    const cap = await capacityOf(db, p)
    const short = shortfalls(cap.free, need)
    if (short.length) {
      misses.push(`${p.name}: ${short.map((s) => `${s.resource} short ${s.short}`).join(', ')}`)
      continue
    }
    let left = Infinity
    let resource = ''
    for (const r of RESOURCES) {
      if (need[r] === 0 || p.offered[r] === 0) continue
      const share = (cap.free[r] - need[r]) / p.offered[r]
      if (share < left) {
        left = share
        resource = r
      }
    }
    fits.push({provider: p, left: left === Infinity ? 1 : left, resource})
  }
  if (!fits.length) throw new Conflict('cloud.noProviderFits', {misses: misses.join('; ')}, {field: 'provider', rule: 'CLOUD-6'})
  const fitting = new Set(fits.map((f) => f.provider.name))
  /** The fitting provider hosting most live systems of these units, with how many. */
  const mostHosting = async (units: string[]): Promise<{name: string; n: number} | undefined> => {
    if (!units.length) return undefined
    const rows = await db
      .selectFrom('cloud_systems')
      .select(['provider', (eb) => eb.fn.countAll<number>().as('n')])
      .where('unit', 'in', units)
      .where('provider', 'is not', null)
      .where('status', 'in', HOLDING_STATUSES)
      .groupBy('provider')
      .execute()
    return rows
      .map((r) => ({name: r.provider!, n: Number(r.n)}))
      .filter((r) => fitting.has(r.name))
      .sort((a, b) => b.n - a.n || a.name.localeCompare(b.name))[0]
  }
  const own = await mostHosting([unitName])
  if (own) return {provider: own.name, reason: 'unit', figure: own.n}
  const unit = await findUnit(db, unitName)
  const department = unit.parent ?? unit.name
  const sector = await db
    .selectFrom('units as u')
    .leftJoin('units as p', 'p.id', 'u.parent_id')
    .select('u.name')
    .where((eb) => eb.or([eb('u.name', '=', department), eb('p.name', '=', department), eb('p.name', '=', unit.name)]))
    .execute()
  const related = await mostHosting(sector.map((r) => r.name).filter((n) => n !== unit.name))
  if (related) return {provider: related.name, reason: 'sector', figure: related.n, department}
  fits.sort((a, b) => b.left - a.left || a.provider.name.localeCompare(b.provider.name))
  const best = fits[0]!
  return {provider: best.provider.name, reason: 'free', figure: Math.round(best.left * 1000) / 10, resource: best.resource}
}
