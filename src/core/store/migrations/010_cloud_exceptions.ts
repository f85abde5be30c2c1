import type {Kysely} from '#kysely'

/**
 * CLOUD-9 exceptions as records (第十三条): a system admitted for an enterprise or a person
 * names the approved cloud-exception request it came under. The exception itself is a
 * request (kind cloud-exception), so it needs no table. The free-text exception_ref of
 * older rows stays as it was, readable.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('cloud_systems').addColumn('exception_id', 'integer').execute()
  await db.schema.createIndex('cloud_systems_exception').on('cloud_systems').column('exception_id').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('cloud_systems_exception').execute()
  await db.schema.alterTable('cloud_systems').dropColumn('exception_id').execute()
}
