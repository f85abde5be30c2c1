import {describe, expect, it} from 'vitest'

import {displayWidth} from '../../src/core/text.js'
import {formatAddress, FREE_FILL, type MapSegment, OTHER_FILL, PALETTE, type PoolMap, renderSvgMap, renderTerminalMap} from '../../src/core/net/index.js'

// ---- fixtures, built by hand

function ip4(text: string): bigint {
  return text.split('.').reduce((acc, octet) => (acc << 8n) | BigInt(octet), 0n)
}

function ip6(text: string): bigint {
  const [head, tail = ''] = text.split('::')
  const h = head ? head.split(':') : []
  const t = tail ? tail.split(':') : []
  const groups = text.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(`0x${g}`), 0n)
}

function block(cidr: string, extra: Omit<MapSegment, 'start' | 'end' | 'cidr'>): MapSegment {
  const [address = '', prefix] = cidr.split('/')
  const family = address.includes(':') ? 6 : 4
  const start = family === 4 ? ip4(address) : ip6(address)
  const size = 1n << BigInt((family === 4 ? 32 : 128) - Number(prefix))
  return {start, end: start + size - 1n, cidr, ...extra}
}

function free(start: bigint, end: bigint): MapSegment {
  return {start, end, kind: 'free'}
}

const RENSHE = '市人力资源和社会保障局'
const GONGAN = '市公安局'

/** 10.1.0.0/16: a quarter to 人社局, a /20 and a /28 to 公安局, a reserved /22, a child pool, free gaps. */
const v4: PoolMap = {
  name: '市电子政务外网',
  cidr: '10.1.0.0/16',
  family: 4,
  plane: 1,
  start: ip4('10.1.0.0'),
  end: ip4('10.1.255.255'),
  segments: [
    block('10.1.0.0/18', {kind: 'allocation', holder: RENSHE, status: 'active', purpose: '社保业务专网'}),
    block('10.1.64.0/20', {kind: 'allocation', holder: GONGAN, status: 'active', purpose: '视频会议'}),
    block('10.1.80.0/22', {kind: 'allocation', holder: RENSHE, status: 'reserved', purpose: '二期扩容'}),
    free(ip4('10.1.84.0'), ip4('10.1.127.255')),
    block('10.1.128.0/18', {kind: 'pool', holder: '视频监控专网'}),
    free(ip4('10.1.192.0'), ip4('10.1.199.255')),
    block('10.1.200.0/30', {kind: 'allocation', holder: GONGAN, status: 'active'}),
    free(ip4('10.1.200.4'), ip4('10.1.255.255')),
  ],
}

/** 2001:db8::/32 with three /48s. */
const v6: PoolMap = {
  name: 'IPv6 外网',
  cidr: '2001:db8::/32',
  family: 6,
  plane: 2,
  start: ip6('2001:db8::'),
  end: ip6('2001:db8:ffff:ffff:ffff:ffff:ffff:ffff'),
  segments: [
    block('2001:db8::/48', {kind: 'allocation', holder: RENSHE, status: 'active'}),
    block('2001:db8:1::/48', {kind: 'allocation', holder: GONGAN, status: 'reserved'}),
    free(ip6('2001:db8:2::'), ip6('2001:db8:7fff:ffff:ffff:ffff:ffff:ffff')),
    block('2001:db8:8000::/48', {kind: 'pool', holder: '物联网'}),
    free(ip6('2001:db8:8001::'), ip6('2001:db8:ffff:ffff:ffff:ffff:ffff:ffff')),
  ],
}

/** 10.0.0.0/8: 100,000 /29s (every 64 addresses, 60 units, one in seven reserved) with free gaps, then free to the end. */
function big(): PoolMap {
  const start = ip4('10.0.0.0')
  const segments: MapSegment[] = []
  for (let i = 0; i < 100_000; i++) {
    const s = start + BigInt(i * 64)
    segments.push({start: s, end: s + 7n, kind: 'allocation', cidr: `${formatAddress(s, 4)}/29`, holder: `单位${i % 60}`, status: i % 7 === 0 ? 'reserved' : 'active'})
    segments.push(free(s + 8n, s + 63n))
  }
  segments.push(free(start + 6_400_000n, ip4('10.255.255.255')))
  return {name: '大池', cidr: '10.0.0.0/8', family: 4, plane: 1, start, end: ip4('10.255.255.255'), segments}
}

