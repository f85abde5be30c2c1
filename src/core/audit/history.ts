import type {Kysely} from '#kysely'

import type {Database} from '../store/index.js'

/** Why a request's history and the audit trail disagree. */
export type HistoryMismatchReason =
  /** a history row with no audit entry of the same step (written around egov, e.g. by SQL) */
  | 'unaudited'
  /** an audit entry of a step with no history row (the history row removed) */
  | 'missing'
  /** the request's state is not where its last history row took it */
  | 'state'

export interface HistoryMismatch {
  request: number
  reason: HistoryMismatchReason
  /** The step: its action, who, when (and the history row's id, or the entry's number). */
  action?: string
  actor?: string
  at?: string
  transition?: number
  seq?: number
  /** For 'state': the state recorded and the one the history leads to. */
  state?: string
  expected?: string | null
}

export interface HistoryCheck {
  /** Requests and history rows looked at. */
  requests: number
  transitions: number
  mismatch: HistoryMismatch | null
}

/** The action recorded in the audit trail for a history row's action (workflow/index.ts, due-dates.ts). */
const RECOMPUTE = 'recompute-due'

/**
 * Cross-checks every request's history (request_transitions) with the audit trail (issue 18):
 * each step egov takes writes both, in one transaction, with the same actor and time. A history
 * row without its audit entry was written around egov (an approval inserted with SQL); an entry
 * without its row is a history row removed; a request whose state is not where its last step
 * took it had its state changed around egov. The first disagreement, by request, is returned.
 */
export async function crossCheckHistory(db: Kysely<Database>): Promise<HistoryCheck> {
  const requests = await db.selectFrom('requests').select(['id', 'state']).orderBy('id').execute()
  const transitions = await db.selectFrom('request_transitions').select(['id', 'request_id', 'to_state', 'action', 'actor', 'at']).orderBy('id').execute()
  const entries = await db
    .selectFrom('audit_log')
    .select(['seq', 'action', 'entity_type', 'entity_id', 'actor', 'at', 'after_json'])
    .where((eb) => eb.or([eb.and([eb('entity_type', '=', 'request'), eb('action', 'like', 'request.%')]), eb('action', '=', `request.${RECOMPUTE}`)]))
    .orderBy('seq')
    .execute()

  // Audit entries by step: request, action, actor, time. A step may repeat (two notes in one
  // write), so these are counts.
  const key = (request: number, action: string, actor: string, at: string) => JSON.stringify([request, action, actor, at])
  const audited = new Map<string, {count: number; seq: number}>()
  const add = (k: string, seq: number) => {
    const found = audited.get(k)
    if (found) found.count++
    else audited.set(k, {count: 1, seq})
  }
  for (const e of entries) {
    const seq = Number(e.seq)
    if (e.action === `request.${RECOMPUTE}`) {
      // One entry for every request a calendar change moved (entity: the calendar year).
      const after = e.after_json ? (JSON.parse(e.after_json) as {requests?: Array<{id: number}>}) : {}
      for (const r of after.requests ?? []) add(key(Number(r.id), RECOMPUTE, e.actor, e.at), seq)
    } else {
      add(key(Number(e.entity_id), e.action.slice('request.'.length), e.actor, e.at), seq)
    }
  }

  const lastState = new Map<number, string>()
  let mismatch: HistoryMismatch | null = null
  const note = (m: HistoryMismatch) => {
    if (!mismatch || m.request < mismatch.request) mismatch = m
  }
  for (const t of transitions) {
    const request = Number(t.request_id)
    lastState.set(request, t.to_state)
    const k = key(request, t.action, t.actor, t.at)
    const found = audited.get(k)
    if (found && found.count > 0) found.count--
    else note({request, reason: 'unaudited', action: t.action, actor: t.actor, at: t.at, transition: Number(t.id)})
  }
  for (const [k, {count, seq}] of audited) {
    if (count <= 0) continue
    const [request, action, actor, at] = JSON.parse(k) as [number, string, string, string]
    note({request, reason: 'missing', action, actor, at, seq})
  }
  for (const r of requests) {
    const id = Number(r.id)
    const expected = lastState.get(id) ?? null
    if (expected !== r.state) note({request: id, reason: 'state', state: r.state, expected})
  }
  return {requests: requests.length, transitions: transitions.length, mismatch}
}
