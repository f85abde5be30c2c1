import {createRequire} from 'node:module'

import {addDays, parseIsoDate, weekday, yearOf} from '../dates.js'
import {InvalidInput} from '../errors.js'
import {type Locale, t} from '../i18n/index.js'
import {type Reader, readerDb, type WriteContext} from '../store/index.js'
import {appendAudit} from '../audit/index.js'

/**
 * Working days on the official calendar: weekends off, statutory holidays off,
 * make-up working days (调休) on. The State Council publishes each year's arrangement
 * late in the year before; the chinese-days package carries the published ones, and an
 * administrator can load a year the package does not have yet (`egov calendar load`).
 * A computation that reaches a year nobody has published is answered on weekends alone
 * and says so in its warnings.
 */

interface PackageData {
  holidays: Record<string, string>
  workdays: Record<string, string>
}

const require = createRequire(import.meta.url)

let packageData: {days: Map<string, DayEntry>; years: Set<number>; version: string} | undefined

interface DayEntry {
  workday: boolean
  name: string
}

function fromPackage(): NonNullable<typeof packageData> {
  if (!packageData) {
    const data = require('chinese-days/dist/chinese-days.json') as PackageData
    const version = (require('chinese-days/package.json') as {version: string}).version
    const days = new Map<string, DayEntry>()
    const years = new Set<number>()
    for (const [date, label] of Object.entries(data.holidays)) {
      days.set(date, {workday: false, name: chineseName(label)})
      years.add(yearOf(date))
    }
    for (const [date, label] of Object.entries(data.workdays)) {
      days.set(date, {workday: true, name: chineseName(label)})
      years.add(yearOf(date))
    }
    packageData = {days, years, version}
  }
  return packageData
}

/** The package labels days "National Day,国庆节,3": keep the Chinese name. */
function chineseName(label: string): string {
  const parts = label.split(',')
  return parts[1] ?? parts[0]!
}

export type DayKind = 'holiday' | 'makeup' | 'weekend' | 'weekday'

export interface DayInfo {
  date: string
  workday: boolean
  kind: DayKind
  name?: string
  /** False when the year's official arrangement is not known: the answer is weekends only. */
  covered: boolean
}

export interface CalendarWarning {
  code: 'calendar.uncovered'
  years: number[]
  message: string
  /** For a list: the requests whose due dates lie in those years. */
  requests?: number[]
}

export interface LoadedYear {
  year: number
  source: string
  loadedAt: string
  loadedBy: string
  days: Map<string, DayEntry>
}

export interface CoveredYear {
  year: number
  source: 'package' | 'loaded'
  detail: string
}

export class WorkCalendar {
  private readonly loaded: Map<number, LoadedYear>

  constructor(loaded: LoadedYear[] = []) {
    this.loaded = new Map(loaded.map((y) => [y.year, y]))
  }

  /** Reads the years an administrator loaded; the package's years need no query. */
  static async fromDatabase(from: Reader): Promise<WorkCalendar> {
    const db = readerDb(from)
    const years = await db.selectFrom('calendar_years').selectAll().execute()
    if (years.length === 0) return new WorkCalendar()
    const days = await db.selectFrom('calendar_days').selectAll().execute()
    return new WorkCalendar(
      years.map((y) => ({
        year: Number(y.year),
        source: y.source,
        loadedAt: y.loaded_at,
        loadedBy: y.loaded_by,
        days: new Map(days.filter((d) => Number(d.year) === Number(y.year)).map((d) => [d.day, {workday: Number(d.is_workday) === 1, name: d.name}])),
      })),
    )
  }

  isCovered(year: number): boolean {
    return this.loaded.has(year) || fromPackage().years.has(year)
  }

  coveredYears(): CoveredYear[] {
    const pkg = fromPackage()
    const years = new Map<number, CoveredYear>()
    for (const year of pkg.years) years.set(year, {year, source: 'package', detail: `chinese-days ${pkg.version}`})
    for (const y of this.loaded.values()) years.set(y.year, {year: y.year, source: 'loaded', detail: `${y.source} (${y.loadedBy}, ${y.loadedAt.slice(0, 10)})`})
    return [...years.values()].sort((a, b) => a.year - b.year)
  }

