import {appendAudit} from '../audit/index.js'
import {WorkCalendar, type CalendarWarning} from '../calendar/index.js'
import {chinaDate} from '../clock.js'
import {Conflict, InvalidInput} from '../errors.js'
import {type Database, type Reader, readerDb, type Store} from '../store/index.js'
import {allProviders, findProvider, fingerprint} from './queries.js'

/**
 * Providers' periodic operation reports (CLOUD-8, 第十条(二): 定期向市数据局报告政务云运行情况、
 * 资源使用情况，并提出优化建议). The cadence egov expects is monthly: the report of a month is due
 * by the 10th working day of the next month (X-1 calendar). A quarter's report (2026-Q4) covers
 * its three months, each due as its own month is; a report received after a month's due date is
 * recorded and marked late. The file stays where it is: egov keeps its path, size and SHA-256.
 *
 * Expected months of a provider: from the month it was admitted to the last month that has
 * ended, while it is admitted (an exited provider owes nothing more).
 */

export const RULE = 'CLOUD-8'
/** The report of a month is due by this working day of the next month. */
export const DUE_WORKDAY = 10

export interface Period {
  /** As written: 2026-11 or 2026-Q4 */
  period: string
  firstMonth: string
  lastMonth: string
}

export interface ProviderReport extends Period {
  provider: string
  /** The due date of the period's last month. */
  dueOn: string
  receivedOn: string
  late: boolean
  path: string
  size: number
  sha256: string
  at: string
  by: string
}

export interface ExpectedMonth {
  month: string
  dueOn: string
  /** received: a report covers it; due: not yet received, not yet late; overdue: past its due date with none. */
  status: 'received' | 'due' | 'overdue'
  /** The report that covers it. */
  period?: string
  receivedOn?: string
  late?: boolean
}

export interface ProviderReportStatus {
  provider: string
  admittedOn: string
  months: ExpectedMonth[]
}

const MONTH = /^(\d{4})-(\d{2})$/
const QUARTER = /^(\d{4})-[Qq]([1-4])$/

export function parsePeriod(value: string | undefined): Period {
  const v = (value ?? '').trim()
  const bad = () => new InvalidInput('cloud.report.badPeriod', {value: v}, {field: 'period', rule: RULE})
  let m = MONTH.exec(v)
  if (m) {
    const year = Number(m[1])
    const month = Number(m[2])
    if (year < 2000 || year > 2100 || month < 1 || month > 12) throw bad()
    return {period: v, firstMonth: v, lastMonth: v}
  }
  m = QUARTER.exec(v)
  if (m) {
    const year = Number(m[1])
    const q = Number(m[2])
    if (year < 2000 || year > 2100) throw bad()
    const mm = (n: number) => `${year}-${String(n).padStart(2, '0')}`
    return {period: `${year}-Q${q}`, firstMonth: mm(q * 3 - 2), lastMonth: mm(q * 3)}
  }
  throw bad()
}

