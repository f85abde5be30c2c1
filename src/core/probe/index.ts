/**
 * Business-test probes (业务测试, DOMAIN NET-5): after a unit's service is connected to the
 * extranet, the network administrator checks that it answers — an HTTP(S) page or a bare
 * TCP port — and records what each probe saw.
 *
 * Every network failure becomes a failed ProbeResult with a stable `errorCode`; runProbes
 * only throws for bad input (InvalidInput), and then before anything is probed.
 */
import net, {type Socket} from 'node:net'
import {performance} from 'node:perf_hooks'

import {describeFailure} from './failures.js'

// Type-only: erased at compile time, so undici is not loaded when this module is imported
// (start-up speed); runProbes imports it when a run actually has an HTTP(S) target.
import type {Agent, buildConnector} from 'undici'

import {nowIso} from '../clock.js'
import {InvalidInput} from '../errors.js'

export type ProbeKind = 'http' | 'tcp'

export interface ProbeTarget {
  /** The target as given. */
  text: string
  kind: ProbeKind
  /** Host name or address; an IPv6 address without its brackets. */
  host: string
  port: number
  /** http(s) only: the normalised URL that is requested. */
  url?: string
}

export interface ProbeResult {
  /** The target as given. */
  target: string
  kind: ProbeKind
  /** http: a response with status < 400 (a redirect counts: it is not followed); tcp: connected. */
  ok: boolean
  /** http: the response status, when headers arrived. */
  status?: number
  /** Time to response headers (http) or to connect (tcp), rounded to 0.1 ms; time spent until failure otherwise. */
  latencyMs: number
  /** A short English description when !ok. */
  error?: string
  /** A stable code when !ok: TIMEOUT, ECONNREFUSED, ENOTFOUND, SELF_SIGNED_CERT, CERT_INVALID, HTTP_STATUS, ECONNRESET, or another Node error code. */
  errorCode?: string
  /**
   * https only, when the outcome tells: accepted once a response arrived (certificates are
   * checked), refused with the reason when the certificate is what failed. Absent when the
   * probe ended before that could be known (refused, timed out before any response).
   */
  tls?: {authorized: boolean; error?: string}
  /** ISO time the probe started. */
  at: string
}

export interface ProbeOptions {
  /** Limit on each whole probe (connect, TLS, headers and body), in ms. Default 5000. */
  timeoutMs?: number
  /** At most this many probes in flight. Default 4. */
  concurrency?: number
  /** Called as each probe finishes (for a progress bar): probes done so far, and the total. */
  onResult?(done: number, total: number): void
}

const DEFAULT_TIMEOUT_MS = 5000
const DEFAULT_CONCURRENCY = 4
/** A probe asks "does it answer", not "how fast does it download": past this, the body is dropped (connection closed). */
const BODY_LIMIT_BYTES = 1024 * 1024
const USER_AGENT = 'egov-probe (NET-5 business test)'

function badProbe(text: unknown): InvalidInput {
  // 'input.badProbe' is added to the catalogue separately; the cast lets this compile until then.
  return new InvalidInput('input.badProbe', {field: 'probe', value: text}, {field: 'probe', rule: 'NET-5'})
}

/** A host name, IPv4 address or bracketed IPv6 address, as a tcp:// target may carry (its host is not checked by URL). */
const TCP_HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.?|\[[0-9A-Fa-f:.]+\])$/

/**
 * Reads one probe target: `http://host[:port]/path`, `https://…` or `tcp://host:port`.
 * Anything else — another scheme, a tcp target without a port, a port outside 1–65535,
 * credentials in the URL, an empty string — is refused (NET-5).
 */
export function parseProbeTarget(text: string): ProbeTarget {
  if (typeof text !== 'string') throw badProbe(text)
  const trimmed = text.trim()
  // Insist on "scheme://": WHATWG URL would otherwise read "http:nope" or "http:/x" as http://…/.
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(trimmed)?.[1]?.toLowerCase()
  if (scheme !== 'http' && scheme !== 'https' && scheme !== 'tcp') throw badProbe(text)

  let url: URL
  try {
    url = new URL(trimmed) // also refuses ports above 65535
  } catch {
    throw badProbe(text)
  }
  // Passwords have no place in a probe list that is printed and kept.
  if (!url.hostname || url.username || url.password) throw badProbe(text)
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1')

  if (scheme === 'tcp') {
    // A non-special scheme: URL leaves the host unchecked and the port optional.
    const port = Number(url.port)
    if (url.port === '' || !Number.isInteger(port) || port < 1 || port > 65_535) throw badProbe(text)
    if (!TCP_HOST.test(url.hostname) || (url.pathname !== '' && url.pathname !== '/') || url.search || url.hash) {
      throw badProbe(text)
    }
    return {text, kind: 'tcp', host, port}
  }

  // URL leaves the port empty when it is the scheme's default.
  const port = url.port === '' ? (scheme === 'https' ? 443 : 80) : Number(url.port)
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw badProbe(text)
  url.hash = '' // never sent; keep it out of the request
  return {text, kind: 'http', host, port, url: url.href}
}

