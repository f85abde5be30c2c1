import {createHash, X509Certificate} from 'node:crypto'
import {readFileSync} from 'node:fs'

import type {Kysely} from '#kysely'

import {appendAudit} from '../audit/index.js'
import {now} from '../clock.js'
import {Conflict, InvalidInput} from '../errors.js'
import {writeOutputFileSync} from '../io/output-file.js'
import type {Database, Store, WriteContext} from '../store/index.js'
import {type CaInfo, caInfo, loadSigner, makeCrl, rootInfo, type RootInfo, rootRow, type RootKeyInput} from './ca-records.js'
import {caSubject, checkCaDays, checkUrl, DAY, hasCa, hasRoot, newCaKey, nextCrl, signSelfCa} from './ca-steps.js'
import {buildCrl} from './crl.js'
import {certParts} from './der.js'
import {checkSecret, decryptKey, encryptKeyStrong, type KeySpec, publicKeyOf} from './keys.js'
import {publishCaCert, publishCrl, publishDir} from './publish.js'
import {fromPem, makeSigner, newSerial, signCertificate, type Signer, toPem} from './x509.js'

/**
 * The CA hierarchy (issue 21): an offline root and the issuing CA it signs.
 *
 * - `cert ca init --root` makes a self-signed root (pathLen 1). Its private key is written
 *   once to a file (PKCS#8, PBES2 with PBKDF2-SHA256 at 600,000 iterations and AES-256-CBC,
 *   under a root passphrase of its own: `openssl pkey -passin` reads it) and never stored:
 *   the database keeps the root certificate and the root's CRL. The file goes offline.
 * - `cert ca init --root-key FILE` makes the issuing CA (pathLen 0) signed by the root; its
 *   key is kept as a self-signed CA's always was (under the CA passphrase) and it signs the
 *   day's certificates, CRLs and OCSP answers. Only acts of the root need the root key file:
 *   making an issuing CA, a rollover, and refreshing the root's CRL (`cert crl --root-key`).
 * - `cert ca rollover` makes a new CA key and certificate (re-key). The old CA is retired, not
 *   revoked: the certificates it issued stay valid until they expire, revocable, listed on
 *   its own CRL (at its own URL, which it keeps signing under the same CA passphrase), and
 *   answered by OCSP signed with its key. New certificates are signed by the new CA, with a
 *   new name (NAME G2 …) and new CRL and certificate URLs, so nothing a relying party holds
 *   is ambiguous (rollover.ts).
 */

export {rootInfo, type RootInfo, type RootKeyInput} from './ca-records.js'

/** The root key, from its file, checked against the root certificate: a signer for the root's acts. */
export async function unlockRoot(db: Kysely<Database>, input: RootKeyInput): Promise<Signer & {rootId: number; notAfter: Date}> {
  const row = await rootRow(db)
  let pem: string
  try {
    pem = readFileSync(input.path, 'utf8')
  } catch (error) {
    throw new InvalidInput('input.badFile', {field: 'root-key', path: input.path, reason: (error as NodeJS.ErrnoException).code ?? (error as Error).message}, {field: 'root-key'})
  }
  if (!/-----BEGIN (ENCRYPTED )?PRIVATE KEY-----/.test(pem)) throw new InvalidInput('cert.rootKeyBad', {path: input.path}, {field: 'root-key'})
  const key = decryptKey(pem, input.passphrase, 'root-passphrase-file')
  const der = fromPem(row.cert_pem)
  const spki = publicKeyOf(key).export({type: 'spki', format: 'der'})
  if (!spki.equals(certParts(der).spki)) throw new InvalidInput('cert.rootKeyMismatch', {path: input.path, root: row.name}, {field: 'root-key'})
  const signer = await makeSigner(der, key, row.key_spec as KeySpec)
  return {...signer, crlUrl: row.crl_url ?? undefined, caUrl: row.ca_url ?? undefined, rootId: Number(row.id), notAfter: new Date(row.not_after)}
}

/** The root's CRL: empty (egov revokes no issuing CA; a rollover retires, it does not revoke), signed by the root, next update crl_days ahead. */
export async function makeRootCrl(
  ctx: WriteContext,
  root: Signer & {rootId: number},
): Promise<{number: number; der: Buffer; nextUpdate: string; published?: {der: string; pem: string}; warning?: string}> {
  const row = await ctx.db.selectFrom('cert_ca_roots').selectAll().where('id', '=', root.rootId).executeTakeFirstOrThrow()
  const {dir, name, number, thisUpdate, nextUpdate} = await nextCrl(ctx, row, root.keyId)
  const der = buildCrl(root, {number, thisUpdate, nextUpdate, entries: []})
  await ctx.db
    .updateTable('cert_ca_roots')
    .set({crl_number: number, crl_this_update: thisUpdate.toISOString(), crl_next_update: nextUpdate.toISOString(), crl_der: der.toString('base64')})
    .where('id', '=', root.rootId)
    .execute()
  const pub = dir ? publishCrl(dir, name, der) : {}
  await appendAudit(ctx, {
    action: 'cert.root.crl',
    entityType: 'crl',
    entityId: number,
    after: {root: row.name, number, thisUpdate: thisUpdate.toISOString(), nextUpdate: nextUpdate.toISOString(), entries: 0},
  })
  return {number, der, nextUpdate: nextUpdate.toISOString(), ...pub}
}

