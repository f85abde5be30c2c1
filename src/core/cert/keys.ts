import {createCipheriv, createHmac, createPrivateKey, createPublicKey, generateKeyPair, type KeyObject, pbkdf2Sync, randomBytes, webcrypto} from 'node:crypto'
import {promisify} from 'node:util'

import {InvalidInput} from '../errors.js'
import {children, content, int, nul, octets, oid, oidString, read, seq} from './der.js'

/**
 * Keys come from Node's own crypto (OpenSSL underneath): RSA and ECDSA P-256/P-384.
 * Signing is native too, through WebCrypto for certificates and crypto.sign for CRLs.
 * CERT-5 expects SM2/SM3 beside them; Node's OpenSSL build does not sign X.509 with SM2
 * yet, so the key kinds are a list here that can grow.
 */
export const KEY_SPECS = ['rsa-2048', 'rsa-3072', 'rsa-4096', 'ec-p256', 'ec-p384'] as const
export type KeySpec = (typeof KEY_SPECS)[number]

export function parseKeySpec(value: string, field = 'key'): KeySpec {
  const v = value.trim().toLowerCase()
  if (!(KEY_SPECS as readonly string[]).includes(v)) throw new InvalidInput('cert.badKeySpec', {field, value, allowed: KEY_SPECS.join(', ')}, {field, rule: 'CERT-5'})
  return v as KeySpec
}

const generate = promisify(generateKeyPair)

export async function generateKey(spec: KeySpec): Promise<{privateKey: KeyObject; publicKey: KeyObject}> {
  if (spec.startsWith('rsa-')) return generate('rsa', {modulusLength: Number(spec.slice(4))}) as Promise<{privateKey: KeyObject; publicKey: KeyObject}>
  return generate('ec', {namedCurve: spec === 'ec-p256' ? 'P-256' : 'P-384'}) as Promise<{privateKey: KeyObject; publicKey: KeyObject}>
}

/** The kind of a key someone else made (a CSR's, an imported certificate's). */
export function specOf(key: KeyObject): KeySpec | undefined {
  const d = key.asymmetricKeyDetails ?? {}
  if (key.asymmetricKeyType === 'rsa') {
    const spec = `rsa-${d.modulusLength}`
    return (KEY_SPECS as readonly string[]).includes(spec) ? (spec as KeySpec) : undefined
  }
  if (key.asymmetricKeyType === 'ec') return d.namedCurve === 'prime256v1' ? 'ec-p256' : d.namedCurve === 'secp384r1' ? 'ec-p384' : undefined
  return undefined
}

/** The digest that goes with a key: SHA-384 for P-384, SHA-256 otherwise. */
export const hashOf = (spec: KeySpec) => (spec === 'ec-p384' ? 'SHA-384' : 'SHA-256')

