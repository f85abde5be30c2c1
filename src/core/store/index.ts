import {existsSync, mkdirSync} from 'node:fs'
import {createRequire} from 'node:module'
import {dirname, join, resolve} from 'node:path'

import {Kysely, Migrator, sql, type Transaction} from '#kysely'

import {EgovError} from '../errors.js'
import {chinaDate, now} from '../clock.js'
import type {SqlDialect} from './migrations/helpers.js'
import {migrationNames, migrationsFor} from './migrations/index.js'
import type {Database} from './schema.js'

export type {Database} from './schema.js'
export type {SqlDialect} from './migrations/helpers.js'

export interface StoreOptions {
  /** postgres://… : the shared team registry. Wins over sqlitePath. */
  databaseUrl?: string
  /** The embedded default: one SQLite file. */
  sqlitePath?: string
  /** Who is acting, on SQLite (asked only when something is written). On PostgreSQL the authenticated database user acts. */
  operator: string | (() => Promise<string>)
  /** Where written notices (.docx) go; default ./notices. */
  noticesDir?: string
}

/** What a write sees: its transaction, who acts, and one "now" for the whole change. */
export interface WriteContext {
  db: Transaction<Database>
  dialect: SqlDialect
  actor: string
  /** ISO instant of this change. */
  at: string
  /** The business date in China of this change. */
  today: string
  /** Where written notices of decisions go (NET-6, NET-7). */
  noticesDir: string
}

/** Any 64-bit constant will do; it is the one lock every egov writer takes on PostgreSQL. */
const PG_WRITE_LOCK = 0x65_67_6f_76 // "egov"

/**
 * The database, on SQLite or PostgreSQL, with one way to write: `write(fn)` runs fn in
 * one transaction that writers in other processes queue behind.
 *
 * - SQLite: WAL, a 30 s busy timeout and BEGIN IMMEDIATE (see sqlite.ts).
 * - PostgreSQL: READ COMMITTED plus one transaction-scoped advisory lock taken first
 *   by every write, so writes are serialised exactly as on SQLite (the audit chain needs
 *   a single order anyway) and reads never wait. No serialisation failures, so no retries.
 */
export class Store {
  private actorName?: string

  /** Use Store.open(). */
  constructor(
    readonly db: Kysely<Database>,
    readonly dialect: SqlDialect,
    readonly location: string,
    private readonly operator: string | (() => Promise<string>),
    readonly noticesDir: string = resolve('notices'),
  ) {}

  static async open(options: StoreOptions): Promise<Store> {
    const store = options.databaseUrl ? await openPostgres(options.databaseUrl, options.operator, options.noticesDir) : await openSqlite(options)
    try {
      await store.migrate()
    } catch (error) {
      await store.close()
      throw error
    }
    return store
  }

  /** The operator recorded on every change: the database user on PostgreSQL. */
  async actor(): Promise<string> {
    if (this.actorName) return this.actorName
    if (this.dialect === 'postgres') {
      const {rows} = await sql<{user: string}>`select session_user as "user"`.execute(this.db)
      this.actorName = rows[0].user
    } else {
      this.actorName = typeof this.operator === 'string' ? this.operator : await this.operator()
    }
    return this.actorName
  }

  async write<T>(fn: (ctx: WriteContext) => Promise<T>): Promise<T> {
    const actor = await this.actor()
    const run = () => {
      const instant = now()
      return this.db.transaction().execute(async (trx) => {
        if (this.dialect === 'postgres') await sql`select pg_advisory_xact_lock(${PG_WRITE_LOCK})`.execute(trx)
        return fn({db: trx, dialect: this.dialect, actor, at: instant.toISOString(), today: chinaDate(instant), noticesDir: this.noticesDir})
      })
    }
    return this.dialect === 'sqlite' ? queueInProcess(this.location, run) : run()
  }

  async close(): Promise<void> {
    await this.db.destroy()
  }

  /** Applies pending migrations; the common case (nothing pending) costs one query. */
  private async migrate(): Promise<void> {
    try {
      const done = await sql<{name: string}>`select name from kysely_migration`.execute(this.db)
      const applied = new Set(done.rows.map((r) => r.name))
      if (migrationNames.every((n) => applied.has(n))) return
    } catch {
      // no migration table yet: a new database
    }
    let schema: string | undefined
    if (this.dialect === 'postgres') {
      // Kysely looks for its tables in every schema unless told which: name the current one.
      const {rows} = await sql<{schema: string}>`select current_schema() as schema`.execute(this.db)
      schema = rows[0].schema
    }
    const migrator = new Migrator({
      db: this.db,
      provider: {getMigrations: async () => migrationsFor(this.dialect)},
      migrationTableSchema: schema,
    })
    const {error, results} = await migrator.migrateToLatest()
    if (error) {
      const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? '?'
      throw new EgovError('internal', 'store.migrationFailed', {name: failed, reason: (error as Error).message ?? String(error)})
    }
  }
}

