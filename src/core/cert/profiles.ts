import type {Kysely, Transaction} from '#kysely'

import {appendAudit} from '../audit/index.js'
import {Conflict, InvalidInput, NotFound} from '../errors.js'
import {type CertProfilesTable, type Database, type Reader, readerDb, type Store} from '../store/index.js'
import {readTemplate} from '../templates.js'
import {type KeySpec, parseKeySpec} from './keys.js'
import {EKU, KEY_USAGE_BITS} from './x509.js'

/**
 * Certificate profiles (证书模板, issue 21): what each kind of certificate may do, and the kind
 * of key egov makes for a holder under it. They live in the database (migration 023), so
 * every operator on a shared PostgreSQL registry, and every machine a SQLite file moves to,
 * issues and renews under the same ones; templates/cert-profiles.json is only the seed a new
 * database starts with. A certificate records its profile's key, and renewal, extension and a
 * new medium read that profile from here (as it stands now, edits included). Adding, editing
 * and retiring is the security administrator's act (roles.ts: security-admin), audited as
 * cert.profile.add / .edit / .retire with the values before and after.
 */
export interface Profile {
  key: string
  name: string
  keyUsage: string[]
  extKeyUsage: string[]
  /** The kind of key egov generates for a holder; a CSR brings its own (any kind egov signs, CERT-5). */
  key_spec: KeySpec
  days: number
  maxDays: number
  medium: boolean
  san: Array<'dns' | 'ip'>
  /** The encryption certificate of a signature/encryption pair (CERT-5): its generated key may be kept after delivery when cert.escrow is on. */
  encryption?: boolean
}

/** A profile as the database keeps it: with its status and who made and changed it. */
export interface ProfileInfo extends Profile {
  status: 'active' | 'retired'
  createdAt: string
  createdBy: string
  updatedAt: string | null
  updatedBy: string | null
  retiredAt: string | null
  retiredBy: string | null
}

/** The profiles the package ships (templates/cert-profiles.json): the seed of a new database, and the benchmark's. */
export function shippedProfiles(): Profile[] {
  return readTemplate<{profiles: Profile[]}>('cert-profiles.json').profiles
}

/** keyUsage names a leaf may carry (RFC 5280 4.2.1.3): the CA's own two are not among them. */
export const LEAF_KEY_USAGES = Object.keys(KEY_USAGE_BITS).filter((u) => u !== 'keyCertSign' && u !== 'cRLSign')
/** extendedKeyUsage names (RFC 5280 4.2.1.12) egov writes; emailProtection is not offered: egov puts no e-mail address in a certificate. */
export const EXT_KEY_USAGES = Object.keys(EKU).filter((u) => u !== 'emailProtection')
export const SAN_KINDS = ['dns', 'ip'] as const
/** The longest validity a profile may allow: ten years. */
export const MAX_PROFILE_DAYS = 3650

const KEY_PATTERN = /^[a-z][a-z0-9-]{1,31}$/
type Db = Kysely<Database> | Transaction<Database>

const list = (v: string): string[] => (v ? v.split(',') : [])

function fromRow(r: CertProfilesTable): ProfileInfo {
  return {
    key: r.key,
    name: r.name,
    keyUsage: list(r.key_usage),
    extKeyUsage: list(r.ext_key_usage),
    key_spec: r.key_spec as KeySpec,
    days: Number(r.days),
    maxDays: Number(r.max_days),
    medium: Number(r.medium) === 1,
    san: list(r.san) as Array<'dns' | 'ip'>,
    encryption: Number(r.encryption) === 1,
    status: r.status === 'retired' ? 'retired' : 'active',
    createdAt: r.created_at,
    createdBy: r.created_by,
    updatedAt: r.updated_at,
    updatedBy: r.updated_by,
    retiredAt: r.retired_at,
    retiredBy: r.retired_by,
  }
}

