import {createECDH, createHash, type KeyObject, randomBytes} from 'node:crypto'

import {atLeast, children, content, int, oidString, read, seq} from './der.js'

/**
 * SM2 signatures (GB/T 32918.2-2016) with SM3 (GB/T 32905-2016), CERT-5.
 *
 * Node's OpenSSL generates SM2 keys and hashes with SM3, but `crypto.sign('sm3', …)` on an
 * SM2 key signs plain ECDSA over the SM2 curve, and no Node API takes the distinguishing
 * identifier. So the scheme is written here: Z = SM3(ENTL‖ID‖a‖b‖xG‖yG‖xA‖yA), e = SM3(Z‖M),
 * (x1, y1) = [k]G, r = (e + x1) mod n, s = (1 + d)⁻¹(k − r·d) mod n, DER SEQUENCE {r, s}
 * (GM/T 0009). [k]G, the costly part of signing, is OpenSSL's (an ECDH key's public point);
 * verification adds [s]G and [t]P with BigInt Jacobian arithmetic here.
 *
 * The identifier is GM/T 0009's default, 1234567812345678, unless one is given: the one
 * `openssl … -sigopt distid:1234567812345678` / `-vfyopt distid:1234567812345678` name.
 */
export const SM2_DEFAULT_ID = '1234567812345678'

/** SM2-with-SM3 (GM/T 0006), the signature algorithm of GM/T 0015 certificates: no parameters. */
export const SM2_WITH_SM3 = '1.2.156.10197.1.501'
/** The SM2 curve (sm2p256v1), the parameters of an id-ecPublicKey. */
export const SM2_CURVE = '1.2.156.10197.1.301'
const EC_PUBLIC_KEY = '1.2.840.10045.2.1'

const P = 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn
const A = 0xfffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffcn
const B = 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n
const N = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n
const GX = 0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7n
const GY = 0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0n

const mod = (a: bigint, m: bigint) => {
  const r = a % m
  return r < 0n ? r + m : r
}

/** a⁻¹ mod m (m prime, a ≠ 0), by the extended Euclidean algorithm. */
function inverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [mod(a, m), m]
  let [oldS, s] = [1n, 0n]
  while (r !== 0n) {
    const q = oldR / r
    ;[oldR, r] = [r, oldR - q * r]
    ;[oldS, s] = [s, oldS - q * s]
  }
  return mod(oldS, m)
}

const big = (b: Buffer) => (b.length ? BigInt('0x' + b.toString('hex')) : 0n)
const bytes32 = (v: bigint) => Buffer.from(v.toString(16).padStart(64, '0'), 'hex')

export interface Point {
  x: bigint
  y: bigint
}

// ---------------------------------------------------------------- curve arithmetic (verification)

type Jacobian = [bigint, bigint, bigint]
const INFINITY: Jacobian = [1n, 1n, 0n]

/** Doubling in Jacobian coordinates for a = −3 (dbl-2001-b). */
function double([x, y, z]: Jacobian): Jacobian {
  if (z === 0n || y === 0n) return INFINITY
  const delta = mod(z * z, P)
  const gamma = mod(y * y, P)
  const beta = mod(x * gamma, P)
  const alpha = mod(3n * (x - delta) * (x + delta), P)
  const x3 = mod(alpha * alpha - 8n * beta, P)
  const z3 = mod((y + z) * (y + z) - gamma - delta, P)
  const y3 = mod(alpha * (4n * beta - x3) - 8n * gamma * gamma, P)
  return [x3, y3, z3]
}

function add(p: Jacobian, q: Jacobian): Jacobian {
  if (p[2] === 0n) return q
  if (q[2] === 0n) return p
  const [x1, y1, z1] = p
  const [x2, y2, z2] = q
  const z1z1 = mod(z1 * z1, P)
  const z2z2 = mod(z2 * z2, P)
  const u1 = mod(x1 * z2z2, P)
  const u2 = mod(x2 * z1z1, P)
  const s1 = mod(y1 * z2 * z2z2, P)
  const s2 = mod(y2 * z1 * z1z1, P)
  const h = mod(u2 - u1, P)
  const r = mod(s2 - s1, P)
  if (h === 0n) return r === 0n ? double(p) : INFINITY
  const h2 = mod(h * h, P)
  const h3 = mod(h * h2, P)
  const u1h2 = mod(u1 * h2, P)
  const x3 = mod(r * r - h3 - 2n * u1h2, P)
  const y3 = mod(r * (u1h2 - x3) - s1 * h3, P)
  return [x3, y3, mod(z1 * z2 * h, P)]
}

function multiply(k: bigint, point: Point): Jacobian {
  let result = INFINITY
  const base: Jacobian = [point.x, point.y, 1n]
  for (let i = k.toString(2), j = 0; j < i.length; j++) {
    result = double(result)
    if (i[j] === '1') result = add(result, base)
  }
  return result
}

function affine([x, y, z]: Jacobian): Point | undefined {
  if (z === 0n) return undefined
  const zi = inverse(z, P)
  const zi2 = mod(zi * zi, P)
  return {x: mod(x * zi2, P), y: mod(y * zi2 * zi, P)}
}

const onCurve = ({x, y}: Point) => x < P && y < P && mod(y * y - (x * x * x + A * x + B), P) === 0n

/** [k]G through OpenSSL: an ECDH key's public point is its private scalar times the generator. */
function baseMultiply(k: bigint): Point {
  const ecdh = createECDH('SM2')
  ecdh.setPrivateKey(bytes32(k))
  const pub = ecdh.getPublicKey()
  return {x: big(pub.subarray(1, 33)), y: big(pub.subarray(33, 65))}
}

