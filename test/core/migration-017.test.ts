import {execFileSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import Database from 'better-sqlite3'
import {Kysely, Migrator, SqliteDialect, sql} from 'kysely'
import {expect, it} from 'vitest'

import {certParts} from '../../src/core/cert/primitives.js'
import {migrationsFor} from '../../src/core/store/migrations/index.js'

/**
 * Migration 017 (issue 21) fills each certificate's serial number and issuer key from its PEM.
 * It reads the DER with its own frozen copy of the walk (issue 17: a released migration must not
 * change when the certificate code does): on a database left at 015 with an outside certificate
 * and an unreadable one, it must give what openssl and today's certParts give, and the fallback.
 */
it('017 fills serial_number and issuer_key from each certificate, as openssl reads it', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'egov-m017-')), 'old.db')
  const db = new Kysely<unknown>({dialect: new SqliteDialect({database: new Database(file)})})
  const migrator = new Migrator({db, provider: {getMigrations: () => Promise.resolve(migrationsFor('sqlite'))}})
  const before = await migrator.migrateTo('015_notice_numbers')
  expect(before.error).toBeUndefined()

  const pemPath = new URL('../../fixtures/cert/outside-staff.pem', import.meta.url)
  const pem = readFileSync(pemPath, 'utf8')
  const at = '2026-12-01T00:00:00Z'
  await sql`insert into units (name, kind, level, budget, created_at, created_by, updated_at) values ('市数据局', 'party-government', 'city', 'city', ${at}, 'clerk', ${at})`.execute(db)
  await sql`insert into cert_holders (name, unit_id, created_at, created_by) values ('张三', 1, ${at}, 'clerk')`.execute(db)
  for (const [serial, certPem] of [
    ['OUTSIDE-1', pem],
    ['0042', 'not a certificate'],
  ]) {
    await sql`insert into cert_certs (serial, source, holder_id, subject, issuer, key_origin, not_before, not_after, status, cert_pem, created_at)
      values (${serial}, 'outside', 1, 'CN=张三', 'CN=Outside CA', 'outside', ${at}, ${at}, 'valid', ${certPem}, ${at})`.execute(db)
  }

  const after = await migrator.migrateToLatest()
  expect(after.error).toBeUndefined()
  const rows = (await sql<{serial: string; serial_number: string; issuer_key: string}>`select serial, serial_number, issuer_key from cert_certs order by serial`.execute(db)).rows
  await db.destroy()

  const opensslSerial = execFileSync('openssl', ['x509', '-in', pemPath.pathname, '-noout', '-serial'], {encoding: 'utf8'})
    .trim()
    .replace(/^serial=/, '')
  const der = Buffer.from(pem.replace(/-----[^-]+-----|\s+/g, ''), 'base64')
  const outside = rows.find((r) => r.serial === 'OUTSIDE-1')
  expect(outside?.serial_number.toUpperCase()).toBe(opensslSerial.replace(/^0+(?=.)/, ''))
  expect(outside?.issuer_key).toBe(createHash('sha256').update(certParts(der).issuer).digest('hex'))
  // Unreadable: the plain serial without leading zeros, and a key no real issuer has.
  const unreadable = rows.find((r) => r.serial === '0042')
  expect(unreadable).toMatchObject({serial_number: '42', issuer_key: createHash('sha256').update('0042').digest('hex')})
})
