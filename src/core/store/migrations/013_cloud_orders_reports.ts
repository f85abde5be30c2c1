import {type Kysely, sql} from '#kysely'

import {idColumn, type SqlDialect} from './helpers.js'

/**
 * CLOUD-8's two follow-ups (第二十条, 第十条(二)):
 * - cloud_fix_orders: a fix order (整改通知) the bureau issued to a system, with its finding and
 *   deadline; the order itself is a request (kind cloud-fix-order) and this row ties it to the
 *   system. At most one open order per system (closed_at is set when it is confirmed).
 * - cloud_provider_reports: a provider's periodic operation report (运行、使用和优化建议报告),
 *   one per provider and period (a month 2026-11 or a quarter 2026-Q4, covering first_month to
 *   last_month), the file kept by reference (path, size, SHA-256).
 */
export async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  await idColumn(db.schema.createTable('cloud_fix_orders'), dialect)
    .addColumn('request_id', 'integer', (c) => c.notNull().unique())
    .addColumn('system_id', 'integer', (c) => c.notNull())
    .addColumn('deadline', 'varchar(10)', (c) => c.notNull())
    .addColumn('finding', 'text', (c) => c.notNull())
    .addColumn('issued_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('issued_by', 'varchar(255)', (c) => c.notNull())
    .addColumn('closed_at', 'varchar(32)')
    .execute()
  // One open order per system: a second issue is a no-op, and two at once cannot both go in.
  await sql`create unique index cloud_fix_orders_open on cloud_fix_orders (system_id) where closed_at is null`.execute(db)

  await idColumn(db.schema.createTable('cloud_provider_reports'), dialect)
    .addColumn('provider', 'varchar(255)', (c) => c.notNull())
    .addColumn('period', 'varchar(7)', (c) => c.notNull())
    .addColumn('first_month', 'varchar(7)', (c) => c.notNull())
    .addColumn('last_month', 'varchar(7)', (c) => c.notNull())
    .addColumn('due_on', 'varchar(10)', (c) => c.notNull())
    .addColumn('path', 'varchar(4096)', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'varchar(64)', (c) => c.notNull())
    .addColumn('received_on', 'varchar(10)', (c) => c.notNull())
    .addColumn('at', 'varchar(32)', (c) => c.notNull())
    .addColumn('actor', 'varchar(255)', (c) => c.notNull())
    .addUniqueConstraint('cloud_provider_reports_period', ['provider', 'period'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['cloud_provider_reports', 'cloud_fix_orders']) await db.schema.dropTable(table).ifExists().execute()
}
