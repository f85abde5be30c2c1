import {createHash} from 'node:crypto'

import type {Kysely} from '#kysely'

import {now} from '../clock.js'
import {InvalidInput, NotFound} from '../errors.js'
import {type Database, type Reader, readerDb} from '../store/index.js'
import {certParts} from './der.js'
import {maskId} from './idnumber.js'

/**
 * The certificate inventory: every certificate this CA issued and every one imported from
 * elsewhere, with its holder, medium, status and history — the list step-ca and easy-rsa
 * users miss ("what did we issue, and what is about to expire?").
 */

export type CertStatus = 'valid' | 'hold' | 'revoked' | 'expired'
export const STATUSES: CertStatus[] = ['valid', 'hold', 'revoked', 'expired']

export interface Holder {
  id: number
  name: string
  unit: string
  idNumber: string
}

export interface Certificate {
  serial: string
  source: 'issued' | 'imported'
  holder: Holder
  medium: string | null
  profile: string | null
  subject: string
  issuer: string
  keySpec: string | null
  keyOrigin: 'generated' | 'csr' | 'external'
  notBefore: string
  notAfter: string
  /** The status as of now: a valid or held certificate past its end is expired. */
  status: CertStatus
  /** lost and suspended are this CA's holds (CERT-3); issuer is an outside CA's certificateHold. */
  holdKind: 'lost' | 'suspended' | 'issuer' | null
  revokedAt: string | null
  reason: string | null
  daysLeft: number
  replaces: string | null
  replacedBy: string | null
  requestId: number | null
  crlUrl: string | null
  checkedAt: string | null
  /** PKCS#12 exports still allowed (CERT-3). */
  exportsLeft: number
  /** The serial as the certificate has it, and its issuer's tag: SERIAL@TAG names it among certificates of other issuers. */
  serialNumber: string | null
  issuerTag: string
}

export interface CertEvent {
  event: string
  at: string
  actor: string
  requestId: number | null
  detail: Record<string, unknown> | null
}

type CertRow = Database['cert_certs']

const DAY = 86_400_000

function effectiveStatus(row: {status: string; not_after: string}, at: Date): CertStatus {
  if (row.status === 'revoked') return 'revoked'
  return new Date(row.not_after) <= at ? 'expired' : (row.status as CertStatus)
}

const certColumns = [
  'c.serial',
  'c.source',
  'c.holder_id',
  'c.medium',
  'c.profile',
  'c.subject',
  'c.issuer',
  'c.key_spec',
  'c.key_origin',
  'c.not_before',
  'c.not_after',
  'c.status',
  'c.hold_kind',
  'c.revoked_at',
  'c.reason',
  'c.replaces',
  'c.replaced_by',
  'c.request_id',
  'c.crl_url',
  'c.checked_at',
  'c.p12_allowance',
  'c.serial_number',
  'c.issuer_key',
  'h.name as holder_name',
  'h.id_last4',
  'u.name as unit_name',
] as const

function baseQuery(db: Kysely<Database>) {
  return db.selectFrom('cert_certs as c').innerJoin('cert_holders as h', 'h.id', 'c.holder_id').innerJoin('units as u', 'u.id', 'h.unit_id').select(certColumns)
}

type Joined = Omit<CertRow, 'cert_pem' | 'key_pem' | 'created_at'> & {holder_name: string; id_last4: string | null; unit_name: string}

function toCertificate(r: Joined, at: Date): Certificate {
  return {
    serial: r.serial,
    source: r.source as Certificate['source'],
    holder: {id: Number(r.holder_id), name: r.holder_name, unit: r.unit_name, idNumber: maskId(r.id_last4)},
    medium: r.medium,
    profile: r.profile,
    subject: r.subject,
    issuer: r.issuer,
    keySpec: r.key_spec,
    keyOrigin: r.key_origin as Certificate['keyOrigin'],
    notBefore: r.not_before,
    notAfter: r.not_after,
    status: effectiveStatus(r, at),
    holdKind: r.status === 'hold' ? (r.hold_kind as Certificate['holdKind']) : null,
    revokedAt: r.revoked_at,
    reason: r.reason,
    daysLeft: Math.floor((new Date(r.not_after).getTime() - at.getTime()) / DAY),
    replaces: r.replaces,
    replacedBy: r.replaced_by,
    requestId: r.request_id === null ? null : Number(r.request_id),
    crlUrl: r.crl_url,
    checkedAt: r.checked_at,
    exportsLeft: Number(r.p12_allowance),
    serialNumber: r.serial_number,
    issuerTag: issuerTag(r.issuer_key),
  }
}

/** A serial as egov keeps it: hex, lower case, without colons, spaces or a 0x prefix. */
export function normaliseSerial(value: string): string {
  return value.trim().replace(/^0x/i, '').replace(/[:\s]/g, '').toLowerCase()
}