/** The profile's own fields, as audited and compared. */
function fieldsOf(p: Profile): Profile {
  return {key: p.key, name: p.name, keyUsage: p.keyUsage, extKeyUsage: p.extKeyUsage, key_spec: p.key_spec, days: p.days, maxDays: p.maxDays, medium: p.medium, san: p.san, encryption: p.encryption}
}

export async function listProfiles(from: Reader, options: {all?: boolean} = {}): Promise<ProfileInfo[]> {
  const db = readerDb(from)
  let q = db.selectFrom('cert_profiles').selectAll().orderBy('key')
  if (!options.all) q = q.where('status', '=', 'active')
  return (await q.execute()).map(fromRow)
}

/** A profile by its key for `cert profile show|edit|retire`: exit 3 when there is none. */
export async function findProfile(from: Reader, key: string, field = 'KEY'): Promise<ProfileInfo> {
  const db = readerDb(from)
  const row = await db.selectFrom('cert_profiles').selectAll().where('key', '=', key.trim()).executeTakeFirst()
  if (!row) throw new NotFound('cert.profileNotFound', {field, value: key, allowed: await knownKeys(db)}, {field})
  return fromRow(row)
}

async function knownKeys(db: Db): Promise<string> {
  return (await db.selectFrom('cert_profiles').select('key').where('status', '=', 'active').orderBy('key').execute()).map((r) => r.key).join(', ')
}

/**
 * The profile a certificate is issued or renewed under, from the database. For a new
 * certificate (`issuing`) it must be active: a retired profile issues nothing new (exit 4),
 * while what was issued under it still renews, extends and changes medium under it.
 * An unknown key given to `cert apply --profile` is bad input (exit 2, as before).
 */
export async function profileFor(db: Db, key: string, options: {issuing?: boolean; field?: string} = {}): Promise<ProfileInfo> {
  const field = options.field ?? 'profile'
  const row = await db.selectFrom('cert_profiles').selectAll().where('key', '=', key.trim()).executeTakeFirst()
  if (!row) throw new InvalidInput('cert.badProfile', {field, value: key, allowed: await knownKeys(db)}, {field})
  const p = fromRow(row)
  if (options.issuing && p.status === 'retired') throw new Conflict('cert.profileRetired', {field, profile: p.key, at: (p.retiredAt ?? '').slice(0, 10)}, {field})
  return p
}

/** The longest default validity of the active profiles (the CA's own expiry warning compares with it). */
export async function longestProfileDays(db: Db): Promise<number> {
  const row = await db
    .selectFrom('cert_profiles')
    .select((eb) => eb.fn.max('days').as('days'))
    .where('status', '=', 'active')
    .executeTakeFirst()
  return Number(row?.days ?? 0)
}

/** What `cert profile add` and `edit` are given: flag values, not yet checked. */
export interface ProfileInput {
  name?: string
  keyUsage?: string
  extKeyUsage?: string
  keySpec?: string
  days?: number
  maxDays?: number
  medium?: boolean
  san?: string
}

