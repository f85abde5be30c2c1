import {closeSync, createReadStream, fstatSync, openSync, readSync, statSync} from 'node:fs'
import {resolve} from 'node:path'
import {StringDecoder} from 'node:string_decoder'
import {createInflateRaw, inflateRawSync} from 'node:zlib'

import {InvalidInput} from '../errors.js'
import type {MessageKey} from '../i18n/index.js'
import {readZipDirectory, sheetNamesByPart, type ZipEntry} from './sheet-names.js'
import {assertZip} from './tables.js'

/**
 * Limits on what a workbook may ask of egov before exceljs sees it (issue 20: a 1.6 KB file
 * with one <mergeCell ref="A2:XFD1048576"/> drove imports past 4 GB; one cell at XFD1048576
 * crashed kiosk import; 3.2 GB of shared strings in an 11.7 MB file crashed items import; a
 * half-copied export exited 13 with no output). Checked by checkWorkbookLimits from the zip's
 * central directory and a bounded streaming scan of the parts' XML, never from what the file
 * declares about itself (<dimension> is not trusted). Documented in the README (Workbook limits).
 *
 * - form: a paper form read whole (net and cloud application forms, kiosk onboarding forms).
 *   A form is some tens of rows by a few columns; exceljs holds a whole workbook in memory at
 *   about 0.8 KB a cell (measured: README, Workbook limits), so 1,000 rows × 64 columns and
 *   50,000 cells stay well under 200 MB, and kiosk's grid of rows × columns under 64,000 cells.
 * - list: a list workbook copied whole for --report (items import): Excel's own grid, and
 *   merges and shared strings bounded.
 * - stream: a list read row by row (items import): only what the streaming reader holds
 *   whole, the zip's structure and the shared strings.
 */
export const XLSX_LIMITS = {
  form: {entries: 1_000, partBytes: 16 * MiB(), totalBytes: 64 * MiB(), rows: 1_000, columns: 64, cells: 50_000, mergedCells: 10_000, sharedStrings: 50_000, sharedStringBytes: 8 * MiB()},
  list: {
    entries: 10_000,
    partBytes: 1024 * MiB(),
    totalBytes: 2048 * MiB(),
    rows: 1_048_576,
    columns: 16_384,
    cells: Infinity,
    mergedCells: 100_000,
    sharedStrings: 2_000_000,
    sharedStringBytes: 256 * MiB(),
  },
  stream: {
    entries: 10_000,
    partBytes: 1024 * MiB(),
    totalBytes: 2048 * MiB(),
    rows: 1_048_576,
    columns: 16_384,
    cells: Infinity,
    mergedCells: 100_000,
    sharedStrings: 2_000_000,
    sharedStringBytes: 256 * MiB(),
  },
} as const

/** Excel's own limit on the text of one cell. */
export const CELL_TEXT_LIMIT = 32_767
/** A part past this size may not inflate to more than RATIO_LIMIT times its compressed size (deflate's own maximum is about 1,032). */
export const RATIO_LIMIT = 500
const RATIO_FROM = 8 * MiB()

export type WorkbookKind = keyof typeof XLSX_LIMITS

export interface WorkbookLimitOptions {
  /** The flag or argument the file came from (FORM, from-file, FILE, report). */
  field: string
  /** How messages name the file (default: the path). */
  shown?: string
  /** Which limits apply (default form). */
  kind?: WorkbookKind
}

function MiB(): number {
  return 1024 * 1024
}