export function webAlgorithm(spec: KeySpec): {name: string; hash: string; namedCurve?: string} {
  if (spec.startsWith('rsa-')) return {name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256'}
  return {name: 'ECDSA', namedCurve: spec === 'ec-p256' ? 'P-256' : 'P-384', hash: hashOf(spec)}
}

export async function signingKey(key: KeyObject, spec: KeySpec): Promise<webcrypto.CryptoKey> {
  return webcrypto.subtle.importKey('pkcs8', key.export({type: 'pkcs8', format: 'der'}), webAlgorithm(spec), false, ['sign'])
}

export async function publicCryptoKey(key: KeyObject, spec: KeySpec): Promise<webcrypto.CryptoKey> {
  return webcrypto.subtle.importKey('spki', key.export({type: 'spki', format: 'der'}), webAlgorithm(spec), true, ['verify'])
}

export const MIN_SECRET = 8

/** Passphrases and PKCS#12 passwords: at least 8 characters (CERT-2: a password worth changing to). */
export function checkSecret(secret: string, field: string): string {
  if ([...secret].length < MIN_SECRET) throw new InvalidInput('cert.weakSecret', {field, min: MIN_SECRET}, {field, rule: 'CERT-2'})
  return secret
}

/** PKCS#8, encrypted with AES-256-CBC under a PBKDF2-derived key: what OpenSSL calls an ENCRYPTED PRIVATE KEY. */
export function encryptKey(key: KeyObject, passphrase: string): string {
  return key.export({type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase}) as string
}

export function decryptKey(pem: string, passphrase: string, field = 'passphrase'): KeyObject {
  try {
    return createPrivateKey({key: pem, format: 'pem', passphrase})
  } catch {
    throw new InvalidInput('cert.wrongPassphrase', {field}, {field})
  }
}

export function publicKeyOf(privateKey: KeyObject): KeyObject {
  return createPublicKey(privateKey)
}

// ---------------------------------------------------------------- the CA key at rest

/**
 * The CA key's wrap: PKCS#8 in PBES2 with PBKDF2-HMAC-SHA256 at 600,000 iterations (OWASP's
 * figure for PBKDF2-SHA256, 2023) and AES-256-CBC — still an ENCRYPTED PRIVATE KEY that
 * `openssl pkey -passin` and Node decrypt as before. Node's own export uses 2,048 iterations
 * and cannot be told otherwise, so the structure is written here.
 */
export const CA_KDF_ITERATIONS = 600_000

const OIDS = {pbes2: '1.2.840.113549.1.5.13', pbkdf2: '1.2.840.113549.1.5.12', hmacSha256: '1.2.840.113549.2.9', aes256cbc: '2.16.840.1.101.3.4.1.42'}

export function encryptKeyStrong(key: KeyObject, passphrase: string, iterations = CA_KDF_ITERATIONS): string {
  const salt = randomBytes(16)
  const iv = randomBytes(16)
  const kek = pbkdf2Sync(Buffer.from(passphrase, 'utf8'), salt, iterations, 32, 'sha256')
  const cipher = createCipheriv('aes-256-cbc', kek, iv)
  const encrypted = Buffer.concat([cipher.update(key.export({type: 'pkcs8', format: 'der'})), cipher.final()])
  const params = seq(seq(oid(OIDS.pbkdf2), seq(octets(salt), int(iterations), seq(oid(OIDS.hmacSha256), nul()))), seq(oid(OIDS.aes256cbc), octets(iv)))
  const der = seq(seq(oid(OIDS.pbes2), params), octets(encrypted))
  return `-----BEGIN ENCRYPTED PRIVATE KEY-----\n${der.toString('base64').replace(/.{1,64}/g, '$&\n')}-----END ENCRYPTED PRIVATE KEY-----\n`
}

/** The KDF of an encrypted PKCS#8 PEM: PBKDF2 with its iteration count and PRF, scrypt, or another (PKCS#5 v1, PKCS#12 PBE). */
export function kdfOf(pem: string): {kdf: 'pbkdf2' | 'scrypt' | 'other'; iterations?: number; prf?: string} {
  try {
    const m = /-----BEGIN ENCRYPTED PRIVATE KEY-----([\s\S]*?)-----END/.exec(pem)
    if (!m) return {kdf: 'other'}
    const der = Buffer.from(m[1].replace(/\s+/g, ''), 'base64')
    const [alg] = children(der, read(der))
    const [algOid, params] = children(der, alg)
    if (oidString(content(der, algOid)) !== OIDS.pbes2) return {kdf: 'other'}
    const [kdf] = children(der, params)
    const [kdfOid, kdfParams] = children(der, kdf)
    const name = oidString(content(der, kdfOid))
    if (name === '1.3.6.1.4.1.11591.4.11') return {kdf: 'scrypt'}
    if (name !== OIDS.pbkdf2) return {kdf: 'other'}
    const fields = children(der, kdfParams)
    const iterations = Number(BigInt('0x' + (content(der, fields[1]).toString('hex') || '0')))
    const prfNode = fields.slice(2).find((f) => f.tag === 0x30)
    const prf = prfNode ? oidString(content(der, children(der, prfNode)[0])) : '1.2.840.113549.2.7'
    return {kdf: 'pbkdf2', iterations, prf: prf === OIDS.hmacSha256 ? 'hmacWithSHA256' : prf === '1.2.840.113549.2.7' ? 'hmacWithSHA1' : prf}
  } catch {
    return {kdf: 'other'}
  }
}

/** Whether a CA key's wrap is below today's strength and should be re-wrapped at its next unlock. */
export function weakWrap(pem: string): boolean {
  const k = kdfOf(pem)
  if (k.kdf === 'scrypt') return false
  return !(k.kdf === 'pbkdf2' && k.prf === 'hmacWithSHA256' && (k.iterations ?? 0) >= CA_KDF_ITERATIONS)
}

// ---------------------------------------------------------------- holder keys awaiting delivery

/**
 * A key egov generated for a holder is kept only until its one delivery (PKCS#12), then
 * destroyed. Meanwhile it is wrapped under a secret derived from the CA private key itself
 * (HMAC-SHA256 of its PKCS#8 with a fixed label), not under the CA passphrase: a weak wrap
 * of a holder key would otherwise be a cheap place to guess the passphrase that protects the
 * CA key. Unwrapping therefore needs the CA key unlocked, as before; keys wrapped the old way
 * (under the passphrase) are still read.
 */
export function holderWrapSecret(caKey: KeyObject): string {
  return createHmac('sha256', caKey.export({type: 'pkcs8', format: 'der'})).update('egov holder key wrap v1').digest('base64')
}

export function wrapHolderKey(key: KeyObject, caKey: KeyObject): string {
  return encryptKey(key, holderWrapSecret(caKey))
}

export function unwrapHolderKey(pem: string, caKey: KeyObject, passphrase: string): KeyObject {
  try {
    return createPrivateKey({key: pem, format: 'pem', passphrase: holderWrapSecret(caKey)})
  } catch {
    return decryptKey(pem, passphrase, 'passphrase')
  }
}
