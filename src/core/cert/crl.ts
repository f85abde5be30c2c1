import {bitString, explicit, int, nul, octets, oid, seq, time, tlv, uintBytes} from './der.js'
import {type KeySpec, signBytes} from './keys.js'
import {SM2_WITH_SM3} from './sm2.js'
import type {Signer} from './x509.js'

/** RFC 5280 5.3.1 reason codes, by the names the command line takes. */
export const REASON_CODES = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  privilegeWithdrawn: 9,
} as const
export type CrlReason = keyof typeof REASON_CODES

export interface RevokedEntry {
  /** Serial number, hex. */
  serial: string
  revokedAt: Date
  reason: CrlReason
}

export interface CrlSpec {
  number: number
  thisUpdate: Date
  nextUpdate: Date
  entries: RevokedEntry[]
}

export function signatureAlgorithm(spec: KeySpec): Buffer {
  if (spec.startsWith('rsa-')) return seq(oid('1.2.840.113549.1.1.11'), nul())
  // GM/T 0015: SM2-with-SM3, no parameters.
  if (spec === 'sm2') return seq(oid(SM2_WITH_SM3))
  return seq(oid(spec === 'ec-p384' ? '1.2.840.10045.4.3.3' : '1.2.840.10045.4.3.2'))
}

const REASON_OID = oid('2.5.29.21')

function entry(e: RevokedEntry): Buffer {
  const serial = uintBytes(Buffer.from(e.serial.length % 2 ? '0' + e.serial : e.serial, 'hex'))
  const code = REASON_CODES[e.reason]
  // RFC 5280 5.3.1: the reason code "unspecified" SHOULD be left out.
  if (!code) return seq(serial, time(e.revokedAt))
  return seq(serial, time(e.revokedAt), seq(seq(REASON_OID, octets(tlv(0x0a, Buffer.from([code]))))))
}

/**
 * A v2 CRL, DER, written directly: each entry is a few Buffer copies, so 100,000 entries
 * take a fraction of a second, and the signature is Node's native crypto.sign.
 */
export function buildCrl(signer: Signer, spec: CrlSpec): Buffer {
  const alg = signatureAlgorithm(signer.spec)
  const parts = [int(1), alg, signer.subjectDer, time(spec.thisUpdate), time(spec.nextUpdate)]
  if (spec.entries.length) parts.push(tlv(0x30, spec.entries.map(entry)))
  const extensions = seq(seq(oid('2.5.29.35'), octets(seq(tlv(0x80, signer.keyId)))), seq(oid('2.5.29.20'), octets(int(spec.number))))
  parts.push(explicit(0, extensions))
  const tbs = seq(...parts)
  const signature = signBytes(signer.spec, tbs, signer.key)
  return seq(tbs, alg, bitString(signature))
}
