import {type MessageKey} from '../../i18n/index.js'
import {cellText} from '../../io/tables.js'
import {toHalfWidth} from '../../io/values.js'

/**
 * CLOUD-8's values as providers write them: sampling times, percentages and system names,
 * in CSV text or workbook cells. Samples are stored as epoch seconds and percentages in
 * tenths (0–1000): 37.46% is 375.
 */

export const RULE = 'CLOUD-8'

export const CHINA_OFFSET_S = 8 * 3600
export const DAY_S = 86_400

/**
 * A sample's time, as epoch seconds, or why it cannot be read:
 * - ISO 8601 with an offset: 2026-11-01T08:00:00+08:00, …Z, +0800 (a space for the T too);
 * - a local time, taken as China time (UTC+8, no daylight saving): 2026-11-01 08:00[:00],
 *   2026/11/1 8:00, 2026年11月1日 08:00, or the ISO form without an offset.
 * Fractions of a second are dropped. Years 2000–2099; the calendar is checked (no 02-30).
 */
export function parseSampleTime(text: string): number | MessageKey {
  const v = FULL_WIDTH.test(text) ? toHalfWidth(text).trim() : text.trim()
  const m = TIME.exec(v)
  if (!m) return 'cloud.usage.badTime'
  const y = Number(m[1])
  const mo = Number(m[2])
  const d = Number(m[3])
  const h = Number(m[4])
  const mi = Number(m[5])
  const s = m[6] === undefined ? 0 : Number(m[6])
  if (y < 2000 || y > 2099 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) return 'cloud.usage.badTime'
  let offset = CHINA_OFFSET_S
  const zone = m[7]
  if (zone !== undefined) {
    if (zone === 'Z' || zone === 'z') offset = 0
    else {
      const oh = Number(zone.slice(1, 3))
      const om = zone.length > 3 ? Number(zone.slice(-2)) : 0
      if (oh > 14 || om > 59) return 'cloud.usage.badTime'
      offset = (zone.startsWith('-') ? -1 : 1) * (oh * 3600 + om * 60)
    }
  }
  return Date.UTC(y, mo - 1, d, h, mi, s) / 1000 - offset
}

const TIME = /^(\d{4})[-/年](\d{1,2})[-/月](\d{1,2})日?(?:[Tt]|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*([Zz]|[+-]\d{2}(?::?\d{2})?)?$/
const FULL_WIDTH = /[\uFF01-\uFF5E\u3000]/

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate()
}

/** First and last second (epoch) a sample may carry: 2000-01-01 to 2099-12-31, China time. */
const EARLIEST = Date.UTC(2000, 0, 1) / 1000 - CHINA_OFFSET_S
const LATEST = Date.UTC(2100, 0, 1) / 1000 - CHINA_OFFSET_S - 1

/**
 * A time cell of a workbook. Excel has no time zone: a date cell (which the reader hands over
 * as a Date whose UTC fields are what Excel shows) is China time; so is a bare serial
 * number (a date whose format was lost). Text goes through parseSampleTime.
 */
export function sampleTimeOfCell(value: unknown): number | MessageKey {
  if (value instanceof Date) {
    const at = Math.round(value.getTime() / 1000) - CHINA_OFFSET_S
    return at >= EARLIEST && at <= LATEST ? at : 'cloud.usage.badTime'
  }
  if (typeof value === 'number') {
    // Excel's 1900 date system: day 25569 is 1970-01-01.
    const at = Math.round((value - 25_569) * DAY_S) - CHINA_OFFSET_S
    return at >= EARLIEST && at <= LATEST ? at : 'cloud.usage.badTime'
  }
  return parseSampleTime(typeof value === 'string' ? value : cellText(value))
}

const PERCENT = /^\+?(\d*)(?:\.(\d*))?\s*%?$/

/**
 * A percentage from 0 to 100, with or without a % sign, any number of decimals, as tenths
 * (rounded half up: 37.45 → 375, 99.96 → 1000). A value over 100 or below 0 is refused, as
 * is anything that is not a plain decimal number.
 */
