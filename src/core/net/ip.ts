import {InvalidInput} from '../errors.js'

/**
 * Addresses as bigints, for IPv4 and IPv6 alike: a /32 of IPv6 holds 2^96 addresses, far
 * past what a JavaScript number can count. Blocks are aligned CIDR blocks.
 */
export type Family = 4 | 6

export interface Block {
  family: Family
  /** First address. */
  start: bigint
  prefix: number
}

export const WIDTH: Record<Family, number> = {4: 32, 6: 128}

export function blockSize(family: Family, prefix: number): bigint {
  return 1n << BigInt(WIDTH[family] - prefix)
}

export function blockEnd(b: Block): bigint {
  return b.start + blockSize(b.family, b.prefix) - 1n
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.')
  if (parts.length !== 4) return undefined
  let value = 0n
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || (part.length > 1 && part.startsWith('0'))) return undefined
    const n = Number(part)
    if (n > 255) return undefined
    value = (value << 8n) | BigInt(n)
  }
  return value
}

function parseIpv6(text: string): bigint | undefined {
  if (!/^[0-9a-f:.]+$/i.test(text) || text.includes(':::')) return undefined
  const halves = text.split('::')
  if (halves.length > 2) return undefined
  const groups = (s: string): string[] => (s === '' ? [] : s.split(':'))
  let head = groups(halves[0]!)
  let tail = halves.length === 2 ? groups(halves[1]!) : []
  // An embedded IPv4 tail (::ffff:10.0.0.1) counts as two groups.
  const expandV4 = (list: string[]): string[] | undefined => {
    const last = list.at(-1)
    if (!last?.includes('.')) return list
    const v4 = parseIpv4(last)
    if (v4 === undefined) return undefined
    return [...list.slice(0, -1), ((v4 >> 16n) & 0xffffn).toString(16), (v4 & 0xffffn).toString(16)]
  }
  if (halves.length === 2) {
    const t = expandV4(tail)
    if (!t) return undefined
    tail = t
  } else {
    const h = expandV4(head)
    if (!h) return undefined
    head = h
  }
  const missing = 8 - head.length - tail.length
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined
  const all = [...head, ...new Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail]
  let value = 0n
  for (const g of all) {
    if (!/^[0-9a-f]{1,4}$/i.test(g)) return undefined
    value = (value << 16n) | BigInt(parseInt(g, 16))
  }
  return value
}

/** An address; throws InvalidInput naming the field. */
export function parseAddress(text: string, field: string): {family: Family; value: bigint} {
  const t = normaliseInput(text)
  const v4 = t.includes(':') ? undefined : parseIpv4(t)
  if (v4 !== undefined) return {family: 4, value: v4}
  const v6 = t.includes(':') ? parseIpv6(t) : undefined
  if (v6 !== undefined) return {family: 6, value: v6}
  throw new InvalidInput('net.badAddress', {field, value: text}, {field, rule: 'NET-1'})
}

/** Full-width digits and punctuation, as clerks' spreadsheets have them, become ASCII; spaces go. */
export function normaliseInput(text: string): string {
  return text
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[\s\u3000]+/g, '')
    .replace(/。/g, '.')
}

export interface ParsedCidr extends Block {
  text: string
}

/**
 * A CIDR block. A bare address is a /32 (/128). Host bits set is an error that suggests
 * the network address: 10.1.2.3/24 means 10.1.2.0/24, or a typo, and guessing is wrong.
 */
export function parseCidr(text: string, field: string): ParsedCidr {
  const t = normaliseInput(text)
  const slash = t.indexOf('/')
  const addrText = slash === -1 ? t : t.slice(0, slash)
  const prefixText = slash === -1 ? undefined : t.slice(slash + 1)
  if (!addrText) throw new InvalidInput('net.badCidr', {field, value: text}, {field, rule: 'NET-1'})
  let address: {family: Family; value: bigint}
  try {
    address = parseAddress(addrText, field)
  } catch {
    throw new InvalidInput('net.badCidr', {field, value: text}, {field, rule: 'NET-1'})
  }
  const width = WIDTH[address.family]
  let prefix = width
  if (prefixText !== undefined) {
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > width) {
      throw new InvalidInput('net.badCidr', {field, value: text}, {field, rule: 'NET-1'})
    }
    prefix = Number(prefixText)
  }
  const mask = blockSize(address.family, prefix) - 1n
  if ((address.value & mask) !== 0n) {
    const network = formatCidr({family: address.family, start: address.value & ~mask, prefix})
    throw new InvalidInput('net.hostBits', {field, value: text, network}, {field, rule: 'NET-1', details: {suggestion: network}})
  }
  const block = {family: address.family, start: address.value, prefix}
  return {...block, text: formatCidr(block)}
}

export function formatAddress(value: bigint, family: Family): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 255n)).join('.')
  const groups = Array.from({length: 8}, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn))
  // RFC 5952: the longest run (first if tied) of two or more zero groups becomes "::".
  let bestStart = -1
  let bestLen = 1
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > bestLen) {
      bestStart = i
      bestLen = j - i
    }
    i = j
  }
  const hex = groups.map((g) => g.toString(16))
  if (bestStart === -1) return hex.join(':')
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`
}

export function formatCidr(b: Block): string {
  return `${formatAddress(b.start, b.family)}/${b.prefix}`
}

/** Fixed-width hex: sorts like the address, in SQL on SQLite and PostgreSQL alike. */
export function toKey(value: bigint, family: Family): string {
  return value.toString(16).padStart(family === 4 ? 8 : 32, '0')
}

export function fromKey(key: string): bigint {
  return BigInt(`0x${key}`)
}

export function contains(outer: Block, inner: Block): boolean {
  return outer.family === inner.family && outer.prefix <= inner.prefix && inner.start >= outer.start && blockEnd(inner) <= blockEnd(outer)
}

export function overlaps(a: Block, b: Block): boolean {
  return a.family === b.family && a.start <= blockEnd(b) && b.start <= blockEnd(a)
}

/** The largest aligned blocks that exactly cover [first, last], in address order. */
export function rangeToBlocks(family: Family, first: bigint, last: bigint): Block[] {
  const out: Block[] = []
  const width = WIDTH[family]
  let cur = first
  while (cur <= last) {
    // The largest block aligned at cur …
    let size = cur === 0n ? 1n << BigInt(width) : cur & -cur
    // … that does not run past the end.
    while (cur + size - 1n > last) size >>= 1n
    const bits = size.toString(2).length - 1
    out.push({family, start: cur, prefix: width - bits})
    cur += size
  }
  return out
}

/**
 * The smallest IPv4 block with at least `hosts` usable addresses: network and broadcast
 * excluded, except /31 (two hosts, RFC 3021 point-to-point) and /32 (one host).
 */
export function prefixForHosts(hosts: number): number {
  if (!Number.isInteger(hosts) || hosts < 1) throw new InvalidInput('net.badHosts', {value: hosts}, {field: 'hosts'})
  if (hosts === 1) return 32
  if (hosts === 2) return 31
  for (let prefix = 30; prefix >= 0; prefix--) {
    if (2 ** (32 - prefix) - 2 >= hosts) return prefix
  }
  throw new InvalidInput('net.badHosts', {value: hosts}, {field: 'hosts'})
}

/** Usable IPv4 host addresses in a block of this prefix (RFC 3021 for /31). */
export function usableHosts(prefix: number): number {
  if (prefix === 32) return 1
  if (prefix === 31) return 2
  return 2 ** (32 - prefix) - 2
}
