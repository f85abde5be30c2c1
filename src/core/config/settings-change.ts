import type {ValidatedArrangement} from '../calendar/index.js'
import {NotFound} from '../errors.js'
import type {Store, WriteContext} from '../store/index.js'
import {type DueDateChange, loadCalendarYearIn} from '../workflow/due-dates.js'
import {fileRequestIn, type Request} from '../workflow/index.js'
import {setLimitIn, unsetLimitIn} from './index.js'

/**
 * Settings that change deadlines or the calendar take a second person (issue 18; ):
 * once a roster exists, setting or unsetting a working-day limit (limit.KIND.STATE) and
 * loading a year's holiday arrangement are requests of kind settings-change, in effect when
 * another active 系统管理员 approves them (the reviewer of the settings area is system-admin).
 * Other settings (notices.prefix, area-code, …) change no deadline and take effect at once.
 */
export type SettingsChange = {op: 'set'; key: string; value: string} | {op: 'unset'; key: string} | {op: 'calendar'; arrangement: ValidatedArrangement}

export const SETTINGS_KIND = 'settings-change'

/** A key whose value moves due dates: a request step's working-day limit. */
export function changesDeadlines(key: string): boolean {
  return key.startsWith('limit.')
}

export type SettingsResult = {pending: false; replaced?: boolean; recomputed?: DueDateChange[]} | {pending: true; request: Request}

/** Makes the change at once with no roster (nobody to approve it), else files it for a second 系统管理员. */
export async function changeSettingsIn(ctx: WriteContext, change: SettingsChange): Promise<SettingsResult> {
  if (change.op === 'unset' && !(await ctx.db.selectFrom('settings').select('key').where('key', '=', change.key).executeTakeFirst())) {
    throw new NotFound('config.notSet', {key: change.key}, {field: 'KEY'})
  }
  const roster = await ctx.db.selectFrom('operators').select('login').limit(1).executeTakeFirst()
  if (!roster) return {pending: false, ...(await applySettings(ctx, change))}
  const filer = await ctx.db.selectFrom('operators').select('unit').where('login', '=', ctx.actor).executeTakeFirst()
  const {request} = await fileRequestIn(ctx, {kind: SETTINGS_KIND, applicantUnit: filer?.unit || ctx.actor, payload: change})
  return {pending: true, request}
}

/** changeSettings in its own transaction: what a command calls (the changeSettingsIn form joins a caller's transaction). */
export function changeSettings(store: Store, change: SettingsChange): Promise<SettingsResult> {
  return store.write((ctx) => changeSettingsIn(ctx, change))
}

/** Makes a settings change (at once, or when its request is approved). */
export async function applySettings(ctx: WriteContext, change: SettingsChange): Promise<{replaced?: boolean; recomputed?: DueDateChange[]}> {
  if (change.op === 'set') await setLimitIn(ctx, change.key, change.value)
  else if (change.op === 'unset') await unsetLimitIn(ctx, change.key)
  else return loadCalendarYearIn(ctx, change.arrangement)
  return {}
}

export function settingsSummary(c: SettingsChange): string {
  if (c.op === 'set') return `${c.key} = ${c.value}`
  if (c.op === 'unset') return `unset ${c.key}`
  return `calendar ${c.arrangement.year} (${c.arrangement.source})`
}
