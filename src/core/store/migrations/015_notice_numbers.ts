import type {Kysely} from '#kysely'

import type {SqlDialect} from './helpers.js'

/**
 * Document numbers of written notices (发文字号): one sequence per notice kind and year,
 * taken inside the decision's own write transaction, so two decisions never share a number.
 */
export async function up(db: Kysely<unknown>, _dialect: SqlDialect): Promise<void> {
  await db.schema
    .createTable('notice_numbers')
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('last_number', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('notice_numbers_pk', ['kind', 'year'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('notice_numbers').execute()
}
