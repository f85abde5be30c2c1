import {InvalidInput} from './errors.js'

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** Validate a calendar date written YYYY-MM-DD; the error names the field. */
export function parseIsoDate(value: string, field: string): string {
  const m = ISO_DATE.exec(value.trim())
  if (m) {
    const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
    if (d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3])) {
      return value.trim()
    }
  }
  throw new InvalidInput('input.badDate', {field, value}, {field})
}

/** Calendar days from one date (YYYY-MM-DD) to another; negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000)
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

/** 0 Sunday … 6 Saturday. */
export function weekday(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay()
}

export function yearOf(date: string): number {
  return Number(date.slice(0, 4))
}

export function parseWholeNumber(value: string, field: string, {min = -Infinity, max = Infinity} = {}): number {
  const trimmed = value.trim()
  if (!/^[+-]?\d+$/.test(trimmed)) throw new InvalidInput('input.badInteger', {field, value}, {field})
  const n = Number(trimmed)
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new InvalidInput('input.badInteger', {field, value}, {field})
  return n
}
