import type {MessageKey} from '../i18n/index.js'

/**
 * Cell values as clerks type them, normalised where the meaning is certain and refused
 * where it is not. Every spreadsheet layout in templates/ names a type per column; the
 * importer, the validator and the exporter all go through here.
 */
export type ValueType = 'text' | 'name' | 'code' | 'enum' | 'yesno' | 'days' | 'count' | 'phone' | 'year'

export interface ValueColumn {
  key: string
  header: string
  type?: ValueType
  required?: boolean
  list?: string[]
  /** enum: several values, joined by 、 */
  multi?: boolean
  /** The DOMAIN.md rule a bad value breaks. */
  rule?: string
}

/** Why a value is refused: a catalogue message and its parameters. */
export interface CellRefusal {
  key: MessageKey
  params?: Record<string, unknown>
}

/** The normalised text, or why it is refused. A string, not a wrapper: millions of cells go through here. */
export type CellOutcome = string | CellRefusal

/** Full-width ASCII (digits, letters, punctuation) and the ideographic space to half-width. */
const FULL_WIDTH = /[\uFF01-\uFF5E\u3000]/

export function toHalfWidth(text: string): string {
  if (!FULL_WIDTH.test(text)) return text
  return text.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ')
}

const SPACE = /[\s\u3000]/
// Control characters cannot be in a workbook's XML, and egov packs stored rows with two of them.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g

/** Trims ASCII and ideographic spaces, unifies line breaks, drops control characters. */
export function trimText(text: string): string {
  if (text === '') return text
  let t = text
  if (t.includes('\r')) t = t.replace(/\r\n?/g, '\n')
  CONTROL.lastIndex = 0
  if (CONTROL.test(t)) t = t.replace(CONTROL, '')
  if (SPACE.test(t[0]) || SPACE.test(t[t.length - 1])) t = t.replace(/^[\s\u3000]+|[\s\u3000]+$/g, '')
  return t
}

/** What a formula-injection guard puts in front of a text cell on export, and import takes off again. */
const DANGEROUS_START = /^[=+\-@\t\r]/

export function neutraliseFormula(text: string): string {
  return DANGEROUS_START.test(text) ? `'${text}` : text
}

export function unneutralise(text: string): string {
  return text.startsWith("'") && DANGEROUS_START.test(text.slice(1)) ? text.slice(1) : text
}

const YES = new Set(['是', 'Y', 'YES', '1', 'TRUE', '√', '✓', '收费', '必须', '必需', '必要', '需要'])
const NO = new Set(['否', 'N', 'NO', '0', 'FALSE', '×', '✗', '不收费', '免费', '无', '非必须', '非必需', '不必须', '不需要'])

/** Working days as lists write them: 20, 20个工作日, 5工作日, 当场办结 (0). Calendar days are not working days: refused. */
function days(raw: string): CellOutcome {
  const v = toHalfWidth(raw).replace(/\s+/g, '')
  if (/^(当场办结|当场|即办|即时办结|立即办结)$/.test(v)) return '0'
  const m = /^(\d+)(个?工作日)?$/.exec(v)
  if (m) return String(Number(m[1]))
  if (/^\d+(个?自然日|天|日)$/.test(v)) return {key: 'value.calendarDays'}
  return {key: 'value.badDays'}
}

function count(raw: string): CellOutcome {
  const v = toHalfWidth(raw).replace(/\s+/g, '')
  const m = /^(\d+)(次|份|个|件)?$/.exec(v)
  return m ? String(Number(m[1])) : {key: 'value.badCount'}
}

function year(raw: string): CellOutcome {
  const v = toHalfWidth(raw).replace(/\s+/g, '')
  const m = /^(\d{4})(年|年度)?$/.exec(v)
  return m && Number(m[1]) >= 2000 && Number(m[1]) <= 2100 ? m[1] : {key: 'value.badYear'}
}

/**
 * One telephone number: a mobile (11 digits, 1[3-9]…), a landline with its area code
 * (0931-8888888, an extension after - or 转), or a service hotline (12345, 12315, 95xxx,
 * alone or after an area code). Spaces, brackets and full-width digits are accepted.
 * `hotlines: false` where the number is a person's (a form's 联系电话): a hotline is refused.
 */
export function normalisePhoneNumber(raw: string, options: {hotlines?: boolean} = {}): CellOutcome {
  const hotlines = options.hotlines ?? true
  const v = toHalfWidth(raw)
    .replace(/[－—–]/g, '-')
    .replace(/转/g, '-')
    .replace(/^\((0\d{2,3})\)/, '$1-')
    .replace(/[\s()]/g, '')
  const digits = v.replace(/-/g, '')
  if (/^1[3-9]\d{9}$/.test(digits)) return digits
  if (/^(1\d{4}|95\d{3})$/.test(digits)) return hotlines ? digits : {key: 'value.hotline'}
  const hotline = /^(0\d{2,3})-?(1\d{4}|95\d{3})$/.exec(v)
  if (hotline) return hotlines ? `${hotline[1]}-${hotline[2]}` : {key: 'value.hotline'}
  const m = /^(0\d{2,3})-?(\d{7,8})(?:-(\d{1,6}))?$/.exec(v)
  if (m) return `${m[1]}-${m[2]}${m[3] ? `-${m[3]}` : ''}`
  if (/^\d{7,8}$/.test(digits)) return {key: 'value.phoneNoAreaCode'}
  // A number typed into Excel as a number loses the 0 of its area code.
  if (/^[2-9]\d{9,10}$/.test(digits)) return {key: 'value.phoneLostZero'}
  return {key: 'value.badPhone'}
}

