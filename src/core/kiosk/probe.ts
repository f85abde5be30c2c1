import {InvalidInput} from '../errors.js'
import {runProbes} from '../probe/index.js'
import type {Store} from '../store/index.js'

/**
 * Heartbeat probes of active kiosks: each kiosk's heartbeat URL fetched once, through the
 * shared probe module (undici, one agent for the run, bounded concurrency, one deadline per
 * request, no retries). Outcomes: up (answered below 400 in time), slow (no answer within
 * the timeout), status (answered 400 or more), down (refused, reset, unresolvable). Each
 * probe is recorded (KIOSK-5 availability); an up kiosk's last-seen time is set.
 */
export type HeartbeatOutcome = 'up' | 'slow' | 'status' | 'down'

export interface Heartbeat {
  serial: string
  unit: string
  url: string
  outcome: HeartbeatOutcome
  status?: number
  latencyMs: number
  error?: string
}

export interface ProbeRun {
  at: string
  heartbeats: Heartbeat[]
  summary: Record<HeartbeatOutcome, number> & {probed: number; withoutUrl: number}
}

export interface KioskProbeOptions {
  unit?: string
  concurrency?: number
  /** Seconds per request. */
  timeout?: number
  onResult?: (done: number, total: number) => void
}

export async function probeKiosks(store: Store, options: KioskProbeOptions = {}): Promise<ProbeRun> {
  const timeout = options.timeout ?? 5
  if (!(timeout > 0) || timeout > 600) throw new InvalidInput('kiosk.probe.badTimeout', {value: timeout}, {field: 'timeout'})
  const concurrency = options.concurrency ?? 8
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) throw new InvalidInput('kiosk.probe.badConcurrency', {value: concurrency}, {field: 'concurrency'})
  let q = store.db.selectFrom('kiosks').select(['id', 'serial', 'unit', 'heartbeat_url']).where('status', '=', 'active')
  if (options.unit) q = q.where('unit', '=', options.unit.trim())
  const rows = await q.orderBy('unit').orderBy('serial').execute()
  const probed = rows.filter((r) => r.heartbeat_url)
  const results = await runProbes(
    probed.map((r) => r.heartbeat_url!),
    {timeoutMs: Math.round(timeout * 1000), concurrency, onResult: options.onResult},
  )
  // runProbes gives one result per URL, in order: results[i] is probed[i]'s.
  const heartbeats: Heartbeat[] = results.map((r, i) => ({
    serial: probed[i]!.serial,
    unit: probed[i]!.unit,
    url: r.target,
    outcome: r.ok ? 'up' : r.errorCode === 'TIMEOUT' ? 'slow' : r.errorCode === 'HTTP_STATUS' ? 'status' : 'down',
    ...(r.status === undefined ? {} : {status: r.status}),
    latencyMs: r.latencyMs,
    ...(r.error ? {error: r.error} : {}),
  }))
  const at = await store.write(async (ctx) => {
    for (const [i, h] of heartbeats.entries()) {
      const id = Number(probed[i]!.id)
      const probedAt = results[i]!.at
      await ctx.db
        .insertInto('kiosk_probes')
        .values({kiosk_id: id, at: probedAt, outcome: h.outcome, status_code: h.status ?? null, ms: Math.round(h.latencyMs)})
        .execute()
      if (h.outcome === 'up') await ctx.db.updateTable('kiosks').set({last_seen: probedAt}).where('id', '=', id).execute()
    }
    return ctx.at
  })
  const summary = {up: 0, slow: 0, status: 0, down: 0, probed: heartbeats.length, withoutUrl: rows.length - probed.length}
  for (const h of heartbeats) summary[h.outcome]++
  return {at, heartbeats, summary}
}
