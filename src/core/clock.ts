import {InvalidInput} from './errors.js'

/**
 * The one clock. Everything that asks "when is now" or "what day is today" asks here,
 * so EGOV_NOW (an ISO date-time) can rehearse due dates, expiry and yearly reports.
 */
/**
 * A day a reading command rehearses (--as-of, issue 18): what will be overdue or expiring
 * then, on any database, real ones included. Set only for commands that write nothing;
 * Store.write refuses to run while it is set.
 */
let asOf: Date | undefined

export function setAsOf(instant: Date | undefined): void {
  asOf = instant
}

export function currentAsOf(): Date | undefined {
  return asOf
}

/**
 * A China business date, taken at `time` (China time) that day, or an ISO date-time; undefined
 * when the text is neither, or names a day the calendar does not have (2026-02-31).
 */
export function chinaInstant(value: string, time: string): Date | undefined {
  const text = value.trim()
  const instant = /^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(`${text}T${time}+08:00`) : new Date(text)
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(instant.getTime()) || (text.length === 10 && chinaDate(instant) !== text)) return undefined
  return instant
}

/** --as-of's value: a China business date (noon that day) or an ISO date-time; exit 2 naming the flag otherwise. */
export function parseAsOf(value: string): Date {
  const instant = chinaInstant(value, '12:00:00')
  if (!instant) throw new InvalidInput('input.badAsOf', {value}, {field: 'as-of'})
  return instant
}

export function now(env: NodeJS.ProcessEnv = process.env): Date {
  if (asOf) return asOf
  const fixed = env.EGOV_NOW
  if (!fixed) return new Date()
  const parsed = new Date(fixed)
  if (!/^\d{4}-\d{2}-\d{2}/.test(fixed) || Number.isNaN(parsed.getTime())) {
    throw new InvalidInput('input.badNow', {value: fixed}, {field: 'EGOV_NOW'})
  }
  return parsed
}

/** China Standard Time has no daylight saving: business dates are UTC+8 whatever the host's zone. */
const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000

/** The business date (YYYY-MM-DD) in China of an instant. */
export function chinaDate(instant: Date): string {
  return new Date(instant.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10)
}

/**
 * An instant as people in China read it, labelled so nobody takes it for UTC:
 * `2026-12-03 21:51 (UTC+8)`. JSON keeps the UTC ISO string; this is for people.
 */
export function chinaTime(iso: string): string {
  return `${chinaMinute(iso)} (UTC+8)`
}

/**
 * The same instant without the label, for the official forms' own boxes (an opinion's
 * `（签名，2026-12-03 21:51）`), which are Beijing time by definition.
 */
export function chinaMinute(iso: string): string {
  return new Date(new Date(iso).getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ')
}

export function today(env: NodeJS.ProcessEnv = process.env): string {
  return chinaDate(now(env))
}

export function nowIso(env: NodeJS.ProcessEnv = process.env): string {
  return now(env).toISOString()
}

/**
 * When this command was issued: the process's start, by the real clock. A step whose
 * request moved after it was issued acts on a state its operator never saw. Undefined
 * under EGOV_NOW, where recorded times are rehearsed and cannot be compared with it.
 */
export function issuedAt(env: NodeJS.ProcessEnv = process.env): number | undefined {
  return env.EGOV_NOW ? undefined : Math.floor(performance.timeOrigin)
}
