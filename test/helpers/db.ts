import {mkdtempSync} from 'node:fs'
import {rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import pg from 'pg'
import {afterAll, beforeAll, describe, inject} from 'vitest'

import {KINDS} from '../../src/core/kinds.js'
import {grantStatements} from '../../src/core/store/grants.js'
import {sqliteLibrary, Store} from '../../src/core/store/index.js'
import type {KindDefinition} from '../../src/core/workflow/index.js'
import {isolatedHome} from './cli.js'
import {pgAdminUrl, pgSchemaUrl} from './pg-url.js'

export type DialectName = 'sqlite' | 'postgres'

/**
 * A fresh database of one dialect: a new SQLite file in a temporary directory, or a new
 * schema on the PostgreSQL server (dropped afterwards). `url`/`path` let end-to-end tests
 * point bin/run.js at the same database.
 */
export interface TestDatabase {
  dialect: DialectName
  /** Set for SQLite. */
  path?: string
  /** Set for PostgreSQL: the URL of the test schema. */
  url?: string
  schema?: string
  /** Environment for bin/run.js to use this database. */
  env: Record<string, string>
  /**
   * A store acting as `actor`: on SQLite the operator name, on PostgreSQL a login role
   * of that name (egov_t_ACTOR) with rights on the test schema, since there the
   * database user is who acts. The store carries `kinds` (every kind egov has by default),
   * as egov's commands pass theirs (issue 17).
   */
  open(actor?: string, kinds?: readonly KindDefinition<any>[]): Promise<Store>
  /** What the audit trail and history record for `actor`. */
  actor(actor: string): string
  /** Environment for bin/run.js to act as `actor`: the operator on SQLite, a login of that name on PostgreSQL. */
  envFor(actor: string): Record<string, string>
  /**
   * Runs raw SQL as the administrator (to tamper, to inspect). `Row` is what the caller
   * expects each row to be: asserted, not checked (PostgreSQL returns a bigint such as
   * count(*) as a string, SQLite as a number).
   */
  sql<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>
  /** The one row `text` returns; throws, naming the query, when it returns none or more than one. */
  one<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row>
  /** The only column of the one row `text` returns; throws, naming the query, when there is not exactly one of each. */
  value<T = unknown>(text: string, params?: unknown[]): Promise<T>
  /** `select count(*)` from `table`, with `where` (a condition, without the keyword) when given, as a number on both dialects. */
  count(table: string, where?: string): Promise<number>
  cleanup(): Promise<void>
}

export async function createTestDatabase(dialect: DialectName): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'egov-test-'))
    const path = join(dir, 'egov.db')
    // The same SQLite library as the store's: two copies in one process would break each other's file locks.
    const {BetterSqlite3: Sqlite, nativeBinding} = sqliteLibrary()
    // The file exists from the start, as after \`egov db init\`: bin/run.js refuses a --db/EGOV_DB that does not.
    await (await Store.open({sqlitePath: path, operator: 'tester', rehearsal: true})).close()
    return {
      dialect,
      path,
      env: {EGOV_DB: path, EGOV_DATABASE_URL: ''},
      open: (actor = 'tester', kinds = KINDS) => Store.open({sqlitePath: path, operator: actor, kinds}),
      actor: (actor) => actor,
      envFor: (actor) => ({EGOV_OPERATOR: actor}),
      ...queries(function sql<Row>(text: string, params: unknown[] = []): Promise<Row[]> {
        // better-sqlite3 is synchronous; run inside a promise's executor, a SQL error still rejects, as on PostgreSQL.
        return new Promise((resolve) => {
          const db = new Sqlite(path, {timeout: 10_000, nativeBinding})
          try {
            const stmt = db.prepare(text)
            resolve(stmt.reader ? (stmt.all(...params) as Row[]) : (stmt.run(...params), []))
          } finally {
            db.close()
          }
        })
      }),
      cleanup: () => rm(dir, {recursive: true, force: true}),
    }
  }
  const schema = `egov_t_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
  const admin = new pg.Client({connectionString: pgAdminUrl()})
  await admin.connect()
  await admin.query(`create schema ${schema}`)
  const url = pgSchemaUrl(schema)
  // Migrate as the administrator, then let the test roles use everything in the schema.
  await (await Store.open({databaseUrl: url, operator: 'admin', rehearsal: true})).close()
  await ensureRole(admin, GROUP_ROLE, false)
  // The rights `egov db grant` gives an operator's login (issue 18): the suite runs on them, so
  // a write egov needs and the grant forgot fails here, not at a bureau.
  const tables = await admin.query<{name: string}>(`select table_name as name from information_schema.tables where table_schema = $1 and table_type = 'BASE TABLE'`, [schema])
  for (const statement of grantStatements(
    schema,
    GROUP_ROLE,
    'write',
    tables.rows.map((t) => t.name),
  ))
    await admin.query(statement)
  const roles = new Set<string>()
  return {
    dialect,
    url,
    schema,
    env: {EGOV_DATABASE_URL: url},
    async open(actor = 'tester', kinds = KINDS) {
      const role = pgRole(actor)
      if (!roles.has(role)) {
        await ensureRole(admin, role, true)
        await admin.query(`grant ${GROUP_ROLE} to ${role}`).catch(ignoreConcurrentDdl)
        roles.add(role)
      }
      return Store.open({databaseUrl: pgSchemaUrl(schema, role), operator: actor, kinds})
    },
    actor: (actor) => pgRole(actor),
    // The role exists once open(actor) has run.
    envFor: (actor) => ({EGOV_DATABASE_URL: pgSchemaUrl(schema, pgRole(actor))}),
    ...queries(async function sql<Row>(text: string, params: unknown[] = []): Promise<Row[]> {
      await admin.query(`set search_path to ${schema}`)
      const r = await admin.query(text, params)
      return r.rows as Row[]
    }),
    async cleanup() {
      await admin.query(`drop schema if exists ${schema} cascade`)
      await admin.end()
    },
  }
}

type Queries = Pick<TestDatabase, 'sql' | 'one' | 'value' | 'count'>

/** The typed readers over a dialect's `sql`, the same on both. */
function queries(sql: TestDatabase['sql']): Queries {
  async function one<Row>(text: string, params?: unknown[]): Promise<Row> {
    const rows = await sql<Row>(text, params)
    if (rows.length !== 1) throw new Error(`expected one row, got ${rows.length}, from: ${text}`)
    return rows[0]!
  }
  async function value<T>(text: string, params?: unknown[]): Promise<T> {
    const columns = Object.values(await one<Record<string, unknown>>(text, params))
    if (columns.length !== 1) throw new Error(`expected one column, got ${columns.length}, from: ${text}`)
    return columns[0] as T
  }
  return {
    sql,
    one,
    value,
    count: async (table, where) => Number(await value(`select count(*) as n from ${table}${where === undefined ? '' : ` where ${where}`}`)),
  }
}

const GROUP_ROLE = 'egov_t_users'

export function pgRole(actor: string): string {
  return `egov_t_${actor.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}`
}

/** Roles are shared by the whole server and test files run in parallel: creating one twice is fine. */
async function ensureRole(admin: pg.Client, role: string, login: boolean): Promise<void> {
  await admin.query(`create role ${role} ${login ? 'login' : 'nologin'}`).catch(ignoreConcurrentDdl)
}

function ignoreConcurrentDdl(error: Error & {code?: string}): void {
  // 42710 duplicate_object; 23505 unique_violation when two sessions race in pg_authid.
  if (error.code !== '42710' && error.code !== '23505') throw error
}

/**
 * describe() once per dialect. PostgreSQL is skipped, visibly, only when the server is
 * unreachable and CI is not set (global-setup fails the run in CI).
 */
export function describeEachDialect(name: string, fn: (dialect: DialectName) => void): void {
  for (const dialect of ['sqlite', 'postgres'] as const) {
    const skip = dialect === 'postgres' && !inject('pgAvailable')
    ;(skip ? describe.skip : describe)(`${name} [${dialect}]`, () => fn(dialect))
  }
}

/**
 * For a describe block: a fresh database of this dialect (dropped afterwards), `actor`'s
 * login made, and the environment in which bin/run.js acts as `actor` with a home of its
 * own. Filled in beforeAll: read `ctx.tdb` and `ctx.env` inside tests and later hooks.
 */
export function operatorDatabase(dialect: DialectName, actor: string): {tdb: TestDatabase; env: Record<string, string>} {
  const ctx = {} as {tdb: TestDatabase; env: Record<string, string>}
  beforeAll(async () => {
    ctx.tdb = await createTestDatabase(dialect)
    await (await ctx.tdb.open(actor)).close()
    ctx.env = {...isolatedHome(), ...ctx.tdb.env, ...ctx.tdb.envFor(actor)}
  })
  afterAll(async () => {
    await ctx.tdb.cleanup()
  })
  return ctx
}
