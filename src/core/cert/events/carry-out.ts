import {appendAudit} from '../../audit/index.js'
import {RuleRefused} from '../../errors.js'
import type {WriteContext} from '../../store/index.js'
import {loadSigner, makeCrl, passphraseFromEnv, requirePassphrase} from '../ca.js'
import {blockKey, refuseSameKey} from '../compromise.js'
import type {CrlReason} from '../crl.js'
import {certParts} from '../der.js'
import {caIdFor} from '../hierarchy.js'
import {type Certificate, findCertificate} from '../inventory.js'
import type {KeySpec} from '../keys.js'
import {profileFor} from '../profiles.js'
import {fromPem} from '../x509.js'
import {checkEvent, checkMedium, liveCertificate} from './checks.js'
import {checkCsr} from './csr.js'
import {issue, type Issued, issuedPatch} from './issue.js'
import {type CertRequest, recordEvent} from './request.js'

/** Carrying out an approved life event (CERT-3), inside the approval's transaction. */

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
  const extLen = ext[1] ?? 0
  let pos = 2 + (extLen & 0x80 ? extLen & 0x7f : 0)
  while (pos < ext.length) {
    const tag = ext[pos]
    const len = ext[pos + 1]
    if (len === undefined) break
    const value = ext.subarray(pos + 2, pos + 2 + len)
    if (tag === 0x82) dns.push(value.toString('latin1'))
    if (tag === 0x87 && value.length === 4) ips.push([...value].join('.'))
    if (tag === 0x87 && value.length === 16) ips.push((value.toString('hex').match(/.{4}/g) ?? []).join(':').replace(/(^|:)0{1,3}/g, '$1'))
    pos += 2 + len
  }
  return {...(dns.length ? {dns} : {}), ...(ips.length ? {ips} : {})}
}
