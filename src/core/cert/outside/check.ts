import {appendAudit} from '../../audit/index.js'
import {t} from '../../i18n/index.js'
import type {Store} from '../../store/index.js'
import {type Certificate, findCertificate, listCertificates, normaliseSerial} from '../inventory.js'
import {fromPem, signedBy, x509} from '../x509.js'
import {distributionPoints, HTTP, type Lib} from './crl-points.js'

/** Imported certificates (import.ts) checked against their issuers' CRLs: `egov cert check`. */

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

type Crl = InstanceType<Lib['X509Crl']>

/**
 * Checks imported certificates against their CRL distribution points. Every http(s) point
 * is tried in the certificate's order until one gives a CRL that its issuer signed (when the
 * issuer is known) and that has not passed its next update; other schemes are skipped with a
 * note. A CRL is fetched once per run, and a good one is cached until its next update
 * (--refresh fetches again). A revoked certificate is marked revoked with the CRL's reason;
 * one on hold (certificateHold) is held, and released again when the issuer releases it.
 */
export async function checkCertificates(store: Store, refs: string[] = [], options: FetchOptions = {}): Promise<CheckResult[]> {
  const {now} = await import('../../clock.js')
  const clock = now()
  const targets = refs.length ? await Promise.all(refs.map((r) => findCertificate(store.db, r, 'SERIAL', clock))) : (await listCertificates(store.db, {}, clock)).filter((c) => c.source === 'imported')
  const lib = await x509()
  const obtain = crlSource(store, lib, clock, options)
  const results: CheckResult[] = []
  for (const cert of targets) results.push(await checkOne(store, lib, cert, obtain, clock))
  return results
}

type Fetched = {crl: Crl; der: Buffer; cached: boolean} | {error: string}