function checkPositiveInteger(field: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidInput('input.badInteger', {field, value}, {field, details: {min: 1}})
  }
}

/**
 * Probes every target, at most `concurrency` at a time, and returns one result per target
 * in the order given. All targets are read first: one bad target fails the call with
 * nothing probed. Network failures never throw; each becomes a failed result.
 */
export async function runProbes(targets: string[], options: ProbeOptions = {}): Promise<ProbeResult[]> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY
  checkPositiveInteger('timeoutMs', timeoutMs)
  checkPositiveInteger('concurrency', concurrency)
  const parsed = targets.map((target) => parseProbeTarget(target))
  nowIso() // a malformed EGOV_NOW fails here, before anything is probed, not half-way through
  if (parsed.length === 0) return []

  // One fresh agent per run, torn down at the end: no socket outlives the call.
  const http = parsed.some((target) => target.kind === 'http') ? await createAgent(timeoutMs, Math.min(concurrency, parsed.length)) : undefined
  const results = new Array<ProbeResult>(parsed.length)
  try {
    let next = 0
    let done = 0
    const worker = async (): Promise<void> => {
      while (next < parsed.length) {
        const index = next++
        results[index] = await probeOne(parsed[index]!, timeoutMs, http?.agent)
        options.onResult?.(++done, parsed.length)
      }
    }
    await Promise.all(Array.from({length: Math.min(concurrency, parsed.length)}, worker))
  } finally {
    if (http) {
      // A probe given up on at its deadline may leave undici still connecting (undici notices
      // neither the abort nor, until its coarse connect timer fires, the time): end those
      // sockets here. With an error, so that undici's connect callback runs and it lets go.
      for (const socket of http.sockets) socket.destroy(new Error('probe run finished'))
      await http.agent.destroy().catch(() => {})
    }
  }
  return results
}

interface ProbeAgent {
  agent: Agent
  /** Every socket the agent opened that is not closed yet. */
  sockets: Set<Socket>
}

async function createAgent(timeoutMs: number, limit: number): Promise<ProbeAgent> {
  const {Agent, buildConnector} = await import('undici')
  const sockets = new Set<Socket>()
  // undici's own connector (DNS, TCP, TLS with certificate checks on), watched so that
  // runProbes can end whatever is still open when it returns.
  const connectOnce = buildConnector({timeout: timeoutMs, rejectUnauthorized: true}) as unknown as (options: buildConnector.Options, callback: buildConnector.Callback) => Socket // the typings say void; the connector returns the socket it opened
  // Open sockets never exceed the concurrency: a probe finishes when its answer is read, a
  // moment before its socket has closed (or, given up on, before the abort has taken it
  // down), so the next probe's connect waits here for that close rather than overlapping it.
  const waiting: Array<() => void> = []
  const connect = (options: buildConnector.Options, callback: buildConnector.Callback): void => {
    const open = () => {
      const socket = connectOnce(options, callback)
      sockets.add(socket)
      socket.once('close', () => {
        sockets.delete(socket)
        waiting.shift()?.()
      })
    }
    if (sockets.size < limit) open()
    else waiting.push(open)
  }
  const agent = new Agent({
    connect,
    // Each probe keeps its own deadline (see probeHttp); undici's timeouts are the same
    // length so that nothing it does internally (connect, headers, body) can outlast it by much.
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  })
  return {agent, sockets}
}

