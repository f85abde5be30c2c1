import {createPublicKey, type KeyObject, verify} from 'node:crypto'
import {isIP} from 'node:net'

import {appendAudit} from '../audit/index.js'
import {escrowOn} from '../config/index.js'
import {Conflict, InvalidInput, NotFound, RuleRefused} from '../errors.js'
import {t} from '../i18n/index.js'
import {writeOutputFileSync} from '../io/output-file.js'
import type {Store, WriteContext} from '../store/index.js'
import {findUnit} from '../units/index.js'
import {fileRequestIn, type WorkflowResult} from '../workflow/index.js'
import {type CertEventKind, MEDIUM_REASONS, type MediumReason, REVOKE_REASONS} from './event-names.js'
import {blockKey, refuseCompromised, refuseSameKey} from './compromise.js'
import {hasCa, organizationName, loadSigner, makeCrl, passphraseFromEnv, requirePassphrase} from './ca.js'
import {caChainFor, caIdFor} from './hierarchy.js'
import type {CrlReason} from './crl.js'
import {certParts, children, content, oidString, read, whole} from './der.js'
import {idKeyOf, wrapLegacyIdHashes} from './id-key.js'
import {hashIdNumber, idMatches, parseIdNumber} from './idnumber.js'
import {type Certificate, findCertificate, inventoryKey} from './inventory.js'
import {checkSecret, decryptKey, generateKey, KEY_SPECS, type KeySpec, publicKeyOf, specOf, unwrapHolderKey, wrapHolderKey} from './keys.js'
import {buildPkcs12} from './pkcs12.js'
import {type Profile, profileFor} from './profiles.js'
import {isSm2Spki, SM2_WITH_SM3, sm2Verify} from './sm2.js'
import {fromPem, newSerial, signCertificate, type Signer, type SubjectAttrs, toPem, x509} from './x509.js'

/**
 * The life events of a certificate (CERT-3): each is filed as a request of kind `cert` and
 * carried out only when someone other than the applicant approves it. Filing checks
 * everything it can, so a request that cannot be carried out is refused at once; carrying
 * out checks again, since the certificate may have changed in between.
 */

// The event names and reasons live in event-names.ts, which the request kind's schema reads without loading this module.
export {type CertEventKind, EVENTS, MEDIUM_REASONS, type MediumReason, REVOKE_REASONS} from './event-names.js'

/** Days before expiry from which an extension (期满延期) may be asked for. */
export const EXTEND_WINDOW_DAYS = 30

const DAY = 86_400_000

export interface CertRequest {
  event: CertEventKind
  /** The certificate the event is about (all but apply). */
  serial?: string
  holder: string
  unit: string
  holderId: number
  profile?: string
  medium?: string
  /** PEM of the holder's CSR, when the holder keeps the key. */
  csr?: string
  dns?: string[]
  ips?: string[]
  days?: number
  reason?: (typeof REVOKE_REASONS)[number]
  mediumReason?: MediumReason
  /** Set when carried out. */
  issued?: string
  /** What carrying out did that the operator must hear (a certificate cut short to end with the CA). */
  outcome?: string
  crlNumber?: number
}

// ---------------------------------------------------------------- filing

export interface ApplyInput {
  holder: string
  unit: string
  idNumber: string
  medium?: string
  profile: string
  csr?: string
  dns?: string[]
  ips?: string[]
  days?: number
}

const DNS_NAME = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i

function checkDays(days: number | undefined, profile: Profile): number | undefined {
  if (days === undefined) return undefined
  if (!Number.isInteger(days) || days < 1 || days > profile.maxDays) throw new InvalidInput('cert.badDays', {value: days, max: profile.maxDays, profile: profile.key}, {field: 'days'})
  return days
}

/** A CSR the holder made: well-formed, its signature right, its key a kind egov signs (CERT-5). */
export async function checkCsr(pem: string, field = 'csr'): Promise<{pem: string; spki: Buffer; spec: KeySpec}> {
  const lib = await x509()
  let csr
  try {
    csr = new lib.Pkcs10CertificateRequest(pem.includes('-----BEGIN') ? pem : Buffer.from(pem, 'binary'))
  } catch {
    throw new InvalidInput('cert.badCsr', {field}, {field})
  }
  const spki = Buffer.from(csr.publicKey.rawData)
  if (!(await csrSignatureOk(csr, Buffer.from(csr.rawData), spki))) throw new InvalidInput('cert.csrSignature', {field}, {field})
  const key = createPublicKey({key: spki, format: 'der', type: 'spki'})
  const spec = specOf(key)
  if (!spec) throw new InvalidInput('cert.csrKey', {field, kind: keyKindName(key), allowed: KEY_SPECS.join(', ')}, {field, rule: 'CERT-5'})
  return {pem: csr.toString('pem'), spki, spec}
}

