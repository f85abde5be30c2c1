import {type Request, type RequestWithHistory, summarize, requireKind} from './model.js'

import {today as clockToday} from '../clock.js'
import {InvalidInput, NotFound} from '../errors.js'
import {Localized, t} from '../i18n/index.js'
import {type Database, type Reader, readerDb} from '../store/index.js'
import {payloadProblems, type PayloadProblem, ruleText} from './payload-schema.js'
import {allKinds, findKind, loadKinds} from './registry.js'

/** Reading requests: one with its history, lists, and stored payloads checked against their kinds. */
type RequestRow = Database['requests'] extends infer T ? {[K in keyof T]: K extends 'id' ? number : T[K]} : never
/** A stored payload; one that is not JSON reads as null (egov requests show and egov db init report it, issue 19) so lists never fail on it. */
function parseStored(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return null
  }
}

function toRequest(row: RequestRow, today: string): Request {
  const def = findKind(row.kind)
  const payload = parseStored(row.payload)
  return {...toListed({...row, summary: row.summary ?? summarize(def, payload)}, today), payload}
}

/** A request as lists show it: everything but the payload, which lists never read. */
export type ListedRequest = Omit<Request, 'payload'>

type ListedRow = Omit<RequestRow, 'payload'>

function toListed(row: ListedRow, today: string): ListedRequest {
  const def = findKind(row.kind)
  const terminal = def?.states[row.state]?.terminal ?? false
  return {
    id: Number(row.id),
    kind: row.kind,
    state: row.state,
    terminal,
    applicantUnit: row.applicant_unit,
    filedBy: row.filed_by,
    summary: row.summary ?? '',
    filedAt: row.filed_at,
    updatedAt: row.updated_at,
    stateSince: row.state_since,
    dueOn: row.due_on,
    overdue: !terminal && row.due_on !== null && row.due_on < today,
  }
}

export async function loadRequest(from: Reader, id: number, today: string = clockToday()): Promise<RequestWithHistory> {
  const db = readerDb(from)
  const row = await db.selectFrom('requests').selectAll().where('id', '=', id).executeTakeFirst()
  if (!row) throw new NotFound('request.notFound', {id}, {field: 'ID'})
  const history = await db.selectFrom('request_transitions').selectAll().where('request_id', '=', id).orderBy('id').execute()
  return {
    ...toRequest(row, today),
    history: history.map((h) => ({from: h.from_state, to: h.to_state, action: h.action, actor: h.actor, at: h.at, comment: h.comment})),
  }
}

export interface RequestFilter {
  kind?: string
  /** Only this applicant unit's requests. */
  unit?: string
  state?: string
  overdue?: boolean
  limit?: number
}

/** Overdue requests first (the longest overdue at the top), then open ones by due date, then the rest newest first. */
export async function listRequests(from: Reader, filter: RequestFilter = {}, today: string = clockToday()): Promise<ListedRequest[]> {
  const db = readerDb(from)
  // The kinds are read to check a filter and to know which states are final: a store opened
  // with kindsOnDemand loads them here, and only when there is something to read them for.
  if (filter.kind || filter.state) await loadKinds()
  if (filter.kind) requireKind(filter.kind)
  if (filter.state) {
    const kinds = filter.kind ? [requireKind(filter.kind)] : allKinds()
    if (!kinds.some((k) => k.states[filter.state!])) {
      throw new InvalidInput('request.unknownState', {state: filter.state, kinds: kinds.map((k) => k.kind).join(', ')}, {field: 'state'})
    }
  }
  let q = db.selectFrom('requests').select(['id', 'kind', 'state', 'applicant_unit', 'filed_by', 'summary', 'filed_at', 'updated_at', 'state_since', 'due_on'])
  if (filter.kind) q = q.where('kind', '=', filter.kind)
  if (filter.unit) q = q.where('applicant_unit', '=', filter.unit)
  if (filter.state) q = q.where('state', '=', filter.state)
  if (filter.overdue) q = q.where('due_on', '<', today)
  q = q.orderBy('id', 'desc')
  if (filter.limit) q = q.limit(filter.limit)
  const rows = (await q.execute()) as ListedRow[]
  if (rows.length) await loadKinds()
  // Rows written before summaries were kept: summarise them from their payloads.
  const missing = rows.filter((r) => r.summary === null).map((r) => Number(r.id))
  if (missing.length) {
    const payloads = new Map<number, string>()
    for (let i = 0; i < missing.length; i += 500) {
      for (const p of await db
        .selectFrom('requests')
        .select(['id', 'payload'])
        .where('id', 'in', missing.slice(i, i + 500))
        .execute())
        payloads.set(Number(p.id), p.payload)
    }
    for (const r of rows) r.summary ??= summarize(findKind(r.kind), parseStored(payloads.get(Number(r.id)) ?? 'null'))
  }
  const requests = rows.map((r) => toListed(r, today)).filter((r) => !filter.overdue || r.overdue)
  const rank = (r: ListedRequest) => (r.overdue ? 0 : r.dueOn ? 1 : 2)
  return requests.sort((a, b) => rank(a) - rank(b) || (rank(a) < 2 ? (a.dueOn! < b.dueOn! ? -1 : a.dueOn! > b.dueOn! ? 1 : a.id - b.id) : b.id - a.id))
}

