import {isIP} from 'node:net'

import {appendAudit} from '../../audit/index.js'
import {Conflict, InvalidInput, NotFound, RuleRefused} from '../../errors.js'
import type {Store, WriteContext} from '../../store/index.js'
import {findUnit} from '../../units/index.js'
import {fileRequestIn, type WorkflowResult} from '../../workflow/index.js'
import {hasCa} from '../ca-steps.js'
import {refuseCompromised} from '../compromise.js'
import {type CertEventKind, MEDIUM_REASONS, type MediumReason, REVOKE_REASONS} from '../event-names.js'
import {idKeyOf, wrapLegacyIdHashes} from '../id-key.js'
import {hashIdNumber, idMatches, parseIdNumber} from '../idnumber.js'
import {findCertificate} from '../inventory.js'
import {profileFor} from '../profiles.js'
import {checkDays, checkEvent, checkMedium, checkNewKey, liveCertificate} from './checks.js'
import {checkCsr, checkProfileKey, refuseMadeSignatureKey} from './csr.js'
import {type CertRequest, openRequestFor} from './request.js'

/** Filing a life event (CERT-3): everything that can be checked is, so a request that cannot be carried out is refused at once. */

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

/** Files one life event of an existing certificate (更新, 期满延期, 撤销, 挂失, 停用, 恢复, 更换介质, 重置密码). */
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