  day(date: string): DayInfo {
    const year = yearOf(date)
    const loaded = this.loaded.get(year)
    const covered = this.isCovered(year)
    // A loaded year replaces the package's arrangement for that year entirely.
    const entry = loaded ? loaded.days.get(date) : fromPackage().days.get(date)
    if (entry) return {date, workday: entry.workday, kind: entry.workday ? 'makeup' : 'holiday', name: entry.name, covered}
    const dow = weekday(date)
    const weekend = dow === 0 || dow === 6
    return {date, workday: !weekend, kind: weekend ? 'weekend' : 'weekday', covered}
  }

  /**
   * The date n working days after `date` (n > 0), or before it (n < 0); n = 0 gives the
   * date itself if it is a working day, else the next one. The start day is not counted.
   */
  addWorkdays(date: string, n: number, locale: Locale = 'en'): {date: string; warnings: CalendarWarning[]} {
    const uncovered = new Set<number>()
    const note = (d: string) => {
      if (!this.isCovered(yearOf(d))) uncovered.add(yearOf(d))
    }
    let current = date
    note(current)
    if (n === 0) {
      while (!this.day(current).workday) {
        current = addDays(current, 1)
        note(current)
      }
    } else {
      const step = n > 0 ? 1 : -1
      let remaining = Math.abs(n)
      while (remaining > 0) {
        current = addDays(current, step)
        note(current)
        if (this.day(current).workday) remaining--
      }
    }
    return {date: current, warnings: this.warningsFor([...uncovered], locale)}
  }

  /**
   * How many working days after `from` `to` lies: the n for which addWorkdays(from, n) gives
   * `to` (working days in (from, to]; 0 when `to` is not after `from`).
   */
  workdaysBetween(from: string, to: string): number {
    let n = 0
    for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) if (this.day(d).workday) n++
    return n
  }

  warningsFor(years: number[], locale: Locale = 'en'): CalendarWarning[] {
    if (years.length === 0) return []
    const sorted = [...new Set(years)].sort((a, b) => a - b)
    const covered = this.coveredYears().map((y) => y.year)
    const range = covered.length ? `${covered[0]}–${covered[covered.length - 1]}` : '—'
    return [{code: 'calendar.uncovered', years: sorted, message: t('calendar.uncovered', {years: sorted.join(', '), range}, locale)}]
  }
}

/** A year's arrangement as an administrator writes it from the State Council notice. */
export interface YearArrangementInput {
  year: number
  source?: string
  holidays: Array<DaySpec>
  workdays: Array<DaySpec>
}

type DaySpec = string | {date?: string; from?: string; to?: string; name?: string}

export interface ValidatedArrangement {
  year: number
  source: string
  holidays: Array<{date: string; name: string}>
  workdays: Array<{date: string; name: string}>
}