export async function currentRootCrl(db: Kysely<Database>): Promise<Buffer | undefined> {
  const row = await db.selectFrom('cert_ca_roots').select('crl_der').orderBy('id', 'desc').executeTakeFirst()
  return row?.crl_der ? Buffer.from(row.crl_der, 'base64') : undefined
}

export async function publishCa(ctx: WriteContext, caUrl: string | null, der: Buffer): Promise<void> {
  const dir = await publishDir(ctx.db)
  if (dir && caUrl) publishCaCert(dir, caUrl, der)
}

export interface RootInit {
  name: string
  keySpec?: KeySpec
  days?: number
  crlDays?: number
  crlUrl?: string
  caUrl?: string
  /** The root key file's own passphrase (not the CA passphrase). */
  keyPassphrase: string
  /** Where the encrypted root key is written (mode 0600); the only copy. */
  outKey: string
}

/** `cert ca init --root`: the self-signed root (pathLen 1); its key to a file, never to the database. */
export async function initRoot(store: Store, input: RootInit): Promise<RootInfo & {keyFile: string}> {
  const name = input.name.trim()
  if (!name) throw new InvalidInput('input.empty', {field: 'name'}, {field: 'name'})
  checkSecret(input.keyPassphrase, 'root-passphrase-file')
  const crlUrl = checkUrl(input.crlUrl, 'crl-url')
  const caUrl = checkUrl(input.caUrl, 'ca-url')
  const spec = input.keySpec ?? 'rsa-4096'
  const days = checkCaDays(input.days ?? 7300)
  const crlDays = input.crlDays ?? 180
  if (await hasRoot(store.db)) throw new Conflict('cert.rootExists', {}, {field: 'root'})
  if (await hasCa(store.db)) throw new Conflict('cert.caStandsAlone', {}, {field: 'root'})
  const {privateKey, spki} = await newCaKey(spec)
  const {der, notAfter} = await signSelfCa(store, {privateKey, spki, spec}, name, days, 1)
  const keyPem = encryptKeyStrong(privateKey, input.keyPassphrase)
  return store.write(async (ctx) => {
    if (await hasRoot(ctx.db)) throw new Conflict('cert.rootExists', {}, {field: 'root'})
    if (await hasCa(ctx.db)) throw new Conflict('cert.caStandsAlone', {}, {field: 'root'})
    await ctx.db
      .insertInto('cert_ca_roots')
      .values({
        id: 1,
        name,
        key_spec: spec,
        cert_pem: toPem(der),
        not_after: notAfter.toISOString(),
        crl_number: 0,
        crl_days: crlDays,
        crl_url: crlUrl,
        ca_url: caUrl,
        created_at: ctx.at,
        created_by: ctx.actor,
      })
      .execute()
    const signer = {...(await makeSigner(der, privateKey, spec)), crlUrl: crlUrl ?? undefined, rootId: 1}
    await makeRootCrl(ctx, signer)
    await publishCa(ctx, caUrl, der)
    const info = await rootInfo(ctx.db)
    await appendAudit(ctx, {
      action: 'cert.root.init',
      entityType: 'ca',
      entityId: 'root',
      after: {name, keySpec: spec, serial: info.serial, notAfter: info.notAfter, fingerprint: info.fingerprint, keyStored: false},
    })
    // Written last, inside the transaction: a key file that cannot be written leaves no root behind.
    writeOutputFileSync(input.outKey, keyPem, {mode: 0o600, field: 'out-key'})
    return {...info, keyFile: input.outKey}
  })
}

interface IssuingInit {
  name: string
  spec: KeySpec
  days: number
  crlDays: number
  crlUrl: string | null
  caUrl: string | null
  passphrase: string
  rootKey: RootKeyInput
}

/** An issuing CA certificate (pathLen 0) for a new key, signed by the root; never outliving it. */
export async function signIssuing(store: Store, root: Signer & {notAfter: Date}, name: string, spki: Buffer, days: number): Promise<Buffer> {
  const at = now()
  const notAfter = new Date(Math.min(at.getTime() + days * DAY, root.notAfter.getTime()))
  return signCertificate({serial: newSerial(), subject: await caSubject(store.db, name), spki, notBefore: at, notAfter, ca: true, pathLen: 0, rehearsal: store.rehearsal}, root)
}

