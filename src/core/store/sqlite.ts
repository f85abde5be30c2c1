import type {Database as SqliteDatabase} from 'better-sqlite3'

import {CompiledQuery, type DatabaseConnection, type DialectAdapter, type Driver, SqliteAdapter, SqliteDialect, SqliteDriver} from '#kysely'
import {isSqliteBusy, type WriteLock} from './lock.js'

/** How long one attempt at the write lock blocks (synchronously, in SQLite's busy handler) before the queue looks again. */
const ATTEMPT_MS = 250

/**
 * Kysely's SQLite driver begins transactions DEFERRED: two processes that both read and
 * then write deadlock, and one gets "database is locked" at once. BEGIN IMMEDIATE takes
 * the write lock up front, so writers in other processes queue here (issue 20): the first
 * attempt does not wait, a busy one is announced (WriteLock.waiting) and retried in short
 * steps until the bound, then the write ends as a conflict (exit 4), never "database is
 * locked" (exit 1). Statements outside BEGIN wait up to the same bound (busy_timeout).
 */
class ImmediateSqliteDriver extends SqliteDriver {
  constructor(
    config: ConstructorParameters<typeof SqliteDriver>[0],
    private readonly database: SqliteDatabase,
    private readonly lock: WriteLock,
  ) {
    super(config)
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const deadline = Date.now() + this.lock.seconds * 1000
    let announced = false
    this.database.pragma('busy_timeout = 0')
    try {
      for (;;) {
        try {
          await connection.executeQuery(CompiledQuery.raw('begin immediate'))
          return
        } catch (error) {
          if (!isSqliteBusy(error)) throw error
          const left = deadline - Date.now()
          if (left <= 0) throw this.lock.timedOut()
          if (!announced) {
            announced = true
            this.lock.waiting()
          }
          this.database.pragma(`busy_timeout = ${Math.max(1, Math.min(ATTEMPT_MS, Math.ceil(left)))}`)
          // Let the event loop breathe between attempts (a message, a signal).
          await new Promise((resolve) => setImmediate(resolve))
        }
      }
    } finally {
      this.database.pragma(`busy_timeout = ${busyTimeoutMs(this.lock)}`)
    }
  }
}

/** The busy timeout of every statement outside BEGIN IMMEDIATE: the queue's bound (at least a second). */
export function busyTimeoutMs(lock: WriteLock): number {
  return Math.max(1000, Math.round(lock.seconds * 1000))
}

/**
 * SQLite has transactional DDL, but Kysely's adapter says it has not, and its migration
 * lock is a no-op (it assumes one process). Saying yes makes the migrator run inside one
 * BEGIN IMMEDIATE transaction: that is the cross-process migration lock.
 */
class LockingSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true
  }
}

export class EgovSqliteDialect extends SqliteDialect {
  override createDriver(): Driver {
    // The config is private to SqliteDialect; keep our own reference through the constructor.
    return new ImmediateSqliteDriver(this.config, this.config.database, this.lock)
  }

  override createAdapter(): DialectAdapter {
    return new LockingSqliteAdapter()
  }

  constructor(
    private readonly config: ConstructorParameters<typeof SqliteDialect>[0] & {database: SqliteDatabase},
    private readonly lock: WriteLock,
  ) {
    super(config)
  }
}
