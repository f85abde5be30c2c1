import {type Kysely} from '#kysely'

import {idColumn, type SqlDialect} from './helpers.js'

/**
 * Service-item lists (ITEM-1..8). Each import is a version; an item's content is kept as
 * revisions valid from one version until the next that changes or drops it, so a version
 * that changes ten items of a hundred thousand writes ten rows, and any two versions can
 * be compared. Lifecycle status (ITEM-4) and case counts (ITEM-6, ITEM-7) are per code.
 */
export async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  await idColumn(db.schema.createTable('item_versions'), dialect)
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('created_by', 'varchar(255)', (c) => c.notNull())
    .addColumn('source', 'varchar(1024)', (c) => c.notNull())
    .addColumn('sha256', 'varchar(64)', (c) => c.notNull())
    .addColumn('origin', 'varchar(16)', (c) => c.notNull())
    .addColumn('bodies', 'text', (c) => c.notNull())
    .addColumn('items', 'integer', (c) => c.notNull())
    .addColumn('added', 'integer', (c) => c.notNull())
    .addColumn('changed', 'integer', (c) => c.notNull())
    .addColumn('removed', 'integer', (c) => c.notNull())
    .addColumn('request_id', 'integer')
    .execute()

  await idColumn(db.schema.createTable('item_revisions'), dialect)
    .addColumn('code', 'varchar(128)', (c) => c.notNull())
    .addColumn('body', 'varchar(255)', (c) => c.notNull())
    .addColumn('type', 'varchar(32)', (c) => c.notNull())
    .addColumn('name', 'varchar(1024)', (c) => c.notNull())
    .addColumn('version_from', 'integer', (c) => c.notNull())
    .addColumn('version_to', 'integer')
    .addColumn('hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .execute()
  // One index serves every read, in code order: the current list (version_to IS NULL), an
  // item's history, the revisions a diff compares. One revision per code and version; that
  // only one is current is kept by import and change, which run under the write lock. A
  // second index (a partial one on the current rows, or one on the version columns) costs a
  // 100,000-item import a fifth of its time, and SQLite's planner prefers an index on
  // version_to for "version_to IS NULL" (true of nearly every row) and then sorts.
  await db.schema.createIndex('item_revisions_code').on('item_revisions').columns(['code', 'version_from']).unique().execute()

  // An item's 办理流程 and 申请材料 rows, each kept as revisions of their own: a list that
  // changes one step writes one row, and a basic-sheet-only import leaves them as they are.
  await idColumn(db.schema.createTable('item_parts'), dialect)
    .addColumn('code', 'varchar(128)', (c) => c.notNull())
    .addColumn('part', 'varchar(16)', (c) => c.notNull())
    .addColumn('version_from', 'integer', (c) => c.notNull())
    .addColumn('version_to', 'integer')
    .addColumn('hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('item_parts_code').on('item_parts').columns(['code', 'part', 'version_from']).unique().execute()

  // An item's status over time (ITEM-4): each approved lifecycle change from its effective date.
  await idColumn(db.schema.createTable('item_events'), dialect)
    .addColumn('code', 'varchar(128)', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('effective', 'varchar(10)', (c) => c.notNull())
    .addColumn('request_id', 'integer', (c) => c.notNull())
    .addColumn('at', 'varchar(32)', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('item_events_code').on('item_events').columns(['code', 'effective']).execute()

  await db.schema
    .createTable('item_cases')
    .addColumn('code', 'varchar(128)', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('channel', 'varchar(8)', (c) => c.notNull())
    .addColumn('cases', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('item_cases_pk', ['code', 'year', 'channel'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['item_cases', 'item_events', 'item_parts', 'item_revisions', 'item_versions']) await db.schema.dropTable(table).execute()
}