// ---------------------------------------------------------------- keys

/** Whether an SPKI (DER) is an SM2 key: id-ecPublicKey on the SM2 curve, or the SM2 key OID itself. */
export function isSm2Spki(spki: Buffer): boolean {
  try {
    const [alg] = atLeast(children(spki, read(spki)), 1)
    const [algOid, params] = atLeast(children(spki, alg), 1)
    const name = oidString(content(spki, algOid))
    if (name === SM2_CURVE) return true
    return name === EC_PUBLIC_KEY && params?.tag === 0x06 && oidString(content(spki, params)) === SM2_CURVE
  } catch {
    return false
  }
}

/** The public point of an SM2 SPKI (uncompressed, or compressed: p ≡ 3 mod 4, so a square root is one power). */
export function publicPoint(spki: Buffer): Point {
  const [, bits] = atLeast(children(spki, read(spki)), 2)
  const raw = content(spki, bits).subarray(1)
  let point: Point
  if (raw[0] === 0x04 && raw.length === 65) point = {x: big(raw.subarray(1, 33)), y: big(raw.subarray(33))}
  else if ((raw[0] === 0x02 || raw[0] === 0x03) && raw.length === 33) {
    const x = big(raw.subarray(1))
    let y = modPow(mod(x * x * x + A * x + B, P), (P + 1n) / 4n, P)
    if ((y & 1n) !== BigInt(raw[0] & 1)) y = P - y
    point = {x, y}
  } else throw new Error('SM2: not an EC point')
  if (!onCurve(point)) throw new Error('SM2: the point is not on the curve')
  return point
}

function modPow(base: bigint, exp: bigint, m: bigint): bigint {
  let result = 1n
  let b = mod(base, m)
  for (let e = exp; e > 0n; e >>= 1n) {
    if (e & 1n) result = mod(result * b, m)
    b = mod(b * b, m)
  }
  return result
}

interface PrivateParts {
  d: bigint
  /** (1 + d)⁻¹ mod n, used by every signature. */
  inv1d: bigint
  point: Point
}

const privateCache = new WeakMap<KeyObject, PrivateParts>()

/** d and its public point, read from the key's PKCS#8 (ECPrivateKey inside), once per key object. */
function privateParts(key: KeyObject): PrivateParts {
  const cached = privateCache.get(key)
  if (cached) return cached
  const der = key.export({type: 'pkcs8', format: 'der'})
  const [, , keyOctets] = atLeast(children(der, read(der)), 3)
  const inner = content(der, keyOctets)
  const [, dNode] = atLeast(children(inner, read(inner)), 2)
  const d = big(content(inner, dNode))
  if (d <= 0n || d >= N - 1n) throw new Error('SM2: private key out of range')
  const parts = {d, inv1d: inverse(1n + d, N), point: baseMultiply(d)}
  privateCache.set(key, parts)
  return parts
}

// ---------------------------------------------------------------- Z, sign, verify

/** Z_A = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA) (GB/T 32918.2 5.5). */
export function zValue(point: Point, id = SM2_DEFAULT_ID): Buffer {
  const idBytes = Buffer.from(id, 'utf8')
  const entl = Buffer.alloc(2)
  entl.writeUInt16BE(idBytes.length * 8)
  return createHash('sm3')
    .update(Buffer.concat([entl, idBytes, bytes32(A), bytes32(B), bytes32(GX), bytes32(GY), bytes32(point.x), bytes32(point.y)]))
    .digest()
}

const digest = (point: Point, message: Buffer, id: string) => big(createHash('sm3').update(zValue(point, id)).update(message).digest())

/** An SM2 signature of `message` (the bytes signed, not a hash), DER SEQUENCE {r, s}. */
export function sm2Sign(message: Buffer, key: KeyObject, id = SM2_DEFAULT_ID): Buffer {
  const {d, inv1d, point} = privateParts(key)
  const e = digest(point, message, id)
  for (;;) {
    const k = mod(big(randomBytes(40)), N - 1n) + 1n
    const r = mod(e + baseMultiply(k).x, N)
    if (r === 0n || r + k === N) continue
    const s = mod(inv1d * (k - r * d), N)
    if (s === 0n) continue
    return seq(int(r), int(s))
  }
}

/** Whether `signature` (DER SEQUENCE {r, s}) is an SM2 signature of `message` by the key of `spki`. */
export function sm2Verify(message: Buffer, signature: Buffer, spki: Buffer | Point, id = SM2_DEFAULT_ID): boolean {
  try {
    const point = Buffer.isBuffer(spki) ? publicPoint(spki) : spki
    const top = read(signature)
    if (top.tag !== 0x30 || top.end !== signature.length) return false
    const fields = children(signature, top)
    if (fields.length !== 2 || fields.some((f) => f.tag !== 0x02)) return false
    const [r, s] = atLeast(
      fields.map((f) => big(content(signature, f))),
      2,
    )
    if (r < 1n || r >= N || s < 1n || s >= N) return false
    const t = mod(r + s, N)
    if (t === 0n) return false
    const sG = baseMultiply(s)
    const sum = affine(add([sG.x, sG.y, 1n], multiply(t, point)))
    if (!sum) return false
    return mod(digest(point, message, id) + sum.x, N) === r
  } catch {
    return false
  }
}

/** An SM2 public key's point, for signing with a key object (the signer's own). */
export function sm2PublicPoint(key: KeyObject): Point {
  return privateParts(key).point
}
