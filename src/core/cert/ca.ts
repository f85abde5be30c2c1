import {createHash} from 'node:crypto'
import {readFileSync} from 'node:fs'

import type {Kysely} from '#kysely'

import {appendAudit} from '../audit/index.js'
import {now} from '../clock.js'
import {Conflict, InvalidInput, NotFound} from '../errors.js'
import {type Locale, t} from '../i18n/index.js'
import type {Database, Store, WriteContext} from '../store/index.js'
import {checkCaDays, checkUrl, crlInfo, type CrlInfo, DAY, hasCa, hasRoot, newCaKey, nextCrl, signSelfCa} from './ca-steps.js'
import {buildCrl, type CrlReason, type RevokedEntry} from './crl.js'
// eslint-disable-next-line import-x/no-cycle -- ca and hierarchy call each other only at run time, never while loading; to untangle later
import {initIssuingCa, rootInfo, type RootInfo, type RootKeyInput} from './hierarchy.js'
import {publishCrl, type Published} from './publish.js'
import {certParts} from './der.js'
import {CA_KDF_ITERATIONS, checkSecret, decryptKey, encryptKeyStrong, kdfOf, type KeySpec, weakWrap} from './keys.js'
import {longestProfileDays} from './profiles.js'
import {fingerprint, fromPem, makeSigner, type Signer, toPem, x509} from './x509.js'

export {type CrlInfo, hasCa, organizationName} from './ca-steps.js'

export interface CaInfo {
  name: string
  keySpec: KeySpec
  subject: string
  serial: string
  notBefore: string
  notAfter: string
  fingerprint: string
  createdAt: string
  createdBy: string
  crlUrl: string | null
  /** Where the CA certificate is published (AIA caIssuers of the certificates it signs). */
  caUrl?: string | null
  crl: CrlInfo | null
  /** The offline root above this CA, when there is one (its key is not in the database). */
  root?: RootInfo
  /** CAs a rollover retired: they still sign CRLs (and OCSP answers) for what they issued. */
  retired?: CaInfo[]
  /** Set on a retired CA. */
  retiredAt?: string
  /** How the CA key is wrapped at rest: PBKDF2 and its iterations (600,000 since issue 21). */
  keyWrap: {kdf: string; iterations?: number; prf?: string}
  pem?: string
}

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

