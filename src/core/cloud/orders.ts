import type {Kysely} from '#kysely'

import {parseIsoDate} from '../dates.js'
import {Conflict, InvalidInput, NotFound, RuleRefused} from '../errors.js'
import type {Database, Store, WriteContext} from '../store/index.js'
import {advanceRequest, fileRequestIn, loadRequest, type RequestWithHistory} from '../workflow/index.js'
import type {CloudSystem} from './model.js'
import {findSystem} from './queries.js'
import {checkEfficiencyOptions, checkWorkbookPath, efficiency, type EfficiencyOptions, type EfficiencyReport, type FlaggedSystem, writeEfficiencyWorkbook} from './usage/index.js'

/**
 * CLOUD-8's fix orders (第二十条: 市数据局…对各部门政务云资源使用效率进行评估，对资源利用率低的
 * 责令限期整改). A fix order (整改通知) is a request of kind cloud-fix-order, filed by the
 * bureau for one system's unit:
 *
 *   issued (due: the deadline) → rectified (the unit reports what it did; due: 5 working days
 *   for the bureau to check) → confirmed (by an operator other than the one who recorded the
 *   rectification, X-2). A rectification the bureau finds wanting is returned: issued again,
 *   due on the original deadline.
 *
 * Overdue is not a state: an issued order past its deadline is listed by `requests list
 * --overdue` like every request. A system has at most one open order: issuing another while
 * one is open is a no-op that names it.
 */

export const KIND = 'cloud-fix-order'
export const RULE = 'CLOUD-8'

export interface FixOrder {
  systemId: number
  system: string
  unit: string
  provider: string | null
  /** What the bureau found (for an order from the efficiency review: the p95 figures and the suggested size). */
  finding: string
  /** The last day to rectify (YYYY-MM-DD): the request's due date while it is issued. */
  deadline: string
  /** What the unit reports it did, when it did. */
  measures?: string
  rectifiedBy?: string
  rectifiedAt?: string
  confirmedBy?: string
}

export interface IssuedOrder {
  system: string
  request: RequestWithHistory<FixOrder>
  /** The system already had an open order: nothing was issued, this is that order. */
  unchanged?: boolean
}

type Db = Kysely<Database>

/** The deadline: a date after today (the unit needs time to rectify). */
export function checkDeadline(value: string | undefined, today: string): string {
  if (!value?.trim()) throw new InvalidInput('cloud.order.deadlineRequired', {}, {field: 'deadline', rule: RULE})
  let date: string
  try {
    date = parseIsoDate(value, 'deadline')
  } catch {
    throw new InvalidInput('cloud.order.badDeadline', {value}, {field: 'deadline', rule: RULE})
  }
  if (date <= today) throw new InvalidInput('cloud.order.deadlinePast', {value: date, today}, {field: 'deadline', rule: RULE})
  return date
}

/** The open order of a system, if any. */
async function openOrderOf(db: Db, systemId: number): Promise<number | undefined> {
  const row = await db.selectFrom('cloud_fix_orders').select('request_id').where('system_id', '=', systemId).where('closed_at', 'is', null).executeTakeFirst()
  return row ? Number(row.request_id) : undefined
}

async function issueIn(ctx: WriteContext, system: CloudSystem, finding: string, deadline: string): Promise<IssuedOrder> {
  const open = await openOrderOf(ctx.db, system.id)
  if (open !== undefined) return {system: system.name, request: (await loadRequest(ctx.db, open, ctx.today)) as RequestWithHistory<FixOrder>, unchanged: true}
  const payload: FixOrder = {systemId: system.id, system: system.name, unit: system.unit, provider: system.provider, finding, deadline}
  const filed = await fileRequestIn(ctx, {kind: KIND, applicantUnit: system.unit, payload})
  await ctx.db.insertInto('cloud_fix_orders').values({request_id: filed.request.id, system_id: system.id, deadline, finding, issued_at: ctx.at, issued_by: ctx.actor, closed_at: null}).execute()
  return {system: system.name, request: filed.request as RequestWithHistory<FixOrder>}
}

function checkFinding(finding: string | undefined): string {
  const text = finding?.trim()
  if (!text) throw new InvalidInput('cloud.order.findingRequired', {}, {field: 'finding', rule: RULE})
  return text
}

/** One order for one in-service system, with the bureau's finding. */
export async function issueFixOrder(store: Store, name: string, input: {deadline?: string; finding?: string}): Promise<IssuedOrder> {
  const finding = checkFinding(input.finding)
  return store.write(async (ctx) => {
    const deadline = checkDeadline(input.deadline, ctx.today)
    const system = await findSystem(ctx.db, name)
    if (system.status !== 'in-service') throw new Conflict('cloud.notInService', {system: system.name, status: system.status}, {field: 'SYS', rule: RULE})
    return issueIn(ctx, system, finding, deadline)
  })
}

