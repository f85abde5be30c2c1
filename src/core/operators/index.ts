import {appendAudit} from '../audit/index.js'
import {parseIsoDate} from '../dates.js'
import {Conflict, InvalidInput, NotFound, RuleRefused} from '../errors.js'
import {checkedText} from '../names.js'
import {nearest} from '../nearest.js'
import {type Database, type Reader, readerDb, type Store, type WriteContext} from '../store/index.js'
import {fileRequestIn, type Request} from '../workflow/index.js'
import {ADMIN_ROLES, isRole, type Role, ROLE_IDS} from './roles.js'

import {checkPermit} from './permit.js'
export {checkPermit}
export {ADMIN_ROLES, permitFor, type Role, ROLE_IDS, ROLES, reviewRole, roleLabel} from './roles.js'

/** A person on the roster (issue 18). */
export interface Operator {
  login: string
  name: string
  unit: string | null
  roles: Role[]
  /** China dates, YYYY-MM-DD: the first and last day they may act (open-ended when null). */
  activeFrom: string
  activeTo: string | null
  addedAt: string
  addedBy: string
  retiredAt: string | null
  retiredBy: string | null
  /** Active today: not retired and within its dates. */
  active: boolean
}

type Row = Database['operators']

export function toOperator(row: Row, today: string): Operator {
  const roles = row.roles.split(',').filter(isRole)
  const active = isActive(row, today)
  return {
    login: row.login,
    name: row.name,
    unit: row.unit,
    roles,
    activeFrom: row.active_from,
    activeTo: row.active_to,
    addedAt: row.added_at,
    addedBy: row.added_by,
    retiredAt: row.retired_at,
    retiredBy: row.retired_by,
    active,
  }
}

import {isActive, rolesParam} from './permit.js'

/** Role ids from "a,b c" (commas or spaces): exit 2 naming roles and the nearest role for a typo; the three administrators kept apart (exit 5, X-4). */
export function parseRoles(text: string): Role[] {
  const given = text
    .split(/[,，\s]+/)
    .map((r) => r.trim())
    .filter(Boolean)
  if (!given.length) throw new InvalidInput('operators.noRoles', {}, {field: 'roles'})
  const roles: Role[] = []
  for (const role of given) {
    if (!isRole(role)) {
      const near = nearest(role, ROLE_IDS)
      throw new InvalidInput(
        'operators.unknownRole',
        {role, hint: near ? ` (did you mean ${near}?)` : '', roles: ROLE_IDS.join(', ')},
        {field: 'roles', details: {value: role, suggestion: near, roles: ROLE_IDS}},
      )
    }
    if (!roles.includes(role)) roles.push(role)
  }
  checkSeparated(roles)
  return roles
}

/** The three administrators (三员) are three people. @rule X-4 */
function checkSeparated(roles: readonly Role[]): void {
  const admins = roles.filter((r) => ADMIN_ROLES.includes(r))
  if (admins.length > 1) throw new RuleRefused('X-4', 'operators.adminsSeparate', {roles: rolesParam(admins)}, {field: 'roles', details: {roles: admins}})
}

export async function listOperators(from: Reader, today: string, options: {all?: boolean} = {}): Promise<Operator[]> {
  const db = readerDb(from)
  const rows = await db.selectFrom('operators').selectAll().orderBy('login').execute()
  return rows.map((r) => toOperator(r, today)).filter((o) => options.all || o.retiredAt === null)
}

export async function findOperator(from: Reader, login: string, today: string): Promise<Operator> {
  const db = readerDb(from)
  const row = await db.selectFrom('operators').selectAll().where('login', '=', login.trim()).executeTakeFirst()
  if (!row) throw new NotFound('operators.notFound', {login}, {field: 'LOGIN'})
  return toOperator(row, today)
}

export interface OperatorInput {
  name?: string
  unit?: string
  roles?: string
  from?: string
  to?: string
}

