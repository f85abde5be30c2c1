import type {Kysely} from '#kysely'
import {actionParam, actionsParam, kindParam, type Request, type RequestWithHistory, stateLabel, stateParam, summarize, type WorkflowResult, requireKind} from './model.js'
import {loadRequest} from './queries.js'

import {appendAudit} from '../audit/index.js'
import {type CalendarWarning, WorkCalendar} from '../calendar/index.js'
import {issuedAt} from '../clock.js'
import {Conflict, InvalidInput, RuleRefused} from '../errors.js'
import {Localized} from '../i18n/index.js'
import {checkPermit} from '../operators/permit.js'
import {reviewRole} from '../operators/roles.js'
import type {Database, Store, WriteContext} from '../store/index.js'
import {requireValidPayload} from './payload-schema.js'
import {type KindDefinition, needsFourEyes, type TransitionDefinition, type WorkflowAction} from './registry.js'

/** The steps of a request's life: filing, acting on it (each step's checks, then its writes), noting on it. */

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
  // eslint-disable-next-line @typescript-eslint/no-invalid-void-type -- an async effect may return nothing (Promise<void>): the payload stays
  effect?: (request: RequestWithHistory<P>) => Promise<P | void>
  /** The state the operator saw: when the request has moved since, nothing happens (exit 4). */
  expect?: string
  /** When the operator issued the command (epoch ms): a request moved after it is a state they never saw (exit 4). */
  issuedAt?: number
}

/** actOnRequest inside the caller's transaction: the step's checks, the area's effect, then the writes. */
export async function advanceRequest<P = unknown>(ctx: WriteContext, id: number, action: WorkflowAction, options: AdvanceOptions<P> = {}): Promise<WorkflowResult<P>> {
  const reason = options.comment?.trim() || undefined
  if (action === 'reject' && !reason) throw new InvalidInput('request.reasonRequired', {}, {field: 'reason'})
  if (action === 'withdraw' && !reason) throw new InvalidInput('request.withdrawReasonRequired', {}, {field: 'reason'})
  const before = (await loadRequest(ctx.db, id, ctx.today)) as RequestWithHistory<P>
  if (options.kinds && !options.kinds.includes(before.kind)) {
    throw new InvalidInput('request.wrongKind', {id, kind: before.kind, expected: options.kinds.join(', ')}, {field: 'ID'})
  }
  const def = requireKind(before.kind)
  checkNotMoved(def, before, action, options)
  const transition = allowedTransition(def, before, action)
  if (needsFourEyes(transition)) await checkFourEyes(ctx, def, before, action)
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

/** The request is in the state the operator saw (--expect), and nobody moved it after the command was issued (exit 4 otherwise). */
function checkNotMoved<P>(def: KindDefinition, before: RequestWithHistory<P>, action: WorkflowAction, options: AdvanceOptions<P>): void {
  const id = before.id
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
}

/** The kind's transition for this step from the request's state; none is exit 4 naming the steps that are allowed (or where a withdrawal is). */
function allowedTransition(def: KindDefinition, before: Request, action: WorkflowAction): TransitionDefinition {
  const transition = def.transitions.find((tr) => tr.action === action && tr.from === before.state)
  if (transition) return transition
  const id = before.id
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

/**
 * X-2, four eyes: a review step is not taken by who filed the request, nor (issue 18) by whoever
 * did the work now under review (planned, agreed, wiped: the step that brought the request to
 * this state; earlier reviews are not such work); and, once a roster exists, it needs the
 * reviewer role of the request's area.
 */
async function checkFourEyes(ctx: WriteContext, def: KindDefinition, before: RequestWithHistory, action: WorkflowAction): Promise<void> {
  const id = before.id
  if (before.filedBy === ctx.actor) {
    throw new RuleRefused('X-2', 'request.ownRequest', {id, actor: ctx.actor, action: actionParam(action)}, {field: 'operator'})
  }
  if (stepAuthors(def, before).includes(ctx.actor))
    throw new RuleRefused(
      'X-2',
      'request.ownStep',
      {id, actor: ctx.actor, action: actionParam(action), state: stateParam(before.kind, before.state)},
      {field: 'operator', details: {state: before.state}},
    )
  await checkPermit(ctx.db, ctx.actor, ctx.today, [reviewRole(before.kind)])
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