/** ECDSA signature OIDs and their digests, for curves WebCrypto does not know (secp256k1). */
const ECDSA_HASH: Record<string, string> = {'1.2.840.10045.4.1': 'sha1', '1.2.840.10045.4.3.2': 'sha256', '1.2.840.10045.4.3.3': 'sha384', '1.2.840.10045.4.3.4': 'sha512'}

/**
 * Whether a CSR is signed by its own key. SM2-with-SM3 (CERT-5) is checked by sm2.ts under
 * GM/T 0009's identifier 1234567812345678 (`openssl req -sm3 -sigopt distid:1234567812345678`)
 * or, failing that, the empty one OpenSSL 3 uses when none is given; RSA and ECDSA on P-256/
 * P-384/P-521 by the library (WebCrypto); ECDSA on other curves (secp256k1) by Node's OpenSSL.
 * A key whose signature verifies may still be of a kind egov does not certify: that is a
 * separate refusal (cert.csrKey), not "altered".
 */
async function csrSignatureOk(csr: {verify(): Promise<boolean>}, der: Buffer, spki: Buffer): Promise<boolean> {
  let info: Buffer
  let algOid: string
  let signature: Buffer
  try {
    const [infoNode, algNode, sigNode] = children(der, read(der))
    info = whole(der, infoNode)
    algOid = oidString(content(der, children(der, algNode)[0]))
    signature = content(der, sigNode).subarray(1)
  } catch {
    return false
  }
  if (algOid === SM2_WITH_SM3) return isSm2Spki(spki) && (sm2Verify(info, signature, spki) || sm2Verify(info, signature, spki, ''))
  try {
    if (await csr.verify()) return true
  } catch {
    // WebCrypto does not know the curve: tried below.
  }
  const hash = ECDSA_HASH[algOid]
  if (!hash) return false
  try {
    return verify(hash, info, createPublicKey({key: spki, format: 'der', type: 'spki'}), signature)
  } catch {
    return false
  }
}

/** A key's kind as people name it: "RSA-1024", "EC secp256k1", "Ed25519". */
function keyKindName(key: KeyObject): string {
  const d = key.asymmetricKeyDetails ?? {}
  if (key.asymmetricKeyType === 'rsa') return `RSA-${d.modulusLength}`
  if (key.asymmetricKeyType === 'ec') return `EC ${d.namedCurve}`
  return key.asymmetricKeyType ?? 'unknown'
}

/** An SM2 profile (GM/T 0015) certifies SM2 keys only (CERT-5); other profiles take any kind egov certifies. */
function checkProfileKey(profile: Profile, spec: KeySpec, field = 'csr'): void {
  if (profile.key_spec === 'sm2' && spec !== 'sm2') throw new InvalidInput('cert.profileKey', {field, profile: profile.key, kind: spec, expected: profile.key_spec}, {field, rule: 'CERT-5'})
}

/**
 * The SM2 pair (CERT-5): a signature certificate's key is made on the holder's medium and comes as
 * a CSR; egov never makes or sees it. Only the encryption certificate's key (profile.encryption)
 * may be made here. Called where egov would otherwise make the key: no CSR given.
 */
function refuseMadeSignatureKey(profile: Profile): void {
  if (profile.key_spec === 'sm2' && !profile.encryption) throw new InvalidInput('cert.sm2CsrNeeded', {profile: profile.key}, {field: 'csr', rule: 'CERT-5'})
}

async function openRequestFor(ctx: WriteContext, match: (p: CertRequest) => boolean): Promise<number | undefined> {
  const open = await ctx.db.selectFrom('requests').select(['id', 'payload']).where('kind', '=', 'cert').where('state', '=', 'applied').execute()
  return open.map((r) => ({id: Number(r.id), p: JSON.parse(r.payload) as CertRequest})).find((r) => match(r.p))?.id
}

/**
 * A holder by ID number: found by the last four characters, then the keyed hash (CERT-1;
 * issue 18: under the ID key, see id-key.ts). Old unkeyed hashes are wrapped first, in this
 * transaction, so every row compared is keyed.
 */
async function holderFor(ctx: WriteContext, input: {name: string; unit: string; idNumber: string}): Promise<number> {
  const id = parseIdNumber(input.idNumber)
  const unit = await findUnit(ctx.db, input.unit, 'unit')
  const key = await idKeyOf(ctx)
  await wrapLegacyIdHashes(ctx)
  const candidates = await ctx.db.selectFrom('cert_holders').selectAll().where('id_last4', '=', id.slice(-4)).execute()
  const found = candidates.find((h) => h.id_salt && h.id_hash && idMatches(id, {id_salt: h.id_salt, id_hash: h.id_hash, id_scheme: h.id_scheme}, key))
  if (found) {
    if (found.name !== input.name) throw new RuleRefused('CERT-1', 'cert.idOtherHolder', {name: input.name}, {field: 'id-number'})
    if (Number(found.unit_id) !== unit.id) {
      await ctx.db.updateTable('cert_holders').set({unit_id: unit.id}).where('id', '=', found.id).execute()
      await appendAudit(ctx, {action: 'cert.holder.move', entityType: 'holder', entityId: Number(found.id), after: {unit: unit.name}})
    }
    return Number(found.id)
  }
  const {salt, hash, scheme, last4} = hashIdNumber(id, key)
  const inserted = await ctx.db
    .insertInto('cert_holders')
    .values({name: input.name, unit_id: unit.id, id_salt: salt, id_hash: hash, id_scheme: scheme, id_last4: last4, created_at: ctx.at, created_by: ctx.actor})
    .returning('id')
    .executeTakeFirstOrThrow()
  await appendAudit(ctx, {action: 'cert.holder.add', entityType: 'holder', entityId: Number(inserted.id), after: {name: input.name, unit: unit.name, idLast4: last4}})
  return Number(inserted.id)
}

