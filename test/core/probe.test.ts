import {execFileSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import net from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {InvalidInput} from '../../src/core/errors.js'
import {parseProbeTarget, type ProbeResult, runProbes} from '../../src/core/probe/index.js'

// Every server here listens on 127.0.0.1 with a port the system picks; nothing leaves the host.
const HOST = '127.0.0.1'

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, HOST, () => resolve((server.address() as net.AddressInfo).port))
  })
}

/** Closes a server and, first, every connection it still holds (held ones never end by themselves). */
function shut(server: net.Server, sockets: Set<net.Socket>): Promise<void> {
  for (const socket of sockets) socket.destroy()
  return new Promise((resolve) => server.close(() => resolve()))
}

/** Remembers a server's connections so that afterAll can end them. */
function track(server: net.Server): Set<net.Socket> {
  const sockets = new Set<net.Socket>()
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket)
    socket.on('error', () => {}) // the probe side resets sockets freely
    socket.on('close', () => sockets.delete(socket))
  })
  return sockets
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

// ---- the servers

/** Answers: 200 on /, 503 on /fail, 302 on /moved; counts requests. */
let answering: http.Server
let answeringSockets: Set<net.Socket>
let answeringPort: number
let answeringRequests = 0

/** Accepts and reads the request, never answers. */
let silentHttp: http.Server
let silentHttpSockets: Set<net.Socket>
let silentHttpPort: number

/** A bare TCP listener that accepts and says nothing (also: TLS that never shakes hands). */
let listener: net.Server
let listenerSockets: Set<net.Socket>
let listenerPort: number

/** A port that was bound and released: nothing listens there. */
let refusedPort: number

/** HTTPS with a self-signed certificate made at test time. */
let selfSigned: https.Server
let selfSignedSockets: Set<net.Socket>
let selfSignedPort: number
let certDir: string

/** Holds each request a while and records the most it saw at once. */
let counting: http.Server
let countingSockets: Set<net.Socket>
let countingPort: number
let inFlight = 0
let maxInFlight = 0

