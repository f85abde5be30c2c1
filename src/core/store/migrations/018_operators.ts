import type {Kysely} from '#kysely'

import type {SqlDialect} from './helpers.js'

/**
 * The operator roster (issue 18): a person by login (the OS login on SQLite, the database
 * login on PostgreSQL), their real name and unit, the roles they hold (comma-separated role
 * ids, see core/operators) and the dates they may act between. A retired person stays, for
 * the history that names them.
 */
export async function up(db: Kysely<unknown>, _dialect: SqlDialect): Promise<void> {
  await db.schema
    .createTable('operators')
    .addColumn('login', 'varchar(255)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('unit', 'varchar(255)')
    .addColumn('roles', 'varchar(1024)', (c) => c.notNull())
    .addColumn('active_from', 'varchar(10)', (c) => c.notNull())
    .addColumn('active_to', 'varchar(10)')
    .addColumn('added_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('added_by', 'varchar(255)', (c) => c.notNull())
    .addColumn('retired_at', 'varchar(32)')
    .addColumn('retired_by', 'varchar(255)')
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('operators').execute()
}