async function probeOne(target: ProbeTarget, timeoutMs: number, agent: Agent | undefined): Promise<ProbeResult> {
  const at = nowIso()
  const start = performance.now()
  try {
    return target.kind === 'tcp' ? await probeTcp(target, timeoutMs, at, start) : await probeHttp(target, timeoutMs, agent!, at, start)
  } catch (error) {
    // Not expected (each probe classifies its own failures), but one odd error must not
    // lose the results of the other targets.
    const {error: text, errorCode} = describeFailure(error, timeoutMs)
    return {target: target.text, kind: target.kind, ok: false, latencyMs: since(start), error: text, errorCode, at}
  }
}

function since(start: number): number {
  return Math.round((performance.now() - start) * 10) / 10
}

const TIMED_OUT = Symbol('timed out')

async function probeHttp(target: ProbeTarget, timeoutMs: number, agent: Agent, at: string, start: number): Promise<ProbeResult> {
  const base = {target: target.text, kind: 'http' as const, at}
  const https = target.url!.startsWith('https:')
  const url = new URL(target.url!)
  const controller = new AbortController()
  let status: number | undefined
  let latencyMs: number | undefined

  const exchange = (async () => {
    const response = await agent.request({
      origin: url.origin,
      path: url.pathname + url.search,
      method: 'GET',
      headers: {'user-agent': USER_AGENT, accept: '*/*'},
      // Connection: close — each probe opens its own connection, so its latency includes
      // connect and TLS, as a new user's would, and no socket is left in the pool.
      reset: true,
      signal: controller.signal,
    })
    status = response.statusCode
    latencyMs = since(start)
    // Read and discard the body; the request's signal also aborts this read.
    await response.body.dump({limit: BODY_LIMIT_BYTES})
  })()
  // Whatever happens to it after the deadline has already decided, it is not unhandled.
  exchange.catch(() => {})

  // Our own deadline over the whole exchange. undici only notices an abort once a request
  // has a connection, so a connect that hangs must be raced rather than aborted.
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), timeoutMs)
  })

  try {
    const outcome = await Promise.race([exchange, deadline])
    if (outcome === TIMED_OUT) {
      controller.abort() // destroys the socket if there is one; the agent's destroy does the rest
      return {
        ...base,
        ok: false,
        ...(status === undefined ? {} : {status}),
        latencyMs: since(start),
        error: `timed out after ${timeoutMs} ms`,
        errorCode: 'TIMEOUT',
        // Headers arrived, so the handshake (if any) had accepted the certificate.
        ...(https && status !== undefined ? {tls: {authorized: true}} : {}),
      }
    }
  } catch (error) {
    const failure = describeFailure(error, timeoutMs)
    const tls = https ? (failure.certificate ? {authorized: false, error: failure.error} : status !== undefined ? {authorized: true} : undefined) : undefined
    return {
      ...base,
      ok: false,
      ...(status === undefined ? {} : {status}),
      latencyMs: since(start),
      error: failure.error,
      errorCode: failure.errorCode,
      ...(tls ? {tls} : {}),
    }
  } finally {
    clearTimeout(timer)
  }

  // rejectUnauthorized is on: a response over TLS means the certificate was accepted.
  const tls = https ? {tls: {authorized: true}} : {}
  if (status! >= 400) {
    return {...base, ok: false, status, latencyMs: latencyMs!, error: `HTTP ${status}`, errorCode: 'HTTP_STATUS', ...tls}
  }
  return {...base, ok: true, status, latencyMs: latencyMs!, ...tls}
}

function probeTcp(target: ProbeTarget, timeoutMs: number, at: string, start: number): Promise<ProbeResult> {
  const base = {target: target.text, kind: 'tcp' as const, at}
  return new Promise((resolve) => {
    let settled = false
    const socket = net.connect({host: target.host, port: target.port})
    const finish = (result: ProbeResult): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      // destroy, not end: a server that never closes its side would keep an ended socket open.
      socket.destroy()
      resolve(result)
    }
    // finish reads timer only when called: after this, from a timer or socket event.
    const timer = setTimeout(() => {
      finish({...base, ok: false, latencyMs: since(start), error: `timed out after ${timeoutMs} ms`, errorCode: 'TIMEOUT'})
    }, timeoutMs)
    socket.once('connect', () => finish({...base, ok: true, latencyMs: since(start)}))
    // Kept for the socket's lifetime (not once): a late error after finish must not go unhandled.
    socket.on('error', (error) => {
      const {error: text, errorCode} = describeFailure(error, timeoutMs)
      finish({...base, ok: false, latencyMs: since(start), error: text, errorCode})
    })
  })
}
