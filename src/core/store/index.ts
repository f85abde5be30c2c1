import {resolve} from 'node:path'

import {Kysely, sql, type Transaction} from '#kysely'

import {EgovError} from '../errors.js'
import {chinaDate, currentAsOf, now} from '../clock.js'
import type {SqlDialect} from './migrations/helpers.js'
import {connectPostgres, connectSqlite, osLogin} from './connect.js'
import {migrate} from './migrator.js'

export {osLogin, sqliteLibrary} from './connect.js'
import {checkPermit} from '../operators/permit.js'
import type {Role} from '../operators/index.js'
import type {Database} from './schema.js'
import {type KindSource, loadKinds, useKinds} from '../workflow/registry.js'
import {isPgLockTimeout, isSqliteBusy, type LockWaitOptions, lockTimeout, WriteLock} from './lock.js'

export type {Database} from './schema.js'
export type {SqlDialect} from './migrations/helpers.js'
export {type Reader, readerDb} from './reader.js'
export type {CertCaTable, CertProfilesTable} from './schema.js'
export {insertRows, insertRowsReturning} from './bulk.js'
export type {GrantTier} from './grants.js'
export {migrationNames} from './migrations/names.js'

export interface StoreOptions {
  /** postgres://… : the shared team registry. Wins over sqlitePath. */
  databaseUrl?: string
  /** The embedded default: one SQLite file. */
  sqlitePath?: string
  /** Who is acting, on SQLite (asked only when something is written). On PostgreSQL the authenticated database user acts. */
  operator: string | (() => Promise<string>)
  /** Where written notices (.docx) go; default ./notices. */
  noticesDir?: string
  /**
   * Create a rehearsal database (tests, training: `egov db init --rehearsal`). Read only
   * when the database is new; an existing database keeps what it was created as.
   */
  rehearsal?: boolean
  /**
   * Connect only: no migrations, no clock or kind checks. For `egov db restore` into an
   * empty PostgreSQL schema, which must stay empty until pg_restore fills it.
   */
  connectOnly?: boolean
  /**
   * The request kinds the workflow engine carries (issue 17): src/core/kinds.ts's KINDS for
   * egov, a shorter list in a test. Handed to the engine's registry when the store opens;
   * nothing registers a kind by being imported.
   */
  kinds?: KindSource
  /** With kinds given as a loader: leave loading them to the command (workflow loadKinds), which may need none. */
  kindsOnDemand?: boolean
  /**
   * The audit key file (issue 18; see core/audit/key.ts): egov's config folder or
   * EGOV_AUDIT_KEY. Default: EGOV_AUDIT_KEY when set, else none (entries carry no MAC).
   */
  auditKeyPath?: string
  /**
   * How writes queue behind another egov writer (issue 20): the bound (default
   * EGOV_LOCK_WAIT, else 600 s) and what to call when a write starts to wait.
   */
  lockWait?: LockWaitOptions
}

/** The settings row that marks a rehearsal database; `config set` cannot write it. */
export const DATABASE_KIND_SETTING = 'database.kind'

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
  /** A rehearsal database: what this change signs or writes out says so. */
  rehearsal: boolean
  /** The audit key file every new audit entry is MACed with (undefined: no MAC). */
  auditKeyPath?: string
}

/** Any 64-bit constant will do; it is the one lock every egov writer takes on PostgreSQL. */
const PG_WRITE_LOCK = 0x65_67_6f_76 // "egov"

/**
 * The database, on SQLite or PostgreSQL, with one way to write: `write(fn)` runs fn in
 * one transaction that writers in other processes queue behind.
 *
 * - SQLite: WAL and BEGIN IMMEDIATE, retried in short steps while another process
 *   writes (see sqlite.ts).
 * - PostgreSQL: READ COMMITTED plus one transaction-scoped advisory lock taken first
 *   by every write, so writes are serialised exactly as on SQLite (the audit chain needs
 *   a single order anyway) and reads never wait. No serialisation failures, so no retries.
 *
 * Either way a write that finds another writer says so once (lockWait.onWait) and waits
 * in the queue at most lockWait.seconds (EGOV_LOCK_WAIT, default 600 s); past that it ends
 * as a conflict, exit 4 (store.lockTimeout), never as "database is locked" (issue 20).
 */
