import {readFileSync} from 'node:fs'

import type {Kysely} from '#kysely'

import {appendAudit} from '../audit/index.js'
import {now} from '../clock.js'
import {Conflict, InvalidInput, NotFound} from '../errors.js'
import {type Locale, t} from '../i18n/index.js'
import {type Database, type Reader, readerDb, type Store} from '../store/index.js'
import {type CaInfo, caInfo, caRow, loadSigner, makeCrl} from './ca-records.js'
import {checkCaDays, checkUrl, crlInfo, type CrlInfo, DAY, hasCa, hasRoot, newCaKey, signSelfCa} from './ca-steps.js'
import {initIssuingCa, type RootKeyInput} from './hierarchy.js'
import {certParts} from './der.js'
import {checkSecret, encryptKeyStrong, type KeySpec} from './keys.js'
import {longestProfileDays} from './profiles.js'
import {fromPem, toPem} from './x509.js'

export {type CrlInfo, hasCa, organizationName} from './ca-steps.js'
export {type CaInfo, caInfo, loadSigner, makeCrl} from './ca-records.js'

/** Where a passphrase comes from when no one can be asked: EGOV_CA_PASSPHRASE, or the file EGOV_CA_PASSPHRASE_FILE names. */
export function passphraseFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.EGOV_CA_PASSPHRASE) return env.EGOV_CA_PASSPHRASE
  if (env.EGOV_CA_PASSPHRASE_FILE) return readSecretFile(env.EGOV_CA_PASSPHRASE_FILE, 'EGOV_CA_PASSPHRASE_FILE')
  return undefined
}

/** A passphrase or password file: its first line, without the line break. */
export function readSecretFile(path: string, field: string): string {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new InvalidInput('input.badFile', {field, path, reason: (error as NodeJS.ErrnoException).code ?? (error as Error).message}, {field})
  }
  return text.split(/\r?\n/)[0] ?? ''
}

export function requirePassphrase(passphrase: string | undefined): string {
  if (!passphrase) throw new InvalidInput('cert.passphraseNeeded', {}, {field: 'EGOV_CA_PASSPHRASE'})
  return passphrase
}

export interface CaInit {
  name: string
  keySpec?: KeySpec
  days?: number
  crlDays?: number
  /** http(s) URL where the CRL will be published; put in every certificate issued. */
  crlUrl?: string
  /** http(s) URL where this CA's certificate will be published: AIA caIssuers in every certificate issued. */
  caUrl?: string
  passphrase: string
  /** The offline root's key file and its passphrase: the CA made is an issuing CA signed by the root (hierarchy.ts). */
  rootKey?: RootKeyInput
}

/** A self-signed root (default 10 years); its key kept as encrypted PKCS#8 in the database. */
export async function initCa(store: Store, input: CaInit): Promise<CaInfo> {
  const name = input.name.trim()
  if (!name) throw new InvalidInput('input.empty', {field: 'name'}, {field: 'name'})
  checkSecret(input.passphrase, 'passphrase')
  const crlUrl = checkUrl(input.crlUrl, 'crl-url')
  const caUrl = checkUrl(input.caUrl, 'ca-url')
  const spec = input.keySpec ?? 'rsa-3072'
  const days = checkCaDays(input.days ?? 3650)
  if (input.rootKey) return initIssuingCa(store, {name, spec, days, crlDays: input.crlDays ?? 7, crlUrl, caUrl, passphrase: input.passphrase, rootKey: input.rootKey})
  if (await hasRoot(store.db)) throw new InvalidInput('cert.rootKeyNeeded', {}, {field: 'root-key'})
  // The key is made before the transaction: RSA-4096 takes seconds and writers should not wait.
  const {privateKey, spki} = await newCaKey(spec)
  const {der, notAfter} = await signSelfCa(store, {privateKey, spki, spec}, name, days)
  const keyPem = encryptKeyStrong(privateKey, input.passphrase)
  return store.write(async (ctx) => {
    if (await hasCa(ctx.db)) throw new Conflict('cert.caExists', {}, {field: 'name'})
    if (await hasRoot(ctx.db)) throw new InvalidInput('cert.rootKeyNeeded', {}, {field: 'root-key'})
    await ctx.db
      .insertInto('cert_ca')
      .values({
        id: 1,
        name,
        key_spec: spec,
        cert_pem: toPem(der),
        key_pem: keyPem,
        not_after: notAfter.toISOString(),
        crl_number: 0,
        crl_days: input.crlDays ?? 7,
        crl_url: crlUrl,
        ca_url: caUrl,
        root_id: null,
        retired_at: null,
        created_at: ctx.at,
        created_by: ctx.actor,
      })
      .execute()
    // The first CRL, empty, so relying parties have one from the start.
    await makeCrl(ctx, await loadSigner(ctx.db, input.passphrase, ctx))
    const info = await caInfo(ctx.db)
    await appendAudit(ctx, {action: 'cert.ca.init', entityType: 'ca', entityId: 1, after: {name, keySpec: spec, serial: info.serial, notAfter: info.notAfter, fingerprint: info.fingerprint}})
    return info
  })
}

