import {appendAudit} from '../../audit/index.js'
import {t} from '../../i18n/index.js'
import type {WriteContext} from '../../store/index.js'
import {organizationName} from '../ca-steps.js'
import {refuseCompromised} from '../compromise.js'
import {inventoryKey} from '../inventory.js'
import {generateKey, type KeySpec, publicKeyOf, wrapHolderKey} from '../keys.js'
import type {Profile} from '../profiles.js'
import {newSerial, signCertificate, type Signer, type SubjectAttrs, toPem, x509} from '../x509.js'
import {checkCsr, checkProfileKey} from './csr.js'
import {type CertRequest, DAY, recordEvent} from './request.js'

/** Issuing one certificate when an application, renewal, extension or new medium is carried out. */

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

export interface IssueSpec {
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

export interface Issued {
  serial: string
  /** Set when the CA ends before the validity asked for: the certificate ends with it. */
  shortened?: {notAfter: string; days: number}
}

/** Clock skew allowance: a certificate is valid from a few minutes before it was signed. */
const BACKDATE_MS = 5 * 60_000

/** Signs and records one certificate; the key is generated here unless a CSR or a kept key is given. */
export async function issue(ctx: WriteContext, signer: Signer, s: IssueSpec): Promise<Issued> {
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
export function issuedPatch(made: Issued): Partial<CertRequest> {
  return {issued: made.serial, ...(made.shortened ? {outcome: t('cert.shortened', {serial: made.serial, ...made.shortened})} : {})}
}

export async function registerMedium(ctx: WriteContext, serial: string, holderId: number): Promise<void> {
  const existing = await ctx.db.selectFrom('cert_media').select('serial').where('serial', '=', serial).executeTakeFirst()
  if (!existing) await ctx.db.insertInto('cert_media').values({serial, holder_id: holderId, status: 'in-use', registered_at: ctx.at, updated_at: ctx.at}).execute()
}
