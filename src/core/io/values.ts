import type {MessageKey} from '../i18n/index.js'
import {toHalfWidth, trimText, unneutralise} from './cell-text.js'

// Text as a cell holds it, and as CSV and xlsx writers guard it (cell-text.ts).
export {csvField, guardCsvCell, looksLikeFormula, toHalfWidth, trimText, unneutralise, xlsxText} from './cell-text.js'

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
  /**
   * Values seen in real published lists that mean one of the column's values, as the
   * layout documents them (是否必须: 非必要 → 否, 容缺后补 → 是): the text, spaces and
   * width aside, is read as the value it names.
   */
  accept?: Record<string, string>
}

/**
 * What kind of problem a located problem is, so a clerk can filter them (all duplicate
 * codes, all missing values) in --json and in the report's 错误汇总:
 * - missing-column  a required column is not in the header row (its rows are not checked)
 * - missing-sheet   a required sheet is not in the file
 * - duplicate-sheet a sheet is given twice
 * - not-a-form      the file or sheet has no header row of this form
 * - required        a required value is empty (also: 收费标准 when 是否收费 is 是)
 * - not-in-list     a value is not one of the column's list (with a suggestion when one is close)
 * - format          a value cannot be read as its type: days, count, year, 是/否, phone, code
 * - too-long        a value is longer than its column allows (事项编码: 128 characters)
 * - duplicate       a value that must be unique in the file is used again (事项编码)
 * - over-limit      a value exceeds another of its row (承诺办结时限 over 法定办结时限)
 * - unknown-item    a row names an item the file does not have (its rows listed together)
 * - mixed-encoding  a line of a CSV is in another encoding than the file (a row pasted as UTF-8 into a GBK file), or damaged
 * Notes, which refuse nothing, have a type too:
 * - footer          a footer or total row (合计, 小计, 填报单位, 填表人, 盖章, 审核人, 日期) skipped
 * - extra-column    a column the layout does not know (序号, 备注) ignored
 */
export type ProblemType =
  | 'missing-column'
  | 'missing-sheet'
  | 'duplicate-sheet'
  | 'not-a-form'
  | 'required'
  | 'not-in-list'
  | 'format'
  | 'too-long'
  | 'duplicate'
  | 'over-limit'
  | 'unknown-item'
  | 'mixed-encoding'
  | 'footer'
  | 'extra-column'
  | 'no-cached-value'

export const PROBLEM_TYPES: ProblemType[] = [
  'missing-column',
  'missing-sheet',
  'duplicate-sheet',
  'not-a-form',
  'required',
  'not-in-list',
  'format',
  'too-long',
  'duplicate',
  'over-limit',
  'unknown-item',
  'mixed-encoding',
  'footer',
  'extra-column',
  'no-cached-value',
]

/** The type of a refusal by its message (the value checks of this module and the layouts' rules). */
export function problemTypeOf(key: string): ProblemType {
  if (key === 'value.required' || key.endsWith('.required') || key === 'items.rule.feeDetails' || key === 'kiosk.form.placementIncomplete' || key === 'kiosk.form.noPlacements') return 'required'
  if (key.startsWith('value.notInList')) return 'not-in-list'
  if (key === 'value.tooLong') return 'too-long'
  if (key === 'items.rule.duplicateCode' || key === 'kiosk.form.duplicateSite') return 'duplicate'
  if (key === 'items.rule.promisedOverLegal' || key === 'kiosk.form.sumMismatch') return 'over-limit'
  if (key === 'items.rule.unknownItem') return 'unknown-item'
  return 'format'
}

/** Why a value is refused: a catalogue message and its parameters. */
export interface CellRefusal {
  key: MessageKey
  params?: Record<string, unknown>
}

/** The normalised text, or why it is refused. A string, not a wrapper: millions of cells go through here. */
export type CellOutcome = string | CellRefusal

const YES = new Set(['是', 'Y', 'YES', '1', 'TRUE', '√', '✓', '收费', '必须', '必需', '必要', '需要'])
const NO = new Set(['否', 'N', 'NO', '0', 'FALSE', '×', '✗', '不收费', '免费', '无', '非必须', '非必需', '非必要', '不必须', '不必要', '不需要'])

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
  return m && Number(m[1]) >= 2000 && Number(m[1]) <= 2100 ? m[1]! : {key: 'value.badYear'}
}

/**
 * One telephone number: a mobile (11 digits, 1[3-9]…), a landline with its area code
 * (0931-8888888, an extension after - or 转), or a service hotline (12345, 12315, 95xxx,
 * alone or after an area code). Spaces, brackets and full-width digits are accepted.
 * `hotlines: false` where the number is a person's (a form's 联系电话): a hotline is refused.
 */
