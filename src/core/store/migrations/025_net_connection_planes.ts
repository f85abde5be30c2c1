import {type Kysely, sql} from '#kysely'

import type {SqlDialect} from './helpers.js'

/**
 * A unit may hold one extranet connection per carrier plane (issue 15: dual carrier, NET-2):
 * net_connections is keyed by unit and plane instead of unit alone. Existing rows keep their
 * plane. On PostgreSQL the key is changed in place, so the grants on the table stay (db grant);
 * SQLite cannot alter a key and the table is rebuilt.
 */
export async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  if (dialect === 'postgres') {
    await sql`alter table net_connections drop constraint net_connections_pkey`.execute(db)
    await sql`alter table net_connections add constraint net_connections_pkey primary key (unit_id, plane)`.execute(db)
    return
  }
  await db.schema
    .createTable('net_connections_025')
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id'))
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
    .addPrimaryKeyConstraint('net_connections_pkey', ['unit_id', 'plane'])
    .execute()
  await sql`insert into net_connections_025 (unit_id, status, plane, access_mode, bandwidth_mbps, cost_bearer, sponsor, request_id, since, rectify_by, updated_at)
    select unit_id, status, plane, access_mode, bandwidth_mbps, cost_bearer, sponsor, request_id, since, rectify_by, updated_at from net_connections`.execute(db)
  await db.schema.dropTable('net_connections').execute()
  await db.schema.alterTable('net_connections_025').renameTo('net_connections').execute()
}
