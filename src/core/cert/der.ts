/**
 * A small DER writer and reader: enough for the CRL (written by hand, because 100,000
 * entries through a general ASN.1 object model is slow) and for reading names and
 * extensions out of certificates without loading a library.
 */

function lengthBytes(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n])
  const bytes: number[] = []
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff)
  return Buffer.from([0x80 | bytes.length, ...bytes])
}

/** One TLV: tag, length, content. */
export function tlv(tag: number, content: Buffer | Buffer[]): Buffer {
  const body = Array.isArray(content) ? Buffer.concat(content) : content
  return Buffer.concat([Buffer.from([tag]), lengthBytes(body.length), body])
}

export const seq = (...items: Buffer[]) => tlv(0x30, items)
export const set = (...items: Buffer[]) => tlv(0x31, items)
export const octets = (b: Buffer) => tlv(0x04, b)
export const explicit = (n: number, inner: Buffer) => tlv(0xa0 + n, inner)
export const nul = () => Buffer.from([0x05, 0x00])
export const bool = (v: boolean) => Buffer.from([0x01, 0x01, v ? 0xff : 0x00])
export const bitString = (b: Buffer) => tlv(0x03, [Buffer.from([0]), b])
export const bmpString = (s: string) => tlv(0x1e, Buffer.from(s, 'utf16le').swap16())

/** An INTEGER from unsigned big-endian bytes (a serial number), with the sign byte DER needs. */
export function uintBytes(b: Buffer): Buffer {
  let i = 0
  while (i < b.length - 1 && b[i] === 0) i++
  const trimmed = b.subarray(i)
  return tlv(0x02, (trimmed[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed)
}

export function int(n: number | bigint): Buffer {
  let hex = BigInt(n).toString(16)
  if (hex.length % 2) hex = '0' + hex
  return uintBytes(Buffer.from(hex, 'hex'))
}

export function oid(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split('.').map(Number)
  const bytes: number[] = [first * 40 + second]
  for (const p of rest) {
    const chunk: number[] = [p & 0x7f]
    for (let v = Math.floor(p / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80)
    bytes.push(...chunk)
  }
  return tlv(0x06, Buffer.from(bytes))
}

const pad = (n: number) => String(n).padStart(2, '0')

/** UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 4.1.2.5). */
export function time(d: Date): Buffer {
  const y = d.getUTCFullYear()
  const rest = `${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`
  return y < 2050 ? tlv(0x17, Buffer.from(`${pad(y % 100)}${rest}`, 'latin1')) : tlv(0x18, Buffer.from(`${y}${rest}`, 'latin1'))
}

export interface Node {
  tag: number
  /** Offset of the tag byte. */
  start: number
  /** Offset of the content. */
  contentStart: number
  end: number
}

/** Reads the TLV at `offset`. */
export function read(buf: Buffer, offset = 0): Node {
  if (offset + 2 > buf.length) throw new Error('DER: truncated')
  const tag = buf[offset]!
  let len = buf[offset + 1]!
  let pos = offset + 2
  if (len & 0x80) {
    const n = len & 0x7f
    if (pos + n > buf.length) throw new Error('DER: truncated')
    len = 0
    for (let i = 0; i < n; i++) len = len * 256 + buf[pos + i]!
    pos += n
  }
  if (pos + len > buf.length) throw new Error('DER: truncated')
  return {tag, start: offset, contentStart: pos, end: pos + len}
}

export function children(buf: Buffer, node: Node): Node[] {
  const out: Node[] = []
  for (let p = node.contentStart; p < node.end;) {
    const child = read(buf, p)
    out.push(child)
    p = child.end
  }
  return out
}

type Tuple<T, N extends number, R extends T[] = []> = R['length'] extends N ? R : Tuple<T, N, [...R, T]>

/**
 * `items` typed as having at least `n` elements, after checking that it does: a structure read
 * from outside input with fewer elements than its type needs is malformed, and says so here
 * rather than as a TypeError on `undefined` further on.
 */
export function atLeast<T, N extends number>(items: T[], n: N): [...Tuple<T, N>, ...T[]] {
  if (items.length < n) throw new Error('DER: missing element')
  return items as [...Tuple<T, N>, ...T[]]
}

export const whole = (buf: Buffer, n: Node) => buf.subarray(n.start, n.end)
export const content = (buf: Buffer, n: Node) => buf.subarray(n.contentStart, n.end)

export function oidString(b: Buffer): string {
  const first = b[0] ?? 0
  const parts = [Math.floor(first / 40), first % 40]
  let v = 0
  for (let i = 1; i < b.length; i++) {
    const byte = b[i]!
    v = v * 128 + (byte & 0x7f)
    if (!(byte & 0x80)) {
      parts.push(v)
      v = 0
    }
  }
  return parts.join('.')
}

/** The parts of a certificate egov needs without parsing it fully: subject, SPKI, extensions by OID. */
export function certParts(der: Buffer): {tbs: Buffer; serial: Buffer; issuer: Buffer; subject: Buffer; spki: Buffer; extensions: Map<string, Buffer>} {
  const [tbsNode] = atLeast(children(der, read(der)), 1)
  let fields = children(der, tbsNode)
  if (fields[0]?.tag === 0xa0) fields = fields.slice(1)
  const [serial, , issuer, , subject, spki] = atLeast(fields, 6)
  const extensions = new Map<string, Buffer>()
  const extWrapper = fields.find((f) => f.tag === 0xa3)
  if (extWrapper) {
    const [list] = atLeast(children(der, extWrapper), 1)
    for (const ext of children(der, list)) {
      const parts = atLeast(children(der, ext), 2)
      extensions.set(oidString(content(der, parts[0])), content(der, parts.at(-1)!))
    }
  }
  return {tbs: whole(der, tbsNode), serial: content(der, serial), issuer: whole(der, issuer), subject: whole(der, subject), spki: whole(der, spki), extensions}
}
