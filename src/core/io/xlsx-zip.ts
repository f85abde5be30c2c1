import {closeSync, createReadStream, fstatSync, openSync, readSync} from 'node:fs'
import {createInflateRaw, inflateRawSync} from 'node:zlib'

/**
 * The zip layer of the workbook reader (xlsx-reader.ts): the central directory, read from
 * the end of the file whatever order the parts were stored in, and each part inflated on
 * demand, counted as it inflates so that a zip bomb is stopped at a limit, not at the end
 * of memory. Zip64 directories are read; encrypted parts and methods other than stored and
 * deflate are refused. Every failure is a ZipProblem, which the reader turns into a
 * message naming the file (exit 2).
 */
export class ZipProblem extends Error {
  constructor(
    reason: string,
    /** Set when a part inflated past its limit: the part and the limit in bytes. */
    readonly overLimit?: {part: string; limit: number},
  ) {
    super(reason)
  }
}

export interface ZipEntry {
  name: string
  method: number
  flags: number
  compressed: number
  uncompressed: number
  local: number
}

/** A part this small (compressed) is inflated in one call, up to SMALL_INFLATED bytes; a larger one is streamed. */
const SMALL_COMPRESSED = 256 * 1024
const SMALL_INFLATED = 8 * 1024 * 1024

/** An open zip file: its entries by name (a leading / dropped, so openpyxl's absolute names match too). */
export class ZipFile {
  readonly entries = new Map<string, ZipEntry>()
  private fd: number | undefined
  readonly size: number

  constructor(readonly path: string) {
    this.fd = openSync(path, 'r')
    try {
      this.size = fstatSync(this.fd).size
      this.readDirectory()
    } catch (error) {
      this.close()
      throw error
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd)
    this.fd = undefined
  }

  private read(offset: number, length: number): Buffer {
    const buf = Buffer.alloc(length)
    let done = 0
    while (done < length) {
      const n = readSync(this.fd!, buf, done, length - done, offset + done)
      if (n === 0) break
      done += n
    }
    return buf.subarray(0, done)
  }

