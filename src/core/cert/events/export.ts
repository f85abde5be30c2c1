import {appendAudit} from '../../audit/index.js'
import {escrowOn} from '../../config/index.js'
import {Conflict, RuleRefused} from '../../errors.js'
import {writeOutputFileSync} from '../../io/output-file.js'
import type {Store} from '../../store/index.js'
import {caChainFor, caIdFor} from '../hierarchy.js'
import {findCertificate} from '../inventory.js'
import {checkSecret, decryptKey, specOf, unwrapHolderKey} from '../keys.js'
import {buildPkcs12} from '../pkcs12.js'
import {profileFor} from '../profiles.js'
import {fromPem, toPem} from '../x509.js'
import {refuseDestroyed} from './checks.js'
import {recordEvent, wrongState} from './request.js'

/** Delivering a certificate (CERT-3): as PEM to anyone, as PKCS#12 with its key once. */

export interface ExportResult {
  serial: string
  path: string
  format: 'pem' | 'p12' | 'p12-legacy'
  exportsLeft?: number
  /** The holder key was destroyed after this delivery (CERT-3). */
  keyDestroyed?: boolean
  /** For the command's line only: the key bag's cipher (SM4-CBC for an SM2 key). */
  cipher?: 'aes-256-cbc' | 'sm4-cbc' | '3des'
}

/** The certificate as PEM (with the CA's after it): anyone may have it. */
export async function exportPem(store: Store, ref: string, path: string): Promise<ExportResult> {
  const cert = await findCertificate(store.db, ref)
  const row = await store.db.selectFrom('cert_certs').select(['cert_pem', 'issuer_key']).where('serial', '=', cert.serial).executeTakeFirstOrThrow()
  // The chain up to the root: the certificate, its CA's, and the root's when there is one.
  const chain = cert.source === 'issued' ? row.cert_pem + (await caChainFor(store.db, row.issuer_key)).map((der) => toPem(der)).join('') : row.cert_pem
  writeSecretFile(path, chain, 0o644)
  return {serial: cert.serial, path, format: 'pem'}
}

/**
 * The key and certificate as PKCS#12 under a password the operator sets: once when the
 * certificate is delivered, and once more after each approved password reset (CERT-3).
 * The holder changes the password on receipt (CERT-2). File mode 0600.
 */
export async function exportPkcs12(store: Store, ref: string, options: {path: string; password: string; legacy?: boolean; passphrase: string}): Promise<ExportResult> {
  checkSecret(options.password, 'password-file')
  return store.write(async (ctx) => {
    const cert = await findCertificate(ctx.db, ref, 'SERIAL', new Date(ctx.at))
    if (cert.keyOrigin !== 'generated') throw new Conflict('cert.keyNotHeld', {serial: cert.serial}, {field: 'SERIAL', rule: 'CERT-3'})
    await refuseDestroyed(ctx, cert)
    if (cert.status !== 'valid') throw wrongState(cert, 'export', ['valid'])
    if (cert.exportsLeft < 1) throw new RuleRefused('CERT-3', 'cert.exportUsed', {serial: cert.serial}, {field: 'SERIAL'})
    const row = await ctx.db.selectFrom('cert_certs').select(['cert_pem', 'key_pem', 'issuer_key']).where('serial', '=', cert.serial).executeTakeFirstOrThrow()
    // The key is wrapped under the key of the CA that issued it (a retired one after a rollover).
    const ca = await ctx.db
      .selectFrom('cert_ca')
      .select('key_pem')
      .where('id', '=', await caIdFor(ctx.db, row.issuer_key))
      .executeTakeFirstOrThrow()
    const caKey = decryptKey(ca.key_pem, options.passphrase, 'passphrase')
    const key = unwrapHolderKey(row.key_pem!, caKey, options.passphrase)
    // An SM2 key travels under SM4 (CERT-5), which openssl pkcs12 3.0 reads; others under AES-256-CBC.
    const cipher = !options.legacy && specOf(key) === 'sm2' ? 'sm4-cbc' : 'aes-256-cbc'
    const p12 = buildPkcs12(key, [fromPem(row.cert_pem), ...(await caChainFor(ctx.db, row.issuer_key))], options.password, {legacy: options.legacy, friendlyName: cert.holder.name, cipher})
    // Delivered once, then destroyed (CERT-3): egov keeps no copy of a holder's key, except an
    // encryption certificate's when cert.escrow is on (CERT-5: the one key egov may keep).
    const escrowed = Boolean((await profileFor(ctx.db, cert.profile ?? 'staff')).encryption) && (await escrowOn(ctx.db))
    await ctx.db
      .updateTable('cert_certs')
      .set({p12_allowance: 0, key_pem: escrowed ? row.key_pem : null})
      .where('serial', '=', cert.serial)
      .execute()
    const format = options.legacy ? 'p12-legacy' : 'p12'
    await recordEvent(ctx, cert.serial, 'exported', null, {format, keyDestroyed: !escrowed, ...(escrowed ? {escrowed} : {})})
    await appendAudit(ctx, {action: 'cert.export', entityType: 'certificate', entityId: cert.serial, after: {format, exportsLeft: 0, keyDestroyed: !escrowed, ...(escrowed ? {escrowed} : {})}})
    // Written last, inside the transaction: a file that cannot be written uses up nothing and destroys nothing.
    writeSecretFile(options.path, p12, 0o600, 'p12')
    return {serial: cert.serial, path: options.path, format, exportsLeft: 0, keyDestroyed: !escrowed, cipher: options.legacy ? '3des' : cipher}
  })
}

/** A certificate, key or CRL file: written whole through a temporary file (src/core/io/output-file.ts), with its mode. */
export function writeSecretFile(path: string, content: string | Buffer, mode: number, field = 'out'): void {
  writeOutputFileSync(path, content, {mode, field})
}
