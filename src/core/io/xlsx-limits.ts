import {closeSync, fstatSync, openSync, readSync, statSync} from 'node:fs'
import {resolve} from 'node:path'

import {InvalidInput} from '../errors.js'
import {readZipDirectory, sheetNamesByPart, type ZipEntry} from './sheet-names.js'
import {assertZip} from './tables.js'
import {bytes, grouped, inflate, type LimitCheck, MiB, partScanner} from './xlsx-limits-scan.js'

export {CELL_TEXT_LIMIT} from './xlsx-limits-scan.js'

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

/**
 * Refuses (InvalidInput, exit 2) a workbook egov cannot read within bounded time and memory:
 * not a zip, a truncated or damaged zip, a zip bomb, or a sheet past the limits of its kind.
 * Runs before any exceljs read; reads the file once, holding one part's chunk at a time.
 * The steps: the zip's directory and local headers (checkDirectory), then every part
 * inflated, counted and, where exceljs would hold it whole, scanned (scanParts, xlsx-limits-scan.ts).
 */
export async function checkWorkbookLimits(path: string, options: WorkbookLimitOptions): Promise<void> {
  const field = options.field
  const shown = options.shown ?? path
  const kind = options.kind ?? 'form'
  refuseText(path, field, shown)
  assertZip(path, field, shown)
  // A file already checked in this process, as it is now, under these limits or stricter ones, is not scanned twice (items import, then its --report copy).
  const stamp = fileStamp(path)
  if (stamp && CHECKED.get(stamp)?.some((k) => COVERS[k].includes(kind))) return
  const refuse: LimitCheck['refuse'] = (key, params) => {
    throw new InvalidInput(key, {field, path: shown, ...params}, {field, details: {path: shown, ...params}})
  }
  const check: LimitCheck = {limits: XLSX_LIMITS[kind], refuse, damaged: (reason) => refuse('io.limit.damaged', {reason}), cells: 0, mergedCells: 0}
  const starts = checkDirectory(check, path, field, shown)
  await scanParts(check, path, kind, starts)
  if (stamp) CHECKED.set(stamp, [...(CHECKED.get(stamp) ?? []), kind])
}

/** The zip's central directory and each entry's local header, against the limits: where each entry's data starts. */
function checkDirectory(check: LimitCheck, path: string, field: string, shown: string): Map<ZipEntry, number> {
  const {limits, refuse, damaged} = check
  let fd: number | undefined
  const starts = new Map<ZipEntry, number>()
  try {
    fd = openSync(path, 'r')
    const size = fstatSync(fd).size
    const directory = readZipDirectory(fd, size)
    if (typeof directory === 'string') {
      if (directory === 'no end of central directory') refuse('io.limit.truncated', {})
      return damaged(directory)
    }
    const entries = directory.entries
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
  return starts
}

/**
 * Every part is inflated and counted (a directory may understate what an entry holds); the parts
 * exceljs holds whole are scanned too: for a streamed list only the shared strings, which it caches.
 */
async function scanParts(check: LimitCheck, path: string, kind: WorkbookKind, starts: Map<ZipEntry, number>): Promise<void> {
  const {limits, refuse, damaged} = check
  const names = sheetNamesByPart(path)
  let total = 0
  for (const [e, start] of starts) {
    const scanner = partScanner(check, kind === 'stream', e.name.replace(/^\//, ''), names)
    let produced = 0
    await inflate(path, start, e, (chunk) => {
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
