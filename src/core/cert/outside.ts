import {createPublicKey} from 'node:crypto'
import {readFileSync} from 'node:fs'

import {appendAudit} from '../audit/index.js'
import {Conflict, InvalidInput, RuleRefused} from '../errors.js'
import {t} from '../i18n/index.js'
import type {Store, WriteContext} from '../store/index.js'
import {findUnit} from '../units/index.js'
import {findCertificate, inventoryKey, issuerTag, listCertificates, normaliseSerial, type Certificate} from './inventory.js'
import {specOf} from './keys.js'
import {readPkcs12} from './pkcs12.js'
import {fromPem, signedBy, toPem, x509} from './x509.js'

/**
 * Certificates issued elsewhere (a provincial CA, a vendor's) kept in the same inventory,
 * so their expiry shows in `cert list --expiring`, and checked against their issuers' CRLs.
 */

export interface ImportInput {
  file: string
  holder: string
  unit: string
  medium?: string
  /** For a PKCS#12 file. */
  password?: string
  /** The issuing CA's certificate (PEM or DER), to verify its CRLs; also taken from a chain in FILE. */
  issuerFile?: string
}

/** Every certificate in a file, the first being the one the file is about. */
function readCertificateFile(file: string, password?: string, field = 'FILE'): Buffer[] {
  let bytes: Buffer
  try {
    bytes = readFileSync(file)
  } catch (error) {
    throw new InvalidInput('input.badFile', {field, path: file, reason: (error as NodeJS.ErrnoException).code ?? (error as Error).message}, {field})
  }
  const text = bytes.toString('latin1')
  if (text.includes('-----BEGIN CERTIFICATE-----')) {
    return [...text.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].map((m) => fromPem(m[0]))
  }
  if (bytes[0] === 0x30) {
    // DER: a certificate, or a PKCS#12 (whose first element is INTEGER 3).
    const lenBytes = bytes[1] & 0x80 ? bytes[1] & 0x7f : 0
    const first = 2 + lenBytes
    if (bytes[first] === 0x02 && bytes[first + 1] === 0x01 && bytes[first + 2] === 0x03) {
      if (password === undefined) throw new InvalidInput('cert.p12PasswordNeeded', {}, {field: 'password-file'})
      let certs: Buffer[]
      try {
        certs = readPkcs12(bytes, password).certs
      } catch {
        throw new InvalidInput('cert.wrongPassphrase', {field: 'password-file'}, {field: 'password-file'})
      }
      if (!certs.length) throw new InvalidInput('cert.badCertFile', {path: file}, {field})
      return certs
    }
    return [bytes]
  }
  throw new InvalidInput('cert.badCertFile', {path: file}, {field})
}