export function normalisePhoneNumber(raw: string, options: {hotlines?: boolean; areaCode?: string} = {}): CellOutcome {
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
  // The example is the clerk's own number with the bureau's area code (egov config set area-code), else a placeholder: never another city's.
  const area = options.areaCode || '0XXX'
  if (/^\d{7,8}$/.test(digits)) return {key: 'value.phoneNoAreaCode', params: {example: `${area}-${digits}`}}
  // A number typed into Excel as a number loses the 0 of its area code.
  if (/^[2-9]\d{9,10}$/.test(digits)) {
    const lost = options.areaCode?.slice(1)
    return {key: 'value.phoneLostZero', params: {example: lost && digits.startsWith(lost) ? `${options.areaCode}-${digits.slice(lost.length)}` : `0${digits}`}}
  }
  return {key: 'value.badPhone'}
}

/** Numbers already written as egov writes them: checked by one expression, no rewriting. */
const CANONICAL_PHONE = /^(?:1[3-9]\d{9}|1\d{4}|95\d{3}|0\d{2,3}-(?:\d{7,8}(?:-\d{1,6})?|1\d{4}|95\d{3}))$/

function phones(raw: string, areaCode?: string): CellOutcome {
  if (CANONICAL_PHONE.test(raw)) return raw
  const parts = raw
    .split(/[;；,，、/]|或/)
    .map((p) => p.trim())
    .filter(Boolean)
  const out: string[] = []
  for (const part of parts) {
    const r = normalisePhoneNumber(part, {areaCode})
    if (typeof r !== 'string') return {key: r.key, params: {...r.params, number: part}}
    if (!out.includes(r)) out.push(r)
  }
  return out.length ? out.join('；') : {key: 'value.badPhone', params: {number: raw}}
}

/** Item codes: half-width, upper case, no spaces; the pattern decides what is well-formed. */
const CANONICAL_CODE = /^[0-9A-Z-]*$/

export function normaliseCode(raw: string): string {
  if (CANONICAL_CODE.test(raw)) return raw
  return toHalfWidth(raw)
    .replace(/[－—–]/g, '-')
    .replace(/\s+/g, '')
    .toUpperCase()
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
    return hit ? hit : notInList(list, raw)
  }
  const out: string[] = []
  const whole = index.get(raw)
  if (whole) return whole
  for (const part of raw.split(/[、,，;；/\s]+/).filter(Boolean)) {
    const hit = find(part)
    if (!hit) return notInList(list, part, part)
    if (!out.includes(hit)) out.push(hit)
  }
  return out.join('、')
}

/** A value not in the list, with the allowed value it is closest to when one is close ("did you mean"). */
function notInList(list: string[], value: string, part?: string): CellRefusal {
  const suggestion = suggest(value, list)
  const params: Record<string, unknown> = {list: list.join('、'), ...(part === undefined ? {} : {part})}
  return suggestion.length ? {key: 'value.notInListSuggest', params: {...params, suggestion: suggestion.join('、')}} : {key: 'value.notInList', params}
}

/** Levenshtein distance over characters (code points), for short list values. */
export function editDistance(a: string, b: string): number {
  const x = [...a]
  const y = [...b]
  let prev = Array.from({length: y.length + 1}, (_, j) => j)
  for (let i = 1; i <= x.length; i++) {
    const next = [i]
    for (let j = 1; j <= y.length; j++) next[j] = Math.min(prev[j]! + 1, next[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1))
    prev = next
  }
  return prev[y.length]!
}

/** Is every character of `short` in `long`, in order (承诺件 in 承诺办结件, 许可 in 行政许可)? */
function inOrder(short: string, long: string): boolean {
  let i = 0
  for (const c of long) if (c === short[i]) i++
  return i === short.length
}

/**
 * The allowed values a typed value most likely means: those that hold it, or that it holds,
 * in order (许可 → 行政许可, 承诺办结件 → 承诺件), else those one or two edits away
 * (行政确任 → 行政确认). Two equally close: both; more, or none close: [].
 */
export function suggest(value: string, list: string[]): string[] {
  const v = toHalfWidth(value).replace(/\s+/g, '')
  if (!v) return []
  const chars = [...v].length
  const scored: Array<{item: string; score: number}> = []
  for (const item of list) {
    const it = toHalfWidth(item).replace(/\s+/g, '')
    const d = editDistance(v, it)
    const [short, long] = chars <= [...it].length ? [v, it] : [it, v]
    if ([...short].length >= 2 && inOrder(short, long)) scored.push({item, score: d})
    else if (d <= Math.max(1, Math.floor(Math.min(chars, [...it].length) / 3))) scored.push({item, score: d + 0.5})
  }
  if (!scored.length) return []
  const best = Math.min(...scored.map((s) => s.score))
  const closest = scored.filter((s) => s.score === best).map((s) => s.item)
  // Two equally close values can both be offered; more is a guess (区级 is as close to 市级 as to 县级, 乡级, 村级).
  return closest.length <= 2 ? closest : []
}