export class Store {
  private actorName?: string
  /**
   * A rehearsal database (created with `egov db init --rehearsal`): EGOV_NOW and
   * EGOV_OPERATOR are honoured, and everything it writes says it is a rehearsal. On a
   * real database the system clock and the login decide, whatever the environment says.
   */
  rehearsal = false
  /** Whether this open created the database's tables (its first migration ran now). */
  created = false
  /** The audit key file (see StoreOptions.auditKeyPath). */
  auditKeyPath?: string

  /** Use Store.open(). */
  constructor(
    readonly db: Kysely<Database>,
    readonly dialect: SqlDialect,
    readonly location: string,
    private readonly operator: string | (() => Promise<string>),
    readonly noticesDir: string = resolve('notices'),
    readonly lock: WriteLock = new WriteLock(),
  ) {}

  static async open(options: StoreOptions): Promise<Store> {
    if (options.kinds) useKinds(options.kinds)
    if (!options.kindsOnDemand) await loadKinds()
    const lock = new WriteLock(options.lockWait)
    const {db, dialect, location} = options.databaseUrl ? await connectPostgres(options.databaseUrl) : await connectSqlite(options.sqlitePath, lock)
    const store = new Store(db, dialect, location, options.operator, options.noticesDir && resolve(options.noticesDir), lock)
    const keyFromEnv = process.env.EGOV_AUDIT_KEY?.trim()
    store.auditKeyPath = options.auditKeyPath ?? (keyFromEnv ? resolve(keyFromEnv) : undefined)
    if (options.connectOnly) return store
    try {
      const fresh = await store.migrate()
      store.created = fresh
      if (fresh && options.rehearsal) {
        await store.db.insertInto('settings').values({key: DATABASE_KIND_SETTING, value: 'rehearsal', updated_at: new Date().toISOString(), updated_by: 'egov db init --rehearsal'}).execute()
      }
      const kind = await store.db.selectFrom('settings').select('value').where('key', '=', DATABASE_KIND_SETTING).executeTakeFirst()
      store.rehearsal = kind?.value === 'rehearsal'
      if (options.rehearsal && !store.rehearsal) throw new EgovError('conflict', 'store.notRehearsal', {location: store.location}, {field: 'rehearsal'})
      // The clock nobody can set on real records (issue 18): EGOV_NOW only on a rehearsal database.
      if (!store.rehearsal && process.env.EGOV_NOW) throw new EgovError('refused', 'store.clockOnReal', {location: store.location}, {field: 'EGOV_NOW'})
    } catch (error) {
      await store.close()
      // Migrations queue behind writers like any write; a lock still busy is the queue's timeout.
      throw isSqliteBusy(error) || isPgLockTimeout(error) ? lockTimeout(store.lock.seconds) : error
    }
    return store
  }

  /** The operator recorded on every change: the database user on PostgreSQL. */
  async actor(): Promise<string> {
    if (this.actorName) return this.actorName
    if (this.dialect === 'postgres') {
      const {rows} = await sql<{user: string}>`select session_user as "user"`.execute(this.db)
      this.actorName = rows[0]!.user
    } else {
      const claimed = typeof this.operator === 'string' ? this.operator : await this.operator()
      if (this.rehearsal) {
        this.actorName = claimed
      } else {
        // On a real SQLite database the person is the OS login: a name in the environment
        // or a config file cannot be taken for someone else's (issue 18).
        const login = osLogin()
        if (claimed !== login) {
          const field = process.env.EGOV_OPERATOR?.trim() ? 'EGOV_OPERATOR' : 'operator'
          throw new EgovError('refused', 'store.operatorOnReal', {claimed, login, field, location: this.location}, {field})
        }
        this.actorName = login
      }
    }
    return this.actorName
  }

  /**
   * The roles the running command needs to change anything (core/operators permitFor):
   * null for any active operator. Checked on every write once a roster exists (issue 18).
   */
  permit: readonly Role[] | null = null