/** The finding the review writes for a flagged system. */
export function findingOf(f: FlaggedSystem, report: Pick<EfficiencyReport, 'days' | 'threshold'>): string {
  return `近 ${report.days} 天 CPU 使用率 P95 ${f.p95Cpu.toFixed(1)}%、内存使用率 P95 ${f.p95Memory.toFixed(1)}%，均低于 ${report.threshold}%（${f.samples} 个样本）；建议每台虚拟机 ${f.perVm.vcpu}→${f.suggestedPerVm.vcpu} vCPU、${f.perVm.memoryGib}→${f.suggestedPerVm.memoryGib} GiB 内存，可释放 ${f.freed.vcpu} vCPU、${f.freed.memoryGib} GiB 内存`
}

/**
 * The efficiency review with an order for every flagged system, in one transaction: the
 * review is computed inside it, so the orders are those of the figures it returns. Systems
 * with an open order are listed as unchanged.
 */
export async function reviewAndIssue(store: Store, options: EfficiencyOptions & {deadline?: string; out?: string}): Promise<{report: EfficiencyReport; orders: IssuedOrder[]}> {
  checkEfficiencyOptions(options)
  if (options.out) checkWorkbookPath(options.out)
  return store.write(async (ctx) => {
    const deadline = checkDeadline(options.deadline, ctx.today)
    const report = await efficiency(ctx, {...options, now: options.now ?? new Date(ctx.at)})
    const orders: IssuedOrder[] = []
    for (const f of report.flagged) {
      const system = await findSystem(ctx.db, f.system)
      orders.push(await issueIn(ctx, system, findingOf(f, report), deadline))
    }
    // The review's workbook is written last, inside the transaction (issue 20): if it cannot be
    // written (a full disk, a folder gone) no order is issued, so the file and the orders agree.
    if (options.out) await writeEfficiencyWorkbook(options.out, report)
    return {report, orders}
  })
}

async function orderRequest(db: Db, id: number, today: string): Promise<RequestWithHistory<FixOrder>> {
  const request = await loadRequest(db, id, today)
  if (request.kind !== KIND) throw new InvalidInput('request.wrongKind', {id, kind: request.kind, expected: KIND}, {field: 'ID'})
  return request as RequestWithHistory<FixOrder>
}

/** The unit reports what it did (整改情况): the order waits for the bureau's check. Recording the same report again is a no-op. */
export async function rectifyFixOrder(store: Store, id: number, measures: string | undefined): Promise<{request: RequestWithHistory<FixOrder>; unchanged?: boolean}> {
  const text = measures?.trim()
  if (!text) throw new InvalidInput('cloud.order.measuresRequired', {}, {field: 'measures', rule: RULE})
  return store.write(async (ctx) => {
    const before = await orderRequest(ctx.db, id, ctx.today)
    if (before.state === 'rectified' && before.payload.measures === text) return {request: before, unchanged: true}
    const moved = await advanceRequest<FixOrder>(ctx, id, 'rectify', {
      kinds: [KIND],
      comment: text,
      effect: (r) => Promise.resolve({...r.payload, measures: text, rectifiedBy: ctx.actor, rectifiedAt: ctx.at}),
    })
    return {request: moved.request}
  })
}

/** The bureau confirms the rectification: by an operator other than the one who recorded it. The system may be ordered again afterwards. */
export async function confirmFixOrder(store: Store, id: number, comment?: string): Promise<{request: RequestWithHistory<FixOrder>; unchanged?: boolean}> {
  return store.write(async (ctx) => {
    const before = await orderRequest(ctx.db, id, ctx.today)
    if (before.state === 'confirmed') return {request: before, unchanged: true}
    if (before.state === 'rectified' && before.payload.rectifiedBy === ctx.actor) {
      throw new RuleRefused('X-2', 'cloud.order.ownRectification', {id, actor: ctx.actor}, {field: 'operator'})
    }
    const moved = await advanceRequest<FixOrder>(ctx, id, 'confirm', {kinds: [KIND], comment, effect: (r) => Promise.resolve({...r.payload, confirmedBy: ctx.actor})})
    await ctx.db.updateTable('cloud_fix_orders').set({closed_at: ctx.at}).where('request_id', '=', id).execute()
    return {request: moved.request}
  })
}

/** The bureau finds the rectification wanting: the order is issued again, due on its deadline, with the reason in the history. */
export async function returnFixOrder(store: Store, id: number, reason: string | undefined): Promise<{request: RequestWithHistory<FixOrder>}> {
  const text = reason?.trim()
  if (!text) throw new InvalidInput('request.reasonRequired', {}, {field: 'reason'})
  return store.write(async (ctx) => {
    await orderRequest(ctx.db, id, ctx.today)
    const moved = await advanceRequest<FixOrder>(ctx, id, 'return', {kinds: [KIND], comment: text})
    return {request: moved.request}
  })
}

/** onEnter of the issued state: the order is due on its deadline, not after a number of working days. */
export async function dueOnDeadline(ctx: WriteContext, id: number, p: FixOrder): Promise<void> {
  await ctx.db.updateTable('requests').set({due_on: p.deadline}).where('id', '=', id).execute()
}

export async function orderById(db: Db, id: number): Promise<RequestWithHistory<FixOrder>> {
  const row = await db.selectFrom('cloud_fix_orders').select('request_id').where('request_id', '=', id).executeTakeFirst()
  if (!row) throw new NotFound('cloud.order.notFound', {id}, {field: 'ID'})
  return (await loadRequest(db, id)) as RequestWithHistory<FixOrder>
}
