import {createHash} from 'node:crypto'
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'

import type {Kysely} from '#kysely'

import {InvalidInput} from '../errors.js'
import {type Database, type Reader, readerDb} from '../store/index.js'
import {REASON_CODES, signatureAlgorithm} from './crl.js'
import {atLeast, bitString, certParts, children, content, explicit, type Node, octets, oid, oidString, read, seq, tlv, whole} from './der.js'
import {signBytes} from './keys.js'
import type {Signer} from './x509.js'

/**
 * An OCSP responder (RFC 6960) for the certificates this CA issued: good, revoked (with its
 * time and reason; a hold is revoked with certificateHold) or unknown, read from the
 * inventory at each request, so a revocation approved a second ago is answered at once.
 * Responses are signed by the CA key itself (RFC 6960 2.2: the CA that issued the
 * certificate may sign), so relying parties need nothing but the CA certificate; the
 * passphrase is asked once, when the responder starts. The responderID is byKey, a nonce
 * in the request is echoed, and each response is valid until the CA's current CRL's next
 * update. A request egov cannot parse gets HTTP 400 with the status malformedRequest.
 */

const OID = {
  basic: '1.3.6.1.5.5.7.48.1.1',
  nonce: '1.3.6.1.5.5.7.48.1.2',
}

const HASHES: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
}

/** OCSPResponseStatus (RFC 6960 4.2.1). */
export const OCSP_STATUS = {successful: 0, malformedRequest: 1, internalError: 2, tryLater: 3, sigRequired: 5, unauthorized: 6} as const

export class MalformedOcspRequest extends Error {}

export interface CertId {
  /** The whole CertID, DER, echoed in the answer. */
  der: Buffer
  hash: string | undefined
  issuerNameHash: Buffer
  issuerKeyHash: Buffer
  /** Serial, hex, no leading zeros. */
  serial: string
}

export interface OcspRequest {
  ids: CertId[]
  /** The nonce extension, DER, as the client sent it. */
  nonce?: Buffer
}

function expect(node: Node | undefined, tag: number): Node {
  if (node?.tag !== tag) throw new MalformedOcspRequest(`expected tag ${tag.toString(16)}`)
  return node
}

export function parseOcspRequest(der: Buffer): OcspRequest {
  try {
    const top = expect(read(der), 0x30)
    if (top.end !== der.length) throw new MalformedOcspRequest('trailing bytes')
    const tbs = expect(children(der, top)[0], 0x30)
    const fields = children(der, tbs)
    let i = 0
    if (fields[i]?.tag === 0xa0) i++ // version
    if (fields[i]?.tag === 0xa1) i++ // requestorName
    const list = expect(fields[i++], 0x30)
    const ids: CertId[] = children(der, list).map((request) => {
      const certId = expect(children(der, expect(request, 0x30))[0], 0x30)
      const [alg, nameHash, keyHash, serial] = children(der, certId)
      const algOid = expect(children(der, expect(alg, 0x30))[0], 0x06)
      return {
        der: whole(der, certId),
        hash: HASHES[oidString(content(der, algOid))],
        issuerNameHash: Buffer.from(content(der, expect(nameHash, 0x04))),
        issuerKeyHash: Buffer.from(content(der, expect(keyHash, 0x04))),
        serial: content(der, expect(serial, 0x02))
          .toString('hex')
          .replace(/^0+(?=.)/, ''),
      }
    })
    if (!ids.length) throw new MalformedOcspRequest('no request')
    let nonce: Buffer | undefined
    const ext = fields[i]
    if (ext?.tag === 0xa2) {
      for (const e of children(der, expect(children(der, ext)[0], 0x30))) {
        const parts = children(der, expect(e, 0x30))
        if (oidString(content(der, expect(parts[0], 0x06))) === OID.nonce) nonce = Buffer.from(whole(der, e))
      }
    }
    return {ids, nonce}
  } catch (error) {
    if (error instanceof MalformedOcspRequest) throw error
    throw new MalformedOcspRequest((error as Error).message)
  }
}

export function statusOnly(status: number): Buffer {
  return seq(tlv(0x0a, Buffer.from([status])))
}

function generalizedTime(d: Date): Buffer {
  return tlv(
    0x18,
    Buffer.from(
      d
        .toISOString()
        .replace(/[-:T]/g, '')
        .replace(/\.\d+Z$/, 'Z'),
      'latin1',
    ),
  )
}

