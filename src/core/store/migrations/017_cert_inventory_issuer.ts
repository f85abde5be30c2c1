import {createHash} from 'node:crypto'

import {type Kysely, sql} from '#kysely'

import {certParts} from '../../cert/index.js'
import type {SqlDialect} from './helpers.js'

/**
 * The certificate inventory keyed by issuer and serial (issue 21): two outside CAs may each
 * have issued serial 1000. Each certificate gets its serial number (hex, no leading zeros)
 * and its issuer key (SHA-256 of the issuer's Name, DER, hex), unique together; the row's
 * `serial` stays the key other tables refer to — the plain serial, or SERIAL@TAG (the
 * issuer key's first 8 characters) for a second certificate with a serial already there.
 */
export async function up(db: Kysely<unknown>, _dialect: SqlDialect): Promise<void> {
  await db.schema.alterTable('cert_certs').addColumn('serial_number', 'varchar(64)').execute()
  await db.schema.alterTable('cert_certs').addColumn('issuer_key', 'varchar(64)').execute()
  const rows = await sql<{serial: string; cert_pem: string}>`select serial, cert_pem from cert_certs`.execute(db)
  for (const row of rows.rows) {
    let serialNumber = row.serial.replace(/^0+(?=.)/, '')
    let issuerKey = createHash('sha256').update(row.serial).digest('hex') // never matches a real issuer: unreadable PEM
    try {
      const m = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(row.cert_pem)
      const parts = certParts(Buffer.from(m![1].replace(/\s+/g, ''), 'base64'))
      serialNumber = parts.serial.toString('hex').replace(/^0+(?=.)/, '')
      issuerKey = createHash('sha256').update(parts.issuer).digest('hex')
    } catch {
      // kept as above
    }
    await sql`update cert_certs set serial_number = ${serialNumber}, issuer_key = ${issuerKey} where serial = ${row.serial}`.execute(db)
  }
  await db.schema.createIndex('cert_certs_issuer_serial').on('cert_certs').columns(['issuer_key', 'serial_number']).unique().execute()
  await db.schema.createIndex('cert_certs_serial_number').on('cert_certs').column('serial_number').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('cert_certs_serial_number').execute()
  await db.schema.dropIndex('cert_certs_issuer_serial').execute()
  await db.schema.alterTable('cert_certs').dropColumn('issuer_key').execute()
  await db.schema.alterTable('cert_certs').dropColumn('serial_number').execute()
}
