import {createHash, X509Certificate} from 'node:crypto'

import {type Kysely, sql} from '#kysely'

import type {SqlDialect} from './helpers.js'

/**
 * Keys revoked for key compromise, by the SHA-256 of their SubjectPublicKeyInfo: such a key
 * is never certified again, by any request. Certificates already revoked for compromise are
 * entered from the inventory.
 */
export async function up(db: Kysely<unknown>, _dialect: SqlDialect): Promise<void> {
  await db.schema
    .createTable('cert_blocked_keys')
    .addColumn('spki_sha256', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('serial', 'varchar(64)', (c) => c.notNull())
    .addColumn('blocked_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('actor', 'varchar(255)', (c) => c.notNull())
    .execute()
  const revoked = await sql<{serial: string; cert_pem: string; revoked_at: string | null}>`
    select serial, cert_pem, revoked_at from cert_certs where status = 'revoked' and reason = 'keyCompromise' order by revoked_at`.execute(db)
  const seen = new Set<string>()
  for (const row of revoked.rows) {
    let spki: Buffer
    try {
      spki = new X509Certificate(row.cert_pem).publicKey.export({type: 'spki', format: 'der'})
    } catch {
      continue
    }
    const hash = createHash('sha256').update(spki).digest('hex')
    if (seen.has(hash)) continue
    seen.add(hash)
    await sql`insert into cert_blocked_keys (spki_sha256, serial, blocked_at, actor) values (${hash}, ${row.serial}, ${row.revoked_at ?? new Date().toISOString()}, ${'migration 014'})`.execute(db)
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('cert_blocked_keys').execute()
}
