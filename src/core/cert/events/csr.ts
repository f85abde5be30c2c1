import {createPublicKey, type KeyObject, verify} from 'node:crypto'

import {InvalidInput} from '../../errors.js'
import {atLeast, children, content, oidString, read, whole} from '../der.js'
import {KEY_SPECS, type KeySpec, specOf} from '../keys.js'
import type {Profile} from '../profiles.js'
import {isSm2Spki, SM2_WITH_SM3, sm2Verify} from '../sm2.js'
import {x509} from '../x509.js'

/** Checks on a CSR a holder brings (CERT-5): its form, its signature, its key against the profile. */

/** A CSR the holder made: well-formed, its signature right, its key a kind egov signs (CERT-5). */
export async function checkCsr(pem: string, field = 'csr'): Promise<{pem: string; spki: Buffer; spec: KeySpec}> {
  const lib = await x509()
  let csr
  try {
    csr = new lib.Pkcs10CertificateRequest(pem.includes('-----BEGIN') ? pem : Buffer.from(pem, 'binary'))
  } catch {
    throw new InvalidInput('cert.badCsr', {field}, {field})
  }
  const spki = Buffer.from(csr.publicKey.rawData)
  if (!(await csrSignatureOk(csr, Buffer.from(csr.rawData), spki))) throw new InvalidInput('cert.csrSignature', {field}, {field})
  const key = createPublicKey({key: spki, format: 'der', type: 'spki'})
  const spec = specOf(key)
  if (!spec) throw new InvalidInput('cert.csrKey', {field, kind: keyKindName(key), allowed: KEY_SPECS.join(', ')}, {field, rule: 'CERT-5'})
  return {pem: csr.toString('pem'), spki, spec}
}

/** ECDSA signature OIDs and their digests, for curves WebCrypto does not know (secp256k1). */
const ECDSA_HASH: Record<string, string> = {'1.2.840.10045.4.1': 'sha1', '1.2.840.10045.4.3.2': 'sha256', '1.2.840.10045.4.3.3': 'sha384', '1.2.840.10045.4.3.4': 'sha512'}

/**
 * Whether a CSR is signed by its own key. SM2-with-SM3 (CERT-5) is checked by sm2.ts under
 * GM/T 0009's identifier 1234567812345678 (`openssl req -sm3 -sigopt distid:1234567812345678`)
 * or, failing that, the empty one OpenSSL 3 uses when none is given; RSA and ECDSA on P-256/
 * P-384/P-521 by the library (WebCrypto); ECDSA on other curves (secp256k1) by Node's OpenSSL.
 * A key whose signature verifies may still be of a kind egov does not certify: that is a
 * separate refusal (cert.csrKey), not "altered".
 */
async function csrSignatureOk(csr: {verify(): Promise<boolean>}, der: Buffer, spki: Buffer): Promise<boolean> {
  let info: Buffer
  let algOid: string
  let signature: Buffer
  try {
    const [infoNode, algNode, sigNode] = atLeast(children(der, read(der)), 3)
    info = whole(der, infoNode)
    algOid = oidString(content(der, atLeast(children(der, algNode), 1)[0]))
    signature = content(der, sigNode).subarray(1)
  } catch {
    return false
  }
  if (algOid === SM2_WITH_SM3) return isSm2Spki(spki) && (sm2Verify(info, signature, spki) || sm2Verify(info, signature, spki, ''))
  try {
    if (await csr.verify()) return true
  } catch {
    // WebCrypto does not know the curve: tried below.
  }
  const hash = ECDSA_HASH[algOid]
  if (!hash) return false
  try {
    return verify(hash, info, createPublicKey({key: spki, format: 'der', type: 'spki'}), signature)
  } catch {
    return false
  }
}

/** A key's kind as people name it: "RSA-1024", "EC secp256k1", "Ed25519". */
function keyKindName(key: KeyObject): string {
  const d = key.asymmetricKeyDetails ?? {}
  if (key.asymmetricKeyType === 'rsa') return `RSA-${d.modulusLength}`
  if (key.asymmetricKeyType === 'ec') return `EC ${d.namedCurve}`
  return key.asymmetricKeyType ?? 'unknown'
}

/** An SM2 profile (GM/T 0015) certifies SM2 keys only (CERT-5); other profiles take any kind egov certifies. */
export function checkProfileKey(profile: Profile, spec: KeySpec, field = 'csr'): void {
  if (profile.key_spec === 'sm2' && spec !== 'sm2') throw new InvalidInput('cert.profileKey', {field, profile: profile.key, kind: spec, expected: profile.key_spec}, {field, rule: 'CERT-5'})
}

/**
 * The SM2 pair (CERT-5): a signature certificate's key is made on the holder's medium and comes as
 * a CSR; egov never makes or sees it. Only the encryption certificate's key (profile.encryption)
 * may be made here. Called where egov would otherwise make the key: no CSR given.
 */
export function refuseMadeSignatureKey(profile: Profile): void {
  if (profile.key_spec === 'sm2' && !profile.encryption) throw new InvalidInput('cert.sm2CsrNeeded', {profile: profile.key}, {field: 'csr', rule: 'CERT-5'})
}
