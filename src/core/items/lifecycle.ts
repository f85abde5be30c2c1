import {appendAudit} from '../audit/index.js'
import {WorkCalendar, type CalendarWarning} from '../calendar/index.js'
import {parseIsoDate} from '../dates.js'
import {Conflict, InvalidInput, RuleRefused} from '../errors.js'
import {rowRuleProblems} from '../io/form-reader.js'
import {normaliseCell, toHalfWidth} from '../io/values.js'
import {normaliseHeader} from '../io/layout.js'
import {t} from '../i18n/index.js'
import type {Store, WriteContext} from '../store/index.js'
import {readTemplate} from '../templates.js'
import {fileRequestIn, type RequestWithHistory} from '../workflow/index.js'
import {closeRevisions, codePattern, newVersion} from './versions.js'
import {column, contentHash, currentContent, decidedStatus, displayName, eventsOf, type ItemContent, type ItemStatus, itemsLayout, packRow, packRows, PARTS, sheetOf} from './model.js'

export type LifecycleAction = 'open' | 'change' | 'pause' | 'resume' | 'terminate'
export const LIFECYCLE_ACTIONS: LifecycleAction[] = ['open', 'change', 'pause', 'resume', 'terminate']

export interface LifecycleRequest {
  action: LifecycleAction
  code: string
  name: string
  body: string
  effective: string
  reason: string
  /** change: 基本信息 elements to replace, by header. */
  set?: Record<string, string>
  /** change (from an import): the item's new 办理流程 / 申请材料 rows, each part given replacing the current one. */
  parts?: {steps?: string[][]; materials?: string[][]}
  /** The import file that proposed the change (ITEM-4 requests filed by `egov items import`). */
  source?: string
  /** The hash of the proposed content: the same file imported again does not file the request twice. */
  proposal?: string
  /** The public announcement (公告) of the change. */
  announcement: string
  /** Set when carried out. */
  status?: ItemStatus
  version?: number
}

/** From which statuses each action may go, and where it leads (ITEM-4). */
const MOVES: Record<LifecycleAction, {from: ItemStatus[]; to?: ItemStatus}> = {
  open: {from: ['pending'], to: 'open'},
  change: {from: ['pending', 'open', 'paused']},
  pause: {from: ['open'], to: 'paused'},
  resume: {from: ['paused'], to: 'open'},
  terminate: {from: ['pending', 'open', 'paused'], to: 'terminated'},
}

/** Pause, resume and terminate are applied for at least 3 working days ahead and announced (ITEM-4). */
const ANNOUNCED_AHEAD: LifecycleAction[] = ['pause', 'resume', 'terminate']
const LEAD_DAYS = 3

export interface LifecycleInput {
  action: LifecycleAction
  code: string
  effective: string
  reason: string
  /** change only: 字段=值 pairs of 基本信息 columns. */
  set?: string[]
}

/**
 * What a new change builds on: the status once every approved change is in effect, and
 * the date of the last of them. Changes line up one after another (a new one takes effect
 * no earlier than the last scheduled), so each is checked against the status it follows.
 */
async function scheduled(ctx: WriteContext, code: string): Promise<{status: ItemStatus; from: string | null}> {
  const last = decidedStatus((await eventsOf(ctx.db, code)).get(code))
  return {status: last?.status ?? 'pending', from: last?.effective ?? null}
}

function actionName(action: LifecycleAction, locale: 'en' | 'zh' = 'en'): string {
  return t(`items.action.${action}`, {}, locale)
}

/** Files an ITEM-4 lifecycle request; the approval (by a second person) carries it out. */
export async function fileLifecycle(store: Store, input: LifecycleInput): Promise<{request: RequestWithHistory<LifecycleRequest>; warnings: CalendarWarning[]}> {
  const effective = parseIsoDate(input.effective, 'effective')
  const reason = input.reason.trim()
  if (!reason) throw new InvalidInput('input.empty', {field: 'reason'}, {field: 'reason'})
  const pattern = await codePattern(store.db)
  const code = toHalfWidth(input.code).trim().toUpperCase()
  const set = input.action === 'change' ? parseSet(input.set ?? [], pattern) : undefined
  return store.write((ctx) => fileLifecycleIn(ctx, {action: input.action, code, effective, reason, set}))
}

/** What an import proposes for an open item: the request's action, its new elements, where it came from. */
export interface LifecycleFiling {
  action: LifecycleAction
  code: string
  effective: string
  reason: string
  set?: Record<string, string>
  parts?: LifecycleRequest['parts']
  source?: string
  proposal?: string
  /** Announced at least 3 working days ahead whatever the action (an import's requests, ITEM-4). */
  ahead?: boolean
}

