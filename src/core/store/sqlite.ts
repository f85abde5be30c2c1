import {CompiledQuery, type DatabaseConnection, type DialectAdapter, type Driver, SqliteAdapter, SqliteDialect, SqliteDriver} from '#kysely'

/**
 * Kysely's SQLite driver begins transactions DEFERRED: two processes that both read and
 * then write deadlock, and one gets "database is locked" at once. BEGIN IMMEDIATE takes
 * the write lock up front, so writers in other processes wait (busy_timeout) and queue.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'))
  }
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
    return new ImmediateSqliteDriver(this.config)
  }

  override createAdapter(): DialectAdapter {
    return new LockingSqliteAdapter()
  }

  constructor(private readonly config: ConstructorParameters<typeof SqliteDialect>[0]) {
    super(config)
  }
}