/** Numbers already written as egov writes them: checked by one expression, no rewriting. */
const CANONICAL_PHONE = /^(?:1[3-9]\d{9}|1\d{4}|95\d{3}|0\d{2,3}-(?:\d{7,8}(?:-\d{1,6})?|1\d{4}|95\d{3}))$/

function phones(raw: string): CellOutcome {
  if (CANONICAL_PHONE.test(raw)) return raw
  const parts = raw.split(/[;；,，、/]|或/).map((p) => p.trim()).filter(Boolean)
  const out: string[] = []
  for (const part of parts) {
    const r = normalisePhoneNumber(part)
    if (typeof r !== 'string') return {key: r.key, params: {number: part}}
    if (!out.includes(r)) out.push(r)
  }
  return out.length ? out.join('；') : {key: 'value.badPhone', params: {number: raw}}
}

/** Item codes: half-width, upper case, no spaces; the pattern decides what is well-formed. */
const CANONICAL_CODE = /^[0-9A-Z-]*$/

export function normaliseCode(raw: string): string {
  if (CANONICAL_CODE.test(raw)) return raw
  return toHalfWidth(raw).replace(/[－—–]/g, '-').replace(/\s+/g, '').toUpperCase()
}

const enumIndex = new WeakMap<ValueColumn, Map<string, string>>()

/** A column's allowed values by their spaceless half-width form, built once per column. */
function indexOf(col: ValueColumn): Map<string, string> {
  let index = enumIndex.get(col)
  if (!index) {
    index = new Map((col.list ?? []).map((item) => [toHalfWidth(item).replace(/\s+/g, ''), item]))
    enumIndex.set(col, index)
  }
  return index
}

function enumValue(col: ValueColumn, raw: string): CellOutcome {
  const list = col.list ?? []
  const index = indexOf(col)
  const find = (text: string) => index.get(text) ?? index.get(toHalfWidth(text).replace(/\s+/g, ''))
  if (!col.multi) {
    const hit = find(raw)
    return hit ? hit : {key: 'value.notInList', params: {list: list.join('、')}}
  }
  const out: string[] = []
  const whole = index.get(raw)
  if (whole) return whole
  for (const part of raw.split(/[、,，;；/\s]+/).filter(Boolean)) {
    const hit = find(part)
    if (!hit) return {key: 'value.notInList', params: {list: list.join('、'), part}}
    if (!out.includes(hit)) out.push(hit)
  }
  return out.join('、')
}

/** Names mix full- and half-width brackets: they are unified to the full-width form Chinese text uses. */
function name(raw: string): string {
  return raw.includes('(') || raw.includes(')') ? raw.replace(/\(/g, '（').replace(/\)/g, '）') : raw
}

/**
 * A cell's text through its column's type. Empty cells pass as '' unless required; a
 * value that cannot be read with certainty is refused with the reason.
 */
export function normaliseCell(col: ValueColumn, raw: string, options: {codePattern?: RegExp} = {}): CellOutcome {
  const text = trimText(unneutralise(raw))
  if (text === '') return col.required ? {key: 'value.required'} : ''
  const type = col.type ?? 'text'
  if (!REPEATING.has(type)) return normaliseText(col, text, options)
  // Lists repeat the same few values in these columns down thousands of rows: each is worked out once.
  let seen = outcomes.get(col)
  if (!seen) outcomes.set(col, (seen = new Map()))
  let outcome = seen.get(text)
  if (!outcome) {
    outcome = normaliseText(col, text, options)
    if (seen.size < 4096) seen.set(text, outcome)
  }
  return outcome
}

const REPEATING = new Set<ValueType>(['enum', 'yesno', 'days', 'count', 'year'])
const outcomes = new WeakMap<ValueColumn, Map<string, CellOutcome>>()

function normaliseText(col: ValueColumn, text: string, options: {codePattern?: RegExp}): CellOutcome {
  switch (col.type ?? 'text') {
    case 'text':
      return text
    case 'name':
      return name(text)
    case 'code': {
      const code = normaliseCode(text)
      const pattern = options.codePattern ?? DEFAULT_CODE_PATTERN
      return pattern.test(code) ? code : {key: 'value.badCode', params: {pattern: pattern.source}}
    }
    case 'enum':
      return enumValue(col, text)
    case 'yesno': {
      const v = toHalfWidth(text).replace(/\s+/g, '').toUpperCase()
      if (YES.has(v)) return '是'
      if (NO.has(v)) return '否'
      return {key: 'value.badYesNo'}
    }
    case 'days':
      return days(text)
    case 'count':
      return count(text)
    case 'phone':
      return phones(text)
    case 'year':
      return year(text)
  }
}

/**
 * The national implementation codes: groups of upper-case letters and digits joined by
 * hyphens (620A0001234000-620200000000-000-11620200013926461X-1-00, G-…, 1J-…), at least
 * six characters; no fixed length. `egov config set items.code-pattern` replaces it.
 */
export const DEFAULT_CODE_PATTERN = /^(?=.{6,128}$)[0-9A-Z]+(?:-[0-9A-Z]+)*$/

/** Values that are numbers in a workbook (days, counts, years) are written as numbers. */
export function isNumericType(type: ValueType | undefined): boolean {
  return type === 'days' || type === 'count' || type === 'year'
}