/** The earliest date a request announced ahead may take effect, and the date the item's schedule builds on. */
export async function earliestFor(ctx: WriteContext, code: string): Promise<{earliest: string; from: string | null; warnings: CalendarWarning[]}> {
  const calendar = await WorkCalendar.fromDatabase(ctx.db)
  const earliest = calendar.addWorkdays(ctx.today, LEAD_DAYS)
  const {from} = await scheduled(ctx, code)
  return {earliest: earliest.date, from, warnings: earliest.warnings}
}

/** The request filed inside a write: the status, the notice, the schedule and a request already waiting are checked. */
export async function fileLifecycleIn(ctx: WriteContext, input: LifecycleFiling): Promise<{request: RequestWithHistory<LifecycleRequest>; warnings: CalendarWarning[]}> {
  const {code, effective, reason, set} = input
  const item = await currentContent(ctx.db, code)
  const {status, from} = await scheduled(ctx, code)
  if (!MOVES[input.action].from.includes(status)) {
    throw new Conflict('items.lifecycle.wrongStatus', {code, status: t(`items.status.${status}`, {}, 'en'), action: actionName(input.action)}, {field: 'CODE', rule: 'ITEM-4'})
  }
  const calendar = await WorkCalendar.fromDatabase(ctx.db)
  const warnings: CalendarWarning[] = []
  if (effective < ctx.today) throw new InvalidInput('items.lifecycle.past', {effective, today: ctx.today}, {field: 'effective'})
  if (input.ahead || ANNOUNCED_AHEAD.includes(input.action)) {
    const earliest = calendar.addWorkdays(ctx.today, LEAD_DAYS)
    warnings.push(...earliest.warnings)
    if (effective < earliest.date) {
      throw new RuleRefused('ITEM-4', 'items.lifecycle.tooSoon', {effective, action: actionName(input.action), earliest: earliest.date}, {field: 'effective'})
    }
  }
  if (from && effective < from) throw new Conflict('items.lifecycle.afterScheduled', {code, date: from}, {field: 'effective', rule: 'ITEM-4'})
  const waiting = await waitingRequest(ctx, code)
  if (waiting) throw new Conflict('items.lifecycle.pending', {code, id: waiting.id, action: actionName(waiting.payload.action)}, {field: 'CODE', details: {request: waiting.id}})
  if (set) checkChangedRow(item.content, set)
  const basic = item.content.basic
  const payload: LifecycleRequest = {
    action: input.action,
    code,
    name: item.name,
    body: item.body,
    effective,
    reason,
    ...(set && Object.keys(set).length ? {set} : {}),
    ...(input.parts ? {parts: input.parts} : {}),
    ...(input.source ? {source: input.source} : {}),
    ...(input.proposal ? {proposal: input.proposal} : {}),
    announcement: announcement(input.action, {
      code,
      name: item.name,
      body: item.body,
      effective,
      reason,
      inquiry: (basic[column('basic', 'inquiryPhone')] ?? '').replaceAll('；', '、'),
      complaint: (basic[column('basic', 'complaintPhone')] ?? '').replaceAll('；', '、'),
      date: ctx.today,
    }),
  }
  const filed = await fileRequestIn(ctx, {kind: 'item-lifecycle', applicantUnit: item.body, payload})
  return {request: filed.request as RequestWithHistory<LifecycleRequest>, warnings: [...warnings, ...filed.warnings]}
}

/** The lifecycle request of an item still waiting for its review, if any. */
export async function waitingRequest(ctx: WriteContext, code: string): Promise<{id: number; payload: LifecycleRequest} | undefined> {
  const open = await ctx.db.selectFrom('requests').select(['id', 'payload']).where('kind', '=', 'item-lifecycle').where('state', '=', 'applied').execute()
  for (const r of open) {
    const p = JSON.parse(r.payload) as LifecycleRequest
    if (p.code === code) return {id: Number(r.id), payload: p}
  }
  return undefined
}

/** --set 字段=值: the header (or an alias) of a 基本信息 column, the value through its type. */
function parseSet(pairs: string[], pattern: RegExp): Record<string, string> {
  const sheet = sheetOf('basic')
  const out: Record<string, string> = {}
  for (const pair of pairs) {
    const at = pair.search(/[=＝]/)
    if (at <= 0) throw new InvalidInput('items.lifecycle.badSet', {value: pair}, {field: 'set'})
    const name = normaliseHeader(pair.slice(0, at))
    const col = sheet.columns.find((c) => [c.header, ...(c.aliases ?? [])].some((h) => normaliseHeader(h) === name))
    if (!col) throw new InvalidInput('items.lifecycle.badSet', {value: pair}, {field: 'set'})
    if (col.key === 'code') throw new InvalidInput('items.lifecycle.setCode', {}, {field: 'set'})
    const outcome = normaliseCell(col, pair.slice(at + 1), {codePattern: pattern})
    if (typeof outcome !== 'string') {
      throw new InvalidInput(outcome.key, {column: col.header, value: pair.slice(at + 1), number: pair.slice(at + 1), ...outcome.params}, {field: 'set', rule: col.rule ?? 'ITEM-2'})
    }
    out[col.header] = outcome
  }
  if (!Object.keys(out).length) throw new InvalidInput('input.missingFlag', {flag: 'set', label: '字段=值'}, {field: 'set'})
  return out
}

