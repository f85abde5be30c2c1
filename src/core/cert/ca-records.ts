import {createHash} from 'node:crypto'

import type {Kysely} from '#kysely'

import {appendAudit} from '../audit/index.js'
import {NotFound} from '../errors.js'
import {type Database, type Reader, readerDb, type WriteContext} from '../store/index.js'
import {crlInfo, type CrlInfo, nextCrl} from './ca-steps.js'
import {buildCrl, type CrlReason, type RevokedEntry} from './crl.js'
import {CA_KDF_ITERATIONS, decryptKey, encryptKeyStrong, kdfOf, type KeySpec, weakWrap} from './keys.js'
import {publishCrl, type Published} from './publish.js'
import {fingerprint, fromPem, makeSigner, type Signer, x509} from './x509.js'

/**
 * The CA's and the root's records as the rest of cert reads them: what `cert ca show` shows
 * (caInfo, rootInfo), the CA key unlocked as a signer, and a new CRL. Below both ca.ts (the
 * CA's setup and warnings) and hierarchy.ts (the root and the issuing CA it signs), which
 * each use them, so that neither imports the other's module to load.
 */

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

export interface RootKeyInput {
  /** The root key file `cert ca init --root --out-key` wrote. */
  path: string
  passphrase: string
}

export interface RootInfo {
  name: string
  keySpec: KeySpec
  subject: string
  serial: string
  notBefore: string
  notAfter: string
  fingerprint: string
  crlUrl: string | null
  caUrl: string | null
  crl: CrlInfo | null
  pem?: string
}

/** What `cert ca show` reads off a CA's or the root's certificate: its subject, serial, dates and fingerprint. */
async function certFacts(pem: string): Promise<Pick<CaInfo, 'subject' | 'serial' | 'notBefore' | 'notAfter' | 'fingerprint'>> {
  const der = fromPem(pem)
  const cert = new (await x509()).X509Certificate(der)
  return {
    subject: cert.subject,
    serial: cert.serialNumber,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    fingerprint: fingerprint(der),
  }
}

export async function rootRow(db: Kysely<Database>) {
  const row = await db.selectFrom('cert_ca_roots').selectAll().orderBy('id', 'desc').executeTakeFirst()
  if (!row) throw new NotFound('cert.noRoot', {}, {field: 'root-key'})
  return row
}

export async function rootInfo(from: Reader, options: {pem?: boolean; id?: number} = {}): Promise<RootInfo> {
  const db = readerDb(from)
  const row = options.id ? await db.selectFrom('cert_ca_roots').selectAll().where('id', '=', options.id).executeTakeFirst() : await rootRow(db)
  if (!row) throw new NotFound('cert.noRoot', {}, {field: 'root-key'})
  return {
    name: row.name,
    keySpec: row.key_spec as KeySpec,
    ...(await certFacts(row.cert_pem)),
    crlUrl: row.crl_url,
    caUrl: row.ca_url,
    crl: crlInfo(row),
    ...(options.pem ? {pem: row.cert_pem} : {}),
  }
}

/** A CA's row (1: the CA signing today; others a rollover retired), or cert.noCa. */
export async function caRow(db: Kysely<Database>, id = 1) {
  const row = await db.selectFrom('cert_ca').selectAll().where('id', '=', id).executeTakeFirst()
  if (!row) throw new NotFound('cert.noCa', {}, {field: 'ca'})
  return row
}

export async function caInfo(from: Reader, options: {pem?: boolean} = {}): Promise<CaInfo> {
  const db = readerDb(from)
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
  return {
    name: row.name,
    keySpec: row.key_spec as KeySpec,
    ...(await certFacts(row.cert_pem)),
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
