import type {Kysely} from '#kysely'

import {type Locale, t} from '../../i18n/index.js'
import type {Database} from '../../store/index.js'
import {canonicalName, formatChina} from './values.js'

/** One system's time in service: from its provisioning to its wipe (or, failing that, its confirmed release); `to` is Infinity while it runs. */
export interface Lifetime {
  id: number
  from: number
  to: number
}

/**
 * The systems a name has stood for, as the import attributes samples to them: the
 * lifetimes of those that were ever provisioned, in time order (the store keeps a live name
 * unique, so they do not overlap). `rejected` when the name is known only from rejected
 * applications; `lifetimes` is empty when it is known only from systems never provisioned.
 */
export interface SystemRef {
  name: string
  rejected: boolean
  lifetimes: Lifetime[]
}

/** The systems as the rows were checked against them, as one comparable text (Infinity reads as null). */
export function systemsKey(systems: Map<string, SystemRef>): string {
  return JSON.stringify([...systems])
}

/**
 * Every system a provider may report on, by name, with the time each was in service: from
 * its provisioning (provisioned_at) to the wipe of its data (the `wiped` event: nothing runs
 * after it) or, for a system released without one on record, to its confirmed release
 * (released_at). A system never provisioned has no lifetime; a name known only from rejected
 * applications stays, to be refused by name. Two queries, whatever the size of the import.
 */
export async function systemsByName(db: Kysely<Database>): Promise<Map<string, SystemRef>> {
  const rows = await db.selectFrom('cloud_systems').select(['id', 'name', 'status', 'provisioned_at', 'released_at']).orderBy('id').execute()
  const wipes = await db
    .selectFrom('cloud_events')
    .select(['system_id', (eb) => eb.fn.min('at').as('at')])
    .where('event', '=', 'wiped')
    .groupBy('system_id')
    .execute()
  const wipedAt = new Map(wipes.map((w) => [Number(w.system_id), String(w.at)]))
  const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000)
  const byName = new Map<string, SystemRef>()
  for (const r of rows) {
    const key = canonicalName(r.name)
    let ref = byName.get(key)
    if (!ref) byName.set(key, (ref = {name: r.name, rejected: true, lifetimes: []}))
    if (r.status === 'rejected' || r.status === 'withdrawn') continue
    // The name as the live (or latest) system writes it.
    ref.name = r.name
    ref.rejected = false
    if (r.provisioned_at === null) continue
    const end = wipedAt.get(Number(r.id)) ?? r.released_at
    ref.lifetimes.push({id: Number(r.id), from: seconds(r.provisioned_at), to: end === null || end === undefined ? Infinity : seconds(end)})
  }
  for (const ref of byName.values()) if (ref.lifetimes.length > 1) ref.lifetimes.sort((a, b) => a.from - b.from)
  return byName
}

/** The id of the system of this name in service at `at` (epoch seconds), if any. */
export function systemAt(ref: SystemRef, at: number): number | undefined {
  const l = ref.lifetimes
  // Nearly always one lifetime: two comparisons.
  for (let i = l.length - 1; i >= 0; i--) {
    const lifetime = l[i]!
    if (at >= lifetime.from) return at <= lifetime.to ? lifetime.id : undefined
  }
  return undefined
}

/** A name's times in service, for a message: "2026-01-05 10:00:00 – 2026-06-30 09:00:00; 2026-07-10 08:00:00 – now". */
export function describeLifetimes(ref: SystemRef, locale: Locale): string {
  if (!ref.lifetimes.length) return t('cloud.usage.neverInService', {}, locale)
  return ref.lifetimes.map((l) => `${formatChina(l.from)} – ${l.to === Infinity ? t('cloud.usage.stillInService', {}, locale) : formatChina(l.to)}`).join('; ')
}