/** Checks a year file: dates in the year, ranges in order, no day both off and on, make-up days on weekends. */
export function validateArrangement(input: unknown, sourceName: string): ValidatedArrangement {
  const bad = (field: string, reason: string) => new InvalidInput('calendar.badYearFile', {field, reason}, {field, rule: 'X-1'})
  if (!input || typeof input !== 'object') throw bad('file', 'expected an object with year, holidays and workdays')
  const obj = input as Record<string, unknown>
  const year = obj.year
  if (typeof year !== 'number' || !Number.isInteger(year) || year < 2000 || year > 2100) throw bad('year', 'a year from 2000 to 2100')
  const expand = (list: unknown, field: 'holidays' | 'workdays') => {
    if (list === undefined) return []
    if (!Array.isArray(list)) throw bad(field, 'a list of dates or {from, to, name} ranges')
    const out: Array<{date: string; name: string}> = []
    list.forEach((spec: unknown, i) => {
      const where = `${field}[${i}]`
      if (typeof spec === 'string') {
        out.push({date: parseIsoDate(spec, where), name: ''})
        return
      }
      if (!spec || typeof spec !== 'object') throw bad(where, 'a date or a {from, to, name} range')
      const s = spec as Record<string, unknown>
      const name = typeof s.name === 'string' ? s.name : ''
      const from = typeof s.date === 'string' ? s.date : typeof s.from === 'string' ? s.from : undefined
      if (!from) throw bad(where, 'needs date, or from and to')
      const start = parseIsoDate(from, `${where}.from`)
      const end = typeof s.to === 'string' ? parseIsoDate(s.to, `${where}.to`) : start
      if (end < start) throw bad(`${where}.to`, `${end} is before ${start}`)
      for (let d = start; d <= end; d = addDays(d, 1)) out.push({date: d, name})
    })
    for (const {date} of out) {
      if (yearOf(date) !== year) throw new InvalidInput('calendar.yearMismatch', {field, date, year}, {field, rule: 'X-1'})
    }
    return out
  }
  const holidays = expand(obj.holidays, 'holidays')
  const workdays = expand(obj.workdays, 'workdays')
  const off = new Set(holidays.map((h) => h.date))
  for (const w of workdays) {
    if (off.has(w.date)) throw new InvalidInput('calendar.bothKinds', {date: w.date}, {field: 'workdays', rule: 'X-1'})
    const dow = weekday(w.date)
    if (dow !== 0 && dow !== 6) throw new InvalidInput('calendar.makeupNotWeekend', {field: 'workdays', date: w.date}, {field: 'workdays', rule: 'X-1'})
  }
  const source = typeof obj.source === 'string' && obj.source.trim() ? obj.source.trim() : sourceName
  return {year, source, holidays: dedupe(holidays), workdays: dedupe(workdays)}
}

function dedupe(days: Array<{date: string; name: string}>): Array<{date: string; name: string}> {
  const seen = new Map<string, {date: string; name: string}>()
  for (const d of days) if (!seen.has(d.date)) seen.set(d.date, d)
  return [...seen.values()].sort((a, b) => (a.date < b.date ? -1 : 1))
}

export async function loadedYearExists(from: Reader, year: number): Promise<boolean> {
  const db = readerDb(from)
  return Boolean(await db.selectFrom('calendar_years').select('year').where('year', '=', year).executeTakeFirst())
}

/** Stores a year's arrangement, replacing any loaded before, with its audit entry. */
export async function loadArrangement(ctx: WriteContext, arrangement: ValidatedArrangement): Promise<{replaced: boolean}> {
  const previous = await ctx.db.selectFrom('calendar_years').selectAll().where('year', '=', arrangement.year).executeTakeFirst()
  let before: unknown
  if (previous) {
    const days = await ctx.db.selectFrom('calendar_days').selectAll().where('year', '=', arrangement.year).orderBy('day').execute()
    before = {
      year: arrangement.year,
      source: previous.source,
      holidays: days.filter((d) => Number(d.is_workday) === 0).map((d) => d.day),
      workdays: days.filter((d) => Number(d.is_workday) === 1).map((d) => d.day),
    }
    await ctx.db.deleteFrom('calendar_days').where('year', '=', arrangement.year).execute()
    await ctx.db.deleteFrom('calendar_years').where('year', '=', arrangement.year).execute()
  }
  await ctx.db.insertInto('calendar_years').values({year: arrangement.year, source: arrangement.source, loaded_at: ctx.at, loaded_by: ctx.actor}).execute()
  const rows = [
    ...arrangement.holidays.map((d) => ({day: d.date, year: arrangement.year, is_workday: 0, name: d.name})),
    ...arrangement.workdays.map((d) => ({day: d.date, year: arrangement.year, is_workday: 1, name: d.name})),
  ]
  if (rows.length) await ctx.db.insertInto('calendar_days').values(rows).execute()
  await appendAudit(ctx, {
    action: 'calendar.load',
    entityType: 'calendar',
    entityId: arrangement.year,
    before,
    after: {year: arrangement.year, source: arrangement.source, holidays: arrangement.holidays.map((d) => d.date), workdays: arrangement.workdays.map((d) => d.date)},
  })
  return {replaced: Boolean(previous)}
}