// ---- reading the terminal output back

/** Grid rows: label, then the cells (group spaces removed). */
function gridOf(text: string): {labels: string[]; rows: string[]} {
  const lines = text.split('\n')
  const end = lines.indexOf('')
  const body = lines.slice(1, end)
  return {
    labels: body.map((line) => line.split(' ')[0]!),
    rows: body.map((line) => line.replace(/^\S+\s+/, '').replaceAll(' ', '')),
  }
}

function legendOf(text: string): string[] {
  const lines = text.split('\n')
  return lines.slice(lines.indexOf('') + 1)
}

describe('formatAddress', () => {
  it('writes IPv4 dotted and IPv6 compressed per RFC 5952', () => {
    expect(formatAddress(ip4('10.1.200.16'), 4)).toBe('10.1.200.16')
    expect(formatAddress(0n, 4)).toBe('0.0.0.0')
    expect(formatAddress(0n, 6)).toBe('::')
    expect(formatAddress(1n, 6)).toBe('::1')
    expect(formatAddress(ip6('2001:db8::'), 6)).toBe('2001:db8::')
    expect(formatAddress(ip6('2001:db8:0:0:1:0:0:1'), 6)).toBe('2001:db8::1:0:0:1')
    expect(formatAddress(ip6('2001:0:0:1:0:0:0:1'), 6)).toBe('2001:0:0:1::1')
    expect(formatAddress(ip6('2001:db8:0:1:1:1:1:1'), 6)).toBe('2001:db8:0:1:1:1:1:1')
    expect(formatAddress(ip6('2001:DB8:AAAA::'), 6)).toBe('2001:db8:aaaa::')
  })
})

