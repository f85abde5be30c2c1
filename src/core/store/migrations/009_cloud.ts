import {type Kysely, sql} from '#kysely'

import {idColumn, type SqlDialect} from './helpers.js'

/**
 * The government cloud (CLOUD-1..9): admitted providers and what they offer, tenant
 * systems with their configuration and agreed envelope, their attachments by reference,
 * every change to a system as an event (the yearly report reads them), security dates,
 * and the utilisation samples providers report (CLOUD-8).
 *
 * Named 009 although 007 was once reserved for it: databases already carry 008, and a
 * migration may not be slotted in before one that has run.
 */
export async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  await idColumn(db.schema.createTable('cloud_providers'), dialect)
    .addColumn('name', 'varchar(255)', (c) => c.notNull().unique())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('vcpu', 'integer', (c) => c.notNull())
    .addColumn('memory_gib', 'integer', (c) => c.notNull())
    .addColumn('storage_gib', 'bigint', (c) => c.notNull())
    .addColumn('bandwidth_mbps', 'integer', (c) => c.notNull())
    .addColumn('extranet_ips', 'integer', (c) => c.notNull())
    .addColumn('internet_ips', 'integer', (c) => c.notNull())
    .addColumn('zones', 'text', (c) => c.notNull())
    .addColumn('request_id', 'integer', (c) => c.notNull())
    .addColumn('admitted_on', 'varchar(10)', (c) => c.notNull())
    .addColumn('reported_on', 'varchar(10)', (c) => c.notNull())
    .addColumn('exited_at', 'varchar(32)')
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute()

  let systems = idColumn(db.schema.createTable('cloud_systems'), dialect)
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('unit', 'varchar(255)', (c) => c.notNull())
    .addColumn('level', 'integer', (c) => c.notNull())
    .addColumn('os', 'varchar(255)', (c) => c.notNull())
    .addColumn('exception_ref', 'varchar(255)')
    .addColumn('request_id', 'integer', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('provider', 'varchar(255)')
    .addColumn('pool', 'varchar(255)')
    .addColumn('allocation_id', 'integer')
  // The configuration as run: VM count and, per VM, vCPU, memory and disks.
  for (const column of ['vms', 'vcpu', 'memory_gib', 'system_disk_gib', 'data_disk_gib', 'bandwidth_mbps', 'extranet_ips', 'internet_ips']) {
    systems = systems.addColumn(column, 'integer', (c) => c.notNull())
  }
  // The agreed envelope, in totals (CLOUD-4): set when the bureau approves, moved by scale requests.
  for (const column of ['env_vcpu', 'env_memory_gib', 'env_storage_gib', 'env_bandwidth_mbps', 'env_extranet_ips', 'env_internet_ips']) {
    systems = systems.addColumn(column, 'integer')
  }
  await systems
    .addColumn('provisioned_at', 'varchar(32)')
    .addColumn('released_at', 'varchar(32)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute()
  // A system's name is unique among systems that are not rejected or released (SYS names them).
  await sql`create unique index cloud_systems_live_name on cloud_systems (name) where status not in ('rejected', 'released')`.execute(db)
  await db.schema.createIndex('cloud_systems_provider').on('cloud_systems').columns(['provider', 'status']).execute()
  await db.schema.createIndex('cloud_systems_unit').on('cloud_systems').column('unit').execute()

  await idColumn(db.schema.createTable('cloud_attachments'), dialect)
    .addColumn('system_id', 'integer')
    .addColumn('request_id', 'integer', (c) => c.notNull())
    .addColumn('role', 'varchar(32)', (c) => c.notNull())
    .addColumn('path', 'varchar(4096)', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'varchar(64)', (c) => c.notNull())
    .addColumn('at', 'varchar(32)', (c) => c.notNull())
    .addColumn('actor', 'varchar(255)', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('cloud_attachments_system').on('cloud_attachments').column('system_id').execute()
  await db.schema.createIndex('cloud_attachments_request').on('cloud_attachments').column('request_id').execute()

  await idColumn(db.schema.createTable('cloud_events'), dialect)
    .addColumn('system_id', 'integer', (c) => c.notNull())
    .addColumn('event', 'varchar(32)', (c) => c.notNull())
    .addColumn('at', 'varchar(32)', (c) => c.notNull())
    .addColumn('actor', 'varchar(255)', (c) => c.notNull())
    .addColumn('request_id', 'integer')
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('provider', 'varchar(255)')
    .addColumn('snapshot', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .execute()
  await db.schema.createIndex('cloud_events_system').on('cloud_events').columns(['system_id', 'id']).execute()
  await db.schema.createIndex('cloud_events_at').on('cloud_events').column('at').execute()

  await idColumn(db.schema.createTable('cloud_security'), dialect)
    .addColumn('system_id', 'integer', (c) => c.notNull())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('on_date', 'varchar(10)', (c) => c.notNull())
    .addColumn('result', 'varchar(8)')
    .addColumn('at', 'varchar(32)', (c) => c.notNull())
    .addColumn('actor', 'varchar(255)', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('cloud_security_system').on('cloud_security').columns(['system_id', 'kind', 'on_date']).execute()

  // Utilisation samples (CLOUD-8): time as epoch seconds, percentages in tenths (0–1000).
  await db.schema
    .createTable('cloud_usage')
    .addColumn('system_id', 'integer', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('cpu', 'integer', (c) => c.notNull())
    .addColumn('memory', 'integer', (c) => c.notNull())
    .addColumn('disk', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('cloud_usage_pk', ['system_id', 'at'])
    .$call((b) => (dialect === 'sqlite' ? b.modifyEnd(sql`without rowid`) : b))
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['cloud_usage', 'cloud_security', 'cloud_events', 'cloud_attachments', 'cloud_systems', 'cloud_providers']) {
    await db.schema.dropTable(table).ifExists().execute()
  }
}
