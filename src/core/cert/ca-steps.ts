import type {KeyObject} from 'node:crypto'

import type {Kysely} from '#kysely'

import {now} from '../clock.js'
import {CERT_ORG_SETTING, DEFAULT_CERT_ORG} from '../config/index.js'
import {InvalidInput} from '../errors.js'
import type {Database, WriteContext} from '../store/index.js'
import {atLeast, children, read} from './der.js'
import {generateKey, type KeySpec, publicKeyOf} from './keys.js'
import {crlFileName, publishDir, publishedCrlNumber} from './publish.js'
import {keyIdentifier, newSerial, signCertificate, type Signer, type SubjectAttrs} from './x509.js'

/**
 * The steps that making a CA (ca.ts), an offline root and an issuing CA (hierarchy.ts) and a
 * rollover (rollover.ts) have in common: one place for each, so the three say the same thing.
 */

export const DAY = 86_400_000

export interface CrlInfo {
  number: number
  thisUpdate: string
  nextUpdate: string
  entries: number
  /** Days until the next update; negative once it has passed. */
  daysLeft: number
}

/** The organisation in the subjects this CA makes (`config set cert.organization`). */
export async function organizationName(db: Kysely<Database>): Promise<string> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', CERT_ORG_SETTING).executeTakeFirst()
  return row?.value ?? DEFAULT_CERT_ORG
}

export async function hasCa(db: Kysely<Database>): Promise<boolean> {
  return Boolean(await db.selectFrom('cert_ca').select('id').where('id', '=', 1).executeTakeFirst())
}

export async function hasRoot(db: Kysely<Database>): Promise<boolean> {
  return Boolean(await db.selectFrom('cert_ca_roots').select('id').executeTakeFirst())
}

/** A CRL or CA certificate URL: http(s), or none. */
export function checkUrl(value: string | undefined, field: string): string | null {
  const v = value?.trim() || null
  if (v && !/^https?:\/\/[^\s/]+/i.test(v)) throw new InvalidInput(field === 'crl-url' ? 'cert.badCrlUrl' : 'cert.badUrl', {value: v, field}, {field})
  return v
}

/** A CA's (or root's) validity: whole days, 1 to 36500. */
export function checkCaDays(days: number): number {
  if (!Number.isInteger(days) || days < 1 || days > 36500) throw new InvalidInput('input.badInteger', {field: 'days', value: String(days)}, {field: 'days'})
  return days
}

/** A new CA key and its SubjectPublicKeyInfo (DER). Made before any transaction: RSA-4096 takes seconds and writers should not wait. */
export async function newCaKey(spec: KeySpec): Promise<{privateKey: KeyObject; spki: Buffer}> {
  const {privateKey} = await generateKey(spec)
  return {privateKey, spki: publicKeyOf(privateKey).export({type: 'spki', format: 'der'})}
}

/** A CA's subject: C=CN, O the organisation, CN its name. */
export async function caSubject(db: Kysely<Database>, name: string): Promise<SubjectAttrs> {
  return [
    ['C', 'CN'],
    ['O', await organizationName(db)],
    ['CN', name],
  ]
}

/**
 * A self-signed CA certificate from now for `days`: a CA standing alone, an offline root
 * (pathLen 1), or the new CA of a rollover standing alone.
 */
export async function signSelfCa(
  store: {db: Kysely<Database>; rehearsal?: boolean},
  key: {privateKey: KeyObject; spki: Buffer; spec: KeySpec},
  name: string,
  days: number,
  pathLen?: number,
): Promise<{der: Buffer; notAfter: Date}> {
  const at = now()
  const notAfter = new Date(at.getTime() + days * DAY)
  const self: Signer = {certDer: Buffer.alloc(0), subjectDer: Buffer.alloc(0), keyId: keyIdentifier(key.spki), key: key.privateKey, spec: key.spec}
  const der = await signCertificate(
    {serial: newSerial(), subject: await caSubject(store.db, name), spki: key.spki, notBefore: at, notAfter, ca: true, ...(pathLen === undefined ? {} : {pathLen}), rehearsal: store.rehearsal},
    self,
  )
  return {der, notAfter}
}

/** What `cert ca show` says of a CA's or the root's CRL; null before the first. */
export function crlInfo(row: {crl_number: number; crl_this_update: string | null; crl_next_update: string | null; crl_der: string | null}, at = now()): CrlInfo | null {
  if (!row.crl_next_update || !row.crl_this_update || !row.crl_der) return null
  return {
    number: Number(row.crl_number),
    thisUpdate: row.crl_this_update,
    nextUpdate: row.crl_next_update,
    entries: countEntries(Buffer.from(row.crl_der, 'base64')),
    daysLeft: Math.floor(((new Date(row.crl_next_update).getTime() - at.getTime()) / DAY) * 10) / 10,
  }
}

function countEntries(der: Buffer): number {
  // Cheap: a CRL's revoked list is the one SEQUENCE after nextUpdate, if present.
  const [tbs] = atLeast(children(der, read(der)), 1)
  const fields = children(der, tbs)
  const list = fields[5]
  return list?.tag === 0x30 ? children(der, list).length : 0
}

/**
 * The next CRL of a CA or the root: where it is published (if anywhere), its number (never one
 * a published CRL already has: one made in a transaction that then failed), this update now,
 * next update crl_days ahead.
 */
export async function nextCrl(
  ctx: WriteContext,
  row: {crl_number: number; crl_url: string | null; crl_days: number},
  keyId: Buffer,
): Promise<{dir: string | undefined; name: string; number: number; thisUpdate: Date; nextUpdate: Date}> {
  const dir = await publishDir(ctx.db)
  const name = crlFileName(row.crl_url, keyId)
  const number = Math.max(Number(row.crl_number), dir ? publishedCrlNumber(dir, name) : 0) + 1
  const thisUpdate = new Date(ctx.at)
  const nextUpdate = new Date(thisUpdate.getTime() + Number(row.crl_days) * DAY)
  return {dir, name, number, thisUpdate, nextUpdate}
}