/** CERT-1: a medium belongs to one holder; a lost, damaged or replaced one is not used again. */
async function checkMedium(ctx: WriteContext, serial: string, holderId: number, field = 'medium'): Promise<void> {
  const medium = await ctx.db.selectFrom('cert_media').selectAll().where('serial', '=', serial).executeTakeFirst()
  if (!medium) return
  if (Number(medium.holder_id) !== holderId) throw new RuleRefused('CERT-1', 'cert.mediumOtherHolder', {medium: serial}, {field})
  if (medium.status !== 'in-use') throw new Conflict('cert.mediumRetired', {medium: serial, status: medium.status, statusZh: MEDIUM_ZH[medium.status] ?? medium.status}, {field})
}

async function registerMedium(ctx: WriteContext, serial: string, holderId: number): Promise<void> {
  const existing = await ctx.db.selectFrom('cert_media').select('serial').where('serial', '=', serial).executeTakeFirst()
  if (!existing) await ctx.db.insertInto('cert_media').values({serial, holder_id: holderId, status: 'in-use', registered_at: ctx.at, updated_at: ctx.at}).execute()
}

async function liveCertificate(ctx: WriteContext, holderId: number, profile: string): Promise<string | undefined> {
  const row = await ctx.db
    .selectFrom('cert_certs')
    .select('serial')
    .where('holder_id', '=', holderId)
    .where('profile', '=', profile)
    .where('source', '=', 'issued')
    .where('status', '<>', 'revoked')
    .where('not_after', '>', ctx.at)
    .executeTakeFirst()
  return row?.serial
}

/** 申请: a holder's application for a certificate on a medium (CERT-1, CERT-3). */
export async function applyForCertificate(store: Store, input: ApplyInput): Promise<WorkflowResult<CertRequest>> {
  // From the database (issue 21): the profiles everyone on it shares; a retired one issues nothing new.
  const profile = await profileFor(store.db, input.profile, {issuing: true})
  const holder = input.holder?.trim()
  if (!holder) throw new InvalidInput('input.empty', {field: 'holder'}, {field: 'holder'})
  const medium = input.medium?.trim() || undefined
  if (profile.medium && !medium) throw new InvalidInput('cert.mediumNeeded', {profile: profile.key}, {field: 'medium', rule: 'CERT-1'})
  const days = checkDays(input.days, profile)
  const dns = (input.dns ?? []).map((d) => d.trim().toLowerCase()).filter(Boolean)
  const ips = (input.ips ?? []).map((d) => d.trim()).filter(Boolean)
  if ((dns.length && !profile.san.includes('dns')) || (ips.length && !profile.san.includes('ip')))
    throw new InvalidInput('cert.sanNotAllowed', {profile: profile.key}, {field: dns.length ? 'dns' : 'ip'})
  for (const d of dns) if (!DNS_NAME.test(d)) throw new InvalidInput('cert.badDns', {value: d}, {field: 'dns'})
  for (const ip of ips) if (!isIP(ip)) throw new InvalidInput('cert.badIp', {value: ip}, {field: 'ip'})
  if (profile.san.length && !dns.length && !ips.length) throw new InvalidInput('cert.sanNeeded', {profile: profile.key}, {field: 'dns'})
  const csr = input.csr ? await checkCsr(input.csr) : undefined
  if (csr) checkProfileKey(profile, csr.spec)
  if (!csr) refuseMadeSignatureKey(profile)
  return store.write(async (ctx) => {
    if (!(await hasCa(ctx.db))) throw new NotFound('cert.noCa', {}, {field: 'ca'})
    if (csr) await refuseCompromised(ctx.db, csr.spki, 'csr')
    const holderId = await holderFor(ctx, {name: holder, unit: input.unit, idNumber: input.idNumber})
    if (medium) await checkMedium(ctx, medium, holderId)
    const live = await liveCertificate(ctx, holderId, profile.key)
    if (live) throw new RuleRefused('CERT-1', 'cert.alreadyHolds', {holder, profile: profile.key, serial: live}, {field: 'profile'})
    const open = await openRequestFor(ctx, (p) => p.event === 'apply' && p.holderId === holderId && p.profile === profile.key)
    if (open) throw new Conflict('cert.openRequest', {id: open}, {field: 'holder'})
    const unit = await findUnit(ctx.db, input.unit, 'unit')
    const payload: CertRequest = {
      event: 'apply',
      holder,
      unit: unit.name,
      holderId,
      profile: profile.key,
      ...(medium ? {medium} : {}),
      ...(csr ? {csr: csr.pem} : {}),
      ...(dns.length ? {dns} : {}),
      ...(ips.length ? {ips} : {}),
      ...(days ? {days} : {}),
    }
    return (await fileRequestIn(ctx, {kind: 'cert', applicantUnit: unit.name, payload})) as WorkflowResult<CertRequest>
  })
}