/**
 * better-sqlite3 waits for a lock synchronously: two Store objects on one file in one
 * process would block the thread that must finish the first write. Writes to one file
 * from one process therefore queue here; other processes queue on the file lock.
 */
const sqliteQueues = new Map<string, Promise<unknown>>()

function queueInProcess<T>(path: string, task: () => Promise<T>): Promise<T> {
  const previous = sqliteQueues.get(path) ?? Promise.resolve()
  const next = previous.then(task, task)
  const settled = next.catch(() => {})
  sqliteQueues.set(path, settled)
  void settled.then(() => {
    if (sqliteQueues.get(path) === settled) sqliteQueues.delete(path)
  })
  return next
}

async function openSqlite(options: StoreOptions): Promise<Store> {
  const path = resolve(options.sqlitePath ?? 'egov.db')
  const {EgovSqliteDialect} = await import('./sqlite.js')
  // require, not import(): loading a CommonJS package through the ESM loader costs a
  // lexer pass, and naming the addon skips the `bindings` search (bench/startup).
  const {BetterSqlite3, nativeBinding} = sqliteLibrary()
  mkdirSync(dirname(path), {recursive: true})
  const database = new BetterSqlite3(path, {timeout: 30_000, nativeBinding})
  database.exec('pragma journal_mode = wal; pragma synchronous = normal; pragma foreign_keys = on')
  const db = new Kysely<Database>({dialect: new EgovSqliteDialect({database})})
  return new Store(db, 'sqlite', path, options.operator, options.noticesDir && resolve(options.noticesDir))
}

/**
 * better-sqlite3 12 is the last to run on Node 20 (N-API 9), but on Node 24 its statements
 * abort the process when collected at exit (an ObjectWrap cleanup hook; fixed in 13, which
 * needs Node 22). Node 22+ therefore gets 13, installed as the optional dependency
 * better-sqlite3-napi10 (npm skips it on Node 20); everything else gets 12.
 */
function sqliteDriver(require: NodeJS.Require): {BetterSqlite3: typeof import('better-sqlite3'); pkg: string} {
  // Anything else that opens the same file in this process must use the same library
  // (two SQLite copies in one process break each other's locks): see sqliteLibrary().
  if (Number(process.versions.node.split('.')[0]) >= 22) {
    try {
      return {BetterSqlite3: require('better-sqlite3-napi10') as typeof import('better-sqlite3'), pkg: 'better-sqlite3-napi10'}
    } catch {
      // not installed (installed on Node 20, or its build failed): fall back to 12
    }
  }
  return {BetterSqlite3: require('better-sqlite3') as typeof import('better-sqlite3'), pkg: 'better-sqlite3'}
}

/** The better-sqlite3 this Node runs, and its addon: for the store, and for anything opening the file beside it. */
export function sqliteLibrary(): {BetterSqlite3: typeof import('better-sqlite3'); nativeBinding: string | undefined} {
  const require = createRequire(import.meta.url)
  const {BetterSqlite3, pkg} = sqliteDriver(require)
  return {BetterSqlite3, nativeBinding: nativeAddon(require, pkg)}
}

function nativeAddon(require: NodeJS.Require, pkg: string): string | undefined {
  try {
    const addon = join(dirname(require.resolve(`${pkg}/package.json`)), 'build', 'Release', 'better_sqlite3.node')
    return existsSync(addon) ? addon : undefined
  } catch {
    return undefined
  }
}

async function openPostgres(url: string, operator: StoreOptions['operator'], noticesDir?: string): Promise<Store> {
  if (!/^postgres(ql)?:\/\//.test(url)) throw new EgovError('invalid_input', 'store.badUrl', {}, {field: 'EGOV_DATABASE_URL'})
  const [{default: pg}, {PostgresDialect}] = await Promise.all([import('pg'), import('#kysely')])
  const pool = new pg.Pool({connectionString: url, max: 4, connectionTimeoutMillis: 10_000})
  // An idle client that loses its server must not crash the process.
  pool.on('error', () => {})
  const db = new Kysely<Database>({dialect: new PostgresDialect({pool})})
  try {
    await sql`select 1`.execute(db)
  } catch (error) {
    await db.destroy()
    throw new EgovError('internal', 'store.unreachable', {reason: (error as Error).message})
  }
  return new Store(db, 'postgres', redact(url), operator, noticesDir && resolve(noticesDir))
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')
}