/** `cert ca init --root-key FILE`: the issuing CA, signed by the root; its key kept under the CA passphrase. */
export async function initIssuingCa(store: Store, input: IssuingInit): Promise<CaInfo> {
  if (await hasCa(store.db)) throw new Conflict('cert.caExists', {}, {field: 'name'})
  const root = await unlockRoot(store.db, input.rootKey)
  const {privateKey, spki} = await newCaKey(input.spec)
  const der = await signIssuing(store, root, input.name, spki, input.days)
  const keyPem = encryptKeyStrong(privateKey, input.passphrase)
  return store.write(async (ctx) => {
    if (await hasCa(ctx.db)) throw new Conflict('cert.caExists', {}, {field: 'name'})
    await ctx.db
      .insertInto('cert_ca')
      .values({
        id: 1,
        name: input.name,
        key_spec: input.spec,
        cert_pem: toPem(der),
        key_pem: keyPem,
        not_after: certNotAfter(der),
        crl_number: 0,
        crl_days: input.crlDays,
        crl_url: input.crlUrl,
        ca_url: input.caUrl,
        root_id: root.rootId,
        retired_at: null,
        created_at: ctx.at,
        created_by: ctx.actor,
      })
      .execute()
    await makeCrl(ctx, await loadSigner(ctx.db, input.passphrase, ctx))
    await makeRootCrl(ctx, root)
    await publishCa(ctx, input.caUrl, der)
    const info = await caInfo(ctx.db)
    await appendAudit(ctx, {
      action: 'cert.ca.init',
      entityType: 'ca',
      entityId: 1,
      after: {name: input.name, keySpec: input.spec, serial: info.serial, notAfter: info.notAfter, fingerprint: info.fingerprint, root: root.rootId},
    })
    return info
  })
}

export function certNotAfter(der: Buffer): string {
  return new Date(new X509Certificate(der).validTo).toISOString()
}

/** SHA-256 of a CA certificate's subject, as cert_certs.issuer_key holds it for what that CA issued. */
export const subjectKey = (certPem: string) =>
  createHash('sha256')
    .update(certParts(fromPem(certPem)).subject)
    .digest('hex')

/** The CA row (1: the one signing today; others retired) that issued a certificate with this issuer key. */
export async function caIdFor(db: Kysely<Database>, issuerKey: string | null): Promise<number> {
  if (!issuerKey) return 1
  const rows = await db.selectFrom('cert_ca').select(['id', 'cert_pem']).execute()
  return Number(rows.find((r) => subjectKey(r.cert_pem) === issuerKey)?.id ?? 1)
}

/** The chain above a certificate this database's CA issued: its CA's certificate, then the root's, DER. */
export async function caChainFor(db: Kysely<Database>, issuerKey: string | null): Promise<Buffer[]> {
  const id = await caIdFor(db, issuerKey)
  const row = await db.selectFrom('cert_ca').select(['cert_pem', 'root_id']).where('id', '=', id).executeTakeFirstOrThrow()
  const chain = [fromPem(row.cert_pem)]
  if (row.root_id) {
    const root = await db.selectFrom('cert_ca_roots').select('cert_pem').where('id', '=', Number(row.root_id)).executeTakeFirst()
    if (root) chain.push(fromPem(root.cert_pem))
  }
  return chain
}

/** New CRLs for the retired CAs whose certificates may still be in use (the CA not yet expired). */
export async function retiredCrls(ctx: WriteContext, passphrase: string): Promise<Array<{ca: string; number: number}>> {
  const rows = await ctx.db.selectFrom('cert_ca').select(['id', 'name', 'not_after']).where('id', '<>', 1).where('not_after', '>', ctx.at).orderBy('id').execute()
  const out: Array<{ca: string; number: number}> = []
  for (const r of rows) out.push({ca: r.name, number: (await makeCrl(ctx, await loadSigner(ctx.db, passphrase, ctx, Number(r.id)), Number(r.id))).number})
  return out
}

/**
 * `egov cert crl`: in one transaction, the CRL of the CA signing today, then one for each CA a
 * rollover retired (for what it issued), then the root's when its key is given.
 */
export async function issueCrls(
  store: Store,
  input: {passphrase: string; rootKey?: RootKeyInput},
): Promise<{crl: Awaited<ReturnType<typeof makeCrl>>; retired: Array<{ca: string; number: number}>; rootCrl?: Awaited<ReturnType<typeof makeRootCrl>>}> {
  const root = input.rootKey ? await unlockRoot(store.db, input.rootKey) : undefined
  return store.write(async (ctx) => ({
    crl: await makeCrl(ctx, await loadSigner(ctx.db, input.passphrase, ctx)),
    retired: await retiredCrls(ctx, input.passphrase),
    rootCrl: root ? await makeRootCrl(ctx, root) : undefined,
  }))
}
