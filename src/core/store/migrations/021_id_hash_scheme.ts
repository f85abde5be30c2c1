import {type Kysely, sql} from '#kysely'

import type {SqlDialect} from './helpers.js'

/**
 * ID numbers kept under a key outside the database (issue 18): cert_holders.id_scheme says
 * how id_hash was made. 'scrypt' is the old form, scrypt(id, salt) alone, which a copy of the
 * database lets anyone test guesses against; 'hmac-scrypt-v1' is HMAC-SHA256 of that scrypt
 * under a sub-key of the audit key (src/core/cert/idnumber.ts). A migration cannot see the
 * key, so it only marks the old rows; they are wrapped (keyed) where the key is at hand:
 * `egov db init` and the next certificate application (wrapLegacyIdHashes).
 */
export async function up(db: Kysely<unknown>, _dialect: SqlDialect): Promise<void> {
  await db.schema.alterTable('cert_holders').addColumn('id_scheme', 'varchar(16)').execute()
  await sql`update cert_holders set id_scheme = 'scrypt' where id_hash is not null`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('cert_holders').dropColumn('id_scheme').execute()
}
