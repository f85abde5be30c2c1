import type {UnitLevel} from '../units/index.js'

/**
 * The extranet's rule decisions as pure functions of data: no database, no clock. The callers
 * load what they judge and throw what the verdict says.
 */

/** Where a pool stands for NET-4: its own district and level, or the nearest ancestor's. */
export interface Net4Pool {
  name: string
  district: string | null
  level: UnitLevel | null
}

export interface Net4Unit {
  name: string
  district: string | null
  level: UnitLevel
}

/** One way a pool does not serve a unit under NET-4. */
export type Net4Mismatch = {kind: 'district'; poolDistrict: string; unitDistrict: string} | {kind: 'unit-district'; poolDistrict: string} | {kind: 'level'; poolLevel: UnitLevel; unitLevel: UnitLevel}

const RANK: Record<UnitLevel, number> = {city: 0, county: 1, township: 2, village: 3}

/**
 * 分级接入: a pool serves the units of its own level; a county's (or a township's) network
 * also carries the levels below it, which connect through it; the city's network carries
 * city units only (a county unit connects through its county).
 *
 * @rule NET-4
 */
export function levelServes(poolLevel: UnitLevel, unitLevel: UnitLevel): boolean {
  if (poolLevel === unitLevel) return true
  return poolLevel !== 'city' && RANK[unitLevel] > RANK[poolLevel]
}

/**
 * NET-4 (第十一条: 分级接入、属地接入): a unit's block comes from a pool of the unit's district
 * (属地) and level (分级). What a pool does not record is not checked; a pool that records a
 * district cannot serve a unit whose district is not recorded (nobody can say it is local).
 * An empty list: the pool serves the unit.
 *
 * @rule NET-4
 */
export function net4Mismatches(pool: Net4Pool, unit: Net4Unit): Net4Mismatch[] {
  const out: Net4Mismatch[] = []
  if (pool.district !== null) {
    if (unit.district === null) out.push({kind: 'unit-district', poolDistrict: pool.district})
    else if (unit.district !== pool.district) out.push({kind: 'district', poolDistrict: pool.district, unitDistrict: unit.district})
  }
  if (pool.level !== null && !levelServes(pool.level, unit.level)) out.push({kind: 'level', poolLevel: pool.level, unitLevel: unit.level})
  return out
}
