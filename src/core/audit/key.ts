import {createHmac, randomBytes, timingSafeEqual} from 'node:crypto'
import {chmodSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {basename, dirname, join} from 'node:path'

import {EgovError} from '../errors.js'

/**
 * The audit key (issue 18, anchored audit): 32 random bytes kept OUTSIDE the database, so a
 * copy of the database alone cannot be given a recomputed chain that verifies. Every new
 * audit entry carries HMAC-SHA256(key, entry hash); `egov audit checkpoint` MACs the head
 * it writes out. The file holds the key as 64 hex characters and a newline, mode 0600, in a
 * folder 0700: by default audit.key in egov's config folder, or the file EGOV_AUDIT_KEY names.
 */
import {AUDIT_KEY_ENV} from './key-path.js'

export {AUDIT_KEY_ENV} from './key-path.js'

/** The key at path, or undefined when there is no file there; an unreadable or malformed file is an error naming it. */
export function readAuditKey(path: string): Buffer | undefined {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new EgovError('invalid_input', 'audit.keyUnreadable', {path, reason: (error as NodeJS.ErrnoException).code ?? String(error)}, {field: AUDIT_KEY_ENV, details: {path}})
  }
  const hex = text.trim()
  if (!/^[0-9a-f]{64}$/i.test(hex)) throw new EgovError('invalid_input', 'audit.keyMalformed', {path}, {field: AUDIT_KEY_ENV, details: {path}})
  return Buffer.from(hex, 'hex')
}

/**
 * Makes a new key at path (folder 0700, file 0600), or reads the one another process made
 * first: the file appears whole or not at all (written beside it, then hard-linked into
 * place, which fails when a file is already there).
 */
export function createAuditKey(path: string): Buffer {
  const folder = dirname(path)
  mkdirSync(folder, {recursive: true, mode: 0o700})
  const tmp = join(folder, `.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`)
  const key = randomBytes(32)
  try {
    writeFileSync(tmp, key.toString('hex') + '\n', {mode: 0o600, flag: 'wx'})
    chmodSync(tmp, 0o600)
    try {
      linkSync(tmp, path)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      return readAuditKey(path)!
    }
  } catch (error) {
    if (error instanceof EgovError) throw error
    const code = (error as NodeJS.ErrnoException).code
    throw new EgovError('invalid_input', 'audit.keyUnwritable', {path, reason: code ?? String(error)}, {field: AUDIT_KEY_ENV, details: {path}})
  } finally {
    rmSync(tmp, {force: true})
  }
  return key
}

/** HMAC-SHA256 of text with the key, hex. */
export function mac(key: Buffer, text: string): string {
  return createHmac('sha256', key).update(text).digest('hex')
}

/** Whether mac is text's MAC under key (constant time). */
export function macMatches(key: Buffer, text: string, found: string | null | undefined): boolean {
  if (typeof found !== 'string' || !/^[0-9a-f]{64}$/i.test(found)) return false
  return timingSafeEqual(Buffer.from(mac(key, text), 'hex'), Buffer.from(found, 'hex'))
}
