import type {Kysely} from '#kysely'

import {appendAudit} from '../audit/index.js'
import {type CalendarWarning, WorkCalendar} from '../calendar/index.js'
import {issuedAt, today as clockToday} from '../clock.js'
import {Conflict, InvalidInput, NotFound, RuleRefused} from '../errors.js'
import {hasMessage, type Locale, Localized, t} from '../i18n/index.js'
import {checkPermit} from '../operators/permit.js'
import {reviewRole} from '../operators/roles.js'
import type {Database, Store, WriteContext} from '../store/index.js'
import {payloadProblems, type PayloadProblem, requireValidPayload, ruleText} from './payload-schema.js'
import {allKinds, findKind, type KindDefinition, loadKinds, needsFourEyes, type WorkflowAction} from './registry.js'

export {allKinds, defineKind, findKind, loadKinds, needsFourEyes, useKinds} from './registry.js'
export type {KindDefinition, StateDefinition, TransitionDefinition, WorkflowAction} from './registry.js'

export interface Transition {
  from: string | null
  to: string
  action: string
  actor: string
  at: string
  comment: string | null
}

export interface Request<P = unknown> {
  id: number
  kind: string
  state: string
  terminal: boolean
  applicantUnit: string
  filedBy: string
  payload: P
  summary: string
  filedAt: string
  updatedAt: string
  stateSince: string
  /** Last working day to leave the current state (China date); null when final. */
  dueOn: string | null
  overdue: boolean
}

export interface RequestWithHistory<P = unknown> extends Request<P> {
  history: Transition[]
}

export interface WorkflowResult<P = unknown> {
  request: RequestWithHistory<P>
  warnings: CalendarWarning[]
}

export function stateLabel(kind: string, state: string, locale: Locale): string {
  const key = `kind.${kind}.${state}`
  return hasMessage(key) ? t(key, {}, locale) : state
}

/** A step's name as people read it (批准, 退回, 编制方案 …); the key (approve, plan) where none is catalogued. */
export function actionLabel(action: string, locale: Locale): string {
  const key = `action.${action}`
  return hasMessage(key) ? t(key, {}, locale) : action
}

/** States and actions as message parameters, rendered in the reader's language. */
const stateParam = (kind: string, state: string) => new Localized((locale) => stateLabel(kind, state, locale))
const kindParam = (kind: string) => new Localized((locale) => kindLabel(kind, locale))
const actionParam = (action: string) => new Localized((locale) => actionLabel(action, locale))
const actionsParam = (actions: string[]) => new Localized((locale) => (actions.length ? actions.map((a) => actionLabel(a, locale)).join(locale === 'zh' ? '、' : '; ') : '—'))

export function kindLabel(kind: string, locale: Locale): string {
  const key = `kind.${kind}`
  return hasMessage(key) ? t(key, {}, locale) : kind
}

function requireKind(kind: string): KindDefinition {
  const def = findKind(kind)
  if (!def) {
    throw new InvalidInput(
      'request.unknownKind',
      {
        kind,
        known: allKinds()
          .map((k) => k.kind)
          .join(', '),
      },
      {field: 'kind'},
    )
  }
  return def
}

/** The settings key that overrides a state's working-day limit. */
export function limitKey(kind: string, state: string): string {
  return `limit.${kind}.${state}`
}

async function limitFor(db: Kysely<Database>, def: KindDefinition, state: string): Promise<number | undefined> {
  const st = def.states[state]
  if (!st || st.terminal) return undefined
  const row = await db.selectFrom('settings').select('value').where('key', '=', limitKey(def.kind, state)).executeTakeFirst()
  return row ? Number(row.value) : st.limitDays
}

async function dueDate(ctx: WriteContext, def: KindDefinition, state: string): Promise<{dueOn: string | null; warnings: CalendarWarning[]}> {
  const limit = await limitFor(ctx.db, def, state)
  if (limit === undefined) return {dueOn: null, warnings: []}
  const calendar = await WorkCalendar.fromDatabase(ctx.db)
  const {date, warnings} = calendar.addWorkdays(ctx.today, limit)
  return {dueOn: date, warnings}
}

/** Files a new request of a kind; the filer is the store's operator. */
export async function fileRequest(store: Store, input: {kind: string; applicantUnit: string; payload: unknown}): Promise<WorkflowResult> {
  requireKind(input.kind)
  return store.write((ctx) => fileRequestIn(ctx, input))
}

