import {existsSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import type {Kysely} from '#kysely'

import {CERT_PUBLISH_SETTING} from '../config/index.js'
import {t} from '../i18n/index.js'
import type {Database} from '../store/index.js'
import {atLeast, children, content, oidString, read} from './der.js'
import {toPem} from './x509.js'

/**
 * Publication (`egov config set cert.publish DIR`): every CRL the CA makes is written to the
 * folder relying parties are served from, as it is made — DER as NAME and PEM as NAME.pem,
 * where NAME is the last part of the CA's --crl-url when that ends in .crl (so the file is
 * what the URL in every certificate names), else KEYID.crl, the CA's key identifier in hex.
 * Each file is written to a temporary name in the folder and renamed over the old one, so a
 * web server never serves half a CRL. Nothing here needs the CA passphrase: the CRL is signed.
 */
export async function publishDir(db: Kysely<Database>): Promise<string | undefined> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', CERT_PUBLISH_SETTING).executeTakeFirst()
  return row?.value || undefined
}

export function crlFileName(crlUrl: string | null | undefined, keyId: Buffer): string {
  const last = crlUrl ? decodeURIComponent(new URL(crlUrl).pathname.split('/').pop() ?? '') : ''
  return /^[\w.-]+\.crl$/i.test(last) ? last : `${keyId.toString('hex')}.crl`
}

function atomicWrite(path: string, data: string | Buffer): void {
  const tmp = `${path}.${process.pid}.tmp`
  try {
    writeFileSync(tmp, data, {mode: 0o644})
    renameSync(tmp, path)
  } catch (error) {
    if (existsSync(tmp)) unlinkSync(tmp)
    throw error
  }
}

export interface Published {
  der: string
  pem: string
}

/** Writes one CRL to the folder; a folder that is gone is a warning, never a failed revocation. */
export function publishCrl(dir: string, name: string, der: Buffer): {published?: Published; warning?: string} {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return {warning: t('cert.publishGone', {dir})}
  const out = {der: join(dir, name), pem: join(dir, `${name}.pem`)}
  try {
    atomicWrite(out.der, der)
    atomicWrite(out.pem, toPem(der, 'X509 CRL'))
  } catch (error) {
    return {warning: t('cert.publishFailed', {dir, reason: (error as NodeJS.ErrnoException).code ?? (error as Error).message})}
  }
  return {published: out}
}

/**
 * The CRL number of the CRL already published there, if any: a CRL made in a transaction that
 * then failed was still published, and the next one must not reuse its number.
 */
export function publishedCrlNumber(dir: string, name: string): number {
  try {
    const der = readFileSync(join(dir, name))
    const [tbs] = atLeast(children(der, read(der)), 1)
    const ext = children(der, tbs).find((n) => n.tag === 0xa0)
    if (!ext) return 0
    for (const e of children(der, atLeast(children(der, ext), 1)[0])) {
      const parts = atLeast(children(der, e), 2)
      if (oidString(content(der, parts[0])) === '2.5.29.20') {
        const value = content(der, parts.at(-1)!)
        return Number(BigInt('0x' + content(value, read(value)).toString('hex')))
      }
    }
  } catch {
    // none, or not a CRL: nothing to stay ahead of
  }
  return 0
}

/**
 * A CA certificate, DER, written to the folder under the last part of its --ca-url (the AIA
 * caIssuers address in the certificates it signs: RFC 5280 4.2.2.1 asks for one DER
 * certificate there). Nothing when the URL names no file; a folder that is gone is a warning.
 */
export function publishCaCert(dir: string, caUrl: string, der: Buffer): {published?: string; warning?: string} {
  const last = decodeURIComponent(new URL(caUrl).pathname.split('/').pop() ?? '')
  if (!/^[\w.-]+$/.test(last) || last.startsWith('.')) return {}
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return {warning: t('cert.publishGone', {dir})}
  try {
    atomicWrite(join(dir, last), der)
  } catch (error) {
    return {warning: t('cert.publishFailed', {dir, reason: (error as NodeJS.ErrnoException).code ?? (error as Error).message})}
  }
  return {published: join(dir, last)}
}