function checkedDates(from: string, to: string | null): void {
  if (to !== null && to < from) throw new InvalidInput('operators.badDates', {from, to}, {field: 'to'})
}

/** The active system administrators other than `except`, today. */
async function otherAdmins(ctx: WriteContext, except: string): Promise<number> {
  return (await listOperators(ctx.db, ctx.today)).filter((o) => o.active && o.login !== except && o.roles.includes('system-admin')).length
}

/**
 * A change to the roster (issue 18; CERT-4, X-4; 002 第二十二条): once a roster exists it is a
 * request of kind roster-change, in effect when a second 系统管理员 approves it. Only the
 * fields that change are carried, checked and normalised.
 */
export interface RosterChange {
  op: 'add' | 'edit' | 'retire'
  login: string
  name?: string
  unit?: string | null
  roles?: Role[]
  from?: string
  to?: string | null
}

export const ROSTER_KIND = 'roster-change'

/** The roster entry a change makes, from the one before (null for add). */
function rowAfter(before: Operator | null, change: RosterChange): {name: string; unit: string | null; roles: Role[]; from: string; to: string | null} {
  return {
    name: change.name ?? before?.name ?? '',
    unit: change.unit === undefined ? (before?.unit ?? null) : change.unit,
    roles: change.roles ?? before?.roles ?? [],
    from: change.from ?? before?.activeFrom ?? '',
    to: change.to === undefined ? (before?.activeTo ?? null) : change.to,
  }
}

async function findRow(ctx: WriteContext, login: string): Promise<Operator | null> {
  const row = await ctx.db.selectFrom('operators').selectAll().where('login', '=', login).executeTakeFirst()
  return row ? toOperator(row, ctx.today) : null
}

/**
 * Checks a change against the roster as it is now: when filed, and again when approved (the
 * roster may have changed meanwhile). add: not on the roster yet (exit 4); edit, retire: on it
 * (exit 3); the three administrators kept apart and an active 系统管理员 kept (exit 5, X-2).
 * `unchanged` when it would change nothing.
 */
async function checkChange(ctx: WriteContext, change: RosterChange): Promise<{before: Operator | null; unchanged: boolean}> {
  const before = await findRow(ctx, change.login)
  if (change.op === 'add') {
    if (before) throw new Conflict('operators.exists', {login: change.login}, {field: 'LOGIN'})
    checkSeparated(change.roles ?? [])
    return {before: null, unchanged: false}
  }
  if (!before) throw new NotFound('operators.notFound', {login: change.login}, {field: 'LOGIN'})
  if (change.op === 'retire') {
    if (before.retiredAt !== null) return {before, unchanged: true}
    if (before.active && before.roles.includes('system-admin') && (await otherAdmins(ctx, before.login)) === 0) {
      throw new RuleRefused('X-2', 'operators.lastAdmin', {login: before.login}, {field: 'LOGIN'})
    }
    return {before, unchanged: false}
  }
  const after = rowAfter(before, change)
  checkSeparated(after.roles)
  checkedDates(after.from, after.to)
  const changed = before.name !== after.name || before.unit !== after.unit || before.roles.join(',') !== after.roles.join(',') || before.activeFrom !== after.from || before.activeTo !== after.to
  if (!changed) return {before, unchanged: true}
  const staysAdmin = after.roles.includes('system-admin') && after.from <= ctx.today && (after.to === null || ctx.today <= after.to)
  if (before.active && before.roles.includes('system-admin') && !staysAdmin && (await otherAdmins(ctx, before.login)) === 0) {
    throw new RuleRefused('X-2', 'operators.lastAdmin', {login: before.login}, {field: 'roles'})
  }
  return {before, unchanged: false}
}