beforeAll(async () => {
  answering = http.createServer((req, res) => {
    answeringRequests++
    if (req.url === '/fail') {
      res.writeHead(503, {'content-type': 'text/plain'}).end('down for maintenance')
    } else if (req.url === '/moved') {
      res.writeHead(302, {location: '/'}).end()
    } else {
      res.writeHead(200, {'content-type': 'text/plain'}).end('ok')
    }
  })
  answeringSockets = track(answering)
  answeringPort = await listen(answering)

  silentHttp = http.createServer(() => {
    /* hold the request: never answer */
  })
  silentHttpSockets = track(silentHttp)
  silentHttpPort = await listen(silentHttp)

  // Reads (and drops) what arrives: a socket whose data is never read never sees the peer's close.
  listener = net.createServer((socket) => socket.resume())
  listenerSockets = track(listener)
  listenerPort = await listen(listener)

  const released = net.createServer()
  refusedPort = await listen(released)
  await new Promise<void>((resolve) => released.close(() => resolve()))

  certDir = mkdtempSync(join(tmpdir(), 'egov-probe-'))
  const key = join(certDir, 'k.pem')
  const cert = join(certDir, 'c.pem')
  // EC P-256: quick to generate; SAN 127.0.0.1 so only "self-signed" is wrong with it.
  // -batch and stdin ignored: openssl never prompts.
  execFileSync(
    'openssl',
    [
      'req',
      '-batch',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    {stdio: 'ignore'},
  )
  selfSigned = https.createServer({key: readFileSync(key), cert: readFileSync(cert)}, (_req, res) => res.end('secret'))
  selfSigned.on('tlsClientError', () => {}) // the probe refusing the certificate is expected
  selfSignedSockets = track(selfSigned)
  selfSignedPort = await listen(selfSigned)

  counting = http.createServer((req, res) => {
    inFlight++
    maxInFlight = Math.max(maxInFlight, inFlight)
    // Later paths answer sooner, so completion order differs from target order.
    const index = Number(req.url?.split('/').pop() ?? 0)
    setTimeout(
      () => {
        inFlight--
        res.end(String(index))
      },
      60 + (7 - index) * 10,
    )
  })
  countingSockets = track(counting)
  countingPort = await listen(counting)
})

afterAll(async () => {
  await Promise.all([shut(answering, answeringSockets), shut(silentHttp, silentHttpSockets), shut(listener, listenerSockets), shut(selfSigned, selfSignedSockets), shut(counting, countingSockets)])
  if (certDir) rmSync(certDir, {recursive: true, force: true})
})

const url = (port: number, path = '/') => `http://${HOST}:${port}${path}`

describe('probe targets (NET-5)', () => {
  it('reads http, https and tcp targets', () => {
    expect(parseProbeTarget('http://example.gov.cn/health')).toEqual({
      text: 'http://example.gov.cn/health',
      kind: 'http',
      host: 'example.gov.cn',
      port: 80,
      url: 'http://example.gov.cn/health',
    })
    expect(parseProbeTarget('HTTPS://Example.gov.cn')).toMatchObject({kind: 'http', host: 'example.gov.cn', port: 443, url: 'https://example.gov.cn/'})
    expect(parseProbeTarget('https://10.1.2.3:8443/a?b=1')).toMatchObject({port: 8443, url: 'https://10.1.2.3:8443/a?b=1'})
    expect(parseProbeTarget('tcp://10.1.2.3:1521')).toEqual({text: 'tcp://10.1.2.3:1521', kind: 'tcp', host: '10.1.2.3', port: 1521})
    expect(parseProbeTarget('tcp://[2001:db8::1]:22')).toMatchObject({kind: 'tcp', host: '2001:db8::1', port: 22})
    expect(parseProbeTarget('http://[2001:db8::1]:8080/')).toMatchObject({host: '2001:db8::1', port: 8080})
  })

  it.each([
    'ftp://x',
    'tcp://127.0.0.1',
    'tcp://127.0.0.1:70000',
    'tcp://127.0.0.1:0',
    'http://127.0.0.1:0/',
    '',
    '   ',
    'http//nope',
    'http:nope',
    '127.0.0.1:80',
    'tcp://h:80/path',
    'http://user:pw@host/',
    'http://127.0.0.1:65536/',
  ])('refuses %j with InvalidInput (NET-5)', (text) => {
    let caught: unknown
    try {
      parseProbeTarget(text)
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(InvalidInput)
    expect((caught as InvalidInput).context).toMatchObject({field: 'probe', rule: 'NET-5'})
    expect((caught as InvalidInput).params).toMatchObject({value: text})
  })

  it('loads undici only when probing, not when the module is imported', () => {
    const source = readFileSync(new URL('../../src/core/probe/index.ts', import.meta.url), 'utf8')
    const valueImports = [...source.matchAll(/^import\s+(?!type\b)[^\n]*from\s+['"]undici['"]/gm)]
    expect(valueImports).toEqual([])
    expect(source).toContain("await import('undici')")
  })
})

describe('runProbes against local servers (NET-5)', () => {
  it('reports status: 200 ok, 302 ok (not followed), 503 failed', async () => {
    const targets = [url(answeringPort), url(answeringPort, '/moved'), url(answeringPort, '/fail')]
    const results = await runProbes(targets, {timeoutMs: 2000})
    expect(results).toHaveLength(3)
    const [ok, moved, fail] = results as [ProbeResult, ProbeResult, ProbeResult]
    expect(ok).toMatchObject({target: targets[0], kind: 'http', ok: true, status: 200})
    expect(ok.error).toBeUndefined()
    expect(ok.tls).toBeUndefined()
    expect(ok.latencyMs).toBeGreaterThanOrEqual(0)
    expect(Number.isNaN(Date.parse(ok.at))).toBe(false)
    expect(moved).toMatchObject({ok: true, status: 302})
    expect(fail).toMatchObject({ok: false, status: 503, errorCode: 'HTTP_STATUS', error: 'HTTP 503'})
  })

  it('times out on a server that accepts and never answers, promptly', async () => {
    const started = performance.now()
    const result = await probeOne(url(silentHttpPort, '/hang'), {timeoutMs: 300})
    const elapsed = performance.now() - started
    expect(result).toMatchObject({ok: false, errorCode: 'TIMEOUT', error: 'timed out after 300 ms'})
    expect(result.status).toBeUndefined()
    expect(result.latencyMs).toBeGreaterThanOrEqual(290)
    expect(elapsed).toBeLessThan(1500)
  })

  it('times out when a TLS handshake never completes (undici still connecting)', async () => {
    // A bare TCP listener never answers the ClientHello: undici is still "connecting".
    const started = performance.now()
    const result = await probeOne(`https://${HOST}:${listenerPort}/`, {timeoutMs: 300})
    expect(performance.now() - started).toBeLessThan(1500)
    expect(result).toMatchObject({ok: false, errorCode: 'TIMEOUT'})
    expect(result.tls).toBeUndefined()
  })

  it('reports a refused port for tcp:// and http://', async () => {
    const [tcp, web] = await runProbes([`tcp://${HOST}:${refusedPort}`, url(refusedPort)], {timeoutMs: 2000})
    expect(tcp).toMatchObject({kind: 'tcp', ok: false, errorCode: 'ECONNREFUSED', error: 'connection refused'})
    expect(web).toMatchObject({kind: 'http', ok: false, errorCode: 'ECONNREFUSED', error: 'connection refused'})
  })

  it('connects to a TCP listener and measures it', async () => {
    const result = await probeOne(`tcp://${HOST}:${listenerPort}`)
    expect(result).toMatchObject({target: `tcp://${HOST}:${listenerPort}`, kind: 'tcp', ok: true})
    expect(result.latencyMs).toBeGreaterThan(0)
    expect(result.error).toBeUndefined()
    expect(result.errorCode).toBeUndefined()
  })

  it('reports a self-signed certificate without crashing', async () => {
    const result = await probeOne(`https://${HOST}:${selfSignedPort}/`, {timeoutMs: 2000})
    expect(result).toMatchObject({
      ok: false,
      errorCode: 'SELF_SIGNED_CERT',
      error: 'self-signed certificate',
      tls: {authorized: false, error: 'self-signed certificate'},
    })
    expect(result.status).toBeUndefined()
  })

  it('keeps at most `concurrency` probes in flight and returns results in target order', async () => {
    maxInFlight = 0
    const targets = Array.from({length: 8}, (_, i) => url(countingPort, `/c/${i}`))
    const results = await runProbes(targets, {concurrency: 2, timeoutMs: 3000})
    expect(maxInFlight).toBe(2)
    expect(results.map((r) => r.target)).toEqual(targets)
    expect(results.every((r) => r.ok && r.status === 200)).toBe(true)
  })

  it('never holds more sockets open than `concurrency`, with answers that close and probes given up on (issue 20, bench/kiosk)', async () => {
    // Open from the connection until the first sign the prober let it go: its FIN, a reset or the close.
    let open = 0
    let maxOpen = 0
    const held = new Set<net.Socket>()
    const server = http.createServer((req, res) => {
      const index = Number(req.url?.split('/').pop() ?? 0)
      if (index % 4 === 0) setTimeout(() => res.end('late'), 1500).unref()
      else res.end('ok')
    })
    server.on('connection', (socket: net.Socket) => {
      held.add(socket)
      open++
      maxOpen = Math.max(maxOpen, open)
      let counted = true
      const gone = () => {
        if (counted) open--
        counted = false
      }
      socket.once('end', gone)
      socket.once('error', gone)
      socket.once('close', () => {
        gone()
        held.delete(socket)
      })
    })
    const port = await listen(server)
    try {
      const targets = Array.from({length: 80}, (_, i) => url(port, `/k/${i}`))
      const results = await runProbes(targets, {concurrency: 5, timeoutMs: 1000})
      expect(maxOpen).toBeLessThanOrEqual(5)
      expect(results.filter((_r, i) => i % 4 === 0).every((r) => r.errorCode === 'TIMEOUT')).toBe(true)
    } finally {
      await shut(server, held)
    }
  })

  it('refuses bad targets before probing anything', async () => {
    for (const bad of ['ftp://x', 'tcp://127.0.0.1', 'tcp://127.0.0.1:70000', '', 'http//nope']) {
      const before = answeringRequests
      const error = await runProbes([url(answeringPort), bad]).catch((e: unknown) => e)
      expect(error, bad).toBeInstanceOf(InvalidInput)
      expect((error as InvalidInput).context).toMatchObject({field: 'probe', rule: 'NET-5'})
      expect(answeringRequests, `a request reached the good server with ${JSON.stringify(bad)}`).toBe(before)
    }
  })

  it('refuses a concurrency or timeout that is not a positive whole number', async () => {
    await expect(runProbes([url(answeringPort)], {concurrency: 0})).rejects.toBeInstanceOf(InvalidInput)
    await expect(runProbes([url(answeringPort)], {timeoutMs: -1})).rejects.toBeInstanceOf(InvalidInput)
    expect(await runProbes([])).toEqual([])
  })

  it('leaves no socket or timer behind', async () => {
    const count = () => {
      const active = process.getActiveResourcesInfo()
      return {TCPSocketWrap: active.filter((r) => r === 'TCPSocketWrap').length, Timeout: active.filter((r) => r === 'Timeout').length}
    }
    const serverSockets = [answeringSockets, silentHttpSockets, listenerSockets, selfSignedSockets, countingSockets]
    /** Waits (up to `ms`) until the servers hold no connection. */
    const serversIdle = async (ms: number) => {
      for (let waited = 0; waited < ms && serverSockets.some((set) => set.size > 0); waited += 10) await sleep(10)
      expect(serverSockets.map((set) => set.size)).toEqual([0, 0, 0, 0, 0])
    }

    // Earlier tests' connections may still be closing on the servers' side: not ours to count.
    await serversIdle(2000)
    const before = count()
    const results: ProbeResult[] = await runProbes(
      [
        url(answeringPort),
        url(answeringPort, '/fail'),
        url(silentHttpPort, '/hang'),
        `https://${HOST}:${selfSignedPort}/`,
        `https://${HOST}:${listenerPort}/`,
        `tcp://${HOST}:${listenerPort}`,
        `tcp://${HOST}:${refusedPort}`,
        url(refusedPort),
      ],
      {timeoutMs: 300, concurrency: 8},
    )
    expect(results.map((r) => r.errorCode ?? 'ok')).toEqual(['ok', 'HTTP_STATUS', 'TIMEOUT', 'SELF_SIGNED_CERT', 'TIMEOUT', 'ok', 'ECONNREFUSED', 'ECONNREFUSED'])

    // The servers see every probe connection close at once, so none is held open on the probe
    // side (loopback delivers the close in well under a millisecond; the bound is for a busy
    // machine, and well below undici's coarse ~0.5–1 s connect timer that would otherwise end
    // a socket still connecting)…
    await serversIdle(250)
    // …and the probes' own handles are gone once their close callbacks have run (a tick or
    // two); a socket or a timer left behind would never go away.
    let after = count()
    for (let waited = 0; waited < 1000 && (after.TCPSocketWrap > before.TCPSocketWrap || after.Timeout > before.Timeout); waited += 10) {
      await sleep(10)
      after = count()
    }
    expect(after.TCPSocketWrap).toBeLessThanOrEqual(before.TCPSocketWrap)
    expect(after.Timeout).toBeLessThanOrEqual(before.Timeout)
  })
})

/** runProbes for one target: its one result. */
async function probeOne(target: string, options?: Parameters<typeof runProbes>[1]): Promise<ProbeResult> {
  const results = await runProbes([target], options)
  expect(results).toHaveLength(1)
  return results[0]!
}