export interface EventInput {
  serial: string
  csr?: string
  days?: number
  reason?: string
  medium?: string
  mediumReason?: string
}

const STATUS_ZH: Record<string, string> = {valid: '有效', hold: '暂停', revoked: '已撤销', expired: '已过期'}
const EVENT_ZH: Record<string, string> = {
  renew: '更新',
  extend: '期满延期',
  revoke: '撤销',
  'report-lost': '挂失',
  suspend: '停用',
  resume: '恢复',
  'replace-medium': '更换介质',
  'reset-password': '重置密码',
  export: '导出',
}
const MEDIUM_ZH: Record<string, string> = {lost: '丢失', damaged: '损坏', replaced: '更换'}

/** The message names the state and the event in the reader's words (the Chinese text has its own). */
function wrongState(cert: Certificate, event: string, allowed: Certificate['status'][]): Conflict {
  return new Conflict(
    'cert.wrongState',
    {
      serial: cert.serial,
      status: cert.status,
      event,
      allowed: allowed.join(', '),
      statusZh: STATUS_ZH[cert.status],
      eventZh: EVENT_ZH[event] ?? event,
      allowedZh: allowed.map((a) => STATUS_ZH[a]).join('、'),
    },
    {field: 'SERIAL', details: {status: cert.status}},
  )
}

/** Checks an event against the certificate as it stands now; throws what the operator must be told. */
async function checkEvent(ctx: WriteContext, event: CertEventKind, cert: Certificate, p: Partial<CertRequest>, at: Date): Promise<void> {
  const state = (allowed: Certificate['status'][]) => {
    if (!allowed.includes(cert.status)) throw wrongState(cert, event, allowed)
  }
  if (cert.source !== 'issued') throw new Conflict('cert.notIssuedHere', {serial: cert.serial, event, eventZh: EVENT_ZH[event] ?? event}, {field: 'SERIAL'})
  switch (event) {
    case 'renew':
      state(['valid'])
      if (cert.keyOrigin === 'csr' && !p.csr) throw new InvalidInput('cert.csrNeeded', {serial: cert.serial}, {field: 'csr'})
      break
    case 'extend': {
      state(['valid', 'expired'])
      const left = (new Date(cert.notAfter).getTime() - at.getTime()) / DAY
      if (left > EXTEND_WINDOW_DAYS)
        throw new RuleRefused(
          'CERT-3',
          'cert.extendTooEarly',
          {serial: cert.serial, days: Math.floor(left), window: EXTEND_WINDOW_DAYS, from: new Date(new Date(cert.notAfter).getTime() - EXTEND_WINDOW_DAYS * DAY).toISOString().slice(0, 10)},
          {field: 'SERIAL'},
        )
      if (-left > EXTEND_WINDOW_DAYS) throw new RuleRefused('CERT-3', 'cert.extendTooLate', {serial: cert.serial, window: EXTEND_WINDOW_DAYS}, {field: 'SERIAL'})
      break
    }
    case 'revoke':
      state(['valid', 'hold'])
      break
    case 'report-lost':
    case 'suspend':
      state(['valid'])
      break
    case 'resume':
      state(['hold'])
      break
    case 'replace-medium':
      state(['valid', 'hold'])
      if (p.medium === cert.medium) throw new InvalidInput('cert.sameMedium', {medium: p.medium}, {field: 'medium'})
      await checkMedium(ctx, p.medium!, cert.holder.id)
      if (cert.keyOrigin === 'csr' && !p.csr) throw new InvalidInput('cert.csrNeeded', {serial: cert.serial}, {field: 'csr'})
      break
    case 'reset-password':
      state(['valid'])
      if (cert.keyOrigin !== 'generated') throw new Conflict('cert.keyNotHeld', {serial: cert.serial}, {field: 'SERIAL', rule: 'CERT-3'})
      await refuseDestroyed(ctx, cert)
      break
    default:
      break
  }
}