/** Makes a change on the roster, checked again first, with an audit entry carrying before and after (and the request that approved it). */
export async function applyRosterChange(ctx: WriteContext, change: RosterChange, via: {requestId?: number; bootstrap?: true} = {}): Promise<Operator & {unchanged?: true}> {
  const {before, unchanged} = await checkChange(ctx, change)
  if (unchanged) return {...before!, unchanged: true}
  const id = change.login
  if (change.op === 'add') {
    const after = rowAfter(null, change)
    await ctx.db
      .insertInto('operators')
      .values({
        login: id,
        name: after.name,
        unit: after.unit,
        roles: after.roles.join(','),
        active_from: after.from,
        active_to: after.to,
        added_at: ctx.at,
        added_by: ctx.actor,
        retired_at: null,
        retired_by: null,
      })
      .execute()
  } else if (change.op === 'edit') {
    const after = rowAfter(before, change)
    await ctx.db
      .updateTable('operators')
      .set({name: after.name, unit: after.unit, roles: after.roles.join(','), active_from: after.from, active_to: after.to})
      .where('login', '=', id)
      .execute()
  } else {
    await ctx.db.updateTable('operators').set({retired_at: ctx.at, retired_by: ctx.actor}).where('login', '=', id).execute()
  }
  const operator = await findOperator(ctx.db, id, ctx.today)
  await appendAudit(ctx, {action: `operator.${change.op}`, entityType: 'operator', entityId: id, ...(before ? {before} : {}), after: {...operator, ...via}})
  return operator
}

/** What a roster command did: the change made at once (bootstrap), or the request filed for a second 系统管理员. */
export type RosterResult = (Operator & {pending: false; unchanged?: true}) | {pending: true; request: Request; change: RosterChange}

/**
 * Makes or files a roster change (issue 18, X-2, CERT-4, 002 第二十二条). The rule:
 * - an empty roster is started at once by its first entry, the one who starts it, as 系统管理员
 *   (or by `egov db init --admin`): nobody could approve it;
 * - while fewer than two 系统管理员 are active, adding a new person whose only role is
 *   system-admin takes effect at once: four eyes need two people, and that change grants no
 *   duty beyond keeping the roster;
 * - every other change is a request (roster-change) that takes effect when another active
 *   系统管理员 approves it (`egov requests approve ID`); the filer cannot approve it.
 *
 * @rule X-4 a change of operations staff is approved, accounts follow staff changes
 */
export async function changeRoster(ctx: WriteContext, change: RosterChange): Promise<RosterResult> {
  const empty = !(await ctx.db.selectFrom('operators').select('login').limit(1).executeTakeFirst())
  if (empty) {
    if (change.op !== 'add' || change.login !== ctx.actor || !change.roles?.includes('system-admin')) {
      if (change.op !== 'add') throw new NotFound('operators.notFound', {login: change.login}, {field: 'LOGIN'})
      throw new RuleRefused('X-2', 'operators.firstMustBeAdmin', {actor: ctx.actor}, {field: 'LOGIN', details: {actor: ctx.actor}})
    }
    return {...(await applyRosterChange(ctx, change, {bootstrap: true})), pending: false}
  }
  const {before, unchanged} = await checkChange(ctx, change)
  if (unchanged) return {...before!, pending: false, unchanged: true}
  const admins = (await listOperators(ctx.db, ctx.today)).filter((o) => o.active && o.roles.includes('system-admin')).length
  if (change.op === 'add' && admins < 2 && change.roles?.length === 1 && change.roles[0] === 'system-admin') {
    return {...(await applyRosterChange(ctx, change, {bootstrap: true})), pending: false}
  }
  const filer = await findRow(ctx, ctx.actor)
  const applicantUnit = (change.unit ?? before?.unit ?? filer?.unit ?? ctx.actor) || ctx.actor
  const {request} = await fileRequestIn(ctx, {kind: ROSTER_KIND, applicantUnit, payload: change})
  return {pending: true, request, change}
}