/** Where the CRLs of one run come from: each URL once, from the cache while its next update is ahead (unless refresh), else fetched. */
function crlSource(store: Store, lib: Lib, clock: Date, options: FetchOptions): (url: string) => Promise<Fetched> {
  const fetched = new Map<string, Fetched>()
  return async (url) => {
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
}

interface CheckedRow {
  cert_pem: string
  issuer_pem: string | null
  status: string
  reason: string | null
  hold_kind: string | null
}

type UsedCrl = {url: string; crl: Crl; der: Buffer; cached: boolean}

/** One certificate against its CRLs: what the result is, and the inventory moved to match. */
async function checkOne(store: Store, lib: Lib, cert: Certificate, obtain: (url: string) => Promise<Fetched>, clock: Date): Promise<CheckResult> {
  const base = {serial: cert.serial, holder: cert.holder.name}
  if (cert.source !== 'imported') return {...base, crlUrl: cert.crlUrl, result: 'unknown', error: t('cert.check.issuedHere'), errorKey: 'cert.check.issuedHere'}
  const row: CheckedRow = await store.db.selectFrom('cert_certs').select(['cert_pem', 'issuer_pem', 'status', 'reason', 'hold_kind']).where('serial', '=', cert.serial).executeTakeFirstOrThrow()
  const urls = distributionPoints(lib, row.cert_pem)
  if (!urls.length) return {...base, crlUrl: null, result: 'unknown', error: t('cert.check.noCrlUrl'), errorKey: 'cert.check.noCrlUrl'}
  const issuerKey = row.issuer_pem ? new lib.X509Certificate(row.issuer_pem).publicKey : undefined
  const {used, tried} = await firstUsableCrl(store, urls, issuerKey, obtain, clock)
  if (!used) {
    const why = noUsableCrl(urls, tried)
    return {...base, crlUrl: why.crlUrl, result: 'unknown', error: why.error, ...(why.errorKey ? {errorKey: why.errorKey} : {}), verified: false, tried}
  }
  const verdict = crlVerdict(used.crl, cert, row)
  const {result, reasonName, changed} = verdict
  await recordCheck(store, cert.serial, row, used, verdict)
  return {...base, crlUrl: used.url, result, ...(reasonName ? {reason: reasonName} : {}), cached: used.cached, verified: Boolean(issuerKey), tried, ...(changed ? {changed} : {})}
}

/**
 * The distribution points in the certificate's order until one gives a CRL its issuer signed
 * (when the issuer is known) and whose next update is ahead; what became of each one tried.
 */
async function firstUsableCrl(
  store: Store,
  urls: string[],
  issuerKey: InstanceType<Lib['X509Certificate']>['publicKey'] | undefined,
  obtain: (url: string) => Promise<Fetched>,
  clock: Date,
): Promise<{used?: UsedCrl; tried: NonNullable<CheckResult['tried']>}> {
  const tried: NonNullable<CheckResult['tried']> = []
  for (const url of urls) {
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
      let ok: boolean
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
    return {used: {url, ...got}, tried}
  }
  return {tried}
}

/** Why no CRL answered, in the catalogue's words where egov knows why, else each point's outcome. */
function noUsableCrl(urls: string[], tried: NonNullable<CheckResult['tried']>): {crlUrl: string; error: string; errorKey?: CheckResult['errorKey']} {
  const outcomes = new Set(tried.map((x) => x.outcome))
  const errorKey = tried.every((x) => x.outcome === 'skipped')
    ? 'cert.check.noHttpCrl'
    : outcomes.has('expired') && !outcomes.has('forged')
      ? 'cert.check.crlExpired'
      : outcomes.has('forged') && !outcomes.has('expired')
        ? 'cert.check.forgedCrl'
        : undefined
  const error = errorKey ? t(errorKey) : tried.map((x) => `${x.url}: ${x.outcome}${x.note ? ` (${x.note})` : ''}`).join('; ')
  return {crlUrl: urls.find((u) => HTTP.test(u)) ?? urls[0] ?? '', error, errorKey}
}

interface Verdict {
  entry?: Crl['entries'][number]
  reasonName?: string
  result: CheckResult['result']
  changed?: CheckResult['changed']
}

/** What the CRL says of the certificate, and how the inventory's status must move. */
function crlVerdict(crl: Crl, cert: Certificate, row: CheckedRow): Verdict {
  const entry = crl.entries.find((e) => normaliseSerial(e.serialNumber).replace(/^0+/, '') === (cert.serialNumber ?? cert.serial).replace(/^0+/, '') && reasonCode(e) !== REMOVE_FROM_CRL)
  const reasonName = entry?.reason === undefined ? undefined : (REASON_NAMES[entry.reason] ?? String(entry.reason))
  const held = reasonName === 'certificateHold'
  const result: CheckResult['result'] = entry ? (held ? 'hold' : 'revoked') : 'good'
  // A hold the issuer placed (recorded as hold by issuer, or by earlier versions as revoked with certificateHold).
  const issuerHold = (row.status === 'hold' && row.hold_kind === 'issuer') || (row.status === 'revoked' && row.reason === 'certificateHold')
  const changed: CheckResult['changed'] =
    result === 'revoked' && row.status !== 'revoked' ? 'revoked' : result === 'hold' && !issuerHold && row.status === 'valid' ? 'held' : result === 'good' && issuerHold ? 'released' : undefined
  return {entry, reasonName, result, changed}
}

/** Caches a fetched CRL, stamps the check, and moves the status the issuer moved (event and audit). */
async function recordCheck(store: Store, serial: string, row: CheckedRow, used: UsedCrl, verdict: Verdict): Promise<void> {
  const {url, crl, der, cached} = used
  const {entry, reasonName, changed} = verdict
  await store.write(async (ctx) => {
    if (!cached) {
      await ctx.db.deleteFrom('cert_crl_cache').where('url', '=', url).execute()
      await ctx.db
        .insertInto('cert_crl_cache')
        .values({url, fetched_at: ctx.at, next_update: crl.nextUpdate?.toISOString() ?? null, der: der.toString('base64')})
        .execute()
    }
    await ctx.db.updateTable('cert_certs').set({checked_at: ctx.at}).where('serial', '=', serial).execute()
    if (!changed) return
    const set =
      changed === 'revoked'
        ? {status: 'revoked', hold_kind: null, reason: reasonName ?? 'unspecified', revoked_at: entry!.revocationDate.toISOString()}
        : changed === 'held'
          ? {status: 'hold', hold_kind: 'issuer', reason: 'certificateHold', revoked_at: entry!.revocationDate.toISOString()}
          : {status: 'valid', hold_kind: null, reason: null, revoked_at: null}
    await ctx.db.updateTable('cert_certs').set(set).where('serial', '=', serial).execute()
    const event = changed === 'revoked' ? 'revoked-by-issuer' : changed === 'held' ? 'held-by-issuer' : 'released-by-issuer'
    await ctx.db
      .insertInto('cert_events')
      .values({serial, event, at: ctx.at, actor: ctx.actor, request_id: null, detail: JSON.stringify({crlUrl: url, reason: set.reason})})
      .execute()
    await appendAudit(ctx, {
      action: `cert.check.${changed}`,
      entityType: 'certificate',
      entityId: serial,
      before: {status: row.status, holdKind: row.hold_kind, reason: row.reason},
      after: {...set, crlUrl: url},
    })
  })
}

/** An entry of a delta CRL that takes a certificate off hold: not a revocation. */
const REMOVE_FROM_CRL = 8

/** An entry's reason as RFC 5280's number (what REMOVE_FROM_CRL and REASON_NAMES go by), not the library's enum. */
const reasonCode = (entry: {reason?: number}): number | undefined => entry.reason

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
