import {type Kysely} from '#kysely'

import type {SqlDialect} from './helpers.js'

/**
 * A CA hierarchy (issue 21): an offline root above the issuing CA, and issuing CAs retired
 * by a rollover that keep signing CRLs for the certificates they issued.
 *
 * - cert_ca_roots: the root's certificate and its own CRL (which lists revoked issuing CAs).
 *   The root's private key is never stored: it lives in a file the operator takes offline.
 * - cert_ca: row 1 stays the CA that signs today (as before). `root_id` names the root above
 *   it (null: a self-signed CA standing alone, as every CA before this migration); `ca_url`
 *   is where its certificate is published (AIA caIssuers in every certificate it signs);
 *   a rollover moves the retired CA to a new row with `retired_at` set.
 */
export async function up(db: Kysely<unknown>, _dialect: SqlDialect): Promise<void> {
  await db.schema
    .createTable('cert_ca_roots')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('key_spec', 'varchar(16)', (c) => c.notNull())
    .addColumn('cert_pem', 'text', (c) => c.notNull())
    .addColumn('not_after', 'varchar(32)', (c) => c.notNull())
    .addColumn('crl_number', 'integer', (c) => c.notNull())
    .addColumn('crl_days', 'integer', (c) => c.notNull())
    .addColumn('crl_url', 'text')
    .addColumn('ca_url', 'text')
    .addColumn('crl_this_update', 'varchar(32)')
    .addColumn('crl_next_update', 'varchar(32)')
    .addColumn('crl_der', 'text')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('created_by', 'varchar(255)', (c) => c.notNull())
    .execute()
  await db.schema.alterTable('cert_ca').addColumn('root_id', 'integer').execute()
  await db.schema.alterTable('cert_ca').addColumn('ca_url', 'text').execute()
  await db.schema.alterTable('cert_ca').addColumn('retired_at', 'varchar(32)').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('cert_ca').dropColumn('retired_at').execute()
  await db.schema.alterTable('cert_ca').dropColumn('ca_url').execute()
  await db.schema.alterTable('cert_ca').dropColumn('root_id').execute()
  await db.schema.dropTable('cert_ca_roots').execute()
}