  private readDirectory(): void {
    const tailLength = Math.min(this.size, 22 + 0xffff)
    const tail = this.read(this.size - tailLength, tailLength)
    let eocd = -1
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i
        break
      }
    }
    if (eocd < 0) throw new ZipProblem('no zip directory at the end of the file (truncated, or not a zip)')
    let count = tail.readUInt16LE(eocd + 10)
    let cdSize = tail.readUInt32LE(eocd + 12)
    let cdOffset = tail.readUInt32LE(eocd + 16)
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      // Zip64: the locator sits just before the end record and points at the zip64 end record.
      const at = this.size - tailLength + eocd - 20
      const locator = at >= 0 ? this.read(at, 20) : Buffer.alloc(0)
      if (locator.length < 20 || locator.readUInt32LE(0) !== 0x07064b50) throw new ZipProblem('damaged zip64 directory')
      const record = this.read(Number(locator.readBigUInt64LE(8)), 56)
      if (record.length < 56 || record.readUInt32LE(0) !== 0x06064b50) throw new ZipProblem('damaged zip64 directory')
      count = Number(record.readBigUInt64LE(32))
      cdSize = Number(record.readBigUInt64LE(40))
      cdOffset = Number(record.readBigUInt64LE(48))
    }
    // A workbook's directory holds a few dozen entries; 64 MiB of it is no workbook.
    if (cdSize > 64 * 1024 * 1024) throw new ZipProblem(`zip directory of ${cdSize} bytes`)
    if (cdOffset + cdSize > this.size) throw new ZipProblem('the zip directory lies past the end of the file (truncated)')
    const cd = this.read(cdOffset, cdSize)
    let p = 0
    while (p + 46 <= cd.length && cd.readUInt32LE(p) === 0x02014b50) {
      const nameLength = cd.readUInt16LE(p + 28)
      const extraLength = cd.readUInt16LE(p + 30)
      const name = cd
        .subarray(p + 46, p + 46 + nameLength)
        .toString('utf8')
        .replace(/^\//, '')
      const entry: ZipEntry = {
        name,
        flags: cd.readUInt16LE(p + 8),
        method: cd.readUInt16LE(p + 10),
        compressed: cd.readUInt32LE(p + 20),
        uncompressed: cd.readUInt32LE(p + 24),
        local: cd.readUInt32LE(p + 42),
      }
      // Zip64 extra field: the 8-byte values of those fields that are 0xFFFFFFFF, in this order.
      const extra = cd.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength)
      for (let e = 0; e + 4 <= extra.length;) {
        const id = extra.readUInt16LE(e)
        const len = extra.readUInt16LE(e + 2)
        if (id === 0x0001) {
          let q = e + 4
          const next = (): number => {
            const v = q + 8 <= e + 4 + len ? Number(extra.readBigUInt64LE(q)) : -1
            q += 8
            return v
          }
          if (entry.uncompressed === 0xffffffff) entry.uncompressed = next()
          if (entry.compressed === 0xffffffff) entry.compressed = next()
          if (entry.local === 0xffffffff) entry.local = next()
        }
        e += 4 + len
      }
      this.entries.set(name, entry)
      p += 46 + nameLength + extraLength + cd.readUInt16LE(p + 32)
    }
    if (this.entries.size === 0 || this.entries.size < Math.min(count, 0xffff)) throw new ZipProblem('damaged zip directory')
  }

  /** Where an entry's data starts, after its local header; checked against the file's size. */
  private dataStart(entry: ZipEntry): number {
    if (entry.flags & 1) throw new ZipProblem(`${entry.name} is encrypted`)
    if (entry.method !== 0 && entry.method !== 8) throw new ZipProblem(`${entry.name} uses compression method ${entry.method}`)
    const header = this.read(entry.local, 30)
    if (header.length < 30 || header.readUInt32LE(0) !== 0x04034b50) throw new ZipProblem(`damaged entry ${entry.name}`)
    const start = entry.local + 30 + header.readUInt16LE(26) + header.readUInt16LE(28)
    if (start + entry.compressed > this.size) throw new ZipProblem(`${entry.name} lies past the end of the file (truncated)`)
    return start
  }

  /** A small part, whole, as text: more than `limit` bytes once inflated is a ZipProblem with overLimit. */
  text(name: string, limit: number): string {
    const entry = this.entries.get(name)
    if (!entry) throw new ZipProblem(`no ${name}`)
    const start = this.dataStart(entry)
    if (entry.method === 0 && entry.compressed > limit) throw new ZipProblem(name, {part: name, limit})
    const data = this.read(start, entry.compressed)
    if (entry.method === 0) return data.toString('utf8')
    try {
      return inflateRawSync(data, {maxOutputLength: limit}).toString('utf8')
    } catch (error) {
      if ((error as {code?: string}).code === 'ERR_BUFFER_TOO_LARGE') throw new ZipProblem(name, {part: name, limit})
      throw new ZipProblem(`${name}: ${(error as Error).message}`)
    }
  }

  /**
   * A part, inflated chunk by chunk as it is read from the file; the inflated bytes are
   * counted, and past `limit` the stream stops with a ZipProblem (overLimit) at once.
   */
  async *stream(name: string, limit: number): AsyncGenerator<Buffer> {
    const entry = this.entries.get(name)
    if (!entry) throw new ZipProblem(`no ${name}`)
    const start = this.dataStart(entry)
    if (entry.compressed === 0) return
    if (entry.compressed <= SMALL_COMPRESSED) {
      // A small part (a form's, a list's workbook part) is read and inflated at once: a stream per part costs more than the part.
      // Bounded at SMALL_INFLATED; one that inflates past that is streamed after all, and stopped at its limit.
      const data = this.read(start, entry.compressed)
      let whole: Buffer | undefined
      try {
        whole = entry.method === 0 ? data : inflateRawSync(data, {maxOutputLength: Math.min(limit, SMALL_INFLATED) + 1})
      } catch (error) {
        if ((error as {code?: string}).code !== 'ERR_BUFFER_TOO_LARGE') throw new ZipProblem(`${name}: ${(error as Error).message}`)
      }
      if (whole && whole.length <= Math.min(limit, SMALL_INFLATED)) {
        if (whole.length) yield whole
        return
      }
      if (whole && whole.length > limit) throw new ZipProblem(name, {part: name, limit})
    }
    const raw = createReadStream(this.path, {start, end: start + entry.compressed - 1, highWaterMark: 256 * 1024})
    const source = entry.method === 0 ? raw : raw.pipe(createInflateRaw({chunkSize: 256 * 1024}))
    if (source !== raw) raw.on('error', (error) => source.destroy(error))
    let total = 0
    try {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        total += chunk.length
        if (total > limit) throw new ZipProblem(name, {part: name, limit})
        yield chunk
      }
    } catch (error) {
      if (error instanceof ZipProblem) throw error
      throw new ZipProblem(`${name}: ${(error as Error).message}`)
    } finally {
      raw.destroy()
      source.destroy()
    }
  }
}

/** A rels target as a part path, relative to the folder of the part the rels belong to: `/xl/worksheets/sheet1.xml` and `worksheets/sheet1.xml` (from xl/) both → `xl/worksheets/sheet1.xml`. */
export function resolvePart(folder: string, target: string): string {
  const parts = target.startsWith('/') ? target.slice(1).split('/') : `${folder}/${target}`.split('/')
  const out: string[] = []
  for (const p of parts) {
    if (p === '..') out.pop()
    else if (p !== '.' && p !== '') out.push(p)
  }
  return out.join('/')
}

/** An attribute's value in a tag's attribute text, entities decoded; names may carry a namespace prefix when the pattern allows it. */
export function attribute(attrs: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(attrs)
  if (!m) return undefined
  return decodeEntities(m[1] ?? m[2] ?? '')
}

const NAMED: Record<string, string> = {lt: '<', gt: '>', quot: '"', apos: "'", amp: '&'}

/** XML's five named entities and numeric character references. */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text
  return text.replace(/&(lt|gt|quot|apos|amp|#x[0-9a-f]+|#\d+);/gi, (_, e: string) => {
    const named = NAMED[e.toLowerCase()]
    if (named) return named
    const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)
    return code <= 0x10ffff ? String.fromCodePoint(code) : ''
  })
}
