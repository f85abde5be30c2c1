import type {Kysely} from '#kysely'

import type {SqlDialect} from './helpers.js'

/**
 * NET-4 (第十一条: 分级接入、属地接入): units and address pools carry the district they belong
 * to (属地, e.g. 甘州区, 市本级), and pools the level of unit they serve (分级: city, county,
 * township, village). Both are optional: a pool or unit without them is not checked, as before.
 */
export async function up(db: Kysely<unknown>, _dialect: SqlDialect): Promise<void> {
  await db.schema.alterTable('units').addColumn('district', 'varchar(64)').execute()
  await db.schema.alterTable('net_pools').addColumn('district', 'varchar(64)').execute()
  await db.schema.alterTable('net_pools').addColumn('level', 'varchar(16)').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('net_pools').dropColumn('level').execute()
  await db.schema.alterTable('net_pools').dropColumn('district').execute()
  await db.schema.alterTable('units').dropColumn('district').execute()
}