/** Names mix full- and half-width brackets: they are unified to the full-width form Chinese text uses. */
function name(raw: string): string {
  return raw.includes('(') || raw.includes(')') ? raw.replace(/\(/g, '（').replace(/\)/g, '）') : raw
}

/**
 * A cell's text through its column's type. Empty cells pass as '' unless required; a
 * value that cannot be read with certainty is refused with the reason.
 */
export interface CellOptions {
  codePattern?: RegExp
  /** The bureau's telephone area code (egov config set area-code), for the example in a message. */
  areaCode?: string
}

export function normaliseCell(col: ValueColumn, raw: string, options: CellOptions = {}): CellOutcome {
  const text = trimText(unneutralise(raw))
  if (text === '') return col.required ? {key: 'value.required'} : ''
  const type = col.type ?? 'text'
  if (!REPEATING.has(type)) return normaliseText(col, text, options)
  // Lists repeat the same few values in these columns down thousands of rows: each is worked out once.
  let seen = outcomes.get(col)
  if (!seen) outcomes.set(col, (seen = new Map<string, CellOutcome>()))
  let outcome = seen.get(text)
  if (!outcome) {
    outcome = normaliseText(col, text, options)
    if (seen.size < 4096) seen.set(text, outcome)
  }
  return outcome
}

const REPEATING = new Set<ValueType>(['enum', 'yesno', 'days', 'count', 'year'])
const outcomes = new WeakMap<ValueColumn, Map<string, CellOutcome>>()

function normaliseText(col: ValueColumn, text: string, options: CellOptions): CellOutcome {
  if (col.accept) {
    const meant = acceptedValue(col, text)
    if (meant !== undefined) return meant
  }
  switch (col.type ?? 'text') {
    case 'text':
      return text
    case 'name':
      return name(text)
    case 'code': {
      const code = normaliseCode(text)
      const pattern = options.codePattern ?? DEFAULT_CODE_PATTERN
      if (pattern.test(code)) return code
      // What the code should look like, in words and by example: never the expression itself.
      if (!options.codePattern || options.codePattern.source === DEFAULT_CODE_PATTERN.source) {
        if ([...code].length > MAX_CODE) return {key: 'value.tooLong', params: {max: MAX_CODE, length: [...code].length}}
        return {key: 'value.badCode', params: {example: CODE_EXAMPLE}}
      }
      return {key: 'value.badCodeCustom', params: {setting: 'items.code-pattern'}}
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
      return phones(text, options.areaCode)
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
const MAX_CODE = 128
/** A well-formed code, shown in messages as what a code looks like (DOMAIN.md ITEM-2). */
export const CODE_EXAMPLE = '620A0001234000-620200000000-000-11620200013926461X-1-00'

const acceptIndex = new WeakMap<ValueColumn, Map<string, string>>()

/** The value a layout's `accept` entry gives this text, spaces and width aside. */
function acceptedValue(col: ValueColumn, text: string): string | undefined {
  let index = acceptIndex.get(col)
  if (!index) {
    index = new Map(Object.entries(col.accept ?? {}).map(([k, v]) => [toHalfWidth(k).replace(/\s+/g, ''), v]))
    acceptIndex.set(col, index)
  }
  return index.get(toHalfWidth(text).replace(/\s+/g, ''))
}

/**
 * Footer and total lines under a table, as forms print them: 合计, 小计, 总计, 填报单位（盖章）：…,
 * 填表人：…, 审核人：…, 负责人：…, 制表人：…, （盖章）, 日期：…, 注：…, or a date alone. The row's
 * first filled cell starts with one of these (the words with their colon: a process step named
 * 审核 is a record, 审核人：张三 is a footer).
 * Returns the row's text (its filled cells joined) when it is one, else undefined.
 */
export function footerText(cells: readonly string[]): string | undefined {
  const filled = cells.map((c) => trimText(c ?? '')).filter(Boolean)
  if (!filled.length) return undefined
  const first = toHalfWidth(filled[0]!).replace(/\s+/g, '')
  return FOOTER.test(first) || (filled.length === 1 && DATE_LINE.test(first)) ? filled.join(' ') : undefined
}

const FOOTER =
  /^(?:(?:合计|小计|总计|共计)(?:$|[:\d(])|(?:填报单位|填表单位|报送单位|填报人|填表人|制表人|审核人|负责人|单位负责人|联系人|填报日期|填表日期|报送日期|日期|注|说明)(?:\(盖章\))?:|(?:填报单位|填表单位|报送单位)?\(?(?:单位)?盖章\)?:?$)/
/** A date alone on its line under a table (2026年3月1日, 2026-03-01). */
const DATE_LINE = /^\d{4}(?:年\d{1,2}月\d{1,2}日?|[-./]\d{1,2}[-./]\d{1,2})$/

/** Values that are numbers in a workbook (days, counts, years) are written as numbers. */
export function isNumericType(type: ValueType | undefined): boolean {
  return type === 'days' || type === 'count' || type === 'year'
}