export type OcspAnswer = {status: 'good'} | {status: 'revoked'; revokedAt: Date; reason: keyof typeof REASON_CODES} | {status: 'unknown'}

/** What the inventory says of one serial this CA issued. */
export async function lookup(db: Kysely<Database>, serial: string): Promise<OcspAnswer> {
  const rows = await db
    .selectFrom('cert_certs')
    .select(['status', 'revoked_at', 'reason'])
    .where('source', '=', 'issued')
    .where('serial', 'in', [serial, `0${serial}`, `00${serial}`])
    .execute()
  const row = rows[0]
  if (!row) return {status: 'unknown'}
  if (row.status === 'revoked') return {status: 'revoked', revokedAt: new Date(row.revoked_at ?? 0), reason: (row.reason ?? 'unspecified') as keyof typeof REASON_CODES}
  if (row.status === 'hold') return {status: 'revoked', revokedAt: new Date(row.revoked_at ?? 0), reason: 'certificateHold'}
  return {status: 'good'}
}

export interface Responder {
  signer: Signer
  /** The CA's public key, the BIT STRING's value: what issuerKeyHash and byKey hash. */
  publicKey: Buffer
  nextUpdate: () => Promise<Date | undefined>
  lookup: (serial: string) => Promise<OcspAnswer>
}

export function caPublicKeyBits(certDer: Buffer): Buffer {
  const spki = certParts(certDer).spki
  const [, bits] = atLeast(children(spki, read(spki)), 2)
  return content(spki, bits).subarray(1)
}

/** A signed BasicOCSPResponse inside an OCSPResponse, for a parsed request. */
export async function respond(r: Responder, request: OcspRequest, at = new Date()): Promise<Buffer> {
  const nextUpdate = await r.nextUpdate()
  const singles: Buffer[] = []
  for (const id of request.ids) {
    let answer: OcspAnswer = {status: 'unknown'}
    if (id.hash) {
      const ours = createHash(id.hash).update(r.signer.subjectDer).digest().equals(id.issuerNameHash) && createHash(id.hash).update(r.publicKey).digest().equals(id.issuerKeyHash)
      if (ours) answer = await r.lookup(id.serial)
    }
    let certStatus: Buffer
    if (answer.status === 'good') certStatus = Buffer.from([0x80, 0x00])
    else if (answer.status === 'unknown') certStatus = Buffer.from([0x82, 0x00])
    else {
      const code = REASON_CODES[answer.reason] ?? 0
      certStatus = tlv(0xa1, [generalizedTime(answer.revokedAt), explicit(0, tlv(0x0a, Buffer.from([code])))])
    }
    const parts = [id.der, certStatus, generalizedTime(at)]
    if (nextUpdate && nextUpdate > at) parts.push(explicit(0, generalizedTime(nextUpdate)))
    singles.push(seq(...parts))
  }
  const responderId = tlv(0xa2, octets(createHash('sha1').update(r.publicKey).digest()))
  const data = [responderId, generalizedTime(at), seq(...singles)]
  if (request.nonce) data.push(explicit(1, seq(request.nonce)))
  const tbs = seq(...data)
  const signature = signBytes(r.signer.spec, tbs, r.signer.key)
  const basic = seq(tbs, signatureAlgorithm(r.signer.spec), bitString(signature))
  return seq(tlv(0x0a, Buffer.from([OCSP_STATUS.successful])), explicit(0, seq(oid(OID.basic), octets(basic))))
}

const MAX_REQUEST = 64 * 1024

function body(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > MAX_REQUEST) {
        reject(new MalformedOcspRequest('too large'))
        req.destroy()
      } else chunks.push(c)
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

/** The DER of a request: a POST's body, or a GET's last path segment, base64 (RFC 6960 A.1), URL-encoded. */
async function requestDer(req: IncomingMessage): Promise<Buffer> {
  if (req.method === 'POST') return body(req)
  const path = (req.url ?? '/').split('?')[0] ?? ''
  let last: string
  try {
    last = decodeURIComponent(path.slice(path.lastIndexOf('/') + 1))
  } catch {
    throw new MalformedOcspRequest('bad URL encoding')
  }
  if (!last || !/^[A-Za-z0-9+/=_-]+$/.test(last)) throw new MalformedOcspRequest('no request in the path')
  return Buffer.from(last.replace(/-/g, '+').replace(/_/g, '/'), 'base64')
}

