import {createPublicKey} from 'node:crypto'
import {readFileSync} from 'node:fs'

import {appendAudit} from '../../audit/index.js'
import {Conflict, InvalidInput, RuleRefused} from '../../errors.js'
import type {Store, WriteContext} from '../../store/index.js'
import {findUnit} from '../../units/index.js'
import {type Certificate, findCertificate, inventoryKey, issuerTag} from '../inventory.js'
import {specOf} from '../keys.js'
import {readPkcs12} from '../pkcs12.js'
import {fromPem, signedBy, toPem, x509} from '../x509.js'
import {distributionPoints, HTTP} from './crl-points.js'

/**
 * Certificates issued elsewhere (a provincial CA, a vendor's) kept in the same inventory,
 * so their expiry shows in `cert list --expiring`, and checked against their issuers' CRLs.
 */

export interface ImportInput {
  file: string
  holder: string
  unit: string
  medium?: string
  /** For a PKCS#12 file. */
  password?: string
  /** The issuing CA's certificate (PEM or DER), to verify its CRLs; also taken from a chain in FILE. */
  issuerFile?: string
}

/** Every certificate in a file, the first being the one the file is about. */
function readCertificateFile(file: string, password?: string, field = 'FILE'): Buffer[] {
  let bytes: Buffer
  try {
    bytes = readFileSync(file)
  } catch (error) {
    throw new InvalidInput('input.badFile', {field, path: file, reason: (error as NodeJS.ErrnoException).code ?? (error as Error).message}, {field})
  }
  const text = bytes.toString('latin1')
  if (text.includes('-----BEGIN CERTIFICATE-----')) {
    return [...text.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].map((m) => fromPem(m[0]))
  }
  if (bytes[0] === 0x30) {
    // DER: a certificate, or a PKCS#12 (whose first element is INTEGER 3).
    const lenByte = bytes[1] ?? 0
    const lenBytes = lenByte & 0x80 ? lenByte & 0x7f : 0
    const first = 2 + lenBytes
    if (bytes[first] === 0x02 && bytes[first + 1] === 0x01 && bytes[first + 2] === 0x03) {
      if (password === undefined) throw new InvalidInput('cert.p12PasswordNeeded', {}, {field: 'password-file'})
      let certs: Buffer[]
      try {
        certs = readPkcs12(bytes, password).certs
      } catch {
        throw new InvalidInput('cert.wrongPassphrase', {field: 'password-file'}, {field: 'password-file'})
      }
      if (!certs.length) throw new InvalidInput('cert.badCertFile', {path: file}, {field})
      return certs
    }
    return [bytes]
  }
  throw new InvalidInput('cert.badCertFile', {path: file}, {field})
}

/** A certificate file read and checked before anything is written: the certificate, its issuer when known, what the inventory shows of it. */
interface ImportedCertificate {
  der: Buffer
  subject: string
  issuer: string
  notBefore: Date
  notAfter: Date
  /** The issuer's certificate, PEM, when the file's chain or --issuer gave it (and it signed this one). */
  issuerPem: string | null
  crlUrl: string | null
  keySpec: string | null
  serialNumber: string
  issuerKey: string
}

/** Reads FILE (and --issuer): refuses a CA's certificate and one the given issuer did not sign. */
async function readImported(input: ImportInput): Promise<ImportedCertificate> {
  const [der, ...chain] = readCertificateFile(input.file, input.password)
  // A PEM file whose BEGIN has no END holds no certificate.
  if (!der) throw new InvalidInput('cert.badCertFile', {path: input.file}, {field: 'FILE'})
  const lib = await x509()
  const parse = (bytes: Buffer, path: string, field: string) => {
    try {
      return new lib.X509Certificate(bytes)
    } catch {
      throw new InvalidInput('cert.badCertFile', {path}, {field})
    }
  }
  const cert = parse(der, input.file, 'FILE')
  // The inventory holds people's (and servers') certificates; a CA's belongs to --issuer.
  if (cert.getExtension(lib.BasicConstraintsExtension)?.ca) throw new InvalidInput('cert.caNotPerson', {path: input.file}, {field: 'FILE'})
  const candidates = [
    ...chain.map((c) => parse(c, input.file, 'FILE')),
    ...(input.issuerFile ? readCertificateFile(input.issuerFile, undefined, 'issuer').map((c) => parse(c, input.issuerFile!, 'issuer')) : []),
  ]
  const issuer = candidates.find((c) => c.subject === cert.issuer)
  if (input.issuerFile && !issuer) throw new InvalidInput('cert.notTheIssuer', {issuer: cert.issuer}, {field: 'issuer'})
  if (issuer && !(await signedBy(der, Buffer.from(issuer.publicKey.rawData), () => cert.verify({publicKey: issuer, signatureOnly: true}))))
    throw new InvalidInput('cert.notTheIssuer', {issuer: cert.issuer}, {field: 'issuer'})
  // Shown in the inventory: the first point cert check can read; check tries them all.
  const points = distributionPoints(lib, toPem(der))
  let keySpec: string | null
  try {
    keySpec = specOf(createPublicKey({key: Buffer.from(cert.publicKey.rawData), format: 'der', type: 'spki'})) ?? null
  } catch {
    keySpec = null
  }
  const {serial_number: serialNumber, issuer_key: issuerKey} = inventoryKey(der)
  return {
    der,
    subject: cert.subject,
    issuer: cert.issuer,
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    issuerPem: issuer ? toPem(Buffer.from(issuer.rawData)) : null,
    crlUrl: points.find((u) => HTTP.test(u)) ?? points[0] ?? null,
    keySpec,
    serialNumber,
    issuerKey,
  }
}