async function caRow(db: Kysely<Database>, id = 1) {
  const row = await db.selectFrom('cert_ca').selectAll().where('id', '=', id).executeTakeFirst()
  if (!row) throw new NotFound('cert.noCa', {}, {field: 'ca'})
  return row
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

export async function caInfo(db: Kysely<Database>, options: {pem?: boolean} = {}): Promise<CaInfo> {
  const row = await caRow(db)
  return {...(await describeCa(row, options)), ...(await hierarchyInfo(db, row))}
}

/** The root above the CA and the CAs a rollover retired, for `cert ca show`. */
async function hierarchyInfo(db: Kysely<Database>, row: Awaited<ReturnType<typeof caRow>>): Promise<Pick<CaInfo, 'root' | 'retired'>> {
  const retiredRows = await db.selectFrom('cert_ca').selectAll().where('id', '<>', 1).orderBy('id').execute()
  return {
    ...(row.root_id ? {root: await rootInfo(db, {id: Number(row.root_id)})} : {}),
    ...(retiredRows.length ? {retired: await Promise.all(retiredRows.map((r) => describeCa(r)))} : {}),
  }
}

async function describeCa(row: Awaited<ReturnType<typeof caRow>>, options: {pem?: boolean} = {}): Promise<CaInfo> {
  const der = fromPem(row.cert_pem)
  const cert = new (await x509()).X509Certificate(der)
  return {
    name: row.name,
    keySpec: row.key_spec as KeySpec,
    subject: cert.subject,
    serial: cert.serialNumber,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    fingerprint: fingerprint(der),
    createdAt: row.created_at,
    createdBy: row.created_by,
    crlUrl: row.crl_url,
    ...(row.ca_url ? {caUrl: row.ca_url} : {}),
    ...(row.retired_at ? {retiredAt: row.retired_at} : {}),
    crl: crlInfo(row),
    keyWrap: kdfOf(row.key_pem),
    ...(options.pem ? {pem: row.cert_pem} : {}),
  }
}

/** The warning `cert ca show` and `cert list` give when the CRL runs out within 2 days, or has. */
/**
 * What an operator must hear about the CA: its CRL about to pass its next update, and the CA
 * itself ending before a certificate of the longest default validity would (new ones are then
 * cut short to end with it: time to plan the next CA), or already ended.
 */
export async function caWarnings(db: Kysely<Database>, locale: Locale = 'en'): Promise<Array<{message: string; key: string; params: Record<string, unknown>}>> {
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

/**
 * The CA key, unlocked, as a signer. A key still wrapped below today's strength (an older
 * egov wrapped it in PBES2 with 2,048 PBKDF2 iterations) is read as it is and, when the
 * caller writes (ctx given), re-wrapped at once with PBKDF2-SHA256 at 600,000 iterations,
 * audited as cert.ca.rewrap: no migration, the next unlock that signs does it.
 */
export async function loadSigner(db: Kysely<Database>, passphrase: string, ctx?: WriteContext, caId = 1): Promise<Signer> {
  const row = await caRow(db, caId)
  const key = decryptKey(row.key_pem, passphrase, 'passphrase')
  if (ctx && weakWrap(row.key_pem)) {
    const before = kdfOf(row.key_pem)
    await ctx.db
      .updateTable('cert_ca')
      .set({key_pem: encryptKeyStrong(key, passphrase)})
      .where('id', '=', caId)
      .execute()
    await appendAudit(ctx, {
      action: 'cert.ca.rewrap',
      entityType: 'ca',
      entityId: caId,
      before: {kdf: before.kdf, iterations: before.iterations ?? null, prf: before.prf ?? null},
      after: {kdf: 'pbkdf2', iterations: CA_KDF_ITERATIONS, prf: 'hmacWithSHA256'},
    })
  }
  return {...(await makeSigner(fromPem(row.cert_pem), key, row.key_spec as KeySpec)), crlUrl: row.crl_url ?? undefined, caUrl: row.ca_url ?? undefined}
}

export async function caCertificate(db: Kysely<Database>): Promise<Buffer> {
  return fromPem((await caRow(db)).cert_pem)
}

/**
 * A new CRL: the next number, every revoked or held certificate this CA issued that has
 * not expired, next update crl_days ahead. Made in the caller's transaction after every
 * revocation, hold or resume, and by `egov cert crl`.
 */
export async function makeCrl(
  ctx: WriteContext,
  signer: Signer,
  caId = 1,
): Promise<{number: number; der: Buffer; thisUpdate: string; nextUpdate: string; entries: number; published?: Published; warning?: string}> {
  const row = await caRow(ctx.db, caId)
  const {dir, name, number, thisUpdate, nextUpdate} = await nextCrl(ctx, row, signer.keyId)
  // Once a rollover has retired a CA, each CA's CRL lists only what that CA issued (issuer and serial, 017).
  const rolled = await ctx.db.selectFrom('cert_ca').select('id').where('id', '<>', 1).executeTakeFirst()
  let query = ctx.db
    .selectFrom('cert_certs')
    .select(['serial', 'revoked_at', 'reason', 'status'])
    .where('source', '=', 'issued')
    .where('status', 'in', ['revoked', 'hold'])
    .where('not_after', '>', ctx.at)
  if (rolled || caId !== 1) query = query.where('issuer_key', '=', createHash('sha256').update(signer.subjectDer).digest('hex'))
  const rows = await query.execute()
  const entries: RevokedEntry[] = rows.map((r) => ({
    serial: r.serial,
    revokedAt: new Date(r.revoked_at ?? ctx.at),
    reason: (r.status === 'hold' ? 'certificateHold' : (r.reason ?? 'unspecified')) as CrlReason,
  }))
  const der = buildCrl(signer, {number, thisUpdate, nextUpdate, entries})
  await ctx.db
    .updateTable('cert_ca')
    .set({crl_number: number, crl_this_update: thisUpdate.toISOString(), crl_next_update: nextUpdate.toISOString(), crl_der: der.toString('base64')})
    .where('id', '=', caId)
    .execute()
  // Published last, once everything else in the transaction has been written.
  const pub = dir ? publishCrl(dir, name, der) : {}
  await appendAudit(ctx, {
    action: 'cert.crl',
    entityType: 'crl',
    entityId: number,
    after: {
      ...(caId !== 1 ? {ca: row.name} : {}),
      number,
      thisUpdate: thisUpdate.toISOString(),
      nextUpdate: nextUpdate.toISOString(),
      entries: entries.length,
      ...(dir ? {published: pub.published ?? null} : {}),
    },
  })
  return {number, der, thisUpdate: thisUpdate.toISOString(), nextUpdate: nextUpdate.toISOString(), entries: entries.length, ...pub}
}

export async function currentCrl(db: Kysely<Database>): Promise<{der: Buffer; info: CrlInfo}> {
  const row = await caRow(db)
  const info = crlInfo(row)
  if (!info) throw new NotFound('cert.noCrl', {}, {field: 'crl'})
  return {der: Buffer.from(row.crl_der!, 'base64'), info}
}

export {certParts}
