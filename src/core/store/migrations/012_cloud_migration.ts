import {type Kysely, sql} from '#kysely'

import type {SqlDialect} from './helpers.js'

/**
 * Migrations as requests and withdrawals (issue 16): a cloud system whose onboarding the
 * applicant withdrew is `withdrawn`, and its name is free again, as for a rejected or
 * released one. The partial unique index on live names is rebuilt to say so (same SQL on
 * SQLite and PostgreSQL, both of which have partial indexes).
 */
export async function up(db: Kysely<unknown>, _dialect: SqlDialect): Promise<void> {
  await sql`drop index cloud_systems_live_name`.execute(db)
  await sql`create unique index cloud_systems_live_name on cloud_systems (name) where status not in ('rejected', 'released', 'withdrawn')`.execute(db)
}
