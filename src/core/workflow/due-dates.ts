import {appendAudit} from '../audit/index.js'
import {type CalendarWarning, loadArrangement, type ValidatedArrangement, WorkCalendar} from '../calendar/index.js'
import {chinaDate} from '../clock.js'
import {yearOf} from '../dates.js'
import {type Locale, t} from '../i18n/index.js'
import {type Reader, readerDb, type Store, type WriteContext} from '../store/index.js'
import {findKind} from './registry.js'

/**
 * Due dates and the calendar they were counted on. A due date is a number of working
 * days after the day a request entered its state; when an administrator loads a year's
 * official arrangement, the days that turned out to be holidays or make-up working days
 * move the due dates that counted across them.
 */

export interface DueDateChange {
  id: number
  kind: string
  state: string
  from: string
  to: string
}

/** The history action of a due date moved by a calendar load. */
export const RECOMPUTE_ACTION = 'recompute-due'

/**
 * Loads a year's arrangement and, in the same transaction, recomputes the due date of every
 * open request that fell in or past that year and is counted in working days (a fixed
 * deadline is left as set): the same number of working days from the day its state began,
 * counted on the calendar as it now is. Each change is a history row on
 * the request and one audit entry lists them all.
 */
export async function loadCalendarYear(store: Store, arrangement: ValidatedArrangement): Promise<{replaced: boolean; recomputed: DueDateChange[]}> {
  return store.write((ctx) => loadCalendarYearIn(ctx, arrangement))
}

/** loadCalendarYear inside the caller's transaction (an approved settings-change request, issue 18). */
export async function loadCalendarYearIn(ctx: WriteContext, arrangement: ValidatedArrangement): Promise<{replaced: boolean; recomputed: DueDateChange[]}> {
  const before = await WorkCalendar.fromDatabase(ctx.db)
  const {replaced} = await loadArrangement(ctx, arrangement)
  const after = await WorkCalendar.fromDatabase(ctx.db)
  // A walk from a state's first day to its due date only crosses years up to the due date's own.
  const open = await ctx.db
    .selectFrom('requests')
    .select(['id', 'kind', 'state', 'state_since', 'due_on'])
    .where('due_on', 'is not', null)
    .where('due_on', '>=', `${arrangement.year}-01-01`)
    .orderBy('id')
    .execute()
  // Only a due date counted in working days moves; a fixed deadline (a fix order's) is a date the bureau set.
  const limited = new Set((await ctx.db.selectFrom('settings').select('key').where('key', 'like', 'limit.%').execute()).map((row) => row.key))
  const counted = (kind: string, state: string) => findKind(kind)?.states[state]?.limitDays !== undefined || limited.has(`limit.${kind}.${state}`)
  const recomputed: DueDateChange[] = []
  for (const r of open) {
    if (!counted(r.kind, r.state)) continue
    const start = chinaDate(new Date(r.state_since))
    const due = r.due_on!
    const next = after.addWorkdays(start, before.workdaysBetween(start, due)).date
    if (next === due) continue
    const id = Number(r.id)
    recomputed.push({id, kind: r.kind, state: r.state, from: due, to: next})
    await ctx.db.updateTable('requests').set({due_on: next, updated_at: ctx.at}).where('id', '=', id).execute()
    await ctx.db
      .insertInto('request_transitions')
      .values({
        request_id: id,
        from_state: r.state,
        to_state: r.state,
        action: RECOMPUTE_ACTION,
        actor: ctx.actor,
        at: ctx.at,
        comment: t('calendar.dueMoved', {from: due, to: next, year: arrangement.year}, 'zh'),
      })
      .execute()
  }
  if (recomputed.length) {
    await appendAudit(ctx, {action: 'request.recompute-due', entityType: 'calendar', entityId: arrangement.year, after: {year: arrangement.year, requests: recomputed}})
  }
  return {replaced, recomputed}
}

/**
 * The warning for due dates that lie in years whose official arrangement nobody has
 * published or loaded: counted on weekends alone, they may still move.
 */
export async function dueDateWarnings(from: Reader, requests: Array<{id: number; dueOn: string | null}>, locale: Locale): Promise<CalendarWarning[]> {
  const db = readerDb(from)
  const dated = requests.filter((r) => r.dueOn !== null)
  if (!dated.length) return []
  const calendar = await WorkCalendar.fromDatabase(db)
  const uncovered = dated.filter((r) => !calendar.isCovered(yearOf(r.dueOn!)))
  if (!uncovered.length) return []
  const years = [...new Set(uncovered.map((r) => yearOf(r.dueOn!)))].sort((a, b) => a - b)
  const ids = uncovered.map((r) => r.id).sort((a, b) => a - b)
  // years is not empty: warningsFor gives its one warning.
  const general = calendar.warningsFor(years, locale)[0]!
  return [{...general, requests: ids, message: t('calendar.dueUncovered', {ids: ids.map((id) => `#${id}`).join(', '), years: years.join(', '), reason: general.message}, locale)}]
}
