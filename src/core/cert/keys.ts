import {createPrivateKey, createPublicKey, generateKeyPair, type KeyObject, webcrypto} from 'node:crypto'
import {promisify} from 'node:util'

import {InvalidInput} from '../errors.js'

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
