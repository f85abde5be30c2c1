import {createHash, createHmac, createPrivateKey, type KeyObject, randomBytes} from 'node:crypto'
import {createRequire} from 'node:module'

import {bmpString, explicit, int, nul, octets, oid, seq, set} from './der.js'

type Forge = typeof import('node-forge')
let forgeLib: Forge | undefined
function forge(): Forge {
  return (forgeLib ??= createRequire(import.meta.url)('node-forge') as Forge)
}

const OID = {
  data: '1.2.840.113549.1.7.1',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
}

const MAC_ITERATIONS = 2048

/** The cipher of the key bag's PBES2: AES-256-CBC, or SM4-CBC for SM2 keys (GB/T 32907). */
export type Pkcs12Cipher = 'aes-256-cbc' | 'sm4-cbc'

const data = (content: Buffer) => seq(oid(OID.data), explicit(0, octets(content)))

/**
 * A PKCS#12 file holding one key and its certificate chain, for RSA and EC keys alike
 * (node-forge's own builder takes RSA keys only).
 *
 * - default: the key as PKCS#8 encrypted with PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) by
 *   Node's crypto, MAC HMAC-SHA256: what OpenSSL 3 writes and Windows 10 1709+ reads.
 * - legacy: the key encrypted with pbeWithSHAAnd3-KeyTripleDES-CBC (by node-forge's PKCS#12
 *   key derivation) and MAC HMAC-SHA1, which older Windows and USB-key tools need.
 * - sm4-cbc (an SM2 key, CERT-5): the same PBES2 with SM4-CBC (1.2.156.10197.1.104.2) in place
 *   of AES-256-CBC, which `openssl pkcs12` 3.0 reads; the MAC stays HMAC-SHA256.
 * Certificates are public and travel unencrypted in a data bag, as most tools expect.
 */
export function buildPkcs12(key: KeyObject, chain: Buffer[], password: string, options: {legacy?: boolean; friendlyName?: string; cipher?: Pkcs12Cipher} = {}): Buffer {
  const [leaf] = chain
  if (!leaf) throw new Error('PKCS#12: no certificate to hold')
  const f = forge()
  const pkcs8 = key.export({type: 'pkcs8', format: 'der'})
  let encrypted: Buffer
  if (options.legacy) {
    const info = f.asn1.fromDer(f.util.createBuffer(pkcs8.toString('binary')))
    const enc = f.pki.encryptPrivateKeyInfo(info, password, {algorithm: '3des', count: MAC_ITERATIONS, saltSize: 8})
    encrypted = Buffer.from(f.asn1.toDer(enc).getBytes(), 'binary')
  } else {
    encrypted = createPrivateKey({key: pkcs8, format: 'der', type: 'pkcs8'}).export({type: 'pkcs8', format: 'der', cipher: options.cipher ?? 'aes-256-cbc', passphrase: password})
  }
  const localKeyId = createHash('sha1').update(leaf).digest()
  const attrs = (withName: boolean) =>
    set(...(withName && options.friendlyName ? [seq(oid(OID.friendlyName), set(bmpString(options.friendlyName)))] : []), seq(oid(OID.localKeyId), set(octets(localKeyId))))
  const keyBag = seq(oid(OID.shroudedKeyBag), explicit(0, encrypted), attrs(true))
  const certBags = chain.map((der, i) => {
    const bag = seq(oid(OID.x509Certificate), explicit(0, octets(der)))
    return i === 0 ? seq(oid(OID.certBag), explicit(0, bag), attrs(true)) : seq(oid(OID.certBag), explicit(0, bag))
  })
  const authSafe = seq(data(seq(...certBags)), data(seq(keyBag)))
  const salt = randomBytes(options.legacy ? 8 : 16)
  const md = options.legacy ? 'sha1' : 'sha256'
  const macKey = Buffer.from(
    f.pkcs12.generateKey(password, f.util.createBuffer(salt.toString('binary')), 3, MAC_ITERATIONS, options.legacy ? 20 : 32, options.legacy ? f.md.sha1.create() : f.md.sha256.create()).getBytes(),
    'binary',
  )
  const mac = createHmac(md, macKey).update(authSafe).digest()
  const macData = seq(seq(seq(oid(options.legacy ? OID.sha1 : OID.sha256), nul()), octets(mac)), octets(salt), int(MAC_ITERATIONS))
  return seq(int(3), data(authSafe), macData)
}

/** What a PKCS#12 file holds: certificates (DER) and the first key, if any. Used by import. */
export function readPkcs12(file: Buffer, password: string): {certs: Buffer[]; key?: KeyObject} {
  const f = forge()
  const p12 = f.pkcs12.pkcs12FromAsn1(f.asn1.fromDer(f.util.createBuffer(file.toString('binary'))), password)
  const certs: Buffer[] = []
  for (const bag of p12.getBags({bagType: OID.certBag})[OID.certBag] ?? []) {
    if (bag.cert) certs.push(Buffer.from(f.asn1.toDer(f.pki.certificateToAsn1(bag.cert)).getBytes(), 'binary'))
    else if (bag.asn1) certs.push(Buffer.from(f.asn1.toDer(bag.asn1).getBytes(), 'binary'))
  }
  return {certs}
}
