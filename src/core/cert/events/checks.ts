import {Conflict, InvalidInput, RuleRefused} from '../../errors.js'
import type {WriteContext} from '../../store/index.js'
import {refuseCompromised, refuseSameKey} from '../compromise.js'
import {certParts} from '../der.js'
import type {CertEventKind} from '../event-names.js'
import type {Certificate} from '../inventory.js'
import type {Profile} from '../profiles.js'
import {fromPem} from '../x509.js'
import {type CertRequest, DAY, EVENT_ZH, EXTEND_WINDOW_DAYS, MEDIUM_ZH, wrongState} from './request.js'

/** What filing checks and carrying out checks again (CERT-1, CERT-3): the certificate's state, its medium, its key. */

export function checkDays(days: number | undefined, profile: Profile): number | undefined {
  if (days === undefined) return undefined
  if (!Number.isInteger(days) || days < 1 || days > profile.maxDays) throw new InvalidInput('cert.badDays', {value: days, max: profile.maxDays, profile: profile.key}, {field: 'days'})
  return days
}

/** CERT-1: a medium belongs to one holder; a lost, damaged or replaced one is not used again. */
export async function checkMedium(ctx: WriteContext, serial: string, holderId: number, field = 'medium'): Promise<void> {
  const medium = await ctx.db.selectFrom('cert_media').selectAll().where('serial', '=', serial).executeTakeFirst()
  if (!medium) return
  if (Number(medium.holder_id) !== holderId) throw new RuleRefused('CERT-1', 'cert.mediumOtherHolder', {medium: serial}, {field})
  if (medium.status !== 'in-use') throw new Conflict('cert.mediumRetired', {medium: serial, status: medium.status, statusZh: MEDIUM_ZH[medium.status] ?? medium.status}, {field})
}

export async function liveCertificate(ctx: WriteContext, holderId: number, profile: string): Promise<string | undefined> {
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

/** Checks an event against the certificate as it stands now; throws what the operator must be told. */
export async function checkEvent(ctx: WriteContext, event: CertEventKind, cert: Certificate, p: Partial<CertRequest>, at: Date): Promise<void> {
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
export async function refuseDestroyed(ctx: WriteContext, cert: Certificate): Promise<void> {
  const row = await ctx.db.selectFrom('cert_certs').select('key_pem').where('serial', '=', cert.serial).executeTakeFirstOrThrow()
  if (row.key_pem || cert.keyOrigin !== 'generated') return
  const delivered = await ctx.db.selectFrom('cert_events').select('at').where('serial', '=', cert.serial).where('event', '=', 'exported').orderBy('id', 'desc').executeTakeFirst()
  throw new Conflict('cert.keyDestroyed', {serial: cert.serial, at: delivered?.at ?? '?'}, {field: 'SERIAL', rule: 'CERT-3'})
}

/** A key a renewal or a new medium brings: never one revoked for compromise, never the certificate's own (CERT-3). */
export async function checkNewKey(ctx: WriteContext, serial: string, spki: Buffer): Promise<void> {
  await refuseCompromised(ctx.db, spki, 'csr')
  const row = await ctx.db.selectFrom('cert_certs').select('cert_pem').where('serial', '=', serial).executeTakeFirstOrThrow()
  refuseSameKey(certParts(fromPem(row.cert_pem)).spki, spki, serial, 'csr')
}
