import {readTemplate} from '../templates.js'

/**
 * CLOUD-7 decided by small pure functions over the data in templates/cloud-security-levels.json
 * (第十五条, 第二十三条, 第二十四条): which pre-go-live steps a level requires and which are
 * missing, and when a system's or the platform's next assessment falls due.
 */

export type StepKey = 'resources' | 'self-check' | 'assessment' | 'hardening' | 'filing' | 'grading' | 'crypto' | 'commitment'
export type Recurring = 'grading' | 'crypto'
export type PlatformKind = 'grading' | 'cloud-service' | 'crypto'

export interface StepDef {
  key: StepKey
  name: string
  en: string
  flag: string
  /** the step has a result, pass or fail, and counts only when its latest record passed */
  result: boolean
}

export interface SecurityLevels {
  steps: StepDef[]
  levels: Record<string, {beforeGoLive: StepKey[]; cycles: Record<Recurring, number | null>}>
  platform: Array<{key: PlatformKind; name: string; en: string; months: number}>
}

let levelsFile: SecurityLevels | undefined
export function securityLevels(): SecurityLevels {
  return (levelsFile ??= readTemplate<SecurityLevels>('cloud-security-levels.json'))
}

/** A step as recorded: its date and, for the steps that have one, its result. */
export interface StepRecord {
  kind: string
  on: string
  result: 'pass' | 'fail' | null
}

function levelOf(table: SecurityLevels, level: number) {
  const entry = table.levels[String(level)]
  if (!entry) throw new Error(`no CLOUD-7 requirements for level ${level} in cloud-security-levels.json`)
  return entry
}

/** The latest record of a kind, by date then by the order recorded. */
function latest(records: StepRecord[], kind: string): StepRecord | undefined {
  let out: StepRecord | undefined
  for (const r of records) if (r.kind === kind && (!out || r.on >= out.on)) out = r
  return out
}

/**
 * CLOUD-7 (第二十三条): the steps the level requires before go-live that are not on record,
 * in the order of the table. A step with a result counts only if its latest record passed.
 */
export function cloud7MissingSteps(level: number, records: StepRecord[], table: SecurityLevels = securityLevels()): StepDef[] {
  const required = levelOf(table, level).beforeGoLive
  return table.steps.filter((step) => {
    if (!required.includes(step.key)) return false
    const last = latest(records, step.key)
    if (!last) return true
    return step.result && last.result !== 'pass'
  })
}

/** A date `months` months later; a day the month lacks falls on its last day (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number)
  const index = y * 12 + (m - 1) + months
  const year = Math.floor(index / 12)
  const month = (index % 12) + 1
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate()
  return `${year}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`
}

/**
 * CLOUD-7 (第二十三条 复测): when a system's next graded-protection or cryptography assessment
 * falls due, by its level's cycle. null: the level has no such cycle. After a pass: a cycle
 * later; after a failure: at once (it is redone). Never assessed: on the day it went live
 * when the level required it before go-live (a system provisioned before the rule), else a
 * cycle after going live.
 */
export function cloud7NextDue(level: number, kind: Recurring, last: {on: string; result: 'pass' | 'fail'} | null, since: string, table: SecurityLevels = securityLevels()): string | null {
  const entry = levelOf(table, level)
  const months = entry.cycles[kind]
  if (months === null || months === undefined) return null
  if (!last) return entry.beforeGoLive.includes(kind) ? since : addMonths(since, months)
  if (last.result === 'fail') return last.on
  return addMonths(last.on, months)
}

/**
 * The platform's own assessments (第十五条, 第二十四条), per provider: a cycle after the last
 * pass, at once after a failure, and on the day of admission when none is on record.
 */
export function cloud7PlatformNextDue(kind: PlatformKind, last: {on: string; result: 'pass' | 'fail'} | null, admittedOn: string, table: SecurityLevels = securityLevels()): string {
  const entry = table.platform.find((p) => p.key === kind)
  if (!entry) throw new Error(`no platform assessment ${kind} in cloud-security-levels.json`)
  if (!last) return admittedOn
  if (last.result === 'fail') return last.on
  return addMonths(last.on, entry.months)
}