export async function importCertificate(store: Store, input: ImportInput): Promise<Certificate> {
  const [der, ...chain] = readCertificateFile(input.file, input.password)
  const lib = await x509()
  const parse = (bytes: Buffer, path: string, field: string) => {
    try {
      return new lib.X509Certificate(bytes)
    } catch {
      throw new InvalidInput('cert.badCertFile', {path}, {field})
    }
  }
  const cert = parse(der, input.file, 'FILE')
  // The inventory holds people's (and servers') certificates; a CA's belongs to --issuer.
  if (cert.getExtension(lib.BasicConstraintsExtension)?.ca) throw new InvalidInput('cert.caNotPerson', {path: input.file}, {field: 'FILE'})
  const candidates = [
    ...chain.map((c) => parse(c, input.file, 'FILE')),
    ...(input.issuerFile ? readCertificateFile(input.issuerFile, undefined, 'issuer').map((c) => parse(c, input.issuerFile!, 'issuer')) : []),
  ]
  const issuer = candidates.find((c) => c.subject === cert.issuer)
  if (input.issuerFile && !issuer) throw new InvalidInput('cert.notTheIssuer', {issuer: cert.issuer}, {field: 'issuer'})
  if (issuer && !(await signedBy(der, Buffer.from(issuer.publicKey.rawData), () => cert.verify({publicKey: issuer, signatureOnly: true}))))
    throw new InvalidInput('cert.notTheIssuer', {issuer: cert.issuer}, {field: 'issuer'})
  const holder = input.holder?.trim()
  if (!holder) throw new InvalidInput('input.empty', {field: 'holder'}, {field: 'holder'})
  // Shown in the inventory: the first point cert check can read; check tries them all.
  const points = distributionPoints(lib, toPem(der))
  const crlUrl = points.find((u) => HTTP.test(u)) ?? points[0] ?? null
  let keySpec: string | null = null
  try {
    keySpec = specOf(createPublicKey({key: Buffer.from(cert.publicKey.rawData), format: 'der', type: 'spki'})) ?? null
  } catch {
    keySpec = null
  }
  const {serial_number: serialNumber, issuer_key: issuerKey} = inventoryKey(der)
  return store.write(async (ctx) => {
    const unit = await findUnit(ctx.db, input.unit, 'unit')
    // Keyed by issuer and serial: another CA's serial 1000 is another certificate; this issuer's is not.
    const same = await ctx.db.selectFrom('cert_certs').select('serial').where('issuer_key', '=', issuerKey).where('serial_number', '=', serialNumber).executeTakeFirst()
    if (same) throw new Conflict('cert.alreadyImported', {serial: same.serial}, {field: 'FILE'})
    const taken = await ctx.db.selectFrom('cert_certs').select('serial').where('serial', '=', serialNumber).executeTakeFirst()
    const serial = taken ? `${serialNumber}@${issuerTag(issuerKey)}` : serialNumber
    const holderId = await holderByName(ctx, holder, unit.id)
    const medium = input.medium?.trim() || null
    if (medium) {
      const m = await ctx.db.selectFrom('cert_media').selectAll().where('serial', '=', medium).executeTakeFirst()
      if (m && Number(m.holder_id) !== holderId) throw new RuleRefused('CERT-1', 'cert.mediumOtherHolder', {medium}, {field: 'medium'})
      if (!m) await ctx.db.insertInto('cert_media').values({serial: medium, holder_id: holderId, status: 'in-use', registered_at: ctx.at, updated_at: ctx.at}).execute()
    }
    await ctx.db
      .insertInto('cert_certs')
      .values({
        serial,
        source: 'imported',
        holder_id: holderId,
        medium,
        profile: null,
        subject: cert.subject,
        issuer: cert.issuer,
        key_spec: keySpec,
        key_origin: 'external',
        not_before: cert.notBefore.toISOString(),
        not_after: cert.notAfter.toISOString(),
        status: 'valid',
        hold_kind: null,
        revoked_at: null,
        reason: null,
        cert_pem: toPem(der),
        key_pem: null,
        p12_allowance: 0,
        request_id: null,
        replaces: null,
        replaced_by: null,
        crl_url: crlUrl,
        issuer_pem: issuer ? toPem(Buffer.from(issuer.rawData)) : null,
        checked_at: null,
        created_at: ctx.at,
        serial_number: serialNumber,
        issuer_key: issuerKey,
      })
      .execute()
    await ctx.db
      .insertInto('cert_events')
      .values({serial, event: 'imported', at: ctx.at, actor: ctx.actor, request_id: null, detail: JSON.stringify({issuer: cert.issuer, crlUrl})})
      .execute()
    await appendAudit(ctx, {
      action: 'cert.import',
      entityType: 'certificate',
      entityId: serial,
      after: {holder, unit: unit.name, subject: cert.subject, issuer: cert.issuer, notAfter: cert.notAfter.toISOString(), crlUrl},
    })
    return findCertificate(ctx.db, serial, 'FILE', new Date(ctx.at))
  })
}

