import {randomBytes, scryptSync, timingSafeEqual} from 'node:crypto'

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

/** What is kept of an ID number: a salted scrypt hash and the last four characters, never the number. */
export function hashIdNumber(id: string, salt = randomBytes(16).toString('hex')): {salt: string; hash: string; last4: string} {
  return {salt, hash: scryptSync(id, salt, 32).toString('hex'), last4: id.slice(-4)}
}

export function idMatches(id: string, salt: string, hash: string): boolean {
  return timingSafeEqual(scryptSync(id, salt, 32), Buffer.from(hash, 'hex'))
}

export const maskId = (last4: string | null) => (last4 ? `**************${last4}` : '—')
