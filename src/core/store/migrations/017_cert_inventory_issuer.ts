import {createHash} from 'node:crypto'

import {type Kysely, sql} from '#kysely'

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
      const parts = serialAndIssuer(Buffer.from((m?.[1] ?? '').replace(/\s+/g, ''), 'base64'))
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

/**
 * A certificate's serial number (content) and issuer Name (the whole DER), read as this
 * migration was written: its own copy, so that later changes to the certificate code never
 * change what an old migration does (a migration is frozen once released).
 */
function serialAndIssuer(der: Buffer): {serial: Buffer; issuer: Buffer} {
  type Tlv = {start: number; contentStart: number; end: number; tag: number}
  const at = (offset: number): Tlv => {
    const tag = der[offset]
    let length = der[offset + 1]
    if (tag === undefined || length === undefined) throw new Error('DER: truncated')
    let pos = offset + 2
    if (length & 0x80) {
      const n = length & 0x7f
      length = 0
      for (let i = 0; i < n; i++) length = length * 256 + (der[pos + i] ?? 0)
      pos += n
    }
    if (pos + length > der.length) throw new Error('DER: truncated')
    return {tag, start: offset, contentStart: pos, end: pos + length}
  }
  const inside = (node: Tlv): Tlv[] => {
    const out: Tlv[] = []
    for (let p = node.contentStart; p < node.end; p = out[out.length - 1]!.end) out.push(at(p))
    return out
  }
  const [tbs] = inside(at(0))
  if (!tbs) throw new Error('DER: no TBSCertificate')
  let fields = inside(tbs)
  if (fields[0]?.tag === 0xa0) fields = fields.slice(1) // [0] version
  const [serial, , issuer] = fields
  if (!serial || !issuer) throw new Error('DER: no serial or issuer')
  return {serial: der.subarray(serial.contentStart, serial.end), issuer: der.subarray(issuer.start, issuer.end)}
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('cert_certs_serial_number').execute()
  await db.schema.dropIndex('cert_certs_issuer_serial').execute()
  await db.schema.alterTable('cert_certs').dropColumn('issuer_key').execute()
  await db.schema.alterTable('cert_certs').dropColumn('serial_number').execute()
}