describe('terminal pool map', () => {
  const out = renderTerminalMap(v4, {})

  it('cuts a /16 into 16 rows of 64 cells of /26, each row labelled with its first address', () => {
    const {labels, rows} = gridOf(out)
    expect(rows).toHaveLength(16)
    for (const row of rows) expect([...row]).toHaveLength(64)
    expect(labels[0]).toBe('10.1.0.0')
    expect(labels[1]).toBe('10.1.16.0')
    expect(labels[15]).toBe('10.1.240.0')
    expect(out.split('\n')[0]).toContain('/26')
  })

  it('puts each holder at its place: A for the first quarter, B, reserved a, pool C, free, mixed', () => {
    const cells = [...gridOf(out).rows.join('')]
    expect(cells).toHaveLength(1024)
    const count = (from: number, to: number, symbol: string) => cells.slice(from, to).every((c) => c === symbol)
    expect(count(0, 256, 'A')).toBe(true) // 10.1.0.0/18 = 256 cells of /26
    expect(count(256, 320, 'B')).toBe(true) // 10.1.64.0/20
    expect(count(320, 336, 'a')).toBe(true) // 10.1.80.0/22, reserved: A's letter in lowercase
    expect(count(336, 512, '·')).toBe(true)
    expect(count(512, 768, 'C')).toBe(true) // the child pool
    expect(cells[800]).toBe('▒') // 10.1.200.0/26 holds B's /30 and free space
    expect(count(768, 800, '·') && count(801, 1024, '·')).toBe(true)
  })

  it('lists every holder with its CIDRs and share, then free space with its largest block', () => {
    const legend = legendOf(out)
    const line = (symbol: string) => legend.find((l) => l.startsWith(`${symbol}  `)) ?? ''
    expect(line('A')).toMatch(new RegExp(`^A  ${RENSHE}\\s+10\\.1\\.0\\.0/18\\s+25\\.0%$`))
    expect(line('a')).toMatch(/^a {2}市人力资源和社会保障局 \(reserved\)\s+10\.1\.80\.0\/22\s+1\.6%$/)
    expect(line('B')).toMatch(/^B {2}市公安局\s+10\.1\.64\.0\/20, 10\.1\.200\.0\/30\s+6\.3%$/)
    expect(line('C')).toMatch(/^C {2}视频监控专网 \(pool\)\s+10\.1\.128\.0\/18\s+25\.0%$/)
    expect(line('▒')).not.toBe('')
    expect(line('·')).toMatch(/^· {2}free\s+largest 10\.1\.96\.0\/19\s+42\.2%$/)
  })

  it('takes its words from legendLabels', () => {
    const zh = renderTerminalMap(v4, {legendLabels: {free: '空闲', pool: '子池', reserved: '预留', mixed: '混合', largest: '最大', cell: '每格', row: '每行'}})
    expect(zh).toContain('(预留)')
    expect(zh).toContain('最大 10.1.96.0/19')
    expect(zh.split('\n')[0]).toContain('每格 = /26')
    expect(zh).not.toMatch(/free|reserved|largest/)
  })

  it('has no escape codes without color, and colours runs by kind with it', () => {
    expect(out).not.toContain('\u001B')
    const codes = {allocation: 31, reserved: 33, pool: 34, free: 90} as const
    const coloured = renderTerminalMap(v4, {color: (kind, text) => `\u001B[${codes[kind]}m${text}\u001B[39m`})
    expect(coloured).toContain('\u001B[31mAAAA')
    expect(coloured).toContain('\u001B[33maaaa')
    expect(coloured).toContain('\u001B[34mCCCC')
    // The same text once the codes are gone.
    // eslint-disable-next-line no-control-regex
    expect(coloured.replace(/\u001B\[\d+m/g, '')).toBe(out)
  })

  it('keeps every line within the width, counting Chinese as two columns', () => {
    const longName: PoolMap = {
      ...v4,
      name: '嘉峪关市电子政务外网第一平面城域网核心地址池（市本级及各区县）',
      segments: v4.segments.map((s) => (s.holder === GONGAN ? {...s, holder: '嘉峪关市人力资源和社会保障局信息中心数据共享交换平台运维组'} : s)),
    }
    for (const width of [80, 60, 48, 32]) {
      const text = renderTerminalMap(longName, {width})
      for (const line of text.split('\n')) expect(displayWidth(line), `${width}: ${line}`).toBeLessThanOrEqual(width)
      expect(text).toContain('…')
      // Narrower terminals get fewer cells per row, still a power of two.
      const {rows} = gridOf(text)
      expect(rows.length).toBeGreaterThan(0)
      expect(Math.log2([...rows[0]!].length) % 1).toBe(0)
      expect(rows.length).toBeLessThanOrEqual(16)
    }
    expect([...gridOf(renderTerminalMap(v4, {width: 48})).rows[0]!]).toHaveLength(32)
  })

  it('draws an IPv6 /32 from bigint slices: /42 cells, compressed row labels, tiny shares', () => {
    const text = renderTerminalMap(v6)
    for (const line of text.split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(80)
    const {labels, rows} = gridOf(text)
    expect(labels[0]).toBe('2001:db8::')
    expect(labels[1]).toBe('2001:db8:1000::')
    const cells = [...rows.join('')]
    expect(cells).toHaveLength(1024)
    expect(text.split('\n')[0]).toContain('/42')
    // Each /48 is 1/64 of its cell: those cells are mixed, the rest free.
    expect(cells[0]).toBe('▒')
    expect(cells[512]).toBe('▒')
    expect(cells.filter((c) => c === '·')).toHaveLength(1022)
    const legend = legendOf(text)
    expect(legend.find((l) => l.startsWith('A  '))).toMatch(/2001:db8::\/48\s+0\.0015%$/)
    expect(legend.find((l) => l.startsWith('b  '))).toMatch(/市公安局 \(reserved\)\s+2001:db8:1::\/48/)
    expect(legend.find((l) => l.startsWith('·  '))).toMatch(/largest 2001:db8:4000::\/34\s+99\.9%$/)
  })

  // Its speed (under a second for the whole command) is measured in bench/net-alloc.mjs, not here.
  it('renders 100,000 segments of a /8 into 1,024 cells with a bounded legend', () => {
    const map = big()
    const text = renderTerminalMap(map)
    const cells = [...gridOf(text).rows.join('')]
    expect(cells).toHaveLength(1024)
    // 6,400,000 addresses used of 16,777,216: cells of /18 = 16384; the first 390 are mixed, from 391 free.
    expect(cells.slice(0, 390).every((c) => c === '▒')).toBe(true)
    expect(cells.slice(391).every((c) => c === '·')).toBe(true)
    const legend = legendOf(text)
    // 36 holders with a symbol (each with a reserved line too), the other 24 summed up.
    expect(legend.filter((l) => /^[A-Z0-9] {2}单位\d+ +10\./.test(l))).toHaveLength(36)
    expect(legend.filter((l) => /^[a-z] {2}单位\d+ \(reserved\)/.test(l))).toHaveLength(26)
    expect(legend.find((l) => l.startsWith('*  '))).toMatch(/other holders \(24\)/)
    expect(legend.find((l) => l.startsWith('A  '))).toMatch(/\+\d+\s/)
    for (const line of text.split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(80)
  })

  it('copes with a tiny pool and an empty segment list', () => {
    const one: PoolMap = {name: 'host', cidr: '10.9.9.9/32', family: 4, plane: 1, start: ip4('10.9.9.9'), end: ip4('10.9.9.9'), segments: []}
    const text = renderTerminalMap(one)
    expect(gridOf(text).rows).toEqual(['·'])
    expect(legendOf(text)).toEqual(['·  free  100%'])
  })
})

// ---- SVG

/** Well-formedness, by hand (no DOMParser in Node): balanced tags, quoted attributes, no raw < or bare &. */
function checkXml(text: string): void {
  const body = text.replace(/^<\?xml[^?]*\?>\s*/, '')
  const stack: string[] = []
  const tag = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>/y
  let i = 0
  while (i < body.length) {
    const lt = body.indexOf('<', i)
    const textPart = body.slice(i, lt < 0 ? undefined : lt)
    expect(textPart, 'bare & in text').not.toMatch(/&(?!(amp|lt|gt|quot|apos|#\d+|#x[\da-f]+);)/i)
    expect(textPart, 'stray >').not.toContain('>')
    if (lt < 0) break
    tag.lastIndex = lt
    const m = tag.exec(body)
    expect(m, `bad tag at ${body.slice(lt, lt + 80)}`).not.toBeNull()
    const [whole, close, name, attrs, selfClose] = m!
    expect(attrs, 'bare & in attribute').not.toMatch(/&(?!(amp|lt|gt|quot|apos|#\d+|#x[\da-f]+);)/i)
    if (close) expect(stack.pop(), `</${name}>`).toBe(name)
    else if (!selfClose) stack.push(name!)
    i = lt + whole.length
  }
  expect(stack).toEqual([])
}

describe('SVG pool map', () => {
  const svg = renderSvgMap(v4)

  it('is a well-formed standalone SVG document with a CJK-capable font list', () => {
    checkXml(svg)
    expect(svg).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/)
    expect(svg).toMatch(/font-family="[^"]*Noto Sans CJK SC[^"]*Microsoft YaHei[^"]*PingFang SC[^"]*sans-serif"/)
    expect(svg).toContain('市电子政务外网 10.1.0.0/16 · plane 1')
    expect(svg).toContain(RENSHE) // UTF-8 as-is, not entities
  })

  it('gives every rect a tooltip and keeps to 64×64 cells', () => {
    const rects = svg.match(/<rect\b/g) ?? []
    const withTitle = svg.match(/<rect\b[^>]*[^/]><title>[^<]+<\/title><\/rect>/g) ?? []
    expect(rects.length).toBeGreaterThan(0)
    expect(withTitle).toHaveLength(rects.length)
    expect(rects.length).toBeLessThanOrEqual(4096)
    // 4096 cells of /28, 64 to a row: A's first run is one row. Its tooltip: range, holder, CIDR, status, purpose.
    expect(svg).toContain(`<title>10.1.0.0 – 10.1.3.255\n${RENSHE}\n10.1.0.0/18 · active · 社保业务专网</title>`)
    expect(svg).toContain('10.1.80.0/22 · reserved · 二期扩容')
    // The mixed cell names its occupants by share.
    expect(svg).toMatch(/fill="url\(#mixed\)"><title>10\.1\.200\.0 – 10\.1\.200\.15\nfree {2}75\.0%\n市公安局 10\.1\.200\.0\/30 {2}25\.0%<\/title>/)
  })

  it('has a legend with swatches, names and shares', () => {
    expect(svg).toMatch(/class="swatch"[^>]*fill="#4e79a7"/)
    expect(svg).toContain(`>${RENSHE}</text>`)
    expect(svg).toContain('>25.0%</text>')
    expect(svg).toContain('>42.2%</text>')
  })

  it('escapes names for XML', () => {
    const nasty: PoolMap = {
      ...v4,
      name: 'Pool "1" & \'2\'',
      segments: v4.segments.map((s) => (s.holder === GONGAN ? {...s, holder: 'A&B <x>'} : s)),
    }
    const text = renderSvgMap(nasty)
    checkXml(text)
    expect(text).toContain('A&amp;B &lt;x&gt;')
    expect(text).not.toContain('A&B <x>')
    expect(text).toContain('Pool &quot;1&quot; &amp; &apos;2&apos;')
    expect(renderSvgMap(nasty, {title: '<b>'})).toContain('<title>&lt;b&gt;</title>')
  })

  it('stays bounded for an IPv6 /32 and for 100,000 segments', () => {
    const six = renderSvgMap(v6)
    checkXml(six)
    expect(six).toContain('2001:db8::/48')
    const map = big()
    const text = renderSvgMap(map)
    checkXml(text)
    const rects = text.match(/<rect\b/g) ?? []
    expect(rects.length).toBeLessThanOrEqual(4096 + 100)
    expect(text.match(/<rect class="cell"/g)!.length).toBeLessThanOrEqual(4096)
  })
})

/** CIELAB (D65) of a #rrggbb colour, from sRGB by the standard formulas. */
function lab(hex: string): [number, number, number] {
  const linear = (i: number) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  }
  const [r, g, b] = [linear(1), linear(3), linear(5)]
  const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116)
  const x = f((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047)
  const y = f(0.2126 * r + 0.7152 * g + 0.0722 * b)
  const z = f((0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883)
  return [116 * y - 16, 500 * (x - y), 200 * (y - z)]
}

describe('map palette (issue 15: holders told apart)', () => {
  const deltaE = (a: string, b: string) => {
    const [l1, a1, b1] = lab(a)
    const [l2, a2, b2] = lab(b)
    return Math.hypot(l1 - l2, a1 - a2, b1 - b2)
  }

  it('any two holder colours, and each against the free and other greys, differ by ΔE*76 ≥ 25', () => {
    const all = [...PALETTE, FREE_FILL, OTHER_FILL]
    expect(new Set(PALETTE).size).toBe(20)
    for (let i = 0; i < all.length; i++)
      for (let j = i + 1; j < all.length; j++) {
        expect(deltaE(all[i]!, all[j]!), `${all[i]} ${all[j]}`).toBeGreaterThanOrEqual(25)
      }
    // The pairs the issue found hard to tell apart are gone.
    expect(PALETTE).not.toContain('#2ca02c')
    expect(PALETTE).not.toContain('#8c564b')
  })

  it('consecutive holders differ in lightness too (ΔL* ≥ 15, cycling)', () => {
    PALETTE.forEach((c, i) => {
      const next = PALETTE[(i + 1) % PALETTE.length]!
      expect(Math.abs(lab(c)[0] - lab(next)[0]), `${c} ${next}`).toBeGreaterThanOrEqual(15)
    })
  })
})
