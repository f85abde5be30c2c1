import {sql} from '#kysely'

import {EgovError} from '../errors.js'
import type {Role} from '../operators/index.js'
import {APPEND_ONLY_TABLES} from './migrations/020_pg_guards.js'
import {quoteIdent, tablesOf} from './tables.js'
import {type Reader, readerDb} from './reader.js'

/**
 * What a PostgreSQL login may do with egov's tables (issue 18), from the roster roles it holds:
 * `read` (the 审计员, who changes nothing) may only select; `write` (every other role) may also
 * insert, update and delete in the business tables, but only insert into the history and audit
 * tables, and never touch the migrations' own tables or the schema. Which command a person may
 * run is the roster's business (egov checks it on every write); these grants and migration 020's
 * triggers are what hold against a login that bypasses egov with plain SQL.
 */
export type GrantTier = 'none' | 'read' | 'write'

/** A retired person gets nothing; an auditor reads; every other role writes. */
export function tierOf(roles: readonly Role[], active = true): GrantTier {
  if (!active) return 'none'
  return roles.some((r) => r !== 'auditor') ? 'write' : 'read'
}

/** Kysely's own tables: the owner's, for migrations. */
const MIGRATION_TABLES = new Set(['kysely_migration', 'kysely_migration_lock'])

/**
 * The statements that give `login` exactly its tier's rights on the schema's tables, after
 * taking away whatever it had (so running it again, or for a login moved to auditor, leaves
 * no more than the tier). `tables` are the schema's tables, as they are now: grants are per
 * table, so run it again after an upgrade that adds tables.
 */
export function grantStatements(schema: string, login: string, tier: GrantTier, tables: readonly string[]): string[] {
  const s = quoteIdent(schema)
  const who = quoteIdent(login)
  const out = [`REVOKE ALL ON ALL TABLES IN SCHEMA ${s} FROM ${who};`, `REVOKE ALL ON ALL SEQUENCES IN SCHEMA ${s} FROM ${who};`]
  if (tier === 'none') return [...out, `REVOKE USAGE ON SCHEMA ${s} FROM ${who};`]
  out.push(`GRANT USAGE ON SCHEMA ${s} TO ${who};`, `GRANT SELECT ON ALL TABLES IN SCHEMA ${s} TO ${who};`)
  if (tier === 'read') return out
  const appendOnly = new Set<string>(APPEND_ONLY_TABLES)
  const sorted = [...tables].filter((t) => !MIGRATION_TABLES.has(t)).sort()
  const insertOnly = sorted.filter((t) => appendOnly.has(t))
  const full = sorted.filter((t) => !appendOnly.has(t))
  const list = (names: string[]) => names.map((t) => `${s}.${quoteIdent(t)}`).join(', ')
  if (full.length) out.push(`GRANT INSERT, UPDATE, DELETE ON ${list(full)} TO ${who};`)
  if (insertOnly.length) out.push(`GRANT INSERT ON ${list(insertOnly)} TO ${who};`)
  out.push(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${s} TO ${who};`)
  return out
}

export interface GrantPlan {
  login: string
  schema: string
  tier: GrantTier
  roles: Role[]
  statements: string[]
  /** Whether the login exists on the server (statements can be printed either way). */
  loginExists: boolean
  /** Whether this session owns egov's tables, as granting needs. */
  owner: boolean
}

/** The grant for `login` on the schema this store uses (PostgreSQL only). */
export async function planGrant(from: Reader, login: string, roles: Role[], active = true): Promise<GrantPlan> {
  const db = readerDb(from)
  const {rows: here} = await sql<{schema: string}>`select current_schema() as schema`.execute(db)
  const schema = here[0]!.schema
  const tables = await tablesOf(db, 'postgres')
  const {rows: found} = await sql<{n: number}>`select count(*)::int as n from pg_roles where rolname = ${login}`.execute(db)
  const {rows: owns} = await sql<{owner: boolean}>`
    select pg_has_role(session_user, c.relowner, 'MEMBER') as owner from pg_class c
    where c.relname = 'audit_log' and c.relnamespace = current_schema()::regnamespace`.execute(db)
  const tier = tierOf(roles, active)
  return {login, schema, tier, roles, statements: grantStatements(schema, login, tier, tables), loginExists: Number(found[0]!.n) > 0, owner: Boolean(owns[0]?.owner)}
}

/**
 * Runs the plan's statements in one transaction of its own, as the owner; a login that may not
 * grant is told so. GRANT changes who may touch the tables, not egov's records: no write lock,
 * no audit entry (the roster change that led to it has one), so it takes the store as a read does.
 */
export async function applyGrant(store: Reader, plan: GrantPlan): Promise<void> {
  const db = readerDb(store)
  if (!plan.loginExists) throw new EgovError('not_found', 'grant.noLogin', {login: plan.login}, {field: 'LOGIN'})
  // PostgreSQL only warns when a non-owner grants ("no privileges were granted"): refuse first.
  if (!plan.owner) throw new EgovError('refused', 'grant.notOwner', {reason: "this login does not own egov's tables"}, {field: 'EGOV_DATABASE_URL'})
  try {
    await db.transaction().execute(async (trx) => {
      for (const statement of plan.statements) await sql.raw(statement).execute(trx)
    })
  } catch (error) {
    const code = (error as {code?: string}).code
    if (code === '42501') throw new EgovError('refused', 'grant.notOwner', {reason: (error as Error).message}, {field: 'EGOV_DATABASE_URL'})
    throw error
  }
}
