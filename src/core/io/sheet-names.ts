import {closeSync, fstatSync, openSync, readSync} from 'node:fs'
import {inflateRawSync} from 'node:zlib'

/**
 * The real name of every worksheet part of an .xlsx, read from its zip's central directory
 * before streaming: `xl/worksheets/sheet2.xml` → `办理流程`. exceljs's streaming reader
 * names a sheet only when xl/workbook.xml and its rels were read before the sheet's part,
 * so a workbook whose parts come in another order (openpyxl, hand-zipped files) read as
 * Sheet1, Sheet2 (issue 20). Only the two small parts are inflated, each bounded; a
 * workbook this cannot read (zip64, damage) gives an empty map and exceljs's own names.
 */
export function sheetNamesByPart(path: string): Map<string, string> {
  const names = new Map<string, string>()
  let fd: number | undefined
  try {
    fd = openSync(path, 'r')
    const size = fstatSync(fd).size
    const read = (offset: number, length: number): Buffer => {
      const buf = Buffer.alloc(length)
      const n = readSync(fd!, buf, 0, length, offset)
      return buf.subarray(0, n)
    }
    const tailLength = Math.min(size, 22 + 0xffff)
    const tail = read(size - tailLength, tailLength)
    let eocd = -1
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i
        break
      }
    }
    if (eocd < 0) return names
    const cdSize = tail.readUInt32LE(eocd + 12)
    const cdOffset = tail.readUInt32LE(eocd + 16)
    if (cdOffset === 0xffffffff || cdSize > 64 * 1024 * 1024 || cdOffset + cdSize > size) return names
    const cd = read(cdOffset, cdSize)
    const wanted = new Map<string, {method: number; compressed: number; uncompressed: number; local: number}>()
    for (let p = 0; p + 46 <= cd.length && cd.readUInt32LE(p) === 0x02014b50; ) {
      const nameLength = cd.readUInt16LE(p + 28)
      const name = cd.subarray(p + 46, p + 46 + nameLength).toString('utf8').replace(/^\//, '')
      if (name === 'xl/workbook.xml' || name === 'xl/_rels/workbook.xml.rels') {
        wanted.set(name, {method: cd.readUInt16LE(p + 10), compressed: cd.readUInt32LE(p + 20), uncompressed: cd.readUInt32LE(p + 24), local: cd.readUInt32LE(p + 42)})
      }
      p += 46 + nameLength + cd.readUInt16LE(p + 30) + cd.readUInt16LE(p + 32)
    }
    const text = (name: string): string | undefined => {
      const e = wanted.get(name)
      // Both parts are small in any real workbook: a bound keeps a crafted one from costing memory.
      if (!e || e.compressed > 16 * 1024 * 1024 || e.uncompressed > 16 * 1024 * 1024) return undefined
      const header = read(e.local, 30)
      if (header.length < 30 || header.readUInt32LE(0) !== 0x04034b50) return undefined
      const data = read(e.local + 30 + header.readUInt16LE(26) + header.readUInt16LE(28), e.compressed)
      if (e.method === 0) return data.toString('utf8')
      if (e.method === 8) return inflateRawSync(data, {maxOutputLength: 16 * 1024 * 1024}).toString('utf8')
      return undefined
    }
    const workbook = text('xl/workbook.xml')
    const rels = text('xl/_rels/workbook.xml.rels')
    if (!workbook || !rels) return names
    const targets = new Map<string, string>()
    for (const m of rels.matchAll(/<(?:\w+:)?Relationship\b([^>]*)>/g)) {
      const id = attribute(m[1], 'Id')
      const target = attribute(m[1], 'Target')
      if (id && target) targets.set(id, normalisePart(target))
    }
    for (const m of workbook.matchAll(/<(?:\w+:)?sheet\b([^>]*)>/g)) {
      const name = attribute(m[1], 'name')
      const id = attribute(m[1], '(?:\\w+:)?id')
      const part = id ? targets.get(id) : undefined
      if (name !== undefined && part) names.set(part, name)
    }
  } catch {
    names.clear()
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
  return names
}

/** A rels target as a part path: `/xl/worksheets/sheet1.xml` and `worksheets/sheet1.xml` both → `xl/worksheets/sheet1.xml`. */
function normalisePart(target: string): string {
  if (target.startsWith('/')) return target.slice(1)
  const parts = `xl/${target}`.split('/')
  const out: string[] = []
  for (const p of parts) {
    if (p === '..') out.pop()
    else if (p !== '.' && p !== '') out.push(p)
  }
  return out.join('/')
}

function attribute(attrs: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(attrs)
  if (!m) return undefined
  return (m[1] ?? m[2]).replace(/&(lt|gt|quot|apos|amp|#x[0-9a-f]+|#\d+);/gi, (_, e: string) => {
    const named: Record<string, string> = {lt: '<', gt: '>', quot: '"', apos: "'", amp: '&'}
    if (named[e.toLowerCase()]) return named[e.toLowerCase()]
    return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10))
  })
}

/** One entry of a zip's central directory, as xlsx-limits.ts checks it. */
export interface ZipEntry {
  name: string
  flags: number
  method: number
  compressed: number
  uncompressed: number
  /** Offset of the entry's local header. */
  local: number
}

/**
 * The central directory of the zip at `fd` (`size` bytes), the same walk as sheetNamesByPart;
 * a string saying what is wrong when there is none to read (truncated, damaged, zip64).
 */
export function readZipDirectory(fd: number, size: number): {entries: ZipEntry[]; cdOffset: number} | string {
  const read = (offset: number, length: number): Buffer => {
    const buf = Buffer.alloc(length)
    return buf.subarray(0, readSync(fd, buf, 0, length, offset))
  }
  const tailLength = Math.min(size, 22 + 0xffff)
  const tail = read(size - tailLength, tailLength)
  let eocd = -1
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === 0x06054b50) {
      eocd = i
      break
    }
  }
  if (eocd < 0) return 'no end of central directory'
  const count = tail.readUInt16LE(eocd + 10)
  const cdSize = tail.readUInt32LE(eocd + 12)
  const cdOffset = tail.readUInt32LE(eocd + 16)
  if (cdOffset === 0xffffffff || count === 0xffff) return 'zip64 directory'
  if (cdSize > 64 * 1024 * 1024 || cdOffset + cdSize > size - tailLength + eocd) return 'central directory past the end of the file'
  const cd = read(cdOffset, cdSize)
  const entries: ZipEntry[] = []
  let p = 0
  for (; p + 46 <= cd.length && cd.readUInt32LE(p) === 0x02014b50; ) {
    const nameLength = cd.readUInt16LE(p + 28)
    if (p + 46 + nameLength > cd.length) break
    const name = cd.subarray(p + 46, p + 46 + nameLength).toString('utf8')
    entries.push({name, flags: cd.readUInt16LE(p + 8), method: cd.readUInt16LE(p + 10), compressed: cd.readUInt32LE(p + 20), uncompressed: cd.readUInt32LE(p + 24), local: cd.readUInt32LE(p + 42)})
    p += 46 + nameLength + cd.readUInt16LE(p + 30) + cd.readUInt16LE(p + 32)
  }
  if (entries.length !== count) return `central directory lists ${entries.length} of ${count} entries`
  return {entries, cdOffset}
}
