import type {MessageKey} from '../i18n/index.js'
import {readTemplate} from '../templates.js'
import type {UnitKind} from '../units/index.js'

/**
 * The cloud's rules as pure functions of data: no database, no clock. The callers load what
 * they judge (the unit's kind from templates/unit-kinds.json, the exception's request) and
 * throw what the verdict says.
 */

/** What CLOUD-9 needs to know of a recorded exception (a cloud-exception request). */
export interface ExceptionFacts {
  id: number
  /** the request's kind: anything but cloud-exception is no exception at all */
  kind: string
  /** applied (awaiting the second person), approved, rejected */
  state: string
  /** the unit it was granted to */
  unit: string
  /** the systems it covers; none: every system of the unit */
  systems?: string[]
}

export type Cloud9Verdict = {admissible: true; exceptionId?: number} | {admissible: false; key: MessageKey; params: Record<string, unknown>}

/**
 * Whether CLOUD-9 (第十三条) reaches a kind of unit: an enterprise (banks, post offices, state enterprises included) or a person.
 *
 * @rule CLOUD-9
 */
export function needsCloudException(kind: UnitKind): boolean {
  return kind.nature === 'enterprise' || kind.nature === 'person'
}

/**
 * CLOUD-9 (第十三条: 未经政务云管理单位批准，不得向个人或企业提供政务云服务). A public body is
 * admissible without an exception. An enterprise or a person is admissible only under an
 * exception the bureau filed and a second person approved, granted to this unit and, when it
 * names systems, to this system. An exception named by any applicant is checked the same way:
 * an approval that is not there is never waved through.
 *
 * @rule CLOUD-9
 */
export function cloud9Admissible(applicant: {unit: string; system: string; kind: UnitKind}, exception?: ExceptionFacts): Cloud9Verdict {
  const base = {unit: applicant.unit, system: applicant.system, kind: applicant.kind.name}
  if (!exception) {
    if (!needsCloudException(applicant.kind)) return {admissible: true}
    return {admissible: false, key: applicant.kind.nature === 'person' ? 'cloud.exception.neededPerson' : 'cloud.exception.needed', params: base}
  }
  const params = {...base, id: exception.id, state: exception.state, granted: exception.unit, kindOfRequest: exception.kind, systems: exception.systems?.join('、') ?? ''}
  if (exception.kind !== 'cloud-exception') return {admissible: false, key: 'cloud.exception.notException', params}
  if (exception.state !== 'approved') return {admissible: false, key: exception.state === 'rejected' ? 'cloud.exception.rejected' : 'cloud.exception.notApproved', params}
  if (exception.unit !== applicant.unit) return {admissible: false, key: 'cloud.exception.otherUnit', params}
  if (exception.systems?.length && !exception.systems.includes(applicant.system)) return {admissible: false, key: 'cloud.exception.otherSystem', params}
  return {admissible: true, exceptionId: exception.id}
}

/** The year of a document number in [], ［］, 【】, (), （） or 〔〕. */
const YEAR_BRACKETS = /[[［【(（〔]\s*(\d{4})\s*[\]］】)）〕]/

/**
 * A document number (发文字号) as GB/T 9704 writes it: 发文机关代字〔年份〕序号号, e.g.
 * 嘉数发〔2026〕12号. Full-width digits and the year in [], ［］, 【】 or （） are normalised to
 * 〔〕; the year may not be after `thisYear`. Returns the normalised number, or undefined.
 */
export function parseDocumentNo(text: string, thisYear: number): string | undefined {
  let v = text
    .trim()
    .replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\s+/g, '')
  v = v.replace(YEAR_BRACKETS, '〔$1〕')
  const m = /^(\S+?)〔(\d{4})〕(\d{1,6})号$/.exec(v)
  if (!m || v.length > 100) return undefined
  const year = Number(m[2])
  if (year < 1949 || year > thisYear) return undefined
  return `${m[1]}〔${m[2]}〕${Number(m[3])}号`
}

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
 *
 * @rule CLOUD-7
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
  if (y === undefined || m === undefined || d === undefined) throw new Error(`addMonths: not a date: ${date}`)
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
 *
 * @rule CLOUD-7
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
 *
 * @rule CLOUD-7
 */
export function cloud7PlatformNextDue(kind: PlatformKind, last: {on: string; result: 'pass' | 'fail'} | null, admittedOn: string, table: SecurityLevels = securityLevels()): string {
  const entry = table.platform.find((p) => p.key === kind)
  if (!entry) throw new Error(`no platform assessment ${kind} in cloud-security-levels.json`)
  if (!last) return admittedOn
  if (last.result === 'fail') return last.on
  return addMonths(last.on, entry.months)
}
