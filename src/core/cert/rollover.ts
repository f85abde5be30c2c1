import {appendAudit} from '../audit/index.js'
import {Conflict, InvalidInput, NotFound} from '../errors.js'
import type {CertCaTable, Store, WriteContext} from '../store/index.js'
import {type CaInfo, caInfo, loadSigner, makeCrl} from './ca.js'
import {checkCaDays, checkUrl, newCaKey, signSelfCa} from './ca-steps.js'
import {certNotAfter, makeRootCrl, publishCa, type RootKeyInput, signIssuing, unlockRoot} from './hierarchy.js'
import {decryptKey, encryptKeyStrong, type KeySpec} from './keys.js'
import {toPem} from './x509.js'

/** `cert ca rollover` (issue 21): a new CA key and certificate; the CA it replaces is retired, not revoked (hierarchy.ts). */

type CaRow = CertCaTable

export interface Rollover {
  passphrase: string
  name?: string
  keySpec?: KeySpec
  days?: number
  crlUrl?: string
  caUrl?: string
  rootKey?: RootKeyInput
}

/** A URL for the next CA: the old one with -gN before its extension (ca.crl → ca-g2.crl); else the operator names one. */
function nextUrl(url: string | null, n: number, field: string): string | null {
  if (!url) return null
  const u = new URL(url)
  const last = u.pathname.split('/').pop() ?? ''
  if (!/\.[a-z0-9]+$/i.test(last)) throw new InvalidInput('cert.rolloverUrl', {field, value: url}, {field})
  u.pathname = u.pathname.replace(/(-g\d+)?(\.[a-z0-9]+)$/i, `-g${n}$2`)
  return u.toString()
}

/**
 * `cert ca rollover`: a new CA key and certificate; the CA signing today is retired (row moved,
 * key and CRL kept) and goes on answering for what it issued. Under a root the root key file
 * signs the new certificate; a CA standing alone makes a new self-signed one (relying parties
 * add it beside the old one).
 */
export async function rolloverCa(store: Store, input: Rollover): Promise<CaInfo & {previous: {name: string; serial: string; fingerprint: string}}> {
  const current = await store.db.selectFrom('cert_ca').selectAll().where('id', '=', 1).executeTakeFirst()
  if (!current) throw new NotFound('cert.noCa', {}, {field: 'ca'})
  decryptKey(current.key_pem, input.passphrase, 'passphrase')
  if (current.root_id && !input.rootKey) throw new InvalidInput('cert.rootKeyNeeded', {}, {field: 'root-key'})
  if (!current.root_id && input.rootKey) throw new InvalidInput('cert.notUnderRoot', {}, {field: 'root-key'})
  const {name, crlUrl, caUrl} = await nextNames(store, input, current)
  const spec = input.keySpec ?? (current.key_spec as KeySpec)
  const days = checkCaDays(input.days ?? 3650)
  const root = input.rootKey ? await unlockRoot(store.db, input.rootKey) : undefined
  if (root && root.rootId !== Number(current.root_id)) throw new InvalidInput('cert.rootKeyMismatch', {path: input.rootKey!.path, root: String(current.root_id)}, {field: 'root-key'})
  const {privateKey, spki} = await newCaKey(spec)
  const der = root ? await signIssuing(store, root, name, spki, days) : (await signSelfCa(store, {privateKey, spki, spec}, name, days)).der
  const keyPem = encryptKeyStrong(privateKey, input.passphrase)
  const before = await caInfo(store.db)
  return store.write(async (ctx) => {
    const retiredId = await retireCurrent(ctx, current)
    await ctx.db
      .updateTable('cert_ca')
      .set({
        name,
        key_spec: spec,
        cert_pem: toPem(der),
        key_pem: keyPem,
        not_after: certNotAfter(der),
        crl_number: 0,
        crl_url: crlUrl,
        ca_url: caUrl,
        crl_this_update: null,
        crl_next_update: null,
        crl_der: null,
        retired_at: null,
        created_at: ctx.at,
        created_by: ctx.actor,
      })
      .where('id', '=', 1)
      .execute()
    await makeCrl(ctx, await loadSigner(ctx.db, input.passphrase, ctx))
    if (root) await makeRootCrl(ctx, root)
    await publishCa(ctx, caUrl, der)
    const info = await caInfo(ctx.db)
    const previous = {name: before.name, serial: before.serial, fingerprint: before.fingerprint}
    await appendAudit(ctx, {
      action: 'cert.ca.rollover',
      entityType: 'ca',
      entityId: 1,
      before: previous,
      after: {name, keySpec: spec, serial: info.serial, notAfter: info.notAfter, fingerprint: info.fingerprint, retiredAs: retiredId},
    })
    return {...info, previous}
  })
}

/** The new CA's name (NAME G2 …) and URLs (ca-g2.crl …), none used by a CA before. */
async function nextNames(store: Store, input: Rollover, current: CaRow): Promise<{name: string; crlUrl: string | null; caUrl: string | null}> {
  const rows = await store.db.selectFrom('cert_ca').select(['id', 'name', 'crl_url', 'ca_url']).execute()
  const n = rows.length + 1
  const name = input.name?.trim() || `${current.name.replace(/ G\d+$/, '')} G${n}`
  if (rows.some((r) => r.name === name)) throw new Conflict('cert.caNameUsed', {name}, {field: 'name'})
  const crlUrl = input.crlUrl ? checkUrl(input.crlUrl, 'crl-url') : nextUrl(current.crl_url, n, 'crl-url')
  const caUrl = input.caUrl ? checkUrl(input.caUrl, 'ca-url') : nextUrl(current.ca_url, n, 'ca-url')
  for (const [field, value, column] of [
    ['crl-url', crlUrl, 'crl_url'],
    ['ca-url', caUrl, 'ca_url'],
  ] as const) {
    if (value && rows.some((r) => r[column] === value)) throw new InvalidInput('cert.urlUsed', {field, value}, {field})
  }
  return {name, crlUrl, caUrl}
}

/** The CA signing today, unchanged since the rollover began, copied to a retired row (key and CRL kept); its id. */
async function retireCurrent(ctx: WriteContext, current: CaRow): Promise<number> {
  const again = await ctx.db.selectFrom('cert_ca').selectAll().where('id', '=', 1).executeTakeFirstOrThrow()
  if (again.cert_pem !== current.cert_pem) throw new Conflict('cert.caChanged', {}, {field: 'ca'})
  const ids = await ctx.db.selectFrom('cert_ca').select('id').execute()
  const retiredId = Math.max(...ids.map((r) => Number(r.id))) + 1
  await ctx.db
    .insertInto('cert_ca')
    .values({...again, id: retiredId, retired_at: ctx.at})
    .execute()
  return retiredId
}
