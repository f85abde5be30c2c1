import {type Kysely, sql} from '#kysely'

import {idColumn, type SqlDialect} from './helpers.js'

export async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  await idColumn(db.schema.createTable('requests'), dialect)
    .addColumn('kind', 'varchar(64)', (c) => c.notNull())
    .addColumn('state', 'varchar(64)', (c) => c.notNull())
    .addColumn('applicant_unit', 'varchar(255)', (c) => c.notNull())
    .addColumn('filed_by', 'varchar(255)', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('filed_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('state_since', 'varchar(32)', (c) => c.notNull())
    .addColumn('due_on', 'varchar(10)')
    .execute()
  await db.schema.createIndex('requests_kind_state').on('requests').columns(['kind', 'state']).execute()
  await db.schema.createIndex('requests_due_on').on('requests').column('due_on').execute()

  await idColumn(db.schema.createTable('request_transitions'), dialect)
    .addColumn('request_id', 'integer', (c) => c.notNull().references('requests.id'))
    .addColumn('from_state', 'varchar(64)')
    .addColumn('to_state', 'varchar(64)', (c) => c.notNull())
    .addColumn('action', 'varchar(64)', (c) => c.notNull())
    .addColumn('actor', 'varchar(255)', (c) => c.notNull())
    .addColumn('at', 'varchar(32)', (c) => c.notNull())
    .addColumn('comment', 'text')
    .execute()
  await db.schema.createIndex('request_transitions_request').on('request_transitions').column('request_id').execute()

  await db.schema
    .createTable('audit_log')
    .addColumn('seq', 'integer', (c) => c.primaryKey())
    .addColumn('at', 'varchar(32)', (c) => c.notNull())
    .addColumn('actor', 'varchar(255)', (c) => c.notNull())
    .addColumn('action', 'varchar(128)', (c) => c.notNull())
    .addColumn('entity_type', 'varchar(64)', (c) => c.notNull())
    .addColumn('entity_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('before_json', 'text')
    .addColumn('after_json', 'text')
    .addColumn('prev_hash', 'char(64)', (c) => c.notNull())
    .addColumn('hash', 'char(64)', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('audit_log_entity').on('audit_log').columns(['entity_type', 'entity_id']).execute()
  await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute()

  await db.schema
    .createTable('audit_head')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('hash', 'char(64)', (c) => c.notNull())
    .addCheckConstraint('audit_head_single_row', sql`id = 1`)
    .execute()

  await db.schema
    .createTable('settings')
    .addColumn('key', 'varchar(255)', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_by', 'varchar(255)', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('calendar_years')
    .addColumn('year', 'integer', (c) => c.primaryKey())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('loaded_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('loaded_by', 'varchar(255)', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('calendar_days')
    .addColumn('day', 'varchar(10)', (c) => c.primaryKey())
    .addColumn('year', 'integer', (c) => c.notNull().references('calendar_years.year'))
    .addColumn('is_workday', 'integer', (c) => c.notNull())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['calendar_days', 'calendar_years', 'settings', 'audit_head', 'audit_log', 'request_transitions', 'requests']) {
    await db.schema.dropTable(table).execute()
  }
}