/** CERT-3: a key egov made is delivered once and destroyed; what needed it again is refused (exit 4), naming renewal. */
async function refuseDestroyed(ctx: WriteContext, cert: Certificate): Promise<void> {
  const row = await ctx.db.selectFrom('cert_certs').select('key_pem').where('serial', '=', cert.serial).executeTakeFirstOrThrow()
  if (row.key_pem || cert.keyOrigin !== 'generated') return
  const delivered = await ctx.db.selectFrom('cert_events').select('at').where('serial', '=', cert.serial).where('event', '=', 'exported').orderBy('id', 'desc').executeTakeFirst()
  throw new Conflict('cert.keyDestroyed', {serial: cert.serial, at: delivered?.at ?? '?'}, {field: 'SERIAL', rule: 'CERT-3'})
}

/** A key a renewal or a new medium brings: never one revoked for compromise, never the certificate's own (CERT-3). */
async function checkNewKey(ctx: WriteContext, serial: string, spki: Buffer): Promise<void> {
  await refuseCompromised(ctx.db, spki, 'csr')
  const row = await ctx.db.selectFrom('cert_certs').select('cert_pem').where('serial', '=', serial).executeTakeFirstOrThrow()
  refuseSameKey(certParts(fromPem(row.cert_pem)).spki, spki, serial, 'csr')
}

/** Files one life event of an existing certificate (更新, 期满延期, 撤销, 挂失, 停用, 恢复, 介质更换, 密码重置). */
export async function fileEvent(store: Store, event: Exclude<CertEventKind, 'apply'>, input: EventInput): Promise<WorkflowResult<CertRequest>> {
  const p: Partial<CertRequest> = {}
  if (event === 'revoke') {
    const reason = (input.reason ?? '').trim()
    if (!(REVOKE_REASONS as readonly string[]).includes(reason)) throw new InvalidInput('cert.badReason', {value: reason, allowed: REVOKE_REASONS.join(', ')}, {field: 'reason'})
    p.reason = reason as CertRequest['reason']
  }
  if (event === 'replace-medium') {
    p.medium = input.medium?.trim()
    if (!p.medium) throw new InvalidInput('input.missingFlag', {flag: 'medium', label: 'medium'}, {field: 'medium'})
    const reason = (input.mediumReason ?? 'replaced').trim()
    if (!(MEDIUM_REASONS as readonly string[]).includes(reason)) throw new InvalidInput('cert.badMediumReason', {value: reason, allowed: MEDIUM_REASONS.join(', ')}, {field: 'reason'})
    p.mediumReason = reason as MediumReason
  }
  const csr = input.csr ? await checkCsr(input.csr) : undefined
  if (csr) p.csr = csr.pem
  if (input.days !== undefined) p.days = input.days
  return store.write(async (ctx) => {
    const cert = await findCertificate(ctx.db, input.serial, 'SERIAL', new Date(ctx.at))
    const certProfile = await profileFor(ctx.db, cert.profile ?? 'staff')
    if (p.days !== undefined) checkDays(p.days, certProfile)
    if (csr) checkProfileKey(certProfile, csr.spec)
    // A new key (renewal, new medium) for an SM2 signature certificate comes from the medium too.
    if (!csr && (event === 'renew' || event === 'replace-medium')) refuseMadeSignatureKey(certProfile)
    await checkEvent(ctx, event, cert, p, new Date(ctx.at))
    if (csr) await checkNewKey(ctx, cert.serial, csr.spki)
    const open = await openRequestFor(ctx, (q) => q.serial === cert.serial)
    if (open) throw new Conflict('cert.openRequest', {id: open}, {field: 'SERIAL'})
    const payload: CertRequest = {event, serial: cert.serial, holder: cert.holder.name, unit: cert.holder.unit, holderId: cert.holder.id, ...(cert.profile ? {profile: cert.profile} : {}), ...p}
    if (event !== 'replace-medium' && cert.medium) payload.medium = cert.medium
    return (await fileRequestIn(ctx, {kind: 'cert', applicantUnit: cert.holder.unit, payload})) as WorkflowResult<CertRequest>
  })
}

// ---------------------------------------------------------------- carrying out

async function recordEvent(ctx: WriteContext, serial: string, event: string, requestId: number | null, detail?: Record<string, unknown>): Promise<void> {
  await ctx.db
    .insertInto('cert_events')
    .values({serial, event, at: ctx.at, actor: ctx.actor, request_id: requestId, detail: detail ? JSON.stringify(detail) : null})
    .execute()
}

/**
 * A holder's subject, in the order X.500 encodes and openssl and Java print it: C, O (the
 * bureau, `config set cert.organization`), OU (the unit), CN (the name), and serialNumber
 * H + the holder's number in egov's register, so that two 张三 of one unit are two subjects
 * and a holder's renewals keep one. A server certificate is named by its first DNS name or
 * address.
 */
function subjectFor(holder: {id: number; name: string}, unit: string, organization: string, profile: Profile, dns: string[] | undefined, ips: string[] | undefined): SubjectAttrs {
  const base: SubjectAttrs = [
    ['C', 'CN'],
    ['O', organization],
    ['OU', unit],
  ]
  if (profile.san.length) return [...base, ['CN', dns?.[0] ?? ips?.[0] ?? holder.name]]
  return [...base, ['CN', holder.name], [SERIAL_NUMBER, holderNumber(holder.id)]]
}

