import type {Kysely} from '#kysely'

import type {SqlDialect} from './helpers.js'

/**
 * The anchored audit trail (issue 18): each new entry carries mac, the HMAC-SHA256 of its
 * hash under the audit key kept outside the database (src/core/audit/key.ts). Entries
 * written before the key existed keep NULL: `audit verify` counts them, it cannot check them.
 */
export async function up(db: Kysely<unknown>, _dialect: SqlDialect): Promise<void> {
  await db.schema.alterTable('audit_log').addColumn('mac', 'char(64)').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('audit_log').dropColumn('mac').execute()
}