export interface OcspServer {
  server: Server
  url: string
  answered: () => number
  close: () => Promise<void>
}

export function checkPort(value: number | string): number {
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidInput('cert.badPort', {value: String(value)}, {field: 'port'})
  return port
}

/** Starts the responder; resolves once it listens. */
export function serveOcsp(responders: Responder | Responder[], options: {host: string; port: number; onError?: (error: Error) => void}): Promise<OcspServer> {
  let count = 0
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const send = (http: number, der: Buffer) => {
      res.writeHead(http, {'content-type': 'application/ocsp-response', 'content-length': der.length, 'cache-control': 'no-cache'})
      res.end(der)
    }
    if (req.method !== 'GET' && req.method !== 'POST') {
      res.writeHead(405, {allow: 'GET, POST'})
      res.end()
      return
    }
    requestDer(req)
      .then((der) => {
        const request = parseOcspRequest(der)
        return respond(pickResponder(responders, request), request)
      })
      .then((der) => {
        count++
        send(200, der)
      })
      .catch((error: unknown) => {
        if (error instanceof MalformedOcspRequest) send(400, statusOnly(OCSP_STATUS.malformedRequest))
        else {
          options.onError?.(error instanceof Error ? error : new Error(String(error)))
          send(500, statusOnly(OCSP_STATUS.internalError))
        }
      })
  })
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(new InvalidInput('cert.ocspBind', {host: options.host, port: options.port, reason: error.code ?? error.message}, {field: 'host'})))
    server.listen(options.port, options.host, () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : options.port
      const host = options.host.includes(':') ? `[${options.host}]` : options.host
      resolve({
        server,
        url: `http://${host}:${port}`,
        answered: () => count,
        close: () =>
          new Promise((done) => {
            server.close(() => done())
            server.closeAllConnections()
          }),
      })
    })
  })
}

/**
 * The responder whose CA the request asks about (its first certificate's issuer name and key
 * hashes): after a rollover the retired CA answers for what it issued, signing with its key.
 */
export function pickResponder(responders: Responder | Responder[], request: OcspRequest): Responder {
  const list = Array.isArray(responders) ? responders : [responders]
  const first = list[0]
  if (!first) throw new Error('OCSP: no responder')
  const id = request.ids[0]
  const hash = id?.hash
  if (!id || !hash) return first
  const mine = (r: Responder) => createHash(hash).update(r.signer.subjectDer).digest().equals(id.issuerNameHash) && createHash(hash).update(r.publicKey).digest().equals(id.issuerKeyHash)
  return list.find(mine) ?? first
}

/** One responder per CA: the one signing today, then those a rollover retired that have not expired. */
export async function caResponders(from: Reader, passphrase: string): Promise<Responder[]> {
  const db = readerDb(from)
  const {loadSigner} = await import('./ca.js')
  const rows = await db.selectFrom('cert_ca').select(['id', 'not_after']).orderBy('id').execute()
  const out: Responder[] = []
  for (const row of rows) {
    if (Number(row.id) !== 1 && new Date(row.not_after) <= new Date()) continue
    const signer = await loadSigner(db, passphrase, undefined, Number(row.id))
    out.push({
      signer,
      publicKey: caPublicKeyBits(signer.certDer),
      lookup: (serial) => lookup(db, serial),
      async nextUpdate() {
        const r = await db.selectFrom('cert_ca').select('crl_next_update').where('id', '=', Number(row.id)).executeTakeFirst()
        return r?.crl_next_update ? new Date(r.crl_next_update) : undefined
      },
    })
  }
  return out
}

/** The responder for this database's CA: its key unlocked once (the passphrase), the inventory read per request. */
export async function caResponder(db: Kysely<Database>, passphrase: string): Promise<Responder> {
  const {loadSigner} = await import('./ca.js')
  const signer = await loadSigner(db, passphrase)
  return {
    signer,
    publicKey: caPublicKeyBits(signer.certDer),
    lookup: (serial) => lookup(db, serial),
    async nextUpdate() {
      const row = await db.selectFrom('cert_ca').select('crl_next_update').where('id', '=', 1).executeTakeFirst()
      return row?.crl_next_update ? new Date(row.crl_next_update) : undefined
    },
  }
}