/** fileRequest inside the caller's transaction, for areas that write more in the same change. */
export async function fileRequestIn(ctx: WriteContext, input: {kind: string; applicantUnit: string; payload: unknown}): Promise<WorkflowResult> {
  const def = requireKind(input.kind)
  const applicantUnit = input.applicantUnit.trim()
  if (!applicantUnit) throw new InvalidInput('input.empty', {field: 'unit'}, {field: 'unit'})
  const payload = def.parsePayload(input.payload)
  // The kind's schema (issue 19): an unknown key, a wrong type or a value out of range is exit 2 naming the field.
  await requireValidPayload(def.kind, def.payloadSchema, payload)
  const {dueOn, warnings} = await dueDate(ctx, def, def.initial)
  const inserted = await ctx.db
    .insertInto('requests')
    .values({
      kind: def.kind,
      state: def.initial,
      applicant_unit: applicantUnit,
      filed_by: ctx.actor,
      payload: JSON.stringify(payload),
      summary: summarize(def, payload),
      filed_at: ctx.at,
      updated_at: ctx.at,
      state_since: ctx.at,
      due_on: dueOn,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const id = Number(inserted.id)
  await ctx.db.insertInto('request_transitions').values({request_id: id, from_state: null, to_state: def.initial, action: 'file', actor: ctx.actor, at: ctx.at, comment: null}).execute()
  await applyOnEnter(ctx, def, id, payload, applicantUnit, def.initial)
  const request = await loadRequest(ctx.db, id, ctx.today)
  await appendAudit(ctx, {action: 'request.file', entityType: 'request', entityId: id, after: snapshot(request)})
  return {request, warnings}
}

/**
 * Takes one step of a request: the kind's transition for `action` from the state the
 * request is in. approve and reject are the review decisions every kind has (the filer may
 * take neither, X-2; a reject needs a reason); areas add steps of their own.
 */
export async function actOnRequest(store: Store, id: number, action: WorkflowAction, comment?: string, options: {expect?: string} = {}): Promise<WorkflowResult> {
  if (action === 'reject' && !comment?.trim()) throw new InvalidInput('request.reasonRequired', {}, {field: 'reason'})
  if (action === 'withdraw' && !comment?.trim()) throw new InvalidInput('request.withdrawReasonRequired', {}, {field: 'reason'})
  // The state the operator acts on: the one given (--expect), else the one the request was in
  // when the command was issued. Two reviewers approving at once both meant the state they
  // saw: the first moves the request one step, the second finds it moved after it was issued
  // (exit 4) instead of taking the next step nobody looked at. A script that may retry gives --expect.
  const expected = options.expect ?? (await loadRequest(store.db, id)).state
  const issued = options.expect === undefined ? issuedAt() : undefined
  return store.write((ctx) => advanceRequest(ctx, id, action, {comment, expect: expected, issuedAt: issued}))
}

/**
 * Withdraws a request (撤回): the applicant takes it back, with a reason, from a state its kind
 * declares a `withdraw` transition from. The kind's onEnter for the state it moves to releases
 * what the request held, in the same transaction. A request that cannot be withdrawn is a
 * conflict (exit 4) naming its state and what is possible; no reason is bad input (exit 2).
 */
export async function withdrawRequest(store: Store, id: number, reason: string | undefined): Promise<WorkflowResult> {
  return actOnRequest(store, id, 'withdraw', reason)
}

export interface AdvanceOptions<P> {
  comment?: string
  /** Only requests of these kinds may take this step (an area's own command). */
  kinds?: string[]
  /** The area's work for this step, in the same transaction, before the state changes; may replace the payload. */
  effect?: (request: RequestWithHistory<P>) => Promise<P | void>
  /** The state the operator saw: when the request has moved since, nothing happens (exit 4). */
  expect?: string
  /** When the operator issued the command (epoch ms): a request moved after it is a state they never saw (exit 4). */
  issuedAt?: number
}

/** actOnRequest inside the caller's transaction. */
export async function advanceRequest<P = unknown>(ctx: WriteContext, id: number, action: WorkflowAction, options: AdvanceOptions<P> = {}): Promise<WorkflowResult<P>> {
  const reason = options.comment?.trim() || undefined
  if (action === 'reject' && !reason) throw new InvalidInput('request.reasonRequired', {}, {field: 'reason'})
  if (action === 'withdraw' && !reason) throw new InvalidInput('request.withdrawReasonRequired', {}, {field: 'reason'})
  const before = (await loadRequest(ctx.db, id, ctx.today)) as RequestWithHistory<P>
  if (options.kinds && !options.kinds.includes(before.kind)) {
    throw new InvalidInput('request.wrongKind', {id, kind: before.kind, expected: options.kinds.join(', ')}, {field: 'ID'})
  }
  const def = requireKind(before.kind)
  if (options.expect !== undefined && !def.states[options.expect]) {
    const states = Object.keys(def.states)
    throw new InvalidInput('request.unknownExpectState', {value: options.expect, kind: kindParam(before.kind), states: states.join(', ')}, {field: 'expect', details: {states}})
  }
  // The first step that moved the request after this command was issued (not a note on it).
  const moved = options.issuedAt === undefined ? undefined : before.history.find((h) => h.from != null && h.from !== h.to && Date.parse(h.at) > options.issuedAt!)
  if (moved || (options.expect !== undefined && options.expect !== before.state)) {
    const expected = moved && options.expect === before.state ? moved.from! : options.expect!
    const last = moved ?? before.history.at(-1)
    throw new Conflict(
      'request.stateMoved',
      {id, expected: stateParam(before.kind, expected), state: stateParam(before.kind, before.state), action: actionParam(action)},
      {field: 'expect', details: {state: before.state, expected, movedBy: last?.actor, movedAt: last?.at}},
    )
  }
  const transition = def.transitions.find((tr) => tr.action === action && tr.from === before.state)
  if (!transition) {
    const allowed = def.transitions.filter((tr) => tr.from === before.state).map((tr) => tr.action)
    if (action === 'withdraw') {
      const from = [...new Set(def.transitions.filter((tr) => tr.action === 'withdraw').map((tr) => tr.from))]
      throw new Conflict(
        from.length ? 'request.cannotWithdraw' : 'request.kindNotWithdrawable',
        {
          id,
          kind: kindParam(before.kind),
          state: stateParam(before.kind, before.state),
          allowed: actionsParam(allowed),
          from: new Localized((locale) => from.map((f) => stateLabel(before.kind, f, locale)).join(locale === 'zh' ? '、' : '; ')),
        },
        {field: 'ID', details: {state: before.state, allowed, withdrawableFrom: from}},
      )
    }
    throw new Conflict(
      'request.actionNotAllowed',
      {id, state: stateParam(before.kind, before.state), action: actionParam(action), allowed: actionsParam(allowed)},
      {field: 'ID', details: {state: before.state, allowed}},
    )
  }
  if (needsFourEyes(transition) && before.filedBy === ctx.actor) {
    throw new RuleRefused('X-2', 'request.ownRequest', {id, actor: ctx.actor, action: actionParam(action)}, {field: 'operator'})
  }
  // X-2 per step (issue 18): whoever did the work now under review (planned, agreed, wiped: the
  // step that brought the request to this state) cannot approve, reject or confirm it. Earlier
  // reviews are not such work.
  if (needsFourEyes(transition)) {
    const author = stepAuthors(def, before).find((actor) => actor === ctx.actor)
    if (author)
      throw new RuleRefused(
        'X-2',
        'request.ownStep',
        {id, actor: ctx.actor, action: actionParam(action), state: stateParam(before.kind, before.state)},
        {field: 'operator', details: {state: before.state}},
      )
  }
  // A review step needs the reviewer role of the request's area, once a roster exists (issue 18).
  if (needsFourEyes(transition)) await checkPermit(ctx.db, ctx.actor, ctx.today, [reviewRole(before.kind)])
  const replaced = await options.effect?.(before)
  const payload = replaced === undefined ? before.payload : replaced
  if (replaced !== undefined) await requireValidPayload(def.kind, def.payloadSchema, payload)
  const {dueOn, warnings} = await dueDate(ctx, def, transition.to)
  await ctx.db
    .updateTable('requests')
    .set({state: transition.to, updated_at: ctx.at, state_since: ctx.at, due_on: dueOn, ...(replaced === undefined ? {} : {payload: JSON.stringify(payload), summary: summarize(def, payload)})})
    .where('id', '=', id)
    .execute()
  await ctx.db
    .insertInto('request_transitions')
    .values({request_id: id, from_state: before.state, to_state: transition.to, action, actor: ctx.actor, at: ctx.at, comment: reason ?? null})
    .execute()
  await applyOnEnter(ctx, def, id, payload, before.applicantUnit, transition.to, reason)
  const request = (await loadRequest(ctx.db, id, ctx.today)) as RequestWithHistory<P>
  await appendAudit(ctx, {action: `request.${action}`, entityType: 'request', entityId: id, before: snapshot(before), after: {...snapshot(request), comment: reason ?? null}})
  return {request, warnings}
}

async function applyOnEnter(ctx: WriteContext, def: KindDefinition, id: number, payload: unknown, applicantUnit: string, state: string, comment?: string): Promise<void> {
  const patch = await def.onEnter?.(ctx, {id, payload, applicantUnit, comment}, state)
  if (patch && Object.keys(patch).length) {
    const merged = {...(payload as object), ...patch}
    await requireValidPayload(def.kind, def.payloadSchema, merged)
    await ctx.db
      .updateTable('requests')
      .set({payload: JSON.stringify(merged), summary: summarize(def, merged)})
      .where('id', '=', id)
      .execute()
  }
}

/**
 * Who did the work the request's current state stands for: the actor of the step that brought
 * it here, unless that step was itself a review. Records made on the state since (a note, a
 * migration re-pointing it) are not that work.
 */
function stepAuthors(def: KindDefinition, request: RequestWithHistory): string[] {
  const step = request.history.findLast((h) => h.from !== h.to)
  if (!step) return []
  const review = def.transitions.some((tr) => tr.action === step.action && needsFourEyes(tr))
  return review ? [] : [step.actor]
}

/**
 * Records something on a request without moving it (a failed business test): a history
 * row from its state to the same state, the payload updated, an audit entry.
 */
export async function noteOnRequest<P>(ctx: WriteContext, id: number, action: string, payload: P, comment?: string): Promise<RequestWithHistory<P>> {
  const before = await loadRequest(ctx.db, id, ctx.today)
  const def = requireKind(before.kind)
  await requireValidPayload(def.kind, def.payloadSchema, payload)
  await ctx.db
    .updateTable('requests')
    .set({payload: JSON.stringify(payload), summary: summarize(def, payload), updated_at: ctx.at})
    .where('id', '=', id)
    .execute()
  await ctx.db
    .insertInto('request_transitions')
    .values({request_id: id, from_state: before.state, to_state: before.state, action, actor: ctx.actor, at: ctx.at, comment: comment?.trim() || null})
    .execute()
  const request = (await loadRequest(ctx.db, id, ctx.today)) as RequestWithHistory<P>
  await appendAudit(ctx, {action: `request.${action}`, entityType: 'request', entityId: id, before: snapshot(before), after: {...snapshot(request), comment: comment ?? null}})
  return request
}

function snapshot(r: Request): Record<string, unknown> {
  return {kind: r.kind, state: r.state, applicantUnit: r.applicantUnit, filedBy: r.filedBy, dueOn: r.dueOn, payload: r.payload}
}

type RequestRow = Database['requests'] extends infer T ? {[K in keyof T]: K extends 'id' ? number : T[K]} : never

/** A kind's one line for a payload; a kind that cannot summarise an odd payload gives ''. */
function summarize(def: KindDefinition | undefined, payload: unknown): string {
  try {
    return def ? def.summary(payload) : ''
  } catch {
    return ''
  }
}

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

export async function loadRequest(db: Kysely<Database>, id: number, today: string = clockToday()): Promise<RequestWithHistory> {
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
export async function listRequests(db: Kysely<Database>, filter: RequestFilter = {}, today: string = clockToday()): Promise<ListedRequest[]> {
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
    for (const r of rows) if (r.summary === null) r.summary = summarize(findKind(r.kind), parseStored(payloads.get(Number(r.id)) ?? 'null'))
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
export async function requestPayloadProblems(db: Kysely<Database>, id: number): Promise<StoredPayloadProblem[]> {
  const row = await db.selectFrom('requests').select(['id', 'kind', 'payload']).where('id', '=', id).executeTakeFirst()
  return row ? storedPayloadProblems(Number(row.id), row.kind, row.payload) : []
}

/**
 * Every stored payload checked against its kind's schema, in request order (egov db init
 * reports them): payloads written by an older egov, or around egov, that egov would not write.
 */
export async function checkStoredPayloads(db: Kysely<Database>): Promise<StoredPayloadProblem[]> {
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
