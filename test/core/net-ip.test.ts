import IPCIDR from 'ip-cidr'
import {describe, expect, it} from 'vitest'

import {InvalidInput} from '../../src/core/errors.js'
import {blockEnd, formatAddress, formatCidr, parseAddress, parseCidr, prefixForHosts, rangeToBlocks, usableHosts} from '../../src/core/net/index.js'

describe('addresses and blocks (NET-1)', () => {
  it('parses and formats IPv4 and IPv6, RFC 5952 style', () => {
    expect(parseCidr('10.20.0.0/16', 'cidr')).toMatchObject({family: 4, prefix: 16, text: '10.20.0.0/16'})
    expect(parseCidr('2001:DB8:0:0::/32', 'cidr').text).toBe('2001:db8::/32')
    expect(formatAddress(parseAddress('2001:db8:0:0:1:0:0:1', 'x').value, 6)).toBe('2001:db8::1:0:0:1')
    expect(formatAddress(parseAddress('::ffff:10.0.0.1', 'x').value, 6)).toBe('::ffff:a00:1')
    expect(parseCidr('10.1.2.3', 'cidr').prefix).toBe(32)
    // Full-width digits and punctuation from a spreadsheet are read as what they mean.
    expect(parseCidr('１０．２０．０．０／１６', 'cidr').text).toBe('10.20.0.0/16')
  })

  it('agrees with ip-cidr on block boundaries', () => {
    for (const text of ['10.20.0.0/16', '192.168.7.128/25', '10.0.0.0/8', '2001:db8::/32', '2001:db8:abcd:12::/64']) {
      const ours = parseCidr(text, 'x')
      const theirs = new IPCIDR(text)
      expect(ours.start).toBe(parseAddress(String(theirs.start()), 'x').value)
      expect(blockEnd(ours)).toBe(parseAddress(String(theirs.end()), 'x').value)
      expect(formatAddress(ours.start, ours.family)).toBe(formatAddress(parseAddress(String(theirs.start()), 'x').value, ours.family))
    }
  })

  it('refuses host bits set and suggests the network address', () => {
    const error = (() => {
      try {
        parseCidr('10.20.1.7/16', 'cidr')
      } catch (e) {
        return e as InvalidInput
      }
    })()
    expect(error).toBeInstanceOf(InvalidInput)
    expect(error!.context).toMatchObject({field: 'cidr', rule: 'NET-1', details: {suggestion: '10.20.0.0/16'}})
    expect(error!.message).toContain('10.20.0.0/16')
  })

  it.each(['10.20.0.0/33', '10.256.0.0/16', '10.20.0/16', '010.1.1.1', '2001:db8:::/32', '2001:db8::/129', 'abc', '', '10.0.0.0/'])('refuses %j', (text) => {
    expect(() => parseCidr(text, 'cidr')).toThrow(InvalidInput)
  })

  it('decomposes ranges into maximal aligned blocks', () => {
    const blocks = rangeToBlocks(4, parseAddress('10.0.0.1', 'x').value, parseAddress('10.0.0.10', 'x').value).map(formatCidr)
    expect(blocks).toEqual(['10.0.0.1/32', '10.0.0.2/31', '10.0.0.4/30', '10.0.0.8/31', '10.0.0.10/32'])
    expect(rangeToBlocks(6, 0n, (1n << 128n) - 1n).map(formatCidr)).toEqual(['::/0'])
  })

  it('picks the smallest IPv4 prefix with enough usable hosts, at the edges (RFC 3021 for /31 and /32)', () => {
    expect(prefixForHosts(1)).toBe(32)
    expect(prefixForHosts(2)).toBe(31)
    expect(prefixForHosts(3)).toBe(29) // a /30 has only 2 usable hosts
    expect(prefixForHosts(6)).toBe(29)
    expect(prefixForHosts(7)).toBe(28)
    expect(prefixForHosts(14)).toBe(28)
    expect(prefixForHosts(15)).toBe(27)
    expect(prefixForHosts(254)).toBe(24)
    expect(prefixForHosts(255)).toBe(23)
    expect(prefixForHosts(65534)).toBe(16)
    expect(prefixForHosts(65535)).toBe(15)
    expect(usableHosts(30)).toBe(2)
    for (let hosts = 1; hosts <= 5000; hosts += 7) {
      const p = prefixForHosts(hosts)
      expect(usableHosts(p)).toBeGreaterThanOrEqual(hosts)
      if (p < 32) expect(usableHosts(p + 1)).toBeLessThan(hosts)
    }
    expect(() => prefixForHosts(0)).toThrow(InvalidInput)
  })
})
