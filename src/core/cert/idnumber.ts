import {createHmac, randomBytes, scryptSync, timingSafeEqual} from 'node:crypto'

import {InvalidInput} from '../errors.js'

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const CHECK = '10X98765432'

/**
 * A resident identity number (居民身份证号码, GB 11643-1999): 6-digit area, 8-digit birth
 * date, 3-digit sequence and the ISO 7064 MOD 11-2 check character. Full-width digits and
 * a lower-case x are accepted.
 */
export function parseIdNumber(value: string, field = 'id-number'): string {
  const v = value
    .trim()
    .replace(/[\uFF10-\uFF19\uFF38\uFF58]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .toUpperCase()
  if (!/^\d{17}[\dX]$/.test(v)) throw new InvalidInput('cert.badIdNumber', {field}, {field, rule: 'CERT-1'})
  const y = Number(v.slice(6, 10))
  const m = Number(v.slice(10, 12))
  const d = Number(v.slice(12, 14))
  const birth = new Date(Date.UTC(y, m - 1, d))
  if (y < 1900 || birth.getUTCMonth() !== m - 1 || birth.getUTCDate() !== d) throw new InvalidInput('cert.badIdBirth', {field}, {field, rule: 'CERT-1'})
  const sum = WEIGHTS.reduce((s, w, i) => s + w * Number(v[i]), 0)
  if (CHECK[sum % 11] !== v[17]) throw new InvalidInput('cert.badIdCheck', {field}, {field, rule: 'CERT-1'})
  return v
}

/**
 * How an ID number is kept (issue 18): id_scheme 'hmac-scrypt-v1', id_hash =
 * HMAC-SHA256(ID key, scrypt(id, salt)). The scrypt alone ('scrypt', the form before
 * migration 021) could be tested against guesses by anyone with a copy of the database: an
 * ID number has little entropy (area, birth date, sequence, check character). The HMAC
 * under a key kept outside the database makes the copy alone useless for that; the inner
 * scrypt lets an old hash be wrapped without knowing the number.
 */
export const ID_SCHEME = 'hmac-scrypt-v1'
export const LEGACY_ID_SCHEME = 'scrypt'

/** The domain-separation label of the ID key: never the audit key itself, so an ID hash is never an audit MAC. */
const ID_KEY_LABEL = 'egov id-number v1'

/** The ID key: HMAC-SHA256(audit key, "egov id-number v1"). */
export function idKeyFrom(auditKey: Buffer): Buffer {
  return createHmac('sha256', auditKey).update(ID_KEY_LABEL).digest()
}

const scrypt = (id: string, salt: string) => scryptSync(id, salt, 32)

/** The keyed form of an inner scrypt hash (hex in, hex out): how old rows are wrapped. */
export function wrapIdHash(idKey: Buffer, scryptHex: string): string {
  return createHmac('sha256', idKey).update(Buffer.from(scryptHex, 'hex')).digest('hex')
}

/** What is kept of an ID number: a salted scrypt hash under the ID key, and the last four characters, never the number. */
export function hashIdNumber(id: string, idKey: Buffer, salt = randomBytes(16).toString('hex')): {salt: string; hash: string; scheme: string; last4: string} {
  return {salt, hash: wrapIdHash(idKey, scrypt(id, salt).toString('hex')), scheme: ID_SCHEME, last4: id.slice(-4)}
}

/** Whether id is the number a keyed row holds (constant time); an old unkeyed row is compared as it is. */
export function idMatches(id: string, row: {id_salt: string; id_hash: string; id_scheme: string | null}, idKey: Buffer): boolean {
  const inner = scrypt(id, row.id_salt)
  const expected = row.id_scheme === ID_SCHEME ? Buffer.from(wrapIdHash(idKey, inner.toString('hex')), 'hex') : inner
  const found = Buffer.from(row.id_hash, 'hex')
  return found.length === expected.length && timingSafeEqual(expected, found)
}

export const maskId = (last4: string | null) => (last4 ? `**************${last4}` : '—')
