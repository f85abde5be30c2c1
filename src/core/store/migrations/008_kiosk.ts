import {type Kysely} from '#kysely'

import {idColumn, type SqlDialect} from './helpers.js'

/**
 * Self-service kiosks (KIOSK-1..5): the registry of kiosks admitted through an onboarding
 * request (one row per kiosk verified at its site, serial unique across the registry), each
 * kiosk's history, and heartbeat probe records (availability for KIOSK-5).
 */
export async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  await idColumn(db.schema.createTable('kiosks'), dialect)
    .addColumn('serial', 'varchar(128)', (c) => c.notNull().unique())
    .addColumn('request_id', 'integer', (c) => c.notNull())
    .addColumn('unit', 'varchar(255)', (c) => c.notNull())
    .addColumn('site_no', 'integer', (c) => c.notNull())
    .addColumn('site_name', 'varchar(255)', (c) => c.notNull())
    .addColumn('site_location', 'varchar(1024)', (c) => c.notNull())
    .addColumn('model', 'varchar(255)', (c) => c.notNull())
    .addColumn('heartbeat_url', 'varchar(2048)')
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('verified_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('verified_by', 'varchar(255)', (c) => c.notNull())
    .addColumn('last_seen', 'varchar(32)')
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('kiosks_unit').on('kiosks').columns(['unit', 'site_no']).execute()
  await db.schema.createIndex('kiosks_request').on('kiosks').columns(['request_id', 'site_no']).execute()

  await idColumn(db.schema.createTable('kiosk_events'), dialect)
    .addColumn('kiosk_id', 'integer', (c) => c.notNull())
    .addColumn('event', 'varchar(32)', (c) => c.notNull())
    .addColumn('from_status', 'varchar(16)')
    .addColumn('to_status', 'varchar(16)', (c) => c.notNull())
    .addColumn('at', 'varchar(32)', (c) => c.notNull())
    .addColumn('actor', 'varchar(255)', (c) => c.notNull())
    .addColumn('request_id', 'integer')
    .addColumn('note', 'text')
    .execute()
  await db.schema.createIndex('kiosk_events_kiosk').on('kiosk_events').columns(['kiosk_id', 'id']).execute()

  await idColumn(db.schema.createTable('kiosk_probes'), dialect)
    .addColumn('kiosk_id', 'integer', (c) => c.notNull())
    .addColumn('at', 'varchar(32)', (c) => c.notNull())
    .addColumn('outcome', 'varchar(16)', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('ms', 'integer')
    .execute()
  await db.schema.createIndex('kiosk_probes_kiosk').on('kiosk_probes').columns(['kiosk_id', 'at']).execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['kiosk_probes', 'kiosk_events', 'kiosks']) await db.schema.dropTable(table).ifExists().execute()
}