function applySet(content: ItemContent, set: Record<string, string>): ItemContent {
  const basic = [...content.basic]
  sheetOf('basic').columns.forEach((c, i) => {
    if (c.header in set) basic[i] = set[c.header]!
  })
  return {...content, basic}
}

/** The changed row still keeps the cross-field rules (承诺 ≤ 法定, fee details when charged). */
function checkChangedRow(content: ItemContent, set: Record<string, string>): void {
  const changed = applySet(content, set)
  const sheet = sheetOf('basic')
  const [first] = rowRuleProblems(sheet, itemsLayout().rules ?? [], changed.basic)
  if (first) throw new RuleRefused(first.rule, first.key, first.params, {field: 'set'})
}

/** The approval's effect: the status from the effective date, and a change's new elements as a new list version. */
export async function carryOut(ctx: WriteContext, requestId: number, p: LifecycleRequest): Promise<Partial<LifecycleRequest>> {
  const item = await currentContent(ctx.db, p.code)
  const {status: decided, from} = await scheduled(ctx, p.code)
  if (from && p.effective < from) throw new Conflict('items.lifecycle.afterScheduled', {code: p.code, date: from}, {field: 'ID', rule: 'ITEM-4'})
  if (!MOVES[p.action].from.includes(decided)) {
    throw new Conflict('items.lifecycle.wrongStatus', {code: p.code, status: t(`items.status.${decided}`, {}, 'en'), action: actionName(p.action)}, {field: 'ID', rule: 'ITEM-4'})
  }
  const patch: Partial<LifecycleRequest> = {}
  const to = MOVES[p.action].to
  if (to) {
    await ctx.db.insertInto('item_events').values({code: p.code, status: to, effective: p.effective, request_id: requestId, at: ctx.at}).execute()
    await appendAudit(ctx, {action: `items.${p.action}`, entityType: 'item', entityId: p.code, before: {status: decided}, after: {status: to, effective: p.effective, request: requestId}})
    patch.status = to
  }
  if (p.set || p.parts) {
    const content = applySet(item.content, p.set ?? {})
    const version = await newVersion(ctx, {source: `request ${requestId}`, sha256: '', origin: 'change', bodies: [item.body], items: 1, added: 0, changed: 1, removed: 0})
    await closeRevisions(ctx, [p.code], version)
    const packed = packRow(content.basic)
    await ctx.db
      .insertInto('item_revisions')
      .values({
        code: p.code,
        body: content.basic[column('basic', 'body')]!,
        type: content.basic[column('basic', 'type')]!,
        name: displayName(content.basic),
        version_from: version,
        version_to: null,
        hash: contentHash(packed),
        content: packed,
      })
      .execute()
    for (const part of PARTS) {
      const rows = p.parts?.[part]
      if (!rows) continue
      await ctx.db.updateTable('item_parts').set({version_to: version}).where('part', '=', part).where('version_to', 'is', null).where('code', '=', p.code).execute()
      if (!rows.length) continue
      const packedRows = packRows(rows.map(packRow))
      await ctx.db
        .insertInto('item_parts')
        .values({code: p.code, part, version_from: version, version_to: null, hash: contentHash(packedRows), content: packedRows})
        .execute()
    }
    await appendAudit(ctx, {
      action: 'items.change',
      entityType: 'item',
      entityId: p.code,
      before: {version: item.version},
      after: {version, set: p.set, ...(p.parts ? {parts: Object.keys(p.parts)} : {}), request: requestId},
    })
    patch.version = version
  }
  return patch
}

interface AnnouncementTemplate {
  title: string
  body: string[]
  reason: string
  signature: string[]
  actions: Record<LifecycleAction, {verb: string; phrase: string}>
}

function fill(text: string, values: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (_, k: string) => values[k] ?? '')
}

function chineseDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number)
  return `${y}年${m}月${d}日`
}

/** The public announcement (公告) of a lifecycle change, from templates/items-announcement.json. */
export function announcement(action: LifecycleAction, v: {code: string; name: string; body: string; effective: string; reason: string; inquiry: string; complaint: string; date: string}): string {
  const tpl = readTemplate<AnnouncementTemplate>('items-announcement.json')
  const {verb, phrase} = tpl.actions[action]
  const values = {...v, verb, phrase, effective: chineseDate(v.effective), date: chineseDate(v.date)}
  const reason = fill(tpl.reason, {verb, text: v.reason.replace(/[。.]$/, '')})
  const body = tpl.body.map((line) => fill(line, {...values, reason})).filter((line) => line.trim() !== '')
  return [fill(tpl.title, values), '', ...body, '', ...tpl.signature.map((line) => fill(line, values))].join('\n')
}
