import {type Kysely, sql} from '#kysely'

import {idColumn, type SqlDialect} from './helpers.js'

/**
 * The extranet address plan (NET-1, NET-2): pools that nest, allocations, and the
 * free-space index. Addresses are kept as fixed-width hex keys (8 digits for IPv4, 32 for
 * IPv6) so that range queries sort and compare the same way on SQLite and PostgreSQL.
 */
export async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  // Byte order, not the server's locale, for the hex keys (SQLite compares bytes already).
  const key = dialect === 'postgres' ? sql`varchar(32) collate "C"` : sql`varchar(32)`
  await idColumn(db.schema.createTable('net_pools'), dialect)
    .addColumn('name', 'varchar(255)', (c) => c.notNull().unique())
    .addColumn('cidr', 'varchar(64)', (c) => c.notNull())
    .addColumn('family', 'integer', (c) => c.notNull())
    .addColumn('plane', 'integer', (c) => c.notNull())
    .addColumn('prefix', 'integer', (c) => c.notNull())
    .addColumn('start_key', key, (c) => c.notNull())
    .addColumn('end_key', key, (c) => c.notNull())
    .addColumn('parent_id', 'integer', (c) => c.references('net_pools.id'))
    .addColumn('note', 'text')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('created_by', 'varchar(255)', (c) => c.notNull())
    .addUniqueConstraint('net_pools_plane_cidr', ['plane', 'cidr'])
    .execute()
  await db.schema.createIndex('net_pools_range').on('net_pools').columns(['plane', 'family', 'start_key']).execute()
  await db.schema.createIndex('net_pools_parent').on('net_pools').column('parent_id').execute()

  let allocations = idColumn(db.schema.createTable('net_allocations'), dialect)
    // Null once the pool is removed; pool_name keeps the history readable.
    .addColumn('pool_id', 'integer', (c) => c.references('net_pools.id'))
    .addColumn('pool_name', 'varchar(255)', (c) => c.notNull())
    .addColumn('cidr', 'varchar(64)', (c) => c.notNull())
    .addColumn('family', 'integer', (c) => c.notNull())
    .addColumn('plane', 'integer', (c) => c.notNull())
    .addColumn('prefix', 'integer', (c) => c.notNull())
    .addColumn('start_key', key, (c) => c.notNull())
    .addColumn('end_key', key, (c) => c.notNull())
    .addColumn('unit', 'varchar(255)', (c) => c.notNull())
    .addColumn('purpose', 'text')
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('created_by', 'varchar(255)', (c) => c.notNull())
    .addColumn('released_at', 'varchar(32)')
    .addColumn('released_by', 'varchar(255)')
  if (dialect === 'postgres') {
    // The database itself refuses overlapping blocks on a plane, whatever a writer does.
    allocations = allocations.addColumn('net', sql`cidr`, (c) => c.generatedAlwaysAs(sql`(cidr::cidr)`).stored())
  }
  await allocations.execute()
  if (dialect === 'postgres') {
    for (const plane of [1, 2]) {
      await sql`alter table net_allocations add constraint ${sql.raw(`net_allocations_no_overlap_plane${plane}`)}
        exclude using gist (net inet_ops with &&) where (plane = ${sql.lit(plane)} and status <> 'released')`.execute(db)
    }
  }
  await db.schema.createIndex('net_allocations_pool').on('net_allocations').columns(['pool_id', 'status']).execute()
  await db.schema.createIndex('net_allocations_range').on('net_allocations').columns(['plane', 'family', 'start_key']).execute()
  await db.schema.createIndex('net_allocations_unit').on('net_allocations').column('unit').execute()
  await db.schema.createIndex('net_allocations_cidr').on('net_allocations').columns(['cidr', 'status']).execute()

  // The free-space index: each pool's free space as maximal aligned blocks (a buddy
  // system). Allocation and release touch a handful of rows whatever the pool holds.
  await db.schema
    .createTable('net_free')
    .addColumn('pool_id', 'integer', (c) => c.notNull().references('net_pools.id'))
    .addColumn('prefix', 'integer', (c) => c.notNull())
    .addColumn('start_key', key, (c) => c.notNull())
    .addPrimaryKeyConstraint('net_free_pk', ['pool_id', 'prefix', 'start_key'])
    .execute()
  await db.schema.createIndex('net_free_start').on('net_free').columns(['pool_id', 'start_key']).execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['net_free', 'net_allocations', 'net_pools']) await db.schema.dropTable(table).execute()
}