/** What the inventory is keyed by (migration 017): the serial as hex without leading zeros, and the SHA-256 of the issuer's Name (DER). */
export function inventoryKey(der: Buffer, issuerDer?: Buffer): {serial_number: string; issuer_key: string} {
  const parts = certParts(der)
  return {
    serial_number: parts.serial.toString('hex').replace(/^0+(?=.)/, ''),
    issuer_key: createHash('sha256')
      .update(issuerDer ?? parts.issuer)
      .digest('hex'),
  }
}

/** The tag that qualifies a serial with its issuer: the issuer key's first 8 hex characters. */
export const issuerTag = (issuerKey: string | null) => (issuerKey ?? '').slice(0, 8)

/**
 * A certificate by its serial number, or by the serial of the medium (USB key) it is on:
 * a medium holds its holder's current certificate (CERT-1), so staff can name what is
 * printed on the key. The inventory is keyed by issuer and serial: where two issuers'
 * certificates share a serial, SERIAL@ISSUER names one — ISSUER the tag `cert show` and
 * `cert list` print (the first characters of the SHA-256 of the issuer's name), or a part
 * of the issuer's name (CN=…); a bare serial that fits several is refused, listing them.
 */
export async function findCertificate(from: Reader, ref: string, field = 'SERIAL', at = now()): Promise<Certificate> {
  const db = readerDb(from)
  const at_ = ref.lastIndexOf('@')
  const qualifier = at_ > 0 ? ref.slice(at_ + 1).trim() : ''
  const serial = normaliseSerial(at_ > 0 ? ref.slice(0, at_) : ref)
  if (/^[0-9a-f]+$/.test(serial)) {
    const bare = serial.replace(/^0+(?=.)/, '')
    let rows = (await baseQuery(db)
      .where((eb) => eb.or([eb('c.serial_number', '=', bare), eb('c.serial', 'in', [serial, bare, `00${serial}`])]))
      .execute()) as Joined[]
    if (qualifier) {
      const q = qualifier.toLowerCase()
      rows = rows.filter((r) => (/^[0-9a-f]{4,64}$/.test(q) && (r.issuer_key ?? '').startsWith(q)) || r.issuer.toLowerCase().includes(q))
    }
    if (rows.length > 1) {
      const choices = rows.map((r) => `${r.serial_number ?? r.serial}@${issuerTag(r.issuer_key)} (${r.issuer})`).join('; ')
      throw new InvalidInput('cert.ambiguousSerial', {serial: ref.trim(), count: rows.length, choices}, {field})
    }
    if (rows.length === 1) return toCertificate(rows[0]!, at)
    if (qualifier) throw new NotFound('cert.notFound', {serial: ref}, {field})
  }
  const onMedium = (await baseQuery(db).where('c.medium', '=', ref.trim()).orderBy('c.created_at', 'desc').execute()) as Joined[]
  const current = onMedium.find((r) => r.status !== 'revoked') ?? onMedium[0]
  if (current) return toCertificate(current, at)
  if (!ref.trim()) throw new InvalidInput('input.empty', {field}, {field})
  throw new NotFound('cert.notFound', {serial: ref}, {field})
}

export async function certificatePem(db: Kysely<Database>, serial: string): Promise<string> {
  const row = await db.selectFrom('cert_certs').select('cert_pem').where('serial', '=', serial).executeTakeFirstOrThrow()
  return row.cert_pem
}

export interface ListFilter {
  status?: CertStatus
  /** Valid certificates ending within this many days (the monthly notice list). */
  expiring?: number
  unit?: string
  holder?: string
}

export async function listCertificates(from: Reader, filter: ListFilter = {}, at = now()): Promise<Certificate[]> {
  const db = readerDb(from)
  if (filter.status && !STATUSES.includes(filter.status)) throw new InvalidInput('cert.badStatus', {value: filter.status, allowed: STATUSES.join(', ')}, {field: 'status'})
  let q = baseQuery(db)
  const iso = at.toISOString()
  if (filter.unit) q = q.where('u.name', '=', filter.unit.trim())
  if (filter.holder) q = q.where('h.name', '=', filter.holder.trim())
  if (filter.status === 'revoked') q = q.where('c.status', '=', 'revoked')
  else if (filter.status === 'expired') q = q.where('c.status', '<>', 'revoked').where('c.not_after', '<=', iso)
  else if (filter.status) q = q.where('c.status', '=', filter.status).where('c.not_after', '>', iso)
  if (filter.expiring !== undefined) {
    q = q
      .where('c.status', '<>', 'revoked')
      .where('c.not_after', '>', iso)
      .where('c.not_after', '<=', new Date(at.getTime() + filter.expiring * DAY).toISOString())
  }
  const rows = (await q.orderBy('c.not_after').orderBy('c.serial').execute()) as Joined[]
  return rows.map((r) => toCertificate(r, at))
}

export async function certificateHistory(from: Reader, serial: string): Promise<CertEvent[]> {
  const db = readerDb(from)
  const rows = await db.selectFrom('cert_events').selectAll().where('serial', '=', serial).orderBy('id').execute()
  return rows.map((r) => ({
    event: r.event,
    at: r.at,
    actor: r.actor,
    requestId: r.request_id === null ? null : Number(r.request_id),
    detail: r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : null,
  }))
}