/** X.520 serialNumber (2.5.4.5). */
const SERIAL_NUMBER = '2.5.4.5'

export function holderNumber(id: number): string {
  return `H${String(id).padStart(6, '0')}`
}

interface IssueSpec {
  holderId: number
  holder: string
  unit: string
  profile: Profile
  medium: string | null
  requestId: number | null
  passphrase: string
  csrPem?: string
  /** Reuse this key (extension): encrypted PEM, or the SPKI of a CSR-held key. */
  reuse?: {keyPem: string | null; spki: Buffer; spec: KeySpec; origin: 'generated' | 'csr'}
  dns?: string[]
  ips?: string[]
  days?: number
  replaces?: string
}

interface Issued {
  serial: string
  /** Set when the CA ends before the validity asked for: the certificate ends with it. */
  shortened?: {notAfter: string; days: number}
}

/** Clock skew allowance: a certificate is valid from a few minutes before it was signed. */
const BACKDATE_MS = 5 * 60_000

/** Signs and records one certificate; the key is generated here unless a CSR or a kept key is given. */
async function issue(ctx: WriteContext, signer: Signer, s: IssueSpec): Promise<Issued> {
  let spki: Buffer
  let keyPem: string | null = null
  let spec: KeySpec
  let origin: 'generated' | 'csr'
  if (s.reuse) {
    ;({spki, spec, origin} = s.reuse)
    keyPem = s.reuse.keyPem
  } else if (s.csrPem) {
    const csr = await checkCsr(s.csrPem)
    ;({spki, spec} = csr)
    checkProfileKey(s.profile, spec)
    origin = 'csr'
  } else {
    spec = s.profile.key_spec
    const {privateKey} = await generateKey(spec)
    spki = publicKeyOf(privateKey).export({type: 'spki', format: 'der'})
    // Kept only until its one delivery, wrapped under a secret of the CA key (keys.ts).
    keyPem = wrapHolderKey(privateKey, signer.key)
    origin = 'generated'
  }
  // Whatever the path (a CSR, an extension's kept key), a compromised key is not certified again.
  await refuseCompromised(ctx.db, spki, s.csrPem ? 'csr' : 'SERIAL')
  const serial = newSerial()
  const lib = await x509()
  const ca = await ctx.db.selectFrom('cert_ca').select(['not_after', 'cert_pem']).where('id', '=', 1).executeTakeFirstOrThrow()
  const caStart = new lib.X509Certificate(ca.cert_pem).notBefore
  // Valid from a few minutes back, for relying parties whose clocks run behind; never before the CA.
  const notBefore = new Date(Math.max(new Date(ctx.at).getTime() - BACKDATE_MS, caStart.getTime()))
  const caEnd = new Date(ca.not_after)
  const days = s.days ?? s.profile.days
  // A certificate never outlives the CA that signed it.
  const notAfter = new Date(Math.min(new Date(ctx.at).getTime() + days * DAY, caEnd.getTime()))
  const subject = subjectFor({id: s.holderId, name: s.holder}, s.unit, await organizationName(ctx.db), s.profile, s.dns, s.ips)
  const der = await signCertificate({serial, subject, spki, notBefore, notAfter, profile: s.profile, dns: s.dns, ips: s.ips, rehearsal: ctx.rehearsal}, signer)
  const cert = new lib.X509Certificate(der)
  await ctx.db
    .insertInto('cert_certs')
    .values({
      serial,
      source: 'issued',
      holder_id: s.holderId,
      medium: s.medium,
      profile: s.profile.key,
      subject: cert.subject,
      issuer: cert.issuer,
      key_spec: spec,
      key_origin: origin,
      not_before: notBefore.toISOString(),
      not_after: notAfter.toISOString(),
      status: 'valid',
      hold_kind: null,
      revoked_at: null,
      reason: null,
      cert_pem: toPem(der),
      key_pem: keyPem,
      p12_allowance: origin === 'generated' && keyPem ? 1 : 0,
      request_id: s.requestId,
      replaces: s.replaces ?? null,
      replaced_by: null,
      crl_url: null,
      issuer_pem: null,
      checked_at: null,
      created_at: ctx.at,
      ...inventoryKey(der, signer.subjectDer),
    })
    .execute()
  if (s.medium) await registerMedium(ctx, s.medium, s.holderId)
  await recordEvent(ctx, serial, 'issued', s.requestId, {profile: s.profile.key, medium: s.medium, keyOrigin: origin, notAfter: notAfter.toISOString(), ...(s.replaces ? {replaces: s.replaces} : {})})
  await appendAudit(ctx, {
    action: 'cert.issue',
    entityType: 'certificate',
    entityId: serial,
    after: {holder: s.holder, unit: s.unit, profile: s.profile.key, medium: s.medium, subject: cert.subject, notAfter: notAfter.toISOString(), keyOrigin: origin, request: s.requestId},
  })
  return notAfter.getTime() === caEnd.getTime() ? {serial, shortened: {notAfter: notAfter.toISOString().slice(0, 10), days}} : {serial}
}

