import type {Kysely} from '#kysely'

import {yearOf} from '../dates.js'
import {Conflict, InvalidInput, NotFound} from '../errors.js'
import {type Database, type Reader, readerDb, type Store, type WriteContext} from '../store/index.js'
import {findUnit, kindOf, unitKinds} from '../units/index.js'
import {fileRequestIn, findKind, loadRequest, type RequestWithHistory, type WorkflowResult} from '../workflow/index.js'
import {type ExceptionFacts, needsCloudException, parseDocumentNo} from './rules.js'
import type {StepResult} from './model.js'

/**
 * CLOUD-9 exceptions (第十三条: 未经政务云管理单位批准，不得向个人或企业提供政务云服务): the
 * approval that lets the city cloud serve an enterprise (a bank, a post office, a state
 * enterprise…) or a person, recorded as a request of its own. The bureau files it with its
 * basis and the document number of the decision; a second person approves it (egov requests
 * approve, X-2); an application names it by id (cloud apply --approved-exception ID).
 */

export const EXCEPTION_KIND = 'cloud-exception'

/** What a cloud-exception request carries. */
export interface CloudException {
  /** the unit the exception is granted to */
  unit: string
  /** the unit's kind when it was filed (bank, post-office, …) */
  unitKind: string
  /** why: the decision's grounds (批准依据) */
  basis: string
  /** the decision's document number (文号), normalised: 嘉数发〔2026〕12号 */
  documentNo: string
  /** the systems it covers; none: every system of the unit */
  systems?: string[]
  approvedBy?: string
  approvedAt?: string
}

export interface ExceptionInput {
  unit: string
  basis: string
  documentNo: string
  systems?: string[]
}

/** Files an exception for a unit that is an enterprise or a person; the same one again prints it. */
export async function applyForException(store: Store, input: ExceptionInput): Promise<StepResult<CloudException>> {
  const basis = input.basis?.trim()
  if (!basis) throw new InvalidInput('cloud.exception.basisEmpty', {}, {field: 'basis', rule: 'CLOUD-9'})
  if (basis.length > 2000) throw new InvalidInput('cloud.exception.basisLong', {length: basis.length}, {field: 'basis', rule: 'CLOUD-9'})
  const systems = [...new Set((input.systems ?? []).map((s) => s.trim()))]
  if (systems.some((s) => !s)) throw new InvalidInput('input.empty', {field: 'system'}, {field: 'system'})
  return store.write(async (ctx) => {
    const documentNo = parseDocumentNo(input.documentNo ?? '', yearOf(ctx.today))
    if (!documentNo) throw new InvalidInput('cloud.exception.badDocumentNo', {value: input.documentNo ?? '', year: yearOf(ctx.today)}, {field: 'document-no', rule: 'CLOUD-9'})
    const unit = await findUnit(ctx.db, input.unit, 'unit')
    const kind = kindOf(unit.kind)
    if (!needsCloudException(kind)) throw new Conflict('cloud.exception.notNeeded', {unit: unit.name, kind: kind.name}, {field: 'unit', rule: 'CLOUD-9'})
    const payload: CloudException = {unit: unit.name, unitKind: kind.key, basis, documentNo, ...(systems.length ? {systems: systems.sort()} : {})}
    for (const open of await exceptionsOf(ctx, unit.name, ['applied', 'approved'])) {
      if (open.payload.documentNo !== documentNo) continue
      if (open.payload.basis === basis && (open.payload.systems ?? []).join('\n') === (payload.systems ?? []).join('\n')) return {request: open, warnings: [], unchanged: true}
      throw new Conflict('cloud.exception.documentTaken', {unit: unit.name, documentNo, id: open.id}, {field: 'document-no', rule: 'CLOUD-9', details: {requestId: open.id}})
    }
    return (await fileRequestIn(ctx, {kind: EXCEPTION_KIND, applicantUnit: unit.name, payload})) as WorkflowResult<CloudException>
  })
}

async function exceptionsOf(ctx: WriteContext, unit: string, states: string[]): Promise<Array<RequestWithHistory<CloudException>>> {
  const rows = await ctx.db.selectFrom('requests').select('id').where('kind', '=', EXCEPTION_KIND).where('applicant_unit', '=', unit).where('state', 'in', states).orderBy('id').execute()
  const out: Array<RequestWithHistory<CloudException>> = []
  for (const r of rows) out.push((await loadRequest(ctx.db, Number(r.id), ctx.today)) as RequestWithHistory<CloudException>)
  return out
}