function inputChange(ctx: WriteContext, op: 'add' | 'edit', login: string, input: OperatorInput): RosterChange {
  const id = checkedText(login, 'LOGIN')
  if (!id) throw new InvalidInput('input.empty', {field: 'LOGIN'}, {field: 'LOGIN'})
  const change: RosterChange = {op, login: id}
  if (input.name !== undefined) {
    change.name = checkedText(input.name, 'name')
    if (!change.name) throw new InvalidInput('input.empty', {field: 'name'}, {field: 'name'})
  }
  if (input.unit !== undefined) change.unit = checkedText(input.unit, 'unit') || null
  if (input.roles !== undefined) change.roles = parseRoles(input.roles)
  if (input.from !== undefined) change.from = parseIsoDate(input.from, 'from')
  if (input.to !== undefined) change.to = op === 'edit' && input.to === '' ? null : parseIsoDate(input.to, 'to')
  if (op === 'add') {
    change.from ??= ctx.today
    change.to ??= null
    change.unit ??= null
    checkedDates(change.from, change.to)
  }
  return change
}

/** `egov operators add`: puts a person on the roster (at once while starting it, else as a request). */
export async function addOperatorIn(ctx: WriteContext, login: string, input: OperatorInput & {name: string; roles: string}): Promise<RosterResult> {
  const change = inputChange(ctx, 'add', login, input)
  if (!change.name) throw new InvalidInput('input.empty', {field: 'name'}, {field: 'name'})
  return changeRoster(ctx, change)
}

/** addOperator in its own transaction: what a command calls (the addOperatorIn form joins a caller's transaction). */
export function addOperator(store: Store, login: string, input: OperatorInput & {name: string; roles: string}): Promise<RosterResult> {
  return store.write((ctx) => addOperatorIn(ctx, login, input))
}

/** `egov operators edit`: changes a person's name, unit, roles or dates; the roster keeps an active 系统管理员. */
export async function editOperatorIn(ctx: WriteContext, login: string, input: OperatorInput): Promise<RosterResult> {
  if ([input.name, input.unit, input.roles, input.from, input.to].every((v) => v === undefined)) throw new InvalidInput('operators.nothingToChange', {}, {field: 'name'})
  return changeRoster(ctx, inputChange(ctx, 'edit', login, input))
}

/** editOperator in its own transaction: what a command calls (the editOperatorIn form joins a caller's transaction). */
export function editOperator(store: Store, login: string, input: OperatorInput): Promise<RosterResult> {
  return store.write((ctx) => editOperatorIn(ctx, login, input))
}

/** `egov operators retire`: they stay on the roster (the history names them) and may only read. */
export async function retireOperatorIn(ctx: WriteContext, login: string): Promise<RosterResult> {
  const id = checkedText(login, 'LOGIN')
  if (!id) throw new InvalidInput('input.empty', {field: 'LOGIN'}, {field: 'LOGIN'})
  return changeRoster(ctx, {op: 'retire', login: id})
}

/** retireOperator in its own transaction: what a command calls (the retireOperatorIn form joins a caller's transaction). */
export function retireOperator(store: Store, login: string): Promise<RosterResult> {
  return store.write((ctx) => retireOperatorIn(ctx, login))
}

/**
 * `egov db init --admin`: the first 系统管理员, put on an empty roster directly (nobody could
 * approve it). On a roster that has them already as an active 系统管理员 nothing changes;
 * on any other roster it is a conflict (exit 4): changes there are requests.
 */
export async function startRosterIn(ctx: WriteContext, login: string, input: {name: string; unit?: string}): Promise<Operator & {unchanged?: true}> {
  const change = inputChange(ctx, 'add', login, {name: input.name, unit: input.unit, roles: 'system-admin'})
  if (!change.name) throw new InvalidInput('input.empty', {field: 'name'}, {field: 'name'})
  const empty = !(await ctx.db.selectFrom('operators').select('login').limit(1).executeTakeFirst())
  if (!empty) {
    const present = await findRow(ctx, change.login)
    if (present?.active && present.roles.includes('system-admin')) return {...present, unchanged: true}
    throw new Conflict('operators.rosterStarted', {login: change.login}, {field: 'admin'})
  }
  return applyRosterChange(ctx, change, {bootstrap: true})
}

