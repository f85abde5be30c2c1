import {once} from 'node:events'
import type {Writable} from 'node:stream'
import {crc32, createDeflateRaw, type DeflateRaw} from 'node:zlib'

/**
 * The zip layer of egov's streaming .xlsx writer (xlsx-writer.ts): parts deflated (method 8)
 * as they are written, with data descriptors; no zip64.
 */

const LOCAL_HEADER = 0x04034b50
const DATA_DESCRIPTOR = 0x08074b50
const CENTRAL_HEADER = 0x02014b50
const END_OF_DIRECTORY = 0x06054b50
/** Bit 3: sizes and CRC follow the data (a data descriptor); bit 11: the name is UTF-8. */
const FLAGS = 0x0808
const DEFLATE = 8
const MAX32 = 0xffffffff

/** One part of the zip, deflated as it is written. */
export class ZipEntry {
  crc = 0
  size = 0
  compressed = 0
  offset = 0
  /** Compressed bytes waiting for the entries before this one to be done. */
  pending: Buffer[] = []
  live = false
  done = false
  readonly name: Buffer
  readonly deflate: DeflateRaw
  readonly ended: Promise<unknown>

  constructor(
    private readonly zip: ZipWriter,
    name: string,
  ) {
    this.name = Buffer.from(name, 'utf8')
    this.deflate = createDeflateRaw()
    this.deflate.on('data', (chunk: Buffer) => {
      this.compressed += chunk.length
      if (this.live) zip.out(chunk)
      else this.pending.push(chunk)
    })
    this.ended = once(this.deflate, 'end')
  }

  async write(data: string | Buffer): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data
    this.crc = crc32(bytes, this.crc)
    this.size += bytes.length
    if (this.size > MAX32) throw new Error('the workbook part is over 4 GB (zip64 is not written)')
    if (!this.deflate.write(bytes)) await once(this.deflate, 'drain')
    await this.zip.drained()
  }

  async end(): Promise<void> {
    this.deflate.end()
    await this.ended
    this.done = true
    await this.zip.advance()
  }
}

/** A zip file written front to back onto a stream; entries are laid down in the order they were opened. */
export class ZipWriter {
  private offset = 0
  private readonly queue: ZipEntry[] = []
  private readonly written: ZipEntry[] = []
  private error?: Error
  private readonly time: number
  private readonly date: number

  constructor(
    private readonly stream: Writable,
    when: Date,
  ) {
    stream.on('error', (error) => (this.error ??= error))
    this.time = (when.getHours() << 11) | (when.getMinutes() << 5) | (when.getSeconds() >> 1)
    this.date = ((Math.max(1980, when.getFullYear()) - 1980) << 9) | ((when.getMonth() + 1) << 5) | when.getDate()
  }

  out(bytes: Buffer): void {
    if (this.error) return
    this.stream.write(bytes)
    this.offset += bytes.length
  }

  /** Waits while the file is behind; throws the file's error (a full disk) as soon as there is one. */
  async drained(): Promise<void> {
    this.check()
    if (this.stream.writableNeedDrain) await once(this.stream, 'drain')
    this.check()
  }

  private check(): void {
    if (this.error) throw this.error
  }

  open(name: string): ZipEntry {
    const entry = new ZipEntry(this, name)
    this.queue.push(entry)
    if (this.queue.length === 1) this.start(entry)
    return entry
  }

  /** A whole part in hand. */
  async add(name: string, text: string): Promise<void> {
    const entry = this.open(name)
    await entry.write(text)
    await entry.end()
  }

  private start(entry: ZipEntry): void {
    entry.offset = this.offset
    const h = Buffer.alloc(30)
    h.writeUInt32LE(LOCAL_HEADER, 0)
    h.writeUInt16LE(20, 4)
    h.writeUInt16LE(FLAGS, 6)
    h.writeUInt16LE(DEFLATE, 8)
    h.writeUInt16LE(this.time, 10)
    h.writeUInt16LE(this.date, 12)
    // CRC and sizes (14–25) are zero: they follow in the data descriptor.
    h.writeUInt16LE(entry.name.length, 26)
    this.out(h)
    this.out(entry.name)
    entry.live = true
    for (const chunk of entry.pending) this.out(chunk)
    entry.pending = []
  }

  /** Lays down every finished entry at the head of the queue, and starts the next. */
  async advance(): Promise<void> {
    while (this.queue.length && this.queue[0]!.done) {
      const entry = this.queue.shift()!
      const d = Buffer.alloc(16)
      d.writeUInt32LE(DATA_DESCRIPTOR, 0)
      d.writeUInt32LE(entry.crc >>> 0, 4)
      d.writeUInt32LE(entry.compressed, 8)
      d.writeUInt32LE(entry.size, 12)
      this.out(d)
      this.written.push(entry)
      if (this.queue.length) this.start(this.queue[0]!)
    }
    if (this.offset > MAX32) throw new Error('the workbook is over 4 GB (zip64 is not written)')
    await this.drained()
  }

  /** Writes the central directory and ends the stream, once it is all on disk. */
  async finish(): Promise<void> {
    if (this.queue.length) throw new Error(`zip entries not ended: ${this.queue.map((e) => e.name.toString()).join(', ')}`)
    const start = this.offset
    for (const entry of this.written) {
      const h = Buffer.alloc(46)
      h.writeUInt32LE(CENTRAL_HEADER, 0)
      h.writeUInt16LE(20, 4)
      h.writeUInt16LE(20, 6)
      h.writeUInt16LE(FLAGS, 8)
      h.writeUInt16LE(DEFLATE, 10)
      h.writeUInt16LE(this.time, 12)
      h.writeUInt16LE(this.date, 14)
      h.writeUInt32LE(entry.crc >>> 0, 16)
      h.writeUInt32LE(entry.compressed, 20)
      h.writeUInt32LE(entry.size, 24)
      h.writeUInt16LE(entry.name.length, 28)
      h.writeUInt32LE(entry.offset, 42)
      this.out(h)
      this.out(entry.name)
    }
    const e = Buffer.alloc(22)
    e.writeUInt32LE(END_OF_DIRECTORY, 0)
    e.writeUInt16LE(this.written.length, 8)
    e.writeUInt16LE(this.written.length, 10)
    e.writeUInt32LE(this.offset - start, 12)
    e.writeUInt32LE(start, 16)
    this.out(e)
    this.check()
    const closed = once(this.stream, 'close')
    this.stream.end()
    await closed
    this.check()
  }

  destroy(): void {
    for (const entry of this.queue) entry.deflate.destroy()
    this.stream.destroy()
  }
}