/** The warning `cert ca show` and `cert list` give when the CRL runs out within 2 days, or has. */
/**
 * What an operator must hear about the CA: its CRL about to pass its next update, and the CA
 * itself ending before a certificate of the longest default validity would (new ones are then
 * cut short to end with it: time to plan the next CA), or already ended.
 */
export async function caWarnings(from: Reader, locale: Locale = 'en'): Promise<Array<{message: string; key: string; params: Record<string, unknown>}>> {
  const db = readerDb(from)
  const row = await db.selectFrom('cert_ca').select(['crl_number', 'crl_this_update', 'crl_next_update', 'crl_der', 'not_after']).where('id', '=', 1).executeTakeFirst()
  if (!row) return []
  const at = now()
  const out: Array<{message: string; key: string; params: Record<string, unknown>}> = []
  const info = crlInfo(row, at)
  if (info && info.daysLeft < 2) {
    const key = info.daysLeft < 0 ? 'cert.crlExpired' : 'cert.crlExpiring'
    const params = {number: info.number, nextUpdate: info.nextUpdate}
    out.push({key, params, message: t(key, params, locale)})
  }
  const caDays = Math.floor((new Date(row.not_after).getTime() - at.getTime()) / DAY)
  const longest = await longestProfileDays(db)
  if (caDays < longest) {
    const key = caDays < 0 ? 'cert.caExpired' : 'cert.caExpiring'
    const params = {notAfter: row.not_after.slice(0, 10), days: caDays, longest}
    out.push({key, params, message: t(key, params, locale)})
  }
  // The offline root's CRL: refreshing it needs the root key brought out, so 30 days' notice.
  const root = await db.selectFrom('cert_ca_roots').select(['crl_number', 'crl_next_update']).orderBy('id', 'desc').executeTakeFirst()
  if (root?.crl_next_update) {
    const days = Math.floor((new Date(root.crl_next_update).getTime() - at.getTime()) / DAY)
    if (days < ROOT_CRL_NOTICE_DAYS) {
      const key = days < 0 ? 'cert.rootCrlExpired' : 'cert.rootCrlExpiring'
      const params = {number: Number(root.crl_number), nextUpdate: root.crl_next_update, days}
      out.push({key, params, message: t(key, params, locale)})
    }
  }
  return out
}

/** Days before the root's CRL runs out from which `cert ca show` and `cert list` say so. */
export const ROOT_CRL_NOTICE_DAYS = 30

export async function caCertificate(db: Kysely<Database>): Promise<Buffer> {
  return fromPem((await caRow(db)).cert_pem)
}

export async function currentCrl(db: Kysely<Database>): Promise<{der: Buffer; info: CrlInfo}> {
  const row = await caRow(db)
  const info = crlInfo(row)
  if (!info) throw new NotFound('cert.noCrl', {}, {field: 'crl'})
  return {der: Buffer.from(row.crl_der!, 'base64'), info}
}

export {certParts}