async function holderByName(ctx: WriteContext, name: string, unitId: number): Promise<number> {
  const found = await ctx.db.selectFrom('cert_holders').select('id').where('name', '=', name).where('unit_id', '=', unitId).executeTakeFirst()
  if (found) return Number(found.id)
  const inserted = await ctx.db
    .insertInto('cert_holders')
    .values({name, unit_id: unitId, id_salt: null, id_hash: null, id_last4: null, created_at: ctx.at, created_by: ctx.actor})
    .returning('id')
    .executeTakeFirstOrThrow()
  return Number(inserted.id)
}

export interface CheckResult {
  serial: string
  holder: string
  /** The distribution point whose CRL answered; else the first one the certificate names. */
  crlUrl: string | null
  /** good | revoked | hold (on the issuer's CRL as certificateHold) | unknown (no usable CRL) */
  result: 'good' | 'revoked' | 'hold' | 'unknown'
  reason?: string
  error?: string
  /** The CRL came from the cache (its next update not yet reached). */
  cached?: boolean
  /** A catalogue message explaining an unknown result, where egov (not the network) knows why. */
  errorKey?: 'cert.check.issuedHere' | 'cert.check.noCrlUrl' | 'cert.check.noHttpCrl' | 'cert.check.forgedCrl' | 'cert.check.crlExpired'
  /** The CRL's signature was checked against the issuer's certificate (known when imported with it). */
  verified?: boolean
  /** Every distribution point in the certificate's order, and what became of it. */
  tried?: Array<{url: string; outcome: 'used' | 'skipped' | 'failed' | 'expired' | 'forged'; note?: string}>
  /** The inventory's status moved: revoked or held by the issuer, or a hold released. */
  changed?: 'revoked' | 'held' | 'released'
}

export interface FetchOptions {
  timeoutMs?: number
  maxBytes?: number
  /** Fetch every CRL again, whatever the cache holds. */
  refresh?: boolean
}

/** Fetches a CRL with undici: http(s) only, a time limit, a size limit. */
async function fetchCrl(url: string, options: FetchOptions): Promise<Buffer> {
  const {request} = await import('undici')
  const timeout = options.timeoutMs ?? 10_000
  const max = options.maxBytes ?? 20 * 1024 * 1024
  const res = await request(url, {method: 'GET', headersTimeout: timeout, bodyTimeout: timeout, signal: AbortSignal.timeout(timeout), maxRedirections: 0} as Parameters<typeof request>[1])
  if (res.statusCode !== 200) {
    await res.body.dump()
    throw new Error(`HTTP ${res.statusCode}`)
  }
  const declared = Number(res.headers['content-length'] ?? 0)
  if (declared > max) {
    await res.body.dump()
    throw new Error(`larger than ${max} bytes`)
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of res.body) {
    size += (chunk as Buffer).length
    if (size > max) {
      res.body.destroy()
      throw new Error(`larger than ${max} bytes`)
    }
    chunks.push(chunk as Buffer)
  }
  const body = Buffer.concat(chunks)
  const text = body.toString('latin1')
  return text.includes('-----BEGIN X509 CRL-----') ? fromPem(text, 'X509 CRL') : body
}

const HTTP = /^https?:\/\//i

type Lib = Awaited<ReturnType<typeof x509>>
type Crl = InstanceType<Lib['X509Crl']>

/** The URIs of a certificate's CRL distribution points, in its order. */
function distributionPoints(lib: Lib, pem: string): string[] {
  const dp = new lib.X509Certificate(pem).getExtension(lib.CRLDistributionPointsExtension)
  return (dp?.distributionPoints ?? []).flatMap((p) => p.distributionPoint?.fullName ?? []).flatMap((n) => (n.uniformResourceIdentifier ? [n.uniformResourceIdentifier] : []))
}

/**
 * Checks imported certificates against their CRL distribution points. Every http(s) point
 * is tried in the certificate's order until one gives a CRL that its issuer signed (when the
 * issuer is known) and that has not passed its next update; other schemes are skipped with a
 * note. A CRL is fetched once per run, and a good one is cached until its next update
 * (--refresh fetches again). A revoked certificate is marked revoked with the CRL's reason;
 * one on hold (certificateHold) is held, and released again when the issuer releases it.
 */