export async function importCertificate(store: Store, input: ImportInput): Promise<Certificate> {
  const read = await readImported(input)
  const holder = input.holder?.trim()
  if (!holder) throw new InvalidInput('input.empty', {field: 'holder'}, {field: 'holder'})
  return store.write(async (ctx) => {
    const unit = await findUnit(ctx.db, input.unit, 'unit')
    const serial = await importedSerial(ctx, read)
    const holderId = await holderByName(ctx, holder, unit.id)
    const medium = input.medium?.trim() || null
    if (medium) await holderMedium(ctx, medium, holderId)
    await recordImported(ctx, read, {serial, holderId, medium})
    await appendAudit(ctx, {
      action: 'cert.import',
      entityType: 'certificate',
      entityId: serial,
      after: {holder, unit: unit.name, subject: read.subject, issuer: read.issuer, notAfter: read.notAfter.toISOString(), crlUrl: read.crlUrl},
    })
    return findCertificate(ctx.db, serial, 'FILE', new Date(ctx.at))
  })
}

/** Keyed by issuer and serial: another CA's serial 1000 is another certificate (named 1000@tag); this issuer's is not. */
async function importedSerial(ctx: WriteContext, read: ImportedCertificate): Promise<string> {
  const same = await ctx.db.selectFrom('cert_certs').select('serial').where('issuer_key', '=', read.issuerKey).where('serial_number', '=', read.serialNumber).executeTakeFirst()
  if (same) throw new Conflict('cert.alreadyImported', {serial: same.serial}, {field: 'FILE'})
  const taken = await ctx.db.selectFrom('cert_certs').select('serial').where('serial', '=', read.serialNumber).executeTakeFirst()
  return taken ? `${read.serialNumber}@${issuerTag(read.issuerKey)}` : read.serialNumber
}

/** CERT-1: a medium belongs to one holder; one not seen before is registered to this one. */
async function holderMedium(ctx: WriteContext, medium: string, holderId: number): Promise<void> {
  const m = await ctx.db.selectFrom('cert_media').selectAll().where('serial', '=', medium).executeTakeFirst()
  if (m && Number(m.holder_id) !== holderId) throw new RuleRefused('CERT-1', 'cert.mediumOtherHolder', {medium}, {field: 'medium'})
  if (!m) await ctx.db.insertInto('cert_media').values({serial: medium, holder_id: holderId, status: 'in-use', registered_at: ctx.at, updated_at: ctx.at}).execute()
}

/** The inventory row of an imported certificate (no key, no profile) and its first event. */
async function recordImported(ctx: WriteContext, read: ImportedCertificate, at: {serial: string; holderId: number; medium: string | null}): Promise<void> {
  await ctx.db
    .insertInto('cert_certs')
    .values({
      serial: at.serial,
      source: 'imported',
      holder_id: at.holderId,
      medium: at.medium,
      profile: null,
      subject: read.subject,
      issuer: read.issuer,
      key_spec: read.keySpec,
      key_origin: 'external',
      not_before: read.notBefore.toISOString(),
      not_after: read.notAfter.toISOString(),
      status: 'valid',
      hold_kind: null,
      revoked_at: null,
      reason: null,
      cert_pem: toPem(read.der),
      key_pem: null,
      p12_allowance: 0,
      request_id: null,
      replaces: null,
      replaced_by: null,
      crl_url: read.crlUrl,
      issuer_pem: read.issuerPem,
      checked_at: null,
      created_at: ctx.at,
      serial_number: read.serialNumber,
      issuer_key: read.issuerKey,
    })
    .execute()
  await ctx.db
    .insertInto('cert_events')
    .values({serial: at.serial, event: 'imported', at: ctx.at, actor: ctx.actor, request_id: null, detail: JSON.stringify({issuer: read.issuer, crlUrl: read.crlUrl})})
    .execute()
}

async function holderByName(ctx: WriteContext, name: string, unitId: number): Promise<number> {
  const found = await ctx.db.selectFrom('cert_holders').select('id').where('name', '=', name).where('unit_id', '=', unitId).executeTakeFirst()
  if (found) return Number(found.id)
  const inserted = await ctx.db
    .insertInto('cert_holders')
    .values({name, unit_id: unitId, id_salt: null, id_hash: null, id_last4: null, created_at: ctx.at, created_by: ctx.actor})
    .returning('id')
    .executeTakeFirstOrThrow()
  return Number(inserted.id)
}