function nextMonth(month: string): string {
  const y = Number(month.slice(0, 4))
  const m = Number(month.slice(5, 7))
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`
}

function lastDayOf(month: string): string {
  const y = Number(month.slice(0, 4))
  const m = Number(month.slice(5, 7))
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10)
}

/** A month's due date: the 10th working day of the next month, and a warning when the calendar does not cover that year. */
export function dueOfMonth(calendar: WorkCalendar, month: string): {date: string; warnings: CalendarWarning[]} {
  return calendar.addWorkdays(lastDayOf(month), DUE_WORKDAY)
}

/**
 * Records a provider's report for a period: the provider must be admitted, the period must
 * have ended, the file must be readable. The same file for the same period again is a no-op;
 * another file for a period already reported is a conflict (exit 4).
 */
export async function recordProviderReport(store: Store, name: string, input: {period?: string; file?: string}): Promise<{report: ProviderReport; unchanged?: boolean; warnings: CalendarWarning[]}> {
  const period = parsePeriod(input.period)
  if (!input.file?.trim()) throw new InvalidInput('cloud.report.fileRequired', {}, {field: 'file', rule: RULE})
  const file = await fingerprint(input.file, 'file', 'operation-report')
  return store.write(async (ctx) => {
    const provider = await findProvider(ctx.db, name)
    if (provider.status !== 'admitted') throw new Conflict('cloud.report.notAdmitted', {provider: provider.name, status: provider.status}, {field: 'PROVIDER', rule: RULE})
    const thisMonth = ctx.today.slice(0, 7)
    if (period.lastMonth >= thisMonth) throw new InvalidInput('cloud.report.periodNotOver', {value: period.period, today: ctx.today}, {field: 'period', rule: RULE})
    const same = await ctx.db.selectFrom('cloud_provider_reports').selectAll().where('provider', '=', provider.name).where('period', '=', period.period).executeTakeFirst()
    if (same) {
      if (same.sha256 === file.sha256) return {report: toReport(same), unchanged: true, warnings: []}
      throw new Conflict('cloud.report.otherFile', {provider: provider.name, period: period.period, path: same.path, on: same.received_on}, {field: 'file', rule: RULE})
    }
    const calendar = await WorkCalendar.fromDatabase(ctx.db)
    const due = dueOfMonth(calendar, period.lastMonth)
    const row = {
      provider: provider.name,
      period: period.period,
      first_month: period.firstMonth,
      last_month: period.lastMonth,
      due_on: due.date,
      path: file.path,
      size: file.size,
      sha256: file.sha256,
      received_on: ctx.today,
      at: ctx.at,
      actor: ctx.actor,
    }
    await ctx.db.insertInto('cloud_provider_reports').values(row).execute()
    await appendAudit(ctx, {
      action: 'cloud.provider.report',
      entityType: 'cloud-provider',
      entityId: provider.name,
      after: {period: period.period, dueOn: due.date, path: file.path, sha256: file.sha256, size: file.size},
    })
    return {report: toReport(row), warnings: due.warnings}
  })
}

function toReport(r: Omit<Database['cloud_provider_reports'], 'id'>): ProviderReport {
  return {
    provider: r.provider,
    period: r.period,
    firstMonth: r.first_month,
    lastMonth: r.last_month,
    dueOn: r.due_on,
    receivedOn: r.received_on,
    late: r.received_on > r.due_on,
    path: r.path,
    size: Number(r.size),
    sha256: r.sha256,
    at: r.at,
    by: r.actor,
  }
}

/**
 * Per admitted provider, every month expected since its admission that has ended, with its
 * due date and whether a report covers it; by default only the months still missing (due
 * or overdue), with `all` the received ones too, with `overdue` only those past due.
 */
export async function providerReportStatus(
  from: Reader,
  options: {overdue?: boolean; all?: boolean; today?: string} = {},
): Promise<{providers: ProviderReportStatus[]; reports: ProviderReport[]; warnings: CalendarWarning[]}> {
  const db = readerDb(from)
  const today = options.today ?? chinaDate(new Date())
  const providers = (await allProviders(db)).filter((p) => p.status === 'admitted')
  const rows = await db.selectFrom('cloud_provider_reports').selectAll().orderBy('provider').orderBy('first_month').execute()
  const reports = rows.map(toReport)
  const calendar = await WorkCalendar.fromDatabase(db)
  const uncovered: number[] = []
  const thisMonth = today.slice(0, 7)
  const out: ProviderReportStatus[] = []
  for (const p of providers) {
    const admittedOn = p.admittedOn
    const mine = reports.filter((r) => r.provider === p.name)
    const months: ExpectedMonth[] = []
    for (let month = admittedOn.slice(0, 7); month < thisMonth; month = nextMonth(month)) {
      const due = dueOfMonth(calendar, month)
      for (const w of due.warnings) uncovered.push(...w.years)
      const covering = mine.find((r) => r.firstMonth <= month && month <= r.lastMonth)
      const entry: ExpectedMonth = covering
        ? {month, dueOn: due.date, status: 'received', period: covering.period, receivedOn: covering.receivedOn, late: covering.receivedOn > due.date}
        : {month, dueOn: due.date, status: due.date < today ? 'overdue' : 'due'}
      if (options.overdue ? entry.status === 'overdue' : options.all || entry.status !== 'received') months.push(entry)
    }
    out.push({provider: p.name, admittedOn, months})
  }
  return {providers: out, reports: options.all ? reports : [], warnings: calendar.warningsFor(uncovered)}
}