/** A size as people read it: 16 MiB, 1.5 GiB. */
function bytes(n: number): string {
  if (n >= 1024 * MiB()) return `${+(n / (1024 * MiB())).toFixed(1)} GiB`
  if (n >= MiB()) return `${+(n / MiB()).toFixed(1)} MiB`
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KiB`
  return `${n} bytes`
}

const grouped = (n: number) => n.toLocaleString('en-US')

/**
 * Refuses (InvalidInput, exit 2) a workbook egov cannot read within bounded time and memory:
 * not a zip, a truncated or damaged zip, a zip bomb, or a sheet past the limits of its kind.
 * Runs before any exceljs read; reads the file once, holding one part's chunk at a time.
 */
export async function checkWorkbookLimits(path: string, options: WorkbookLimitOptions): Promise<void> {
  const field = options.field
  const shown = options.shown ?? path
  const kind = options.kind ?? 'form'
  const limits = XLSX_LIMITS[kind]
  refuseText(path, field, shown)
  assertZip(path, field, shown)
  // A file already checked in this process, as it is now, under these limits or stricter ones, is not scanned twice (items import, then its --report copy).
  const stamp = fileStamp(path)
  if (stamp && CHECKED.get(stamp)?.some((k) => COVERS[k].includes(kind))) return
  const refuse = (key: MessageKey, params: Record<string, unknown>): never => {
    throw new InvalidInput(key, {field, path: shown, ...params}, {field, details: {path: shown, ...params}})
  }
  const damaged = (reason: string): never => refuse('io.limit.damaged', {reason})

  let fd: number | undefined
  let entries: ZipEntry[]
  let size: number
  const starts = new Map<ZipEntry, number>()
  try {
    fd = openSync(path, 'r')
    size = fstatSync(fd).size
    const directory = readZipDirectory(fd, size)
    if (typeof directory === 'string') {
      if (directory === 'no end of central directory') refuse('io.limit.truncated', {})
      return damaged(directory)
    }
    entries = directory.entries
    if (entries.length > limits.entries) refuse('io.limit.entries', {count: grouped(entries.length), limit: grouped(limits.entries)})
    let declared = 0
    const header = Buffer.alloc(30)
    for (const e of entries) {
      if (e.compressed === 0xffffffff || e.uncompressed === 0xffffffff) damaged(`${e.name}: zip64 entry`)
      if (e.uncompressed > limits.partBytes) refuse('io.limit.partSize', {part: e.name, size: bytes(e.uncompressed), limit: bytes(limits.partBytes)})
      declared += e.uncompressed
      if (e.method !== 0 && e.method !== 8) damaged(`${e.name}: compression method ${e.method}`)
      if (e.local + 30 > directory.cdOffset) damaged(`${e.name}: its data lies past the end of the file`)
      if (readSync(fd, header, 0, 30, e.local) < 30 || header.readUInt32LE(0) !== 0x04034b50) damaged(`${e.name}: no local header where the directory says`)
      const nameLength = header.readUInt16LE(26)
      const localName = Buffer.alloc(nameLength)
      readSync(fd, localName, 0, nameLength, e.local + 30)
      if (localName.toString('utf8') !== e.name) damaged(`${e.name}: the local header names "${localName.toString('utf8')}"`)
      const start = e.local + 30 + nameLength + header.readUInt16LE(28)
      if (start + e.compressed > directory.cdOffset) damaged(`${e.name}: its data lies past the end of the file`)
      if (e.method === 0 && e.compressed !== e.uncompressed) damaged(`${e.name}: stored with two sizes`)
      starts.set(e, start)
    }
    if (declared > limits.totalBytes) refuse('io.limit.totalSize', {size: bytes(declared), limit: bytes(limits.totalBytes)})
  } catch (error) {
    if (error instanceof InvalidInput) throw error
    throw new InvalidInput('io.unreadable', {field, path: shown, reason: (error as Error).message}, {field})
  } finally {
    if (fd !== undefined) closeSync(fd)
  }

  // Every part is inflated and counted (a directory may understate what an entry holds); the parts
  // exceljs holds whole are scanned too: for a streamed list only the shared strings, which it caches.
  const names = sheetNamesByPart(path)
  const part = (name: string) => name.replace(/^\//, '')
  let total = 0
  let mergedCells = 0
  let cells = 0
  for (const e of entries) {
    const p = part(e.name)
    const scanner =
      kind === 'stream' && p !== 'xl/sharedStrings.xml'
        ? undefined
        : /^xl\/worksheets\/[^/]+\.xml$/.test(p)
          ? sheetScanner(names.get(p) ?? p)
          : p === 'xl/sharedStrings.xml'
            ? stringsScanner()
            : /comments[^/]*\.xml$/.test(p)
              ? commentsScanner()
              : undefined
    let produced = 0
    await inflate(path, starts.get(e)!, e, (chunk) => {
      produced += chunk.length
      total += chunk.length
      // Counted as it inflates: a directory may understate what an entry holds.
      if (produced > limits.partBytes || produced > e.uncompressed + 1024) {
        if (produced > limits.partBytes) refuse('io.limit.partSize', {part: e.name, size: `> ${bytes(limits.partBytes)}`, limit: bytes(limits.partBytes)})
        damaged(`${e.name}: inflates past the ${bytes(e.uncompressed)} its directory entry declares`)
      }
      if (produced > RATIO_FROM && produced > RATIO_LIMIT * Math.max(1, e.compressed))
        refuse('io.limit.ratio', {part: e.name, size: bytes(produced), compressed: bytes(e.compressed), limit: RATIO_LIMIT})
      if (total > limits.totalBytes) refuse('io.limit.totalSize', {size: `> ${bytes(limits.totalBytes)}`, limit: bytes(limits.totalBytes)})
      scanner?.feed(chunk)
    }).catch((error: unknown) => {
      if (error instanceof InvalidInput) throw error
      return damaged(`${e.name}: ${(error as Error).message}`)
    })
    if (produced !== e.uncompressed && !(e.flags & 8 && e.uncompressed === 0)) damaged(`${e.name}: inflates to ${produced} bytes, its directory entry declares ${e.uncompressed}`)
    scanner?.end()
  }
  if (stamp) CHECKED.set(stamp, [...(CHECKED.get(stamp) ?? []), kind])

  function sheetScanner(sheet: string) {
    let row = 0
    let col = 0
    let at = ''
    return xmlScanner((name, attrs, text) => {
      if (name === 'row') {
        const r = attribute(attrs, 'r')
        row = r ? Number(r) : row + 1
        col = 0
        if (!(row >= 1 && row <= 1_048_576)) damaged(`${sheet}: row number ${r}`)
        if (row > limits.rows) refuse('io.limit.rows', {sheet, cell: `row ${row}`, limit: grouped(limits.rows)})
      } else if (name === 'c') {
        const r = attribute(attrs, 'r')
        if (r) {
          const ref = cellRef(r)
          if (!ref) damaged(`${sheet}: cell reference "${r}"`)
          ;[col, row] = [ref!.col, ref!.row]
        } else col++
        at = r ?? `R${row}C${col}`
        if (row > limits.rows) refuse('io.limit.rows', {sheet, cell: at, limit: grouped(limits.rows)})
        if (col > limits.columns) refuse('io.limit.columns', {sheet, cell: at, limit: `${grouped(limits.columns)} (${letters(limits.columns)})`})
        if (++cells > limits.cells) refuse('io.limit.cells', {sheet, cell: at, limit: grouped(limits.cells)})
      } else if (name === 'v' || name === 't' || name === 'f') {
        if (text.length > CELL_TEXT_LIMIT && textLength(text) > CELL_TEXT_LIMIT) refuse('io.limit.cellText', {sheet, cell: at, length: grouped(textLength(text)), limit: grouped(CELL_TEXT_LIMIT)})
      } else if (name === 'mergeCell') {
        const ref = attribute(attrs, 'ref') ?? ''
        const [a, b] = ref.split(':')
        const from = cellRef(a ?? '')
        const to = cellRef(b ?? a ?? '')
        if (!from || !to) damaged(`${sheet}: merged range "${ref}"`)
        const area = (Math.abs(to!.row - from!.row) + 1) * (Math.abs(to!.col - from!.col) + 1)
        mergedCells += area
        if (mergedCells > limits.mergedCells) refuse('io.limit.merged', {sheet, ref, area: grouped(area), limit: grouped(limits.mergedCells)})
      }
    })
  }

  function stringsScanner() {
    let count = 0
    let length = 0
    let bytesSeen = 0
    const scan = xmlScanner((name, _attrs, text) => {
      if (name === 'si') {
        if (++count > limits.sharedStrings) refuse('io.limit.sharedStrings', {count: `> ${grouped(limits.sharedStrings)}`, limit: grouped(limits.sharedStrings)})
        length = 0
      } else if (name === 't' && text) {
        length += text.length > CELL_TEXT_LIMIT ? textLength(text) : text.length
        if (length > CELL_TEXT_LIMIT) refuse('io.limit.cellText', {sheet: 'xl/sharedStrings.xml', cell: `#${count}`, length: `> ${grouped(CELL_TEXT_LIMIT)}`, limit: grouped(CELL_TEXT_LIMIT)})
      }
    })
    return {
      feed(chunk: Buffer) {
        bytesSeen += chunk.length
        if (bytesSeen > limits.sharedStringBytes) refuse('io.limit.sharedStringBytes', {size: `> ${bytes(limits.sharedStringBytes)}`, limit: bytes(limits.sharedStringBytes)})
        scan.feed(chunk)
      },
      end: () => scan.end(),
    }
  }

  function commentsScanner() {
    let length = 0
    let at = ''
    return xmlScanner((name, attrs, text) => {
      if (name === 'comment') {
        length = 0
        at = attribute(attrs, 'ref') ?? ''
      } else if (name === 't' && text) {
        length += text.length > CELL_TEXT_LIMIT ? textLength(text) : text.length
        if (length > CELL_TEXT_LIMIT) refuse('io.limit.cellText', {sheet: 'comments', cell: at, length: `> ${grouped(CELL_TEXT_LIMIT)}`, limit: grouped(CELL_TEXT_LIMIT)})
      }
    })
  }
}

