import type {Kysely} from '#kysely'

import {RuleRefused} from '../errors.js'
import {checkedText} from '../names.js'
import type {Database} from '../store/index.js'
import {findUnit, type UnitLevel, unitLevels} from '../units/index.js'
import {type Net4Mismatch, net4Mismatches, type Net4Pool} from './rules.js'

/**
 * NET-4 (第十一条: 分级接入、属地接入) where the plan takes a block: the pool's district and
 * level, each its own or, when it records none, its nearest ancestor's.
 */
export async function poolScope(db: Kysely<Database>, poolId: number): Promise<Net4Pool> {
  let row = await db.selectFrom('net_pools').select(['name', 'district', 'level', 'parent_id']).where('id', '=', poolId).executeTakeFirstOrThrow()
  const name = row.name
  let district = row.district ?? null
  let level = (row.level ?? null) as UnitLevel | null
  while ((district === null || level === null) && row.parent_id !== null) {
    row = await db.selectFrom('net_pools').select(['name', 'district', 'level', 'parent_id']).where('id', '=', Number(row.parent_id)).executeTakeFirstOrThrow()
    district ??= row.district ?? null
    level ??= (row.level ?? null) as UnitLevel | null
  }
  return {name, district, level}
}

/** What a plan records when it takes a block NET-4 would refuse: the rule, why not, and what differed. */
export interface Net4Override {
  rule: 'NET-4'
  reason: string
  pool: string
  mismatches: Net4Mismatch[]
}

const levelName = (level: UnitLevel): string => `${level} (${unitLevels().find((l) => l.key === level)?.name ?? level})`

/**
 * Checks a planned block's pool against the unit (NET-4). A mismatch is refused (exit 5)
 * naming the pool, the unit and what differs, unless an override reason is given: then the
 * override is returned for the plan to record. No mismatch: nothing to record.
 */
export async function checkNet4(db: Kysely<Database>, input: {unit: string; poolId: number | null; overrideReason?: string; field?: string}): Promise<Net4Override | undefined> {
  if (input.poolId === null) return undefined
  const pool = await poolScope(db, input.poolId)
  const unit = await findUnit(db, input.unit)
  const mismatches = net4Mismatches(pool, unit)
  if (!mismatches.length) return undefined
  const reason = input.overrideReason === undefined ? '' : checkedText(input.overrideReason, 'override-reason', 'line')
  if (reason) return {rule: 'NET-4', reason, pool: pool.name, mismatches}
  const first = mismatches[0]!
  const field = input.field ?? 'pool'
  const details = {pool: pool.name, unit: unit.name, mismatches}
  if (first.kind === 'district')
    throw new RuleRefused('NET-4', 'netreq.net4District', {field, pool: pool.name, poolDistrict: first.poolDistrict, unit: unit.name, unitDistrict: first.unitDistrict}, {field, details})
  if (first.kind === 'unit-district') throw new RuleRefused('NET-4', 'netreq.net4UnitDistrict', {field, pool: pool.name, poolDistrict: first.poolDistrict, unit: unit.name}, {field, details})
  throw new RuleRefused('NET-4', 'netreq.net4Level', {field, pool: pool.name, poolLevel: levelName(first.poolLevel), unit: unit.name, unitLevel: levelName(first.unitLevel)}, {field, details})
}
