import {createHash, type KeyObject, randomBytes, webcrypto} from 'node:crypto'

import {signatureAlgorithm} from './crl.js'
import {atLeast, bitString, certParts, children, content, oidString, read, seq, tlv, whole} from './der.js'
import {hashOf, type KeySpec, signingKey} from './keys.js'
import type {Profile} from './profiles.js'
import {SM2_WITH_SM3, sm2Sign, sm2Verify} from './sm2.js'

/**
 * Certificates, CSRs through @peculiar/x509 (loaded on first use: listing the inventory
 * never pays for it), signed natively through Node's WebCrypto.
 */
type X509 = typeof import('@peculiar/x509')
let loaded: X509 | undefined

export async function x509(): Promise<X509> {
  if (!loaded) {
    // tsyringe, which @peculiar/x509 uses inside, needs the Reflect metadata API first.
    await import('reflect-metadata')
    loaded = await import('@peculiar/x509')
    loaded.cryptoProvider.set(webcrypto as unknown as Parameters<X509['cryptoProvider']['set']>[0])
  }
  return loaded
}

/** The signer of certificates and CRLs: the CA's certificate and its decrypted key. */
export interface Signer {
  certDer: Buffer
  /** The CA's subject, DER, copied byte for byte into issuer fields. */
  subjectDer: Buffer
  /** Subject key identifier of the CA, for authority key identifiers. */
  keyId: Buffer
  key: KeyObject
  spec: KeySpec
  /** The same key as a WebCrypto key, imported once. */
  webKey?: webcrypto.CryptoKey
  /** Where relying parties fetch the CRL; written into each certificate issued. */
  crlUrl?: string
  /** Where the signer's own certificate is published: AIA caIssuers (1.3.6.1.5.5.7.48.2) in each certificate issued. */
  caUrl?: string
}

export async function makeSigner(certDer: Buffer, key: KeyObject, spec: KeySpec): Promise<Signer> {
  const parts = certParts(certDer)
  const ski = parts.extensions.get('2.5.29.14')
  return {certDer, subjectDer: parts.subject, keyId: ski ? content(ski, read(ski)) : keyIdentifier(parts.spki), key, spec, webKey: spec === 'sm2' ? undefined : await signingKey(key, spec)}
}

/** RFC 5280 4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits. */
export function keyIdentifier(spki: Buffer): Buffer {
  const [, bits] = atLeast(children(spki, read(spki)), 2)
  return createHash('sha1').update(content(spki, bits).subarray(1)).digest()
}

/** 16 random bytes, top bit clear: positive, unpredictable (CA/B Forum asks for 64 bits at least). */
export function newSerial(): string {
  const b = randomBytes(16)
  b[0] = b[0]! & 0x7f
  if (b[0] === 0) b[0] = 0x01
  return b.toString('hex')
}

export type SubjectAttrs = Array<[string, string]>

export interface CertificateSpec {
  serial: string
  subject: SubjectAttrs
  /** SubjectPublicKeyInfo, DER. */
  spki: Buffer
  notBefore: Date
  notAfter: Date
  /** For a CA certificate only. */
  ca?: boolean
  /** A CA certificate's path length constraint: 1 for a root over an issuing CA, 0 for the issuing CA. */
  pathLen?: number
  profile?: Profile
  dns?: string[]
  ips?: string[]
  /** Made on a rehearsal database: the certificate says so (a Netscape Comment openssl prints). */
  rehearsal?: boolean
}

/** netscape-comment (2.16.840.1.113730.1.13), an IA5String shown by `openssl x509 -text`. */
const COMMENT_OID = '2.16.840.1.113730.1.13'
export const REHEARSAL_COMMENT = 'egov REHEARSAL database: not a real certificate'

export const KEY_USAGE_BITS: Record<string, number> = {
  digitalSignature: 1,
  nonRepudiation: 2,
  keyEncipherment: 4,
  dataEncipherment: 8,
  keyAgreement: 16,
  keyCertSign: 32,
  cRLSign: 64,
}
export const EKU: Record<string, string> = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
}