/** A CSV or other text saved under a .xlsx name: said as such (an .xlsx is a zip). */
function refuseText(path: string, field: string, shown: string): void {
  let head: Buffer
  let fd: number | undefined
  try {
    fd = openSync(path, 'r')
    const buf = Buffer.alloc(4096)
    head = buf.subarray(0, readSync(fd, buf, 0, buf.length, 0))
  } catch {
    return // assertZip says why it cannot be read
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
  if (head.length < 4 || head.readUInt32LE(0) === 0x04034b50) return
  // UTF-16 text (Excel's 'Unicode text') starts with its BOM and holds NULs; other text holds none, and a comma, tab or line break.
  const utf16 = (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)
  if (utf16 || (!head.includes(0) && /[,\t\n]/.test(head.toString('latin1')))) throw new InvalidInput('io.limit.text', {field, path: shown}, {field, details: {path: shown}})
}

const CHECKED = new Map<string, WorkbookKind[]>()
/** Which kinds' limits a passed check also satisfies. */
const COVERS: Record<WorkbookKind, WorkbookKind[]> = {form: ['form', 'list', 'stream'], list: ['list', 'stream'], stream: ['stream']}

function fileStamp(path: string): string | undefined {
  try {
    const s = statSync(path)
    return `${resolve(path)}\0${s.size}\0${s.mtimeMs}\0${s.ino}`
  } catch {
    return undefined
  }
}

/** An entry this small (compressed) whose directory declares no more than SMALL_INFLATED is inflated in one call, not streamed: a form's parts. */
const SMALL_COMPRESSED = 256 * 1024
const SMALL_INFLATED = 4 * 1024 * 1024

/**
 * Inflates one entry's data as a stream, chunk by chunk; a stored entry passes through. A small
 * entry is read and inflated at once (a stream per part cost a kiosk form more than reading it),
 * bounded by what its directory entry declares: one that inflates past that is streamed after
 * all, so that it is refused as it always was.
 */
async function inflate(path: string, start: number, entry: ZipEntry, onChunk: (chunk: Buffer) => void): Promise<void> {
  if (entry.compressed > 0 && entry.compressed <= SMALL_COMPRESSED && entry.uncompressed <= SMALL_INFLATED) {
    let whole: Buffer | undefined
    let fd: number | undefined
    try {
      fd = openSync(path, 'r')
      const data = Buffer.alloc(entry.compressed)
      if (readSync(fd, data, 0, entry.compressed, start) === entry.compressed)
        whole = entry.method === 8 ? inflateRawSync(data, {maxOutputLength: entry.uncompressed + 1}) : entry.method === 0 ? data : undefined
    } catch {
      whole = undefined
    } finally {
      if (fd !== undefined) closeSync(fd)
    }
    if (whole && whole.length <= entry.uncompressed) {
      for (let at = 0; at < whole.length; at += 64 * 1024) onChunk(whole.subarray(at, Math.min(whole.length, at + 64 * 1024)))
      return
    }
  }
  return inflateStream(path, start, entry, onChunk)
}

function inflateStream(path: string, start: number, entry: ZipEntry, onChunk: (chunk: Buffer) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    if (entry.compressed === 0) {
      resolve()
      return
    }
    const input = createReadStream(path, {start, end: start + entry.compressed - 1, highWaterMark: 64 * 1024})
    const stream = entry.method === 8 ? input.pipe(createInflateRaw({chunkSize: 64 * 1024})) : input
    let done = false
    const fail = (error: unknown) => {
      if (done) return
      done = true
      input.destroy()
      stream.destroy()
      reject(error instanceof Error ? error : new Error(String(error)))
    }
    input.on('error', fail)
    stream.on('error', fail)
    stream.on('data', (chunk: Buffer) => {
      try {
        onChunk(chunk)
      } catch (error) {
        fail(error)
      }
    })
    stream.on('end', () => {
      if (done) return
      done = true
      resolve()
    })
  })
}

