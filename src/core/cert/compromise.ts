import {createHash} from 'node:crypto'

import type {Kysely} from '#kysely'

import {appendAudit} from '../audit/index.js'
import {RuleRefused} from '../errors.js'
import type {Database, WriteContext} from '../store/index.js'

/**
 * Keys revoked for key compromise (CERT-3 撤销): whoever may hold the private key, a
 * certificate on it is never issued again — not on a new application with the same CSR,
 * not on a renewal, not by an extension of another certificate that shares the key. The
 * key is named by the SHA-256 of its SubjectPublicKeyInfo, as `openssl pkey -pubout
 * -outform DER | sha256sum` gives it.
 */

export function spkiHash(spki: Buffer): string {
  return createHash('sha256').update(spki).digest('hex')
}

/** Puts a certificate's key on the blocklist; a key already there stays as first blocked. */
export async function blockKey(ctx: WriteContext, spki: Buffer, serial: string): Promise<void> {
  const hash = spkiHash(spki)
  const known = await ctx.db.selectFrom('cert_blocked_keys').select('serial').where('spki_sha256', '=', hash).executeTakeFirst()
  if (known) return
  await ctx.db.insertInto('cert_blocked_keys').values({spki_sha256: hash, serial, blocked_at: ctx.at, actor: ctx.actor}).execute()
  await appendAudit(ctx, {action: 'cert.key-blocked', entityType: 'certificate', entityId: serial, after: {spkiSha256: hash}})
}

/** Refuses (exit 5, CERT-3) a key that was revoked for compromise. */
export async function refuseCompromised(db: Kysely<Database>, spki: Buffer, field: string): Promise<void> {
  const hash = spkiHash(spki)
  const row = await db.selectFrom('cert_blocked_keys').selectAll().where('spki_sha256', '=', hash).executeTakeFirst()
  if (row)
    throw new RuleRefused(
      'CERT-3',
      'cert.keyCompromised',
      {field, serial: row.serial, at: row.blocked_at.slice(0, 10), hash: hash.slice(0, 16)},
      {field, details: {spkiSha256: hash, revokedSerial: row.serial}},
    )
}

/** A renewal or a new medium is a new key pair: the certificate's own key is refused (CERT-3). */
export function refuseSameKey(current: Buffer, next: Buffer, serial: string, field: string): void {
  if (current.equals(next)) throw new RuleRefused('CERT-3', 'cert.sameKey', {field, serial}, {field})
}