/** Signs a certificate. Without a signer it is self-signed with `selfKey` (the CA's root). */
export async function signCertificate(spec: CertificateSpec, signer: Signer): Promise<Buffer> {
  const lib = await x509()
  const subject = new lib.Name(spec.subject.map(([k, v]) => ({[k]: [v]})))
  const extensions = []
  if (spec.ca) {
    extensions.push(new lib.BasicConstraintsExtension(true, spec.pathLen, true))
    extensions.push(new lib.KeyUsagesExtension(lib.KeyUsageFlags.keyCertSign | lib.KeyUsageFlags.cRLSign | lib.KeyUsageFlags.digitalSignature, true))
    // An issuing CA signed by a root (hierarchy.ts) names its issuer's key and CRL like a leaf does.
    if (signer.certDer.length) {
      extensions.push(new lib.AuthorityKeyIdentifierExtension(signer.keyId.toString('hex'), false))
      if (signer.crlUrl) extensions.push(new lib.CRLDistributionPointsExtension([signer.crlUrl]))
    }
  } else {
    const p = spec.profile!
    extensions.push(new lib.BasicConstraintsExtension(false, undefined, true))
    extensions.push(
      new lib.KeyUsagesExtension(
        // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment -- KeyUsageFlags is a bit-flags enum: the extension takes an OR of its members, which is no member itself
        p.keyUsage.reduce((f, u) => f | (KEY_USAGE_BITS[u] ?? 0), 0),
        true,
      ),
    )
    if (p.extKeyUsage.length)
      extensions.push(
        new lib.ExtendedKeyUsageExtension(
          p.extKeyUsage.map((u) => EKU[u] ?? u),
          false,
        ),
      )
    const names = [...(spec.dns ?? []).map((value) => ({type: 'dns' as const, value})), ...(spec.ips ?? []).map((value) => ({type: 'ip' as const, value}))]
    if (names.length) extensions.push(new lib.SubjectAlternativeNameExtension(names, false))
    extensions.push(new lib.AuthorityKeyIdentifierExtension(signer.keyId.toString('hex'), false))
    if (signer.crlUrl) extensions.push(new lib.CRLDistributionPointsExtension([signer.crlUrl]))
  }
  extensions.push(new lib.SubjectKeyIdentifierExtension(keyIdentifier(spec.spki).toString('hex'), false))
  if (signer.caUrl && signer.certDer.length) extensions.push(new lib.AuthorityInfoAccessExtension({caIssuers: signer.caUrl}, false))
  if (spec.rehearsal) {
    const text = Buffer.from(REHEARSAL_COMMENT, 'ascii')
    extensions.push(new lib.Extension(COMMENT_OID, false, Buffer.concat([Buffer.from([0x16, text.length]), text])))
  }
  // An SM2 CA: the library lays out the certificate, signed by a throwaway key (it cannot sign SM2), then it is re-signed below.
  const webKey = signer.spec === 'sm2' ? await layoutKey() : (signer.webKey ?? (signer.webKey = await signingKey(signer.key, signer.spec)))
  const cert = await lib.X509CertificateGenerator.create({
    serialNumber: spec.serial,
    subject,
    issuer: spec.ca && !signer.certDer.length ? subject : new lib.Name(signer.subjectDer),
    notBefore: spec.notBefore,
    notAfter: spec.notAfter,
    publicKey: spec.spki,
    signingKey: webKey as never,
    signingAlgorithm: {name: webKey.algorithm.name, hash: signer.spec === 'sm2' ? 'SHA-256' : hashOf(signer.spec)} as never,
    extensions,
  })
  const der = Buffer.from(cert.rawData)
  return signer.spec === 'sm2' ? resignSm2(der, signer.key) : der
}

let layout: Promise<webcrypto.CryptoKey> | undefined
/** A P-256 key that never leaves this process: it signs the layout of an SM2 certificate, whose signature is then replaced. */
function layoutKey(): Promise<webcrypto.CryptoKey> {
  return (layout ??= webcrypto.subtle.generateKey({name: 'ECDSA', namedCurve: 'P-256'}, false, ['sign']).then((pair) => pair.privateKey))
}

/**
 * GM/T 0015: the TBSCertificate's signature field and the certificate's signatureAlgorithm
 * become SM2-with-SM3 (1.2.156.10197.1.501, no parameters), and the TBSCertificate, so
 * changed, is signed SM2 under GM/T 0009's default identifier (sm2.ts).
 */
export function resignSm2(der: Buffer, key: KeyObject): Buffer {
  const [tbsNode] = atLeast(children(der, read(der)), 1)
  const fields = children(der, tbsNode)
  const at = fields[0]?.tag === 0xa0 ? 2 : 1
  const alg = signatureAlgorithm('sm2')
  const tbs = tlv(
    0x30,
    fields.map((f, i) => (i === at ? alg : whole(der, f))),
  )
  return seq(tbs, alg, bitString(sm2Sign(tbs, key)))
}

/**
 * Whether a signed structure (a certificate or CRL someone else made, DER) is signed by the key
 * of `issuerSpki`: SM2-with-SM3 by sm2.ts under GM/T 0009's identifier (the library cannot),
 * anything else by the library's own check, `otherwise`.
 */
export async function signedBy(der: Buffer, issuerSpki: Buffer, otherwise: () => Promise<boolean>): Promise<boolean> {
  try {
    const [tbs, alg, sig] = atLeast(children(der, read(der)), 3)
    if (oidString(content(der, atLeast(children(der, alg), 1)[0])) !== SM2_WITH_SM3) return await otherwise()
    return sm2Verify(whole(der, tbs), content(der, sig).subarray(1), issuerSpki)
  } catch {
    return false
  }
}

export function toPem(der: Buffer, label = 'CERTIFICATE'): string {
  const b64 = der.toString('base64').replace(/.{1,64}/g, '$&\n')
  return `-----BEGIN ${label}-----\n${b64}-----END ${label}-----\n`
}

export function fromPem(pem: string, label = 'CERTIFICATE'): Buffer {
  const m = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`).exec(pem)
  if (!m) throw new Error(`no ${label} PEM block`)
  return Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64')
}

export const fingerprint = (der: Buffer) => createHash('sha256').update(der).digest('hex')