export function parsePercent(text: string): number | MessageKey {
  // The common case, digits with at most one point and a % sign, read character by character.
  const n = text.length
  let i = 0
  let whole = 0
  let wholeDigits = 0
  for (; i < n && wholeDigits < 4; i++, wholeDigits++) {
    const c = text.charCodeAt(i)
    if (c < 48 || c > 57) break
    whole = whole * 10 + c - 48
  }
  let tenth = 0
  let hundredth = 0
  let fractionDigits = 0
  let nonZeroFraction = false
  if (i < n && text.charCodeAt(i) === 46) {
    for (i++; i < n; i++, fractionDigits++) {
      const c = text.charCodeAt(i)
      if (c < 48 || c > 57) break
      if (fractionDigits === 0) tenth = c - 48
      else if (fractionDigits === 1) hundredth = c - 48
      if (c !== 48) nonZeroFraction = true
    }
  }
  if (i < n && text.charCodeAt(i) === 37) i++
  if (i === n && (wholeDigits || fractionDigits) && wholeDigits < 4) {
    if (whole > 100 || (whole === 100 && nonZeroFraction)) return 'cloud.usage.percentRange'
    return whole * 10 + tenth + (hundredth >= 5 ? 1 : 0)
  }
  // Anything else: spaces, full-width digits, a sign, many leading zeros.
  const v = FULL_WIDTH.test(text) ? toHalfWidth(text).trim() : text.trim()
  const m = PERCENT.exec(v)
  if (!m || (m[1] === '' && !m[2])) return /^-\s*\d/.test(v) ? 'cloud.usage.percentRange' : 'cloud.usage.badPercent'
  const wholePart = m[1] === '' ? 0 : Number(m[1])
  const fraction = m[2] ?? ''
  if (wholePart > 100 || (wholePart === 100 && /[1-9]/.test(fraction))) return 'cloud.usage.percentRange'
  let tenths = wholePart * 10 + (fraction.length ? fraction.charCodeAt(0) - 48 : 0)
  if (fraction.length > 1 && fraction.charCodeAt(1) >= 53) tenths++
  return tenths
}

/** A percentage cell of a workbook: a number (0.375 when the cell is formatted as a percentage, 37.5 when not) or text. */
export function percentOfCell(value: unknown, percentFormat: boolean): number | MessageKey {
  if (typeof value === 'number') {
    const v = percentFormat ? value * 100 : value
    if (!Number.isFinite(v)) return 'cloud.usage.badPercent'
    if (v < 0 || v > 100) return 'cloud.usage.percentRange'
    // toPrecision drops binary noise (0.15 × 10 = 1.5000000000000002) before rounding half up.
    return Math.floor(Number((v * 10).toPrecision(12)) + 0.5)
  }
  return parsePercent(typeof value === 'string' ? value : cellText(value))
}

/** System names compare as people mean them: full-width forms and spaces aside, any letter case. */
export function canonicalName(name: string): string {
  return toHalfWidth(name).replace(/\s+/g, '').toLowerCase()
}

/** Epoch seconds as people in China read them: YYYY-MM-DD HH:MM:SS. */
export function formatChina(at: number): string {
  return new Date((at + CHINA_OFFSET_S) * 1000).toISOString().slice(0, 19).replace('T', ' ')
}

/** A workbook's formula cell by its result (a date, or a number formatted as a percentage, stays one). */
export function resultOf(value: unknown): unknown {
  return typeof value === 'object' && value !== null && !(value instanceof Date) && 'result' in value ? value.result : value
}

export function blank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '')
}

/** A cell as the clerk wrote it, for messages. */
export function rawText(value: unknown): string {
  return typeof value === 'string' ? value.trim() : cellText(value)
}

/** Tenths of a percent as a percentage to one decimal: 375 → "37.5". */
export function tenths(v: number): string {
  return (v / 10).toFixed(1)
}
