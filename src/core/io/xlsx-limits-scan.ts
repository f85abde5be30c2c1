import {closeSync, createReadStream, openSync, readSync} from 'node:fs'
import {createInflateRaw, inflateRawSync} from 'node:zlib'

import type {MessageKey} from '../i18n/index.js'
import type {ZipEntry} from './sheet-names.js'
import {ElementScanner} from './xlsx-scan.js'

/**
 * The preflight's scanners (xlsx-limits.ts's checkWorkbookLimits) that read a part's bytes: inflating an
 * entry chunk by chunk, and the streaming scanners that count a sheet's rows, columns, cells
 * and merged cells, the shared strings and the comments as their XML passes (each an
 * ElementScanner, xlsx-scan.ts: the reader's tokenizer).
 */

/** Excel's own limit on the text of one cell. */
export const CELL_TEXT_LIMIT = 32_767

/** What one kind of workbook may hold (XLSX_LIMITS). */
export interface WorkbookLimits {
  entries: number
  partBytes: number
  totalBytes: number
  rows: number
  columns: number
  cells: number
  mergedCells: number
  sharedStrings: number
  sharedStringBytes: number
}

/** One check of one workbook: its limits, how it refuses, and what it counts across the workbook's sheets. */
export interface LimitCheck {
  limits: WorkbookLimits
  refuse: (key: MessageKey, params: Record<string, unknown>) => never
  /** A damaged zip or part, said with its reason. */
  damaged: (reason: string) => never
  cells: number
  mergedCells: number
}

export interface PartScanner {
  feed(chunk: Buffer): void
  end(): void
}

export function MiB(): number {
  return 1024 * 1024
}

/** A size as people read it: 16 MiB, 1.5 GiB. */
export function bytes(n: number): string {
  if (n >= 1024 * MiB()) return `${+(n / (1024 * MiB())).toFixed(1)} GiB`
  if (n >= MiB()) return `${+(n / MiB()).toFixed(1)} MiB`
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KiB`
  return `${n} bytes`
}

export const grouped = (n: number) => n.toLocaleString('en-US')

/**
 * The scanner of one part (its path in the zip, without a leading '/'): the parts exceljs
 * holds whole are scanned (for a streamed list only the shared strings, which it caches);
 * other parts are only counted as they inflate. `names`: sheet part → the sheet's name.
 */
export function partScanner(check: LimitCheck, streamed: boolean, part: string, names: Map<string, string>): PartScanner | undefined {
  if (streamed && part !== 'xl/sharedStrings.xml') return undefined
  if (/^xl\/worksheets\/[^/]+\.xml$/.test(part)) return sheetScanner(check, part, names.get(part) ?? part)
  if (part === 'xl/sharedStrings.xml') return stringsScanner(check)
  if (/comments[^/]*\.xml$/.test(part)) return commentsScanner(check, part)
  return undefined
}

function sheetScanner(check: LimitCheck, part: string, sheet: string): PartScanner {
  const {limits, refuse, damaged} = check
  let row = 0
  let col = 0
  let at = ''
  return new ElementScanner(part, ['row', 'c', 'v', 't', 'f', 'mergeCell'], {
    open(name, attribute) {
      if (name === 'row') {
        const r = attribute('r')
        row = r ? Number(r) : row + 1
        col = 0
        if (!(row >= 1 && row <= 1_048_576)) damaged(`${sheet}: row number ${r}`)
        if (row > limits.rows) refuse('io.limit.rows', {sheet, cell: `row ${row}`, limit: grouped(limits.rows)})
      } else if (name === 'c') {
        const r = attribute('r')
        if (r) {
          const ref = cellRef(r)
          if (!ref) damaged(`${sheet}: cell reference "${r}"`)
          ;[col, row] = [ref!.col, ref!.row]
        } else col++
        at = r ?? `R${row}C${col}`
        if (row > limits.rows) refuse('io.limit.rows', {sheet, cell: at, limit: grouped(limits.rows)})
        if (col > limits.columns) refuse('io.limit.columns', {sheet, cell: at, limit: `${grouped(limits.columns)} (${letters(limits.columns)})`})
        if (++check.cells > limits.cells) refuse('io.limit.cells', {sheet, cell: at, limit: grouped(limits.cells)})
      } else if (name === 'mergeCell') {
        const ref = attribute('ref') ?? ''
        const [a, b] = ref.split(':')
        const from = cellRef(a ?? '')
        const to = cellRef(b ?? a ?? '')
        if (!from || !to) damaged(`${sheet}: merged range "${ref}"`)
        const area = (Math.abs(to!.row - from!.row) + 1) * (Math.abs(to!.col - from!.col) + 1)
        check.mergedCells += area
        if (check.mergedCells > limits.mergedCells) refuse('io.limit.merged', {sheet, ref, area: grouped(area), limit: grouped(limits.mergedCells)})
      }
    },
    text(name, text) {
      if (name === 'v' || name === 't' || name === 'f')
        if (text.length > CELL_TEXT_LIMIT && textLength(text) > CELL_TEXT_LIMIT) refuse('io.limit.cellText', {sheet, cell: at, length: grouped(textLength(text)), limit: grouped(CELL_TEXT_LIMIT)})
    },
  })
}

function stringsScanner(check: LimitCheck): PartScanner {
  const {limits, refuse} = check
  let count = 0
  let length = 0
  let bytesSeen = 0
  const scan = new ElementScanner('xl/sharedStrings.xml', ['si', 't'], {
    open(name) {
      if (name !== 'si') return
      if (++count > limits.sharedStrings) refuse('io.limit.sharedStrings', {count: `> ${grouped(limits.sharedStrings)}`, limit: grouped(limits.sharedStrings)})
      length = 0
    },
    text(name, text) {
      if (name !== 't') return
      length += text.length > CELL_TEXT_LIMIT ? textLength(text) : text.length
      if (length > CELL_TEXT_LIMIT) refuse('io.limit.cellText', {sheet: 'xl/sharedStrings.xml', cell: `#${count}`, length: `> ${grouped(CELL_TEXT_LIMIT)}`, limit: grouped(CELL_TEXT_LIMIT)})
    },
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

function commentsScanner(check: LimitCheck, part: string): PartScanner {
  let length = 0
  let at = ''
  return new ElementScanner(part, ['comment', 't'], {
    open(name, attribute) {
      if (name !== 'comment') return
      length = 0
      at = attribute('ref') ?? ''
    },
    text(name, text) {
      if (name !== 't') return
      length += text.length > CELL_TEXT_LIMIT ? textLength(text) : text.length
      if (length > CELL_TEXT_LIMIT) check.refuse('io.limit.cellText', {sheet: 'comments', cell: at, length: `> ${grouped(CELL_TEXT_LIMIT)}`, limit: grouped(CELL_TEXT_LIMIT)})
    },
  })
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
export async function inflate(path: string, start: number, entry: ZipEntry, onChunk: (chunk: Buffer) => void): Promise<void> {
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

/** A1 → {col: 1, row: 1}; undefined for anything past XFD1048576 or not a cell reference. */
function cellRef(ref: string): {col: number; row: number} | undefined {
  const m = /^\$?([A-Za-z]{1,3})\$?(\d{1,7})$/.exec(ref.trim())
  if (!m) return undefined
  let col = 0
  for (const ch of m[1]!.toUpperCase()) col = col * 26 + (ch.charCodeAt(0) - 64)
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