/** Longest run of text or one tag the scanner holds while waiting for its end: past any cell Excel allows. */
const CARRY_LIMIT = 1024 * 1024

/**
 * A cheap streaming XML scanner (no DOM): calls `element` for every start tag with its local
 * name, its attribute text and the text that follows it up to the next tag. Chunks are cut at
 * the last '<', so tags and texts arrive whole; a tag or text longer than CARRY_LIMIT is refused.
 */
function xmlScanner(element: (name: string, attrs: string, text: string) => void): {feed(chunk: Buffer): void; end(): void} {
  const decoder = new StringDecoder('utf8')
  let carry = ''
  let skipping = false
  const TAG = /<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)((?:\s[^>]*)?)>([^<]*)/g
  const run = (text: string) => {
    TAG.lastIndex = 0
    for (let m = TAG.exec(text); m; m = TAG.exec(text)) element(m[2], m[3], m[4])
  }
  return {
    feed(chunk: Buffer) {
      let text = carry + decoder.write(chunk)
      if (skipping) {
        const next = text.indexOf('<')
        if (next < 0) return
        text = text.slice(next)
        skipping = false
      }
      const cut = text.lastIndexOf('<')
      if (cut <= 0) {
        carry = text
      } else {
        run(text.slice(0, cut))
        carry = text.slice(cut)
      }
      if (carry.length > CARRY_LIMIT) {
        // A tag this long is no workbook's; a text this long is passed on (a cell's is refused by its length), the rest of it skipped.
        if (!carry.includes('>')) throw new RangeError('an XML tag of more than 1 MiB')
        run(carry)
        carry = ''
        skipping = true
      }
    },
    end() {
      run(carry + decoder.end())
      carry = ''
    },
  }
}

function attribute(attrs: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(attrs)
  return m ? (m[1] ?? m[2]) : undefined
}

/** A1 → {col: 1, row: 1}; undefined for anything past XFD1048576 or not a cell reference. */
function cellRef(ref: string): {col: number; row: number} | undefined {
  const m = /^\$?([A-Za-z]{1,3})\$?(\d{1,7})$/.exec(ref.trim())
  if (!m) return undefined
  let col = 0
  for (const ch of m[1].toUpperCase()) col = col * 26 + (ch.charCodeAt(0) - 64)
  const row = Number(m[2])
  if (col > 16_384 || row < 1 || row > 1_048_576) return undefined
  return {col, row}
}

function letters(col: number): string {
  let s = ''
  for (let c = col; c > 0; c = Math.floor((c - 1) / 26)) s = String.fromCharCode(65 + ((c - 1) % 26)) + s
  return s
}

/** The characters an XML text stands for: each entity counts as one. */
function textLength(text: string): number {
  return text.replace(/&[^;&<]{1,10};/g, '.').length
}