/** startRoster in its own transaction: what a command calls (the startRosterIn form joins a caller's transaction). */
export function startRoster(store: Store, login: string, input: {name: string; unit?: string}): Promise<Operator & {unchanged?: true}> {
  return store.write((ctx) => startRosterIn(ctx, login, input))
}

/** The person, when they are an active 系统管理员 on the roster today (db init --admin run again changes nothing, whoever runs it). */
export async function activeAdmin(from: Reader, login: string, today: string): Promise<Operator | undefined> {
  const db = readerDb(from)
  const row = await db.selectFrom('operators').selectAll().where('login', '=', login.trim()).executeTakeFirst()
  const operator = row ? toOperator(row, today) : undefined
  return operator?.active && operator.roles.includes('system-admin') ? operator : undefined
}

/** Roster changes filed and not yet approved, rejected or withdrawn; only those naming `login` when given. */
export async function pendingRosterChanges(from: Reader, login?: string): Promise<Array<{id: number; filedBy: string; filedAt: string; summary: string; change: RosterChange}>> {
  const db = readerDb(from)
  const rows = await db.selectFrom('requests').select(['id', 'filed_by', 'filed_at', 'summary', 'payload']).where('kind', '=', ROSTER_KIND).where('state', '=', 'submitted').orderBy('id').execute()
  return rows
    .map((r) => ({id: Number(r.id), filedBy: r.filed_by, filedAt: r.filed_at, summary: r.summary ?? '', change: JSON.parse(r.payload) as RosterChange}))
    .filter((r) => login === undefined || r.change.login === login.trim())
}

/** One line for a change: "add lisi (李四): net, review-cloud". */
export function changeSummary(c: RosterChange): string {
  const parts: string[] = []
  if (c.name !== undefined) parts.push(c.op === 'add' ? `(${c.name})` : `name ${c.name}`)
  if (c.unit !== undefined && c.unit !== null) parts.push(c.op === 'add' ? c.unit : `unit ${c.unit}`)
  if (c.roles !== undefined) parts.push(`roles ${c.roles.join(',')}`)
  if (c.from !== undefined) parts.push(`from ${c.from}`)
  if (c.to !== undefined && !(c.op === 'add' && c.to === null)) parts.push(`to ${c.to ?? '—'}`)
  return [`${c.op} ${c.login}`, ...parts].join(' ')
}

/** A stored or filed roster change, checked and normalised (the roster-change kind's payload). */
export function parseRosterChange(input: unknown): RosterChange {
  const p = (input ?? {}) as Record<string, unknown>
  if (p.op !== 'add' && p.op !== 'edit' && p.op !== 'retire') throw new InvalidInput('operators.badChange', {}, {field: 'op'})
  const login = typeof p.login === 'string' ? checkedText(p.login, 'LOGIN') : ''
  if (!login) throw new InvalidInput('input.empty', {field: 'LOGIN'}, {field: 'LOGIN'})
  const change: RosterChange = {op: p.op, login}
  if (p.op === 'retire') return change
  if (typeof p.name === 'string') change.name = checkedText(p.name, 'name')
  if (p.unit === null || typeof p.unit === 'string') change.unit = p.unit === null ? null : checkedText(p.unit, 'unit') || null
  if (Array.isArray(p.roles)) change.roles = parseRoles(p.roles.join(','))
  if (typeof p.from === 'string') change.from = parseIsoDate(p.from, 'from')
  if (p.to === null || typeof p.to === 'string') change.to = p.to === null ? null : parseIsoDate(p.to, 'to')
  if (p.op === 'add' && (!change.name || !change.roles || !change.from)) throw new InvalidInput('operators.badChange', {}, {field: 'op'})
  return change
}