/** Entering `approved`: who approved it and when, kept on the exception itself. */
export function onExceptionApproved(ctx: WriteContext): Partial<CloudException> {
  return {approvedBy: ctx.actor, approvedAt: ctx.at}
}

/**
 * What CLOUD-9 judges of the request an application names: its kind, its state, the unit
 * and systems it covers. A number no request has is not found (exit 3).
 */
export async function exceptionFacts(db: Kysely<Database>, id: number): Promise<ExceptionFacts> {
  const row = await db.selectFrom('requests').select(['id', 'kind', 'state', 'applicant_unit', 'payload']).where('id', '=', id).executeTakeFirst()
  if (!row) throw new NotFound('cloud.exception.notFound', {id}, {field: 'approved-exception', rule: 'CLOUD-9'})
  if (row.kind !== EXCEPTION_KIND) return {id, kind: row.kind, state: row.state, unit: row.applicant_unit}
  const p = JSON.parse(row.payload) as CloudException
  return {id, kind: row.kind, state: row.state, unit: p.unit, ...(p.systems?.length ? {systems: p.systems} : {})}
}

/** An exception as lists and show give it. */
export interface ExceptionView {
  id: number
  state: string
  unit: string
  unitKind: string
  /** the kind's Chinese label (银行, 邮政企业…) */
  unitKindName: string
  basis: string
  documentNo: string
  /** the systems it covers; empty: every system of the unit */
  systems: string[]
  filedBy: string
  filedAt: string
  approvedBy: string | null
  approvedAt: string | null
  dueOn: string | null
}

function toView(r: {id: number; state: string; filedBy: string; filedAt: string; dueOn: string | null; payload: CloudException}): ExceptionView {
  const p = r.payload
  return {
    id: r.id,
    state: r.state,
    unit: p.unit,
    unitKind: p.unitKind,
    unitKindName: unitKinds().find((k) => k.key === p.unitKind)?.name ?? p.unitKind,
    basis: p.basis,
    documentNo: p.documentNo,
    systems: p.systems ?? [],
    filedBy: r.filedBy,
    filedAt: r.filedAt,
    approvedBy: p.approvedBy ?? null,
    approvedAt: p.approvedAt ?? null,
    dueOn: r.dueOn,
  }
}

/** Exceptions, newest first; by unit or state when asked. */
export async function listExceptions(from: Reader, filter: {unit?: string; state?: string} = {}): Promise<ExceptionView[]> {
  const db = readerDb(from)
  if (filter.state && !findKind(EXCEPTION_KIND)!.states[filter.state]) {
    throw new InvalidInput('request.unknownState', {state: filter.state, kinds: EXCEPTION_KIND}, {field: 'state'})
  }
  let q = db.selectFrom('requests').select(['id', 'state', 'filed_by', 'filed_at', 'due_on', 'payload']).where('kind', '=', EXCEPTION_KIND)
  if (filter.unit) q = q.where('applicant_unit', '=', filter.unit.trim())
  if (filter.state) q = q.where('state', '=', filter.state)
  const rows = await q.orderBy('id', 'desc').execute()
  return rows.map((r) =>
    toView({id: Number(r.id), state: r.state, filedBy: r.filed_by, filedAt: r.filed_at, dueOn: r.state === 'applied' ? r.due_on : null, payload: JSON.parse(r.payload) as CloudException}),
  )
}

/** One exception, its history, and the systems that were applied for under it. */
export async function showException(from: Reader, id: number): Promise<ExceptionView & {history: RequestWithHistory['history']; usedBy: Array<{system: string; status: string; requestId: number}>}> {
  const db = readerDb(from)
  const request = (await loadRequest(db, id)) as RequestWithHistory<CloudException>
  if (request.kind !== EXCEPTION_KIND) throw new InvalidInput('request.wrongKind', {id, kind: request.kind, expected: EXCEPTION_KIND}, {field: 'ID'})
  const used = await db.selectFrom('cloud_systems').select(['name', 'status', 'request_id']).where('exception_id', '=', id).orderBy('id').execute()
  return {
    ...toView(request),
    history: request.history,
    usedBy: used.map((u) => ({system: u.name, status: u.status, requestId: Number(u.request_id)})),
  }
}
