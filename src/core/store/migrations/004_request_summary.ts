import type {Kysely} from '#kysely'

/**
 * Each request's one-line summary, kept beside its payload when the payload is written, so
 * lists of thousands of requests read neither payloads nor parse them. Rows written before
 * this migration have none; lists compute theirs from the payload.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('requests').addColumn('summary', 'text').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('requests').dropColumn('summary').execute()
}
