import {appendAudit, AUDIT_KEY_ENV, auditKeyOfWrite} from '../audit/index.js'
import {Conflict} from '../errors.js'
import {type Reader, readerDb, type Store, type WriteContext} from '../store/index.js'
import {ID_SCHEME, idKeyFrom, wrapIdHash} from './idnumber.js'

/**
 * The key ID numbers are kept under (issue 18, "files and secrets at rest"): derived from
 * the audit key, which lives outside the database (core/audit/key.ts), so there is one
 * secret to keep and back up, and a copy of the database alone reveals nothing of an ID
 * number. Only writes compare or store ID numbers, and they get it as audit MACs do:
 *
 * - no key file named (a library caller without EGOV_AUDIT_KEY): refused, exit 4;
 * - the file missing while rows are keyed with it: refused, exit 4 (a new key would match
 *   none of them); while audit entries are MACed with it: refused as audit writes are;
 * - the file missing and nothing keyed or MACed yet: made, as the first audit write does;
 * - a key that is not the one the audit chain is MACed with: refused (audit.keyWrong).
 *
 * Nothing is written when refused: the write's transaction rolls back.
 */
const idKeys = new WeakMap<object, Buffer>()

export async function idKeyOf(ctx: WriteContext): Promise<Buffer> {
  const known = idKeys.get(ctx.db)
  if (known) return known
  const path = ctx.auditKeyPath
  if (!path) throw new Conflict('cert.idKeyNotSet', {env: AUDIT_KEY_ENV}, {field: AUDIT_KEY_ENV})
  const {readAuditKey} = await import('../audit/key.js')
  if (!readAuditKey(path)) {
    const keyed = await ctx.db.selectFrom('cert_holders').select('id').where('id_scheme', '=', ID_SCHEME).limit(1).executeTakeFirst()
    if (keyed) throw new Conflict('cert.idKeyMissing', {path, env: AUDIT_KEY_ENV}, {field: AUDIT_KEY_ENV, details: {path}})
  }
  const auditKey = await auditKeyOfWrite(ctx)
  if (!auditKey) throw new Conflict('cert.idKeyNotSet', {env: AUDIT_KEY_ENV}, {field: AUDIT_KEY_ENV})
  const key = idKeyFrom(auditKey)
  idKeys.set(ctx.db, key)
  return key
}

/** How many holders' ID hashes are still the old unkeyed scrypt (migration 021 marked them 'scrypt'; null from before it). */
export async function countLegacyIdHashes(from: Reader): Promise<number> {
  const row = await readerDb(from)
    .selectFrom('cert_holders')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('id_hash', 'is not', null)
    .where((eb) => eb.or([eb('id_scheme', 'is', null), eb('id_scheme', '<>', ID_SCHEME)]))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/**
 * Wraps every old ID hash into the keyed form, in the caller's transaction: id_hash becomes
 * HMAC-SHA256(ID key, old hash), id_scheme 'hmac-scrypt-v1', and one audit entry says how
 * many. Idempotent: a keyed row is never wrapped again, and with none left it needs no key
 * and writes nothing. Returns how many were wrapped.
 */
export async function wrapLegacyIdHashes(ctx: WriteContext): Promise<number> {
  const rows = await ctx.db
    .selectFrom('cert_holders')
    .select(['id', 'id_hash'])
    .where('id_hash', 'is not', null)
    .where((eb) => eb.or([eb('id_scheme', 'is', null), eb('id_scheme', '<>', ID_SCHEME)]))
    .orderBy('id')
    .execute()
  if (rows.length === 0) return 0
  const key = await idKeyOf(ctx)
  for (const row of rows) {
    await ctx.db
      .updateTable('cert_holders')
      .set({id_hash: wrapIdHash(key, row.id_hash!), id_scheme: ID_SCHEME})
      .where('id', '=', row.id)
      .where('id_hash', '=', row.id_hash)
      .execute()
  }
  await appendAudit(ctx, {action: 'cert.holder.idKeyed', entityType: 'holder', entityId: 'id-numbers', after: {count: rows.length, holders: rows.map((r) => Number(r.id)), scheme: ID_SCHEME}})
  return rows.length
}

/** wrapLegacyIdHashes in its own transaction: what `egov db init` calls. */
export function keyLegacyIdHashes(store: Store): Promise<number> {
  return store.write((ctx) => wrapLegacyIdHashes(ctx))
}
