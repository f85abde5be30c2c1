import type {Kysely} from '#kysely'

import {appendAudit} from '../audit/index.js'
import {parseIsoDate} from '../dates.js'
import {Conflict, InvalidInput, NotFound, RuleRefused} from '../errors.js'
import {checkedText} from '../names.js'
import {nearest} from '../nearest.js'
import type {Database, WriteContext} from '../store/index.js'
import {ADMIN_ROLES, isRole, type Role, ROLE_IDS} from './roles.js'

export {checkPermit} from './permit.js'
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

/** Role ids from "a,b c" (commas or spaces): exit 2 naming roles and the nearest role for a typo; the three administrators kept apart (exit 5, X-2). */
export function parseRoles(text: string): Role[] {
  const given = text.split(/[,，\s]+/).map((r) => r.trim()).filter(Boolean)
  if (!given.length) throw new InvalidInput('operators.noRoles', {}, {field: 'roles'})
  const roles: Role[] = []
  for (const role of given) {
    if (!isRole(role)) {
      const near = nearest(role, ROLE_IDS)
      throw new InvalidInput('operators.unknownRole', {role, hint: near ? ` (did you mean ${near}?)` : '', roles: ROLE_IDS.join(', ')}, {field: 'roles', details: {value: role, suggestion: near, roles: ROLE_IDS}})
    }
    if (!roles.includes(role)) roles.push(role)
  }
  checkSeparated(roles)
  return roles
}

function checkSeparated(roles: readonly Role[]): void {
  const admins = roles.filter((r) => ADMIN_ROLES.includes(r))
  if (admins.length > 1) throw new RuleRefused('X-2', 'operators.adminsSeparate', {roles: rolesParam(admins)}, {field: 'roles', details: {roles: admins}})
}

export async function listOperators(db: Kysely<Database>, today: string, options: {all?: boolean} = {}): Promise<Operator[]> {
  const rows = await db.selectFrom('operators').selectAll().orderBy('login').execute()
  return rows.map((r) => toOperator(r, today)).filter((o) => options.all || o.retiredAt === null)
}

export async function findOperator(db: Kysely<Database>, login: string, today: string): Promise<Operator> {
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
 * Adds a person. The first entry of an empty roster is the one who adds it, as 系统管理员,
 * so that the roster is never left without a keeper; from then on the roster is checked on
 * every change (checkPermit).
 */
export async function addOperator(ctx: WriteContext, login: string, input: OperatorInput & {name: string; roles: string}): Promise<Operator> {
  const id = checkedText(login, 'LOGIN')
  if (!id) throw new InvalidInput('input.empty', {field: 'LOGIN'}, {field: 'LOGIN'})
  const name = checkedText(input.name, 'name')
  if (!name) throw new InvalidInput('input.empty', {field: 'name'}, {field: 'name'})
  const unit = input.unit === undefined ? null : checkedText(input.unit, 'unit') || null
  const roles = parseRoles(input.roles)
  const from = input.from === undefined ? ctx.today : parseIsoDate(input.from, 'from')
  const to = input.to === undefined ? null : parseIsoDate(input.to, 'to')
  checkedDates(from, to)
  const empty = !(await ctx.db.selectFrom('operators').select('login').limit(1).executeTakeFirst())
  if (empty && (id !== ctx.actor || !roles.includes('system-admin'))) {
    throw new RuleRefused('X-2', 'operators.firstMustBeAdmin', {actor: ctx.actor}, {field: 'LOGIN', details: {actor: ctx.actor}})
  }
  if (await ctx.db.selectFrom('operators').select('login').where('login', '=', id).executeTakeFirst()) throw new Conflict('operators.exists', {login: id}, {field: 'LOGIN'})
  await ctx.db
    .insertInto('operators')
    .values({login: id, name, unit, roles: roles.join(','), active_from: from, active_to: to, added_at: ctx.at, added_by: ctx.actor, retired_at: null, retired_by: null})
    .execute()
  const operator = await findOperator(ctx.db, id, ctx.today)
  await appendAudit(ctx, {action: 'operator.add', entityType: 'operator', entityId: id, after: operator})
  return operator
}

/** Changes a person's name, unit, roles or dates; the roster keeps an active 系统管理员. */
export async function editOperator(ctx: WriteContext, login: string, input: OperatorInput): Promise<Operator & {unchanged?: true}> {
  const before = await findOperator(ctx.db, login, ctx.today)
  if ([input.name, input.unit, input.roles, input.from, input.to].every((v) => v === undefined)) throw new InvalidInput('operators.nothingToChange', {}, {field: 'name'})
  const name = input.name === undefined ? before.name : checkedText(input.name, 'name')
  if (!name) throw new InvalidInput('input.empty', {field: 'name'}, {field: 'name'})
  const unit = input.unit === undefined ? before.unit : checkedText(input.unit, 'unit') || null
  const roles = input.roles === undefined ? before.roles : parseRoles(input.roles)
  const from = input.from === undefined ? before.activeFrom : parseIsoDate(input.from, 'from')
  const to = input.to === undefined ? before.activeTo : input.to === '' ? null : parseIsoDate(input.to, 'to')
  checkedDates(from, to)
  const after = {name, unit, roles: roles.join(','), active_from: from, active_to: to}
  const changed = Object.entries({name: [before.name, name], unit: [before.unit, unit], roles: [before.roles.join(','), after.roles], from: [before.activeFrom, from], to: [before.activeTo, to]}).filter(([, [a, b]]) => a !== b)
  if (!changed.length) return {...before, unchanged: true}
  const staysAdmin = roles.includes('system-admin') && from <= ctx.today && (to === null || ctx.today <= to)
  if (before.active && before.roles.includes('system-admin') && !staysAdmin && (await otherAdmins(ctx, before.login)) === 0) {
    throw new RuleRefused('X-2', 'operators.lastAdmin', {login: before.login}, {field: 'roles'})
  }
  await ctx.db.updateTable('operators').set(after).where('login', '=', before.login).execute()
  const operator = await findOperator(ctx.db, before.login, ctx.today)
  await appendAudit(ctx, {action: 'operator.edit', entityType: 'operator', entityId: before.login, before, after: operator})
  return operator
}

/** Retires a person: they stay on the roster (the history names them) and may only read. */
export async function retireOperator(ctx: WriteContext, login: string): Promise<Operator & {unchanged?: true}> {
  const before = await findOperator(ctx.db, login, ctx.today)
  if (before.retiredAt !== null) return {...before, unchanged: true}
  if (before.active && before.roles.includes('system-admin') && (await otherAdmins(ctx, before.login)) === 0) {
    throw new RuleRefused('X-2', 'operators.lastAdmin', {login: before.login}, {field: 'LOGIN'})
  }
  await ctx.db.updateTable('operators').set({retired_at: ctx.at, retired_by: ctx.actor}).where('login', '=', before.login).execute()
  const operator = await findOperator(ctx.db, before.login, ctx.today)
  await appendAudit(ctx, {action: 'operator.retire', entityType: 'operator', entityId: before.login, before, after: operator})
  return operator
}