/** The payload patch of a carried-out issue: the new serial, and a line if it was cut short. */
function issuedPatch(made: Issued): Partial<CertRequest> {
  return {issued: made.serial, ...(made.shortened ? {outcome: t('cert.shortened', {serial: made.serial, ...made.shortened})} : {})}
}

async function setStatus(
  ctx: WriteContext,
  cert: Certificate,
  change: {status: 'valid' | 'hold' | 'revoked'; holdKind?: 'lost' | 'suspended' | null; reason?: string | null},
  requestId: number | null,
  event: string,
): Promise<void> {
  const revokedAt = change.status === 'valid' ? null : ctx.at
  const revoked = change.status === 'revoked'
  const row = await ctx.db.selectFrom('cert_certs').select(['cert_pem', 'key_pem']).where('serial', '=', cert.serial).executeTakeFirstOrThrow()
  await ctx.db
    .updateTable('cert_certs')
    // A revoked certificate's key is never needed again: a key egov generated is destroyed with the revocation.
    .set({status: change.status, hold_kind: change.holdKind ?? null, reason: change.reason ?? null, revoked_at: revokedAt, ...(revoked ? {key_pem: null, p12_allowance: 0} : {})})
    .where('serial', '=', cert.serial)
    .execute()
  if (revoked && change.reason === 'keyCompromise') await blockKey(ctx, certParts(fromPem(row.cert_pem)).spki, cert.serial)
  await recordEvent(ctx, cert.serial, event, requestId, change.reason ? {reason: change.reason} : undefined)
  await appendAudit(ctx, {
    action: `cert.${event}`,
    entityType: 'certificate',
    entityId: cert.serial,
    before: {status: cert.status, holdKind: cert.holdKind},
    after: {status: change.status, holdKind: change.holdKind ?? null, reason: change.reason ?? null, request: requestId, ...(revoked && row.key_pem ? {keyDestroyed: true} : {})},
  })
}

/** Revokes one certificate as superseded by another (renewal, extension, new medium). */
async function supersede(ctx: WriteContext, old: Certificate, by: string, requestId: number, reason: CrlReason = 'superseded'): Promise<void> {
  await setStatus(ctx, old, {status: 'revoked', reason}, requestId, 'revoked')
  await ctx.db.updateTable('cert_certs').set({replaced_by: by}).where('serial', '=', old.serial).execute()
}

/**
 * Carries out an approved event, inside the approval's transaction (from `egov requests
 * approve`): an event that signs (a certificate or a CRL) needs the CA key, from
 * EGOV_CA_PASSPHRASE or EGOV_CA_PASSPHRASE_FILE; a password reset signs nothing and does not.
 */
