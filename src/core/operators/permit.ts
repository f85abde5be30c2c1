import type {Kysely, Transaction} from '#kysely'

import {RuleRefused} from '../errors.js'
import {Localized} from '../i18n/index.js'
import type {Database} from '../store/index.js'
import {isRole, type Role, roleLabel} from './roles.js'

/** Roles named in the reader's language, for messages. */
export const rolesParam = (roles: readonly Role[]) => new Localized((locale) => roles.map((r) => roleLabel(r, locale)).join(locale === 'zh' ? '、' : ', '))

/** Active on `today`: not retired, and within the roster entry's dates. */
export function isActive(row: Pick<Database['operators'], 'retired_at' | 'active_from' | 'active_to'>, today: string): boolean {
  return row.retired_at === null && row.active_from <= today && (row.active_to === null || today <= row.active_to)
}

/**
 * The check every change passes once a roster exists (Store.write calls it, under the write
 * lock): the actor is an active person on the roster, holding one of `roles` when the
 * command names some (null: any role). With no roster at all nothing is checked: a new
 * installation works until its administrator starts one. Exit 5, X-2, naming the roles.
 */
export async function checkPermit(db: Kysely<Database> | Transaction<Database>, actor: string, today: string, roles: readonly Role[] | null): Promise<void> {
  const row = await db.selectFrom('operators').selectAll().where('login', '=', actor).executeTakeFirst()
  if (!row) {
    const any = await db.selectFrom('operators').select('login').limit(1).executeTakeFirst()
    if (!any) return
    throw new RuleRefused('X-2', 'operators.notOnRoster', {login: actor}, {field: 'operator', details: {login: actor}})
  }
  if (!isActive(row, today)) throw new RuleRefused('X-2', 'operators.notOnRoster', {login: actor}, {field: 'operator', details: {login: actor}})
  const held = row.roles.split(',').filter(isRole)
  // 审计员 reads: an auditor changes nothing outside the audit commands, whatever else a command allows.
  if (held.every((r) => r === 'auditor') && !roles?.includes('auditor')) {
    throw new RuleRefused('X-4', 'operators.auditorReadOnly', {login: actor}, {field: 'operator', details: {login: actor, held}})
  }
  if (roles && !roles.some((r) => held.includes(r))) {
    throw new RuleRefused('X-2', 'operators.roleMissing', {login: actor, roles: rolesParam(roles)}, {field: 'operator', details: {login: actor, roles, held}})
  }
}

/**
 * The name to sign with (经办 on a notice): the person's real name from the roster, else
 * their login (no roster, or not on it).
 */
export async function signerName(db: Kysely<Database> | Transaction<Database>, login: string): Promise<string> {
  const row = await db.selectFrom('operators').select('name').where('login', '=', login).executeTakeFirst()
  return row?.name ?? login
}