/** A stored payload that does not match its kind's schema (issue 19): the request, and each field with the rule it breaks. */
export interface StoredPayloadProblem {
  id: number
  kind: string
  field: string
  rule: string
  expected?: string
  suggestion?: string
  /** One line for people, in the reader's language. */
  message: Localized
}

/** What is wrong with one stored payload (its text as the requests table holds it); none when it matches or its kind is unknown. */
export async function storedPayloadProblems(id: number, kind: string, text: string): Promise<StoredPayloadProblem[]> {
  const def = findKind(kind)
  if (!def) return []
  let payload: unknown
  try {
    payload = JSON.parse(text)
  } catch {
    return [{id, kind, field: '', rule: 'json', message: new Localized((locale) => t('request.storedPayloadUnreadable', {id, kind}, locale))}]
  }
  return (await payloadProblems(def.kind, def.payloadSchema, payload)).map((p: PayloadProblem) => ({
    id,
    kind,
    ...p,
    message: new Localized((locale) => t('request.storedPayloadInvalid', {id, kind, field: p.field, rule: ruleText(p).render(locale)}, locale)),
  }))
}

/** One request's stored payload checked against its kind's schema (egov requests show warns of each problem). */
export async function requestPayloadProblems(from: Reader, id: number): Promise<StoredPayloadProblem[]> {
  const db = readerDb(from)
  const row = await db.selectFrom('requests').select(['id', 'kind', 'payload']).where('id', '=', id).executeTakeFirst()
  return row ? storedPayloadProblems(Number(row.id), row.kind, row.payload) : []
}

/**
 * Every stored payload checked against its kind's schema, in request order (egov db init
 * reports them): payloads written by an older egov, or around egov, that egov would not write.
 */
export async function checkStoredPayloads(from: Reader): Promise<StoredPayloadProblem[]> {
  const db = readerDb(from)
  const out: StoredPayloadProblem[] = []
  let after = 0
  for (;;) {
    const rows = await db.selectFrom('requests').select(['id', 'kind', 'payload']).where('id', '>', after).orderBy('id').limit(500).execute()
    if (!rows.length) return out
    for (const r of rows) out.push(...(await storedPayloadProblems(Number(r.id), r.kind, r.payload)))
    after = Number(rows.at(-1)!.id)
  }
}

/** Request numbers are positive whole numbers; anything else is bad input naming the argument. */
export function parseRequestId(value: string): number {
  const trimmed = value.trim().replace(/^#/, '')
  if (!/^\d+$/.test(trimmed) || Number(trimmed) < 1 || !Number.isSafeInteger(Number(trimmed))) {
    throw new InvalidInput('request.badId', {value}, {field: 'ID'})
  }
  return Number(trimmed)
}
