import {type Kysely} from '#kysely'

import {idColumn, type SqlDialect} from './helpers.js'

/**
 * Staff certificates (CERT-1..4): the local CA with its current CRL, holders (a person in a
 * unit, the ID number only as a salted hash and its last four characters), media (USB keys,
 * one holder each), the certificate inventory (issued here or imported) with each one's
 * history, and fetched CRLs of outside CAs.
 */
export async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  await db.schema
    .createTable('cert_ca')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('key_spec', 'varchar(16)', (c) => c.notNull())
    .addColumn('cert_pem', 'text', (c) => c.notNull())
    .addColumn('key_pem', 'text', (c) => c.notNull())
    .addColumn('not_after', 'varchar(32)', (c) => c.notNull())
    .addColumn('crl_number', 'integer', (c) => c.notNull())
    .addColumn('crl_days', 'integer', (c) => c.notNull())
    .addColumn('crl_url', 'text')
    .addColumn('crl_this_update', 'varchar(32)')
    .addColumn('crl_next_update', 'varchar(32)')
    .addColumn('crl_der', 'text')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('created_by', 'varchar(255)', (c) => c.notNull())
    .execute()

  await idColumn(db.schema.createTable('cert_holders'), dialect)
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id'))
    .addColumn('id_salt', 'varchar(64)')
    .addColumn('id_hash', 'varchar(128)')
    .addColumn('id_last4', 'varchar(4)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('created_by', 'varchar(255)', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('cert_holders_last4').on('cert_holders').column('id_last4').execute()

  await db.schema
    .createTable('cert_media')
    .addColumn('serial', 'varchar(128)', (c) => c.primaryKey())
    .addColumn('holder_id', 'integer', (c) => c.notNull().references('cert_holders.id'))
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('registered_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('cert_certs')
    .addColumn('serial', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('source', 'varchar(16)', (c) => c.notNull())
    .addColumn('holder_id', 'integer', (c) => c.notNull().references('cert_holders.id'))
    .addColumn('medium', 'varchar(128)')
    .addColumn('profile', 'varchar(32)')
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('key_spec', 'varchar(16)')
    .addColumn('key_origin', 'varchar(16)', (c) => c.notNull())
    .addColumn('not_before', 'varchar(32)', (c) => c.notNull())
    .addColumn('not_after', 'varchar(32)', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('hold_kind', 'varchar(16)')
    .addColumn('revoked_at', 'varchar(32)')
    .addColumn('reason', 'varchar(32)')
    .addColumn('cert_pem', 'text', (c) => c.notNull())
    .addColumn('key_pem', 'text')
    .addColumn('p12_allowance', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('request_id', 'integer')
    .addColumn('replaces', 'varchar(64)')
    .addColumn('replaced_by', 'varchar(64)')
    .addColumn('crl_url', 'text')
    .addColumn('issuer_pem', 'text')
    .addColumn('checked_at', 'varchar(32)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('cert_certs_holder').on('cert_certs').columns(['holder_id', 'profile']).execute()
  await db.schema.createIndex('cert_certs_status').on('cert_certs').columns(['status', 'not_after']).execute()
  await db.schema.createIndex('cert_certs_medium').on('cert_certs').column('medium').execute()

  await idColumn(db.schema.createTable('cert_events'), dialect)
    .addColumn('serial', 'varchar(64)', (c) => c.notNull())
    .addColumn('event', 'varchar(32)', (c) => c.notNull())
    .addColumn('at', 'varchar(32)', (c) => c.notNull())
    .addColumn('actor', 'varchar(255)', (c) => c.notNull())
    .addColumn('request_id', 'integer')
    .addColumn('detail', 'text')
    .execute()
  await db.schema.createIndex('cert_events_serial').on('cert_events').column('serial').execute()

  await db.schema
    .createTable('cert_crl_cache')
    .addColumn('url', 'varchar(2048)', (c) => c.primaryKey())
    .addColumn('fetched_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('next_update', 'varchar(32)')
    .addColumn('der', 'text', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['cert_crl_cache', 'cert_events', 'cert_certs', 'cert_media', 'cert_holders', 'cert_ca']) await db.schema.dropTable(t).execute()
}