export async function checkCertificates(store: Store, refs: string[] = [], options: FetchOptions = {}): Promise<CheckResult[]> {
  const {now} = await import('../clock.js')
  const clock = now()
  const targets = refs.length ? await Promise.all(refs.map((r) => findCertificate(store.db, r, 'SERIAL', clock))) : (await listCertificates(store.db, {}, clock)).filter((c) => c.source === 'imported')
  const lib = await x509()
  const fetched = new Map<string, {crl: Crl; der: Buffer; cached: boolean} | {error: string}>()
  const obtain = async (url: string) => {
    if (!fetched.has(url)) {
      try {
        const cached = options.refresh ? undefined : await store.db.selectFrom('cert_crl_cache').selectAll().where('url', '=', url).executeTakeFirst()
        if (cached?.next_update && new Date(cached.next_update) > clock) {
          const der = Buffer.from(cached.der, 'base64')
          fetched.set(url, {crl: new lib.X509Crl(der), der, cached: true})
        } else {
          const der = await fetchCrl(url, options)
          fetched.set(url, {crl: new lib.X509Crl(der), der, cached: false})
        }
      } catch (error) {
        fetched.set(url, {error: (error as Error).message})
      }
    }
    return fetched.get(url)!
  }
  const results: CheckResult[] = []
  for (const cert of targets) {
    const base = {serial: cert.serial, holder: cert.holder.name}
    if (cert.source !== 'imported') {
      results.push({...base, crlUrl: cert.crlUrl, result: 'unknown', error: t('cert.check.issuedHere'), errorKey: 'cert.check.issuedHere'})
      continue
    }
    const row = await store.db.selectFrom('cert_certs').select(['cert_pem', 'issuer_pem', 'status', 'reason', 'hold_kind']).where('serial', '=', cert.serial).executeTakeFirstOrThrow()
    const urls = distributionPoints(lib, row.cert_pem)
    if (!urls.length) {
      results.push({...base, crlUrl: null, result: 'unknown', error: t('cert.check.noCrlUrl'), errorKey: 'cert.check.noCrlUrl'})
      continue
    }
    const issuerKey = row.issuer_pem ? new lib.X509Certificate(row.issuer_pem).publicKey : undefined
    const tried: NonNullable<CheckResult['tried']> = []
    let used: {url: string; crl: Crl; der: Buffer; cached: boolean} | undefined
    for (const url of urls) {
      if (used) break
      if (!HTTP.test(url)) {
        tried.push({url, outcome: 'skipped', note: 'not an http(s) URL'})
        continue
      }
      const got = await obtain(url)
      if ('error' in got) {
        tried.push({url, outcome: 'failed', note: got.error})
        continue
      }
      if (issuerKey) {
        let ok = false
        try {
          ok = await signedBy(Buffer.from(got.crl.rawData), Buffer.from(issuerKey.rawData), () => got.crl.verify({publicKey: issuerKey}))
        } catch {
          ok = false
        }
        // A CRL its issuer did not sign says nothing about the certificate, and is never kept.
        if (!ok) {
          tried.push({url, outcome: 'forged'})
          if (got.cached) await store.write((ctx) => ctx.db.deleteFrom('cert_crl_cache').where('url', '=', url).execute())
          continue
        }
      }
      if (got.crl.nextUpdate && got.crl.nextUpdate <= clock) {
        tried.push({url, outcome: 'expired', note: `next update ${got.crl.nextUpdate.toISOString()}`})
        continue
      }
      tried.push({url, outcome: 'used'})
      used = {url, ...got}
    }
    if (!used) {
      const outcomes = new Set(tried.map((x) => x.outcome))
      const errorKey = tried.every((x) => x.outcome === 'skipped')
        ? 'cert.check.noHttpCrl'
        : outcomes.has('expired') && !outcomes.has('forged')
          ? 'cert.check.crlExpired'
          : outcomes.has('forged') && !outcomes.has('expired')
            ? 'cert.check.forgedCrl'
            : undefined
      const error = errorKey ? t(errorKey) : tried.map((x) => `${x.url}: ${x.outcome}${x.note ? ` (${x.note})` : ''}`).join('; ')
      results.push({...base, crlUrl: urls.find((u) => HTTP.test(u)) ?? urls[0], result: 'unknown', error, ...(errorKey ? {errorKey} : {}), verified: false, tried})
      continue
    }
    const {url, crl, der, cached} = used
    const entry = crl.entries.find((e) => normaliseSerial(e.serialNumber).replace(/^0+/, '') === (cert.serialNumber ?? cert.serial).replace(/^0+/, '') && e.reason !== REMOVE_FROM_CRL)
    const reasonName = entry?.reason === undefined ? undefined : (REASON_NAMES[entry.reason] ?? String(entry.reason))
    const held = reasonName === 'certificateHold'
    const result: CheckResult['result'] = entry ? (held ? 'hold' : 'revoked') : 'good'
    // A hold the issuer placed (recorded as hold by issuer, or by earlier versions as revoked with certificateHold).
    const issuerHold = (row.status === 'hold' && row.hold_kind === 'issuer') || (row.status === 'revoked' && row.reason === 'certificateHold')
    const changed: CheckResult['changed'] =
      result === 'revoked' && row.status !== 'revoked' ? 'revoked' : result === 'hold' && !issuerHold && row.status === 'valid' ? 'held' : result === 'good' && issuerHold ? 'released' : undefined
    results.push({...base, crlUrl: url, result, ...(reasonName ? {reason: reasonName} : {}), cached, verified: Boolean(issuerKey), tried, ...(changed ? {changed} : {})})
    await store.write(async (ctx) => {
      if (!cached) {
        await ctx.db.deleteFrom('cert_crl_cache').where('url', '=', url).execute()
        await ctx.db
          .insertInto('cert_crl_cache')
          .values({url, fetched_at: ctx.at, next_update: crl.nextUpdate?.toISOString() ?? null, der: der.toString('base64')})
          .execute()
      }
      await ctx.db.updateTable('cert_certs').set({checked_at: ctx.at}).where('serial', '=', cert.serial).execute()
      if (!changed) return
      const set =
        changed === 'revoked'
          ? {status: 'revoked', hold_kind: null, reason: reasonName ?? 'unspecified', revoked_at: entry!.revocationDate.toISOString()}
          : changed === 'held'
            ? {status: 'hold', hold_kind: 'issuer', reason: 'certificateHold', revoked_at: entry!.revocationDate.toISOString()}
            : {status: 'valid', hold_kind: null, reason: null, revoked_at: null}
      await ctx.db.updateTable('cert_certs').set(set).where('serial', '=', cert.serial).execute()
      const event = changed === 'revoked' ? 'revoked-by-issuer' : changed === 'held' ? 'held-by-issuer' : 'released-by-issuer'
      await ctx.db
        .insertInto('cert_events')
        .values({serial: cert.serial, event, at: ctx.at, actor: ctx.actor, request_id: null, detail: JSON.stringify({crlUrl: url, reason: set.reason})})
        .execute()
      await appendAudit(ctx, {
        action: `cert.check.${changed}`,
        entityType: 'certificate',
        entityId: cert.serial,
        before: {status: row.status, holdKind: row.hold_kind, reason: row.reason},
        after: {...set, crlUrl: url},
      })
    })
  }
  return results
}

/** An entry of a delta CRL that takes a certificate off hold: not a revocation. */
const REMOVE_FROM_CRL = 8

const REASON_NAMES: Record<number, string> = {
  0: 'unspecified',
  1: 'keyCompromise',
  2: 'cACompromise',
  3: 'affiliationChanged',
  4: 'superseded',
  5: 'cessationOfOperation',
  6: 'certificateHold',
  8: 'removeFromCRL',
  9: 'privilegeWithdrawn',
  10: 'aACompromise',
}
