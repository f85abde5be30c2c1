import {type Kysely} from '#kysely'

import {idColumn, type SqlDialect} from './helpers.js'

/** The unit registry every area shares, and units' extranet connections (NET-3..9). */
export async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  await idColumn(db.schema.createTable('units'), dialect)
    .addColumn('name', 'varchar(255)', (c) => c.notNull().unique())
    .addColumn('kind', 'varchar(64)', (c) => c.notNull())
    .addColumn('level', 'varchar(16)', (c) => c.notNull())
    .addColumn('parent_id', 'integer', (c) => c.references('units.id'))
    .addColumn('contact', 'varchar(255)')
    .addColumn('phone', 'varchar(32)')
    .addColumn('budget', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('created_by', 'varchar(255)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute()

  // One row per unit: its extranet connection as it stands; the history is in the requests and the audit trail.
  await db.schema
    .createTable('net_connections')
    .addColumn('unit_id', 'integer', (c) => c.primaryKey().references('units.id'))
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('plane', 'integer', (c) => c.notNull())
    .addColumn('access_mode', 'varchar(16)', (c) => c.notNull())
    .addColumn('bandwidth_mbps', 'integer', (c) => c.notNull())
    .addColumn('cost_bearer', 'varchar(16)', (c) => c.notNull())
    .addColumn('sponsor', 'varchar(255)')
    .addColumn('request_id', 'integer', (c) => c.notNull())
    .addColumn('since', 'varchar(32)', (c) => c.notNull())
    .addColumn('rectify_by', 'varchar(10)')
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('net_connections').execute()
  await db.schema.dropTable('units').execute()
}
