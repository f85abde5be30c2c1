import {type Kysely, sql} from '#kysely'

import {readTemplate} from '../../templates.js'
import type {SqlDialect} from './helpers.js'

interface ShippedProfile {
  key: string
  name: string
  keyUsage: string[]
  extKeyUsage: string[]
  key_spec: string
  days: number
  maxDays: number
  medium: boolean
  san: string[]
  encryption?: boolean
}

/**
 * Certificate profiles live in the database (issue 21): shared by everyone on it (a team on
 * PostgreSQL, a SQLite file moved to another machine), changed by the security administrator
 * with every change in the audit trail. A certificate records the key of the profile it was
 * issued under (cert_certs.profile, since 006), and renewals read that profile from here,
 * never from the installed package. The table starts with the profiles the package ships
 * (templates/cert-profiles.json as it is when this migration runs), so an existing database
 * keeps issuing and renewing as before; after that the file is not read again.
 *
 * key_usage, ext_key_usage and san are comma-separated names (RFC 5280 names, dns/ip);
 * status is 'active' or 'retired' (a retired profile issues nothing new, but what was issued
 * under it renews under it).
 */
export async function up(db: Kysely<unknown>, _dialect: SqlDialect): Promise<void> {
  await db.schema
    .createTable('cert_profiles')
    .addColumn('key', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('key_usage', 'varchar(255)', (c) => c.notNull())
    .addColumn('ext_key_usage', 'varchar(255)', (c) => c.notNull())
    .addColumn('key_spec', 'varchar(16)', (c) => c.notNull())
    .addColumn('days', 'integer', (c) => c.notNull())
    .addColumn('max_days', 'integer', (c) => c.notNull())
    .addColumn('medium', 'integer', (c) => c.notNull())
    .addColumn('san', 'varchar(32)', (c) => c.notNull())
    .addColumn('encryption', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('created_by', 'varchar(255)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)')
    .addColumn('updated_by', 'varchar(255)')
    .addColumn('retired_at', 'varchar(32)')
    .addColumn('retired_by', 'varchar(255)')
    .execute()
  const at = new Date().toISOString()
  for (const p of readTemplate<{profiles: ShippedProfile[]}>('cert-profiles.json').profiles) {
    await sql`insert into cert_profiles (key, name, key_usage, ext_key_usage, key_spec, days, max_days, medium, san, encryption, status, created_at, created_by)
      values (${p.key}, ${p.name}, ${p.keyUsage.join(',')}, ${p.extKeyUsage.join(',')}, ${p.key_spec}, ${p.days}, ${p.maxDays}, ${p.medium ? 1 : 0}, ${p.san.join(',')}, ${p.encryption ? 1 : 0}, ${'active'}, ${at}, ${'migration 023'})`.execute(
      db,
    )
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('cert_profiles').execute()
}