export async function carryOut(ctx: WriteContext, requestId: number, p: CertRequest): Promise<Partial<CertRequest>> {
  const at = new Date(ctx.at)
  if (p.event === 'reset-password') {
    const cert = await findCertificate(ctx.db, p.serial!, 'SERIAL', at)
    await checkEvent(ctx, p.event, cert, p, at)
    // One delivery under the new password, however many were left before.
    await ctx.db.updateTable('cert_certs').set({p12_allowance: 1}).where('serial', '=', cert.serial).execute()
    await recordEvent(ctx, cert.serial, 'password-reset', requestId)
    await appendAudit(ctx, {action: 'cert.reset-password', entityType: 'certificate', entityId: cert.serial, before: {exportsLeft: cert.exportsLeft}, after: {exportsLeft: 1, request: requestId}})
    return {}
  }
  const passphrase = requirePassphrase(passphraseFromEnv())
  const signer = await loadSigner(ctx.db, passphrase, ctx)
  if (p.event === 'apply') {
    const profile = await profileFor(ctx.db, p.profile!, {issuing: true})
    const live = await liveCertificate(ctx, p.holderId, profile.key)
    if (live) throw new RuleRefused('CERT-1', 'cert.alreadyHolds', {holder: p.holder, profile: profile.key, serial: live}, {field: 'profile'})
    if (p.medium) await checkMedium(ctx, p.medium, p.holderId)
    return issuedPatch(
      await issue(ctx, signer, {holderId: p.holderId, holder: p.holder, unit: p.unit, profile, medium: p.medium ?? null, requestId, passphrase, csrPem: p.csr, dns: p.dns, ips: p.ips, days: p.days}),
    )
  }
  const cert = await findCertificate(ctx.db, p.serial!, 'SERIAL', at)
  await checkEvent(ctx, p.event, cert, p, at)
  // The profile it was issued under, as the database has it now (issue 21): never a file of this machine's, retired or not.
  const profile = await profileFor(ctx.db, cert.profile ?? 'staff')
  const row = await ctx.db.selectFrom('cert_certs').select(['cert_pem', 'key_pem', 'key_spec']).where('serial', '=', cert.serial).executeTakeFirstOrThrow()
  const san = sanOf(fromPem(row.cert_pem))
  const base = {holderId: cert.holder.id, holder: cert.holder.name, unit: cert.holder.unit, profile, requestId, passphrase, dns: san.dns, ips: san.ips, days: p.days}
  let made: Issued | undefined
  if (p.csr && (p.event === 'renew' || p.event === 'replace-medium')) refuseSameKey(certParts(fromPem(row.cert_pem)).spki, (await checkCsr(p.csr)).spki, cert.serial, 'csr')
  switch (p.event) {
    case 'renew':
      made = await issue(ctx, signer, {...base, medium: cert.medium, csrPem: p.csr, replaces: cert.serial})
      await supersede(ctx, cert, made.serial, requestId)
      break
    case 'extend': {
      const spki = certParts(fromPem(row.cert_pem)).spki
      made = await issue(ctx, signer, {
        ...base,
        medium: cert.medium,
        replaces: cert.serial,
        reuse: {keyPem: row.key_pem, spki, spec: row.key_spec as KeySpec, origin: cert.keyOrigin === 'csr' ? 'csr' : 'generated'},
      })
      if (cert.status !== 'expired') await supersede(ctx, cert, made.serial, requestId)
      else await ctx.db.updateTable('cert_certs').set({replaced_by: made.serial}).where('serial', '=', cert.serial).execute()
      break
    }
    case 'revoke':
      await setStatus(ctx, cert, {status: 'revoked', reason: p.reason!}, requestId, 'revoked')
      if (cert.holdKind === 'lost' && cert.medium) await setMedium(ctx, cert.medium, 'lost')
      break
    case 'report-lost':
      await setStatus(ctx, cert, {status: 'hold', holdKind: 'lost'}, requestId, 'reported-lost')
      break
    case 'suspend':
      await setStatus(ctx, cert, {status: 'hold', holdKind: 'suspended'}, requestId, 'suspended')
      break
    case 'resume':
      await setStatus(ctx, cert, {status: 'valid', holdKind: null}, requestId, 'resumed')
      break
    case 'replace-medium': {
      made = await issue(ctx, signer, {...base, medium: p.medium!, csrPem: p.csr, replaces: cert.serial})
      // A lost key may be in someone's hands: keyCompromise; a damaged or exchanged one is superseded.
      await supersede(ctx, cert, made.serial, requestId, p.mediumReason === 'lost' ? 'keyCompromise' : 'superseded')
      if (cert.medium) await setMedium(ctx, cert.medium, p.mediumReason ?? 'replaced')
      break
    }
    default:
      break
  }
  // Every revocation, hold or resume makes a new CRL at once, by the CA that issued the certificate (a retired one after a rollover).
  const caId = await caIdFor(ctx.db, (await ctx.db.selectFrom('cert_certs').select('issuer_key').where('serial', '=', cert.serial).executeTakeFirst())?.issuer_key ?? null)
  const crl = await makeCrl(ctx, caId === 1 ? signer : await loadSigner(ctx.db, passphrase, ctx, caId), caId)
  const patch: Partial<CertRequest> = {...(made ? issuedPatch(made) : {}), crlNumber: crl.number}
  if (crl.warning) patch.outcome = patch.outcome ? `${patch.outcome}\n${crl.warning}` : crl.warning
  return patch
}

async function setMedium(ctx: WriteContext, serial: string, status: string): Promise<void> {
  await ctx.db.updateTable('cert_media').set({status, updated_at: ctx.at}).where('serial', '=', serial).execute()
}

/** DNS names and IP addresses of a certificate's subjectAltName, to carry over on renewal. */
function sanOf(der: Buffer): {dns?: string[]; ips?: string[]} {
  const ext = certParts(der).extensions.get('2.5.29.17')
  if (!ext) return {}
  const dns: string[] = []
  const ips: string[] = []
  // GeneralNames: [2] dNSName IA5String, [7] iPAddress OCTET STRING, both implicit.
  let pos = 2 + (ext[1] & 0x80 ? ext[1] & 0x7f : 0)
  while (pos < ext.length) {
    const tag = ext[pos]
    const len = ext[pos + 1]
    const value = ext.subarray(pos + 2, pos + 2 + len)
    if (tag === 0x82) dns.push(value.toString('latin1'))
    if (tag === 0x87 && value.length === 4) ips.push([...value].join('.'))
    if (tag === 0x87 && value.length === 16) ips.push((value.toString('hex').match(/.{4}/g) ?? []).join(':').replace(/(^|:)0{1,3}/g, '$1'))
    pos += 2 + len
  }
  return {...(dns.length ? {dns} : {}), ...(ips.length ? {ips} : {})}
}

// ---------------------------------------------------------------- export

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
