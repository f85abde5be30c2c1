import type {MessageKey} from '../i18n/index.js'
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

export type Cloud9Verdict =
  | {admissible: true; exceptionId?: number}
  | {admissible: false; key: MessageKey; params: Record<string, unknown>}

/** Whether CLOUD-9 (第十三条) reaches a kind of unit: an enterprise (banks, post offices, state enterprises included) or a person. */
export function needsCloudException(kind: UnitKind): boolean {
  return kind.nature === 'enterprise' || kind.nature === 'person'
}

/**
 * CLOUD-9 (第十三条: 未经政务云管理单位批准，不得向个人或企业提供政务云服务). A public body is
 * admissible without an exception. An enterprise or a person is admissible only under an
 * exception the bureau filed and a second person approved, granted to this unit and, when it
 * names systems, to this system. An exception named by any applicant is checked the same way:
 * an approval that is not there is never waved through.
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
  let v = text.trim().replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\s+/g, '')
  v = v.replace(YEAR_BRACKETS, '〔$1〕')
  const m = /^(\S+?)〔(\d{4})〕(\d{1,6})号$/.exec(v)
  if (!m || v.length > 100) return undefined
  const year = Number(m[2])
  if (year < 1949 || year > thisYear) return undefined
  return `${m[1]}〔${m[2]}〕${Number(m[3])}号`
}