function names(value: string): string[] {
  return [
    ...new Set(
      value
        .split(/[,，\s]+/)
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ]
}

/**
 * Every field checked, each failure naming its flag and the rule (exit 2): keyUsage names a
 * leaf carries (RFC 5280 4.2.1.3; not keyCertSign or cRLSign: that is the CA's), at least one;
 * an EC key neither enciphers keys nor data (RFC 5480 section 3); extendedKeyUsage names egov
 * writes (RFC 5280 4.2.1.12); a key kind egov makes (CERT-5); 1 ≤ days ≤ max-days ≤ 3650.
 */
export function checkProfile(p: Profile): Profile {
  if (!KEY_PATTERN.test(p.key)) throw new InvalidInput('cert.profile.badKey', {value: p.key}, {field: 'KEY'})
  const name = p.name.trim()
  // eslint-disable-next-line no-control-regex
  if (!name || [...name].length > 64 || /[\u0000-\u001f\u007f]/.test(name)) throw new InvalidInput('cert.profile.badName', {}, {field: 'name'})
  if (!p.keyUsage.length) throw new InvalidInput('cert.profile.noKeyUsage', {allowed: LEAF_KEY_USAGES.join(', ')}, {field: 'key-usage', rule: 'RFC 5280 4.2.1.3'})
  for (const u of p.keyUsage)
    if (!LEAF_KEY_USAGES.includes(u)) throw new InvalidInput('cert.profile.badKeyUsage', {value: u, allowed: LEAF_KEY_USAGES.join(', ')}, {field: 'key-usage', rule: 'RFC 5280 4.2.1.3'})
  for (const u of p.extKeyUsage)
    if (!EXT_KEY_USAGES.includes(u)) throw new InvalidInput('cert.profile.badExtKeyUsage', {value: u, allowed: EXT_KEY_USAGES.join(', ')}, {field: 'ext-key-usage', rule: 'RFC 5280 4.2.1.12'})
  const spec = parseKeySpec(p.key_spec, 'key-spec')
  const enciphers = p.keyUsage.filter((u) => u === 'keyEncipherment' || u === 'dataEncipherment')
  if (spec.startsWith('ec-') && enciphers.length) throw new InvalidInput('cert.profile.ecEncipherment', {value: enciphers[0], keySpec: spec}, {field: 'key-usage', rule: 'RFC 5480 3'})
  for (const s of p.san) if (!(SAN_KINDS as readonly string[]).includes(s)) throw new InvalidInput('cert.profile.badSan', {value: s, allowed: SAN_KINDS.join(', ')}, {field: 'san'})
  if (!Number.isInteger(p.maxDays) || p.maxDays < 1 || p.maxDays > MAX_PROFILE_DAYS) throw new InvalidInput('cert.profile.badMaxDays', {value: p.maxDays, max: MAX_PROFILE_DAYS}, {field: 'max-days'})
  if (!Number.isInteger(p.days) || p.days < 1 || p.days > p.maxDays) throw new InvalidInput('cert.profile.badDays', {value: p.days, max: p.maxDays}, {field: 'days'})
  return {...p, name, key_spec: spec}
}

/** The input's fields over `base` (edit), or alone (add: the required ones must be there). */
function merged(key: string, input: ProfileInput, base?: Profile): Profile {
  const need = <T>(v: T | undefined, field: string): T => {
    if (v === undefined) throw new InvalidInput('input.missingFlag', {flag: field, label: field}, {field})
    return v
  }
  const name = input.name ?? base?.name
  const days = input.days ?? base?.days
  return {
    key: key.trim(),
    name: need(name, 'name'),
    keyUsage: input.keyUsage !== undefined ? names(input.keyUsage) : need(base?.keyUsage, 'key-usage'),
    extKeyUsage: input.extKeyUsage !== undefined ? names(input.extKeyUsage) : (base?.extKeyUsage ?? []),
    key_spec: (input.keySpec ?? base?.key_spec ?? 'rsa-2048') as KeySpec,
    days: need(days, 'days'),
    // A new profile without --max-days allows no more than its default.
    maxDays: input.maxDays ?? base?.maxDays ?? need(days, 'days'),
    medium: input.medium ?? base?.medium ?? false,
    san: (input.san !== undefined ? names(input.san.toLowerCase()) : (base?.san ?? [])) as Array<'dns' | 'ip'>,
    // Only the shipped pair's encryption profile is one (staff-sm2-enc); an edit keeps what it was.
    encryption: base?.encryption ?? false,
  }
}

const columns = (p: Profile) => ({
  name: p.name,
  key_usage: p.keyUsage.join(','),
  ext_key_usage: p.extKeyUsage.join(','),
  key_spec: p.key_spec,
  days: p.days,
  max_days: p.maxDays,
  medium: p.medium ? 1 : 0,
  san: p.san.join(','),
  encryption: p.encryption ? 1 : 0,
})

/** `cert profile add`: a new profile, active at once; a key already used (even retired) is exit 4. */
export async function addProfile(store: Store, key: string, input: ProfileInput): Promise<{profile: ProfileInfo}> {
  const p = checkProfile(merged(key, input))
  return store.write(async (ctx) => {
    const existing = await ctx.db.selectFrom('cert_profiles').select(['key', 'status']).where('key', '=', p.key).executeTakeFirst()
    if (existing) throw new Conflict('cert.profile.exists', {key: p.key, status: existing.status}, {field: 'KEY'})
    await ctx.db
      .insertInto('cert_profiles')
      .values({key: p.key, ...columns(p), status: 'active', created_at: ctx.at, created_by: ctx.actor, updated_at: null, updated_by: null, retired_at: null, retired_by: null})
      .execute()
    await appendAudit(ctx, {action: 'cert.profile.add', entityType: 'cert-profile', entityId: p.key, after: fieldsOf(p)})
    return {profile: await findProfile(ctx.db, p.key)}
  })
}

/**
 * `cert profile edit`: only the fields given change; nothing to change is `unchanged: true`
 * and no audit entry. Certificates already issued keep what they were signed with; their next
 * renewal uses the profile as edited. A retired profile is not edited (exit 4).
 */
export async function editProfile(store: Store, key: string, input: ProfileInput): Promise<{profile: ProfileInfo; before: Profile; unchanged: boolean}> {
  return store.write(async (ctx) => {
    const current = await findProfile(ctx.db, key)
    if (current.status === 'retired') throw new Conflict('cert.profileRetired', {field: 'KEY', profile: current.key, at: (current.retiredAt ?? '').slice(0, 10)}, {field: 'KEY'})
    const next = checkProfile(merged(current.key, input, current))
    const before = fieldsOf(current)
    if (JSON.stringify(fieldsOf(next)) === JSON.stringify(before)) return {profile: current, before, unchanged: true}
    await ctx.db
      .updateTable('cert_profiles')
      .set({...columns(next), updated_at: ctx.at, updated_by: ctx.actor})
      .where('key', '=', current.key)
      .execute()
    await appendAudit(ctx, {action: 'cert.profile.edit', entityType: 'cert-profile', entityId: current.key, before, after: fieldsOf(next)})
    return {profile: await findProfile(ctx.db, current.key), before, unchanged: false}
  })
}

/**
 * `cert profile retire`: no new application names it, and one filed under it and not yet
 * approved is refused at approval (exit 4); certificates issued under it still renew, extend
 * and move to a new medium under it. Final: a key is never reused, so the audit trail and the
 * inventory always mean one profile by it. Retiring a retired one is exit 4.
 */
export async function retireProfile(store: Store, key: string): Promise<{profile: ProfileInfo; certificates: number}> {
  return store.write(async (ctx) => {
    const current = await findProfile(ctx.db, key)
    if (current.status === 'retired') throw new Conflict('cert.profileRetired', {field: 'KEY', profile: current.key, at: (current.retiredAt ?? '').slice(0, 10)}, {field: 'KEY'})
    await ctx.db.updateTable('cert_profiles').set({status: 'retired', retired_at: ctx.at, retired_by: ctx.actor}).where('key', '=', current.key).execute()
    const certificates = await validCertificates(ctx.db, current.key, ctx.at)
    await appendAudit(ctx, {action: 'cert.profile.retire', entityType: 'cert-profile', entityId: current.key, before: {status: 'active'}, after: {status: 'retired', validCertificates: certificates}})
    return {profile: await findProfile(ctx.db, current.key), certificates}
  })
}

/** Certificates issued here under the profile and still valid (or on hold) at `at`. */
export async function validCertificates(from: Reader, key: string, at: string): Promise<number> {
  const db = readerDb(from)
  const row = await db
    .selectFrom('cert_certs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('profile', '=', key)
    .where('source', '=', 'issued')
    .where('status', '<>', 'revoked')
    .where('not_after', '>', at)
    .executeTakeFirst()
  return Number(row?.n ?? 0)
}