  async write<T>(fn: (ctx: WriteContext) => Promise<T>): Promise<T> {
    // A rehearsed day (--as-of) is for reading: nothing is recorded under it.
    if (currentAsOf()) throw new EgovError('refused', 'store.asOfWrite', {}, {field: 'as-of'})
    const actor = await this.actor()
    const run = () =>
      this.db.transaction().execute(async (trx) => {
        if (this.dialect === 'postgres') await takePgWriteLock(trx, this.lock)
        let instant = now()
        if (!this.rehearsal && this.dialect === 'postgres') {
          // On PostgreSQL the server's clock dates a real database's records, as its triggers
          // check (migration 020): every operator's machine agrees with it by construction.
          const {rows} = await sql<{at: Date | string}>`select clock_timestamp() as at`.execute(trx)
          instant = new Date(rows[0]!.at)
        }
        if (!this.rehearsal) {
          // On a real database recorded times never go backwards, whatever the machine's
          // clock did (a reset, another writer's clock running ahead): a change is dated
          // no earlier than the last audit entry (issue 18).
          const last = await trx.selectFrom('audit_log').select('at').orderBy('seq', 'desc').limit(1).executeTakeFirst()
          if (last && Date.parse(last.at) > instant.getTime()) instant = new Date(last.at)
        }
        // Who may change anything (issue 18): checked inside the transaction, so a roster
        // change by another writer is seen.
        await checkPermit(trx, actor, chinaDate(instant), this.permit)
        return fn({
          db: trx,
          dialect: this.dialect,
          actor,
          at: instant.toISOString(),
          today: chinaDate(instant),
          noticesDir: this.noticesDir,
          rehearsal: this.rehearsal,
          auditKeyPath: this.auditKeyPath,
        })
      })
    try {
      return this.dialect === 'sqlite' ? await queueInProcess(this.location, run) : await run()
    } catch (error) {
      // The queue's bound, however the database said it (issue 20): BEGIN IMMEDIATE is retried
      // in sqlite.ts, but a BUSY later in the transaction (a checkpoint, a statement outside
      // it) or PostgreSQL's lock_timeout is the same wait run out, exit 4, never exit 1.
      if (isSqliteBusy(error) || isPgLockTimeout(error)) throw lockTimeout(this.lock.seconds)
      // 42501: a grant the login lacks, or one of migration 020's triggers: the database's own
      // refusal, said as one (exit 5), not as an internal error.
      if ((error as {code?: string}).code === '42501') {
        throw new EgovError('refused', 'store.dbRefused', {login: actor, reason: (error as Error).message}, {details: {login: actor}})
      }
      throw error
    }
  }

  /**
   * fn with a store on one database connection throughout: what it keeps in that session
   * (a temporary table staged before the write lock is taken, issue 20) is there in its
   * write too. SQLite has one connection anyway; on PostgreSQL one is taken from the pool.
   */
  async pinned<T>(fn: (store: Store) => Promise<T>): Promise<T> {
    if (this.dialect === 'sqlite') return fn(this)
    return this.db.connection().execute(async (connection) => {
      const store = new Store(connection, this.dialect, this.location, this.operator, this.noticesDir, this.lock)
      store.actorName = this.actorName
      store.rehearsal = this.rehearsal
      store.created = this.created
      store.auditKeyPath = this.auditKeyPath
      store.permit = this.permit
      return fn(store)
    })
  }

  async close(): Promise<void> {
    await this.db.destroy()
  }

  /** Applies pending migrations; the common case (nothing pending) costs one query. True when the database was new. */
  private migrate(): Promise<boolean> {
    return migrate(this.db, this.dialect)
  }
}

/**
 * The one write lock on PostgreSQL (issue 20): taken at once when free; otherwise the wait is
 * announced and the write queues in PostgreSQL's own lock queue (first come, first served)
 * for at most the bound, through a transaction-local lock_timeout put back once it is held.
 */
async function takePgWriteLock(trx: Transaction<Database>, lock: WriteLock): Promise<void> {
  const {rows} = await sql<{got: boolean; timeout: string}>`select pg_try_advisory_xact_lock(${PG_WRITE_LOCK}) as got, current_setting('lock_timeout') as timeout`.execute(trx)
  if (rows[0]!.got) return
  lock.waiting()
  const ms = Math.round(lock.seconds * 1000)
  if (ms <= 0) throw lock.timedOut()
  await sql`select set_config('lock_timeout', ${`${ms}ms`}, true)`.execute(trx)
  try {
    await sql`select pg_advisory_xact_lock(${PG_WRITE_LOCK})`.execute(trx)
  } catch (error) {
    throw isPgLockTimeout(error) ? lock.timedOut() : error
  }
  await sql`select set_config('lock_timeout', ${rows[0]!.timeout}, true)`.execute(trx)
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
