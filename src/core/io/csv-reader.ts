import {isUtf8} from 'node:buffer'
import type {Hash} from 'node:crypto'
import {createReadStream} from 'node:fs'
import {Readable} from 'node:stream'

import {InvalidInput} from '../errors.js'
import {type ForeignLine, foreignCount, type LineEncoding, LineVoter, majority, MixedDecoder} from './mixed-encoding.js'

/**
 * The one CSV reader every import uses (issue 20): a delimited text file streamed, record
 * by record, in bounded memory (a chunk of the file, the record being parsed, and the first
 * lines while the delimiter is told), its bytes hashed as they stream.
 *
 * The encoding, decided before any record is handed over:
 * - a UTF-16 BOM (FF FE, FE FF: Excel's "Unicode 文本") says UTF-16 whatever --encoding says;
 * - a UTF-8 BOM says UTF-8, unless --encoding gb18030;
 * - bytes that are all valid UTF-8 are UTF-8, unless --encoding gb18030;
 * - else the file's lines decide (mixed-encoding.ts): the majority of those that are not pure
 *   ASCII, UTF-8 or not (GB18030, which covers GBK and GB2312: what Excel writes on a Chinese
 *   Windows), a tie going to the first (the header, as a rule). --encoding utf8 refuses a file
 *   whose lines are mostly not UTF-8, naming the flag; --encoding gb18030 makes the file
 *   GB18030. Every line is then checked against the file's encoding, and a line of the other
 *   one comes back in `foreign` (decoded as what it seems, so messages quote what the clerk
 *   typed): the caller makes each a located problem.
 * One pass over the bytes hashes them and checks them as UTF-8 (a UTF-16 file is hashed as
 * it is parsed, in one pass); a file that is not all UTF-8 has its lines' votes counted in a
 * second; the records are parsed in the last.
 *
 * The delimiter is a tab when the first lines (title rows and the header) hold more tabs on a
 * line than commas (Excel's "Unicode 文本" and "文本 (制表符分隔)"), a comma otherwise.
 * Each record comes with the line it starts on, as a person finds it in an editor.
 */

export type Encoding = 'auto' | 'utf8' | 'gb18030'

/** The encodings a text file is read in: the two --encoding names, and UTF-16 (known by its BOM only). */
export type TextEncoding = 'utf8' | 'gb18030' | 'utf16le' | 'utf16be'

/** The bytes read at a time (a multi-byte character may be cut between two reads: each step carries it over). */
export const CSV_CHUNK = 64 * 1024

/** Lines looked at for the delimiter, and the most text kept while looking (a file of lone \r line breaks has one "line"). */
const DELIMITER_LINES = 20
const DELIMITER_TEXT = 1024 * 1024

export interface CsvOptions {
  /** --encoding: auto (the default), utf8 or gb18030. */
  encoding?: Encoding
  /** The field problems with the file are reported against ('FILE' by default). */
  field?: string
  /** How messages name the file (its path by default). */
  shown?: string
  /** Updated with every byte of the file, as they stream. */
  hash?: Hash
  /** An empty file is a CSV of no records, not refused with io.emptyFile. */
  allowEmpty?: boolean
  /** A quote inside an unquoted cell refuses the file (csv-parse's default) instead of being read as a character. */
  strictQuotes?: boolean
}

export interface CsvRead {
  encoding: TextEncoding
  /** Lines in another encoding than the file's. */
  foreign: ForeignLine[]
  delimiter: ',' | '\t'
}

/**
 * Reads a CSV file record by record: `record(line, cells)` with the cells as parsed
 * (untrimmed), awaited before the next. A file that cannot be read or parsed is refused with
 * io.unreadable; an error of `record` itself (the caller's) goes through as it is.
 */
export async function readCsv(path: string, record: (line: number, cells: string[]) => void | Promise<void>, options: CsvOptions = {}): Promise<CsvRead> {
  const field = options.field ?? 'FILE'
  const shown = options.shown ?? path
  const unreadable = (error: unknown) => new InvalidInput('io.unreadable', {field, path: shown, reason: (error as Error).message}, {field})
  const plan = await decide(path, options.encoding ?? 'auto', options, unreadable)
  if (!plan) return {encoding: 'utf8', foreign: [], delimiter: ','}
  const source = decoded(path, plan, plan.encoding.startsWith('utf16') ? options.hash : undefined)
  let input: Readable | undefined
  // A failure of the reader is the file's; one of the records' handler is not.
  let handling = false
  try {
    const head: Array<string | Buffer> = []
    let headText = ''
    let lines = 0
    for (;;) {
      const next = await source.next()
      if (next.done) break
      head.push(next.value)
      const text = typeof next.value === 'string' ? next.value : next.value.toString('utf8')
      headText += text
      for (let i = text.indexOf('\n'); i !== -1 && lines < DELIMITER_LINES; i = text.indexOf('\n', i + 1)) lines++
      if (lines >= DELIMITER_LINES || headText.length >= DELIMITER_TEXT) break
    }
    const delimiter = delimiterOf(headText)
    headText = ''
    const {parse} = await import('csv-parse')
    // No `info`: csv-parse's per-record info objects cost more than the parsing. Every record
    // (an empty line too: skip_empty_lines is off) takes one line plus the line breaks in its cells.
    const parser = parse({bom: true, relax_column_count: true, relax_quotes: !options.strictQuotes, skip_empty_lines: false, delimiter})
    input = Readable.from(
      (async function* () {
        yield* head.splice(0)
        yield* {[Symbol.asyncIterator]: () => source}
      })(),
      {objectMode: false},
    )
    input.on('error', (error) => parser.destroy(error))
    input.pipe(parser)
    let line = 1
    for await (const cells of parser as AsyncIterable<string[]>) {
      const at = line
      line += 1 + countBreaks(cells)
      handling = true
      const pending = record(at, cells)
      if (pending) await pending
      handling = false
    }
    return {encoding: plan.encoding, foreign: plan.decoder?.foreign ?? [], delimiter}
  } catch (error) {
    if (handling || error instanceof InvalidInput) throw error
    throw unreadable(error)
  } finally {
    input?.destroy()
    await source.return(undefined)
  }
}

/** How the file is decoded: its encoding, whether a BOM is skipped, and the line-by-line decoder of a mixed file. */
interface Plan {
  encoding: TextEncoding
  /** Bytes skipped at the start (a BOM). */
  skip: number
  decoder?: MixedDecoder
}

/** The encoding decision (undefined: an empty file, allowed). The hash is updated here unless the file is UTF-16. */
async function decide(path: string, encoding: Encoding, options: CsvOptions, unreadable: (error: unknown) => InvalidInput): Promise<Plan | undefined> {
  const field = options.field ?? 'FILE'
  const shown = options.shown ?? path
  let size = 0
  let utf8 = true
  let head: Buffer | undefined
  let carry: Buffer | undefined
  let utf16: TextEncoding | undefined
  try {
    for await (const chunk of createReadStream(path, {highWaterMark: CSV_CHUNK}) as AsyncIterable<Buffer>) {
      if (size === 0) {
        head = chunk
        if (chunk[0] === 0xff && chunk[1] === 0xfe) utf16 = 'utf16le'
        else if (chunk[0] === 0xfe && chunk[1] === 0xff) utf16 = 'utf16be'
        // Hashed as it is parsed, in one pass.
        if (utf16) return {encoding: utf16, skip: 2}
      }
      options.hash?.update(chunk)
      size += chunk.length
      if (!utf8) continue
      const bytes = carry ? Buffer.concat([carry, chunk]) : chunk
      const cut = incompleteTail(bytes)
      carry = cut < bytes.length ? Buffer.from(bytes.subarray(cut)) : undefined
      if (!isUtf8(bytes.subarray(0, cut))) utf8 = false
    }
  } catch (error) {
    throw unreadable(error)
  }
  if (!size) {
    if (options.allowEmpty) return undefined
    throw new InvalidInput('io.emptyFile', {field, path: shown}, {field})
  }
  if (carry) utf8 = false
  const bom = encoding !== 'gb18030' && head?.[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf
  const skip = bom ? 3 : 0
  if (encoding !== 'gb18030' && utf8) return {encoding: 'utf8', skip}
  const voter = new LineVoter()
  try {
    let first = true
    for await (const chunk of createReadStream(path, {highWaterMark: CSV_CHUNK}) as AsyncIterable<Buffer>) {
      voter.push(first ? chunk.subarray(skip) : chunk)
      first = false
    }
  } catch (error) {
    throw unreadable(error)
  }
  const votes = voter.end()
  if (encoding === 'utf8' && !bom && votes.other > votes.utf8) throw new InvalidInput('io.notUtf8', {field: 'encoding', path: shown}, {field: 'encoding', details: {path: shown}})
  const file: LineEncoding = bom || encoding === 'utf8' ? 'utf8' : encoding === 'gb18030' ? 'gb18030' : majority(votes)
  if (!foreignCount(votes, file)) return {encoding: file, skip}
  return {encoding: file, skip, decoder: new MixedDecoder(file, await gb18030Decoder())}
}

/**
 * The file's text, chunk by chunk, in its encoding: a UTF-8 file's bytes as they are (csv-parse
 * reads them; a BOM skipped), any other as strings. A UTF-16 file is hashed here.
 */
async function* decoded(path: string, plan: Plan, hash: Hash | undefined): AsyncGenerator<string | Buffer, void, undefined> {
  let write: (bytes: Buffer) => string | Buffer
  let end: () => string
  if (plan.decoder) {
    const decoder = plan.decoder
    write = (bytes) => decoder.write(bytes)
    end = () => decoder.end()
  } else if (plan.encoding === 'utf8') {
    write = (bytes) => bytes
    end = () => ''
  } else if (plan.encoding === 'gb18030') {
    const {default: iconv} = await import('iconv-lite')
    const decoder = iconv.getDecoder('gb18030')
    write = (bytes) => decoder.write(bytes)
    end = () => decoder.end() ?? ''
  } else {
    const decoder = new TextDecoder(plan.encoding === 'utf16le' ? 'utf-16le' : 'utf-16be')
    write = (bytes) => decoder.decode(bytes, {stream: true})
    end = () => decoder.decode()
  }
  let first = true
  for await (const chunk of createReadStream(path, {highWaterMark: CSV_CHUNK}) as AsyncIterable<Buffer>) {
    hash?.update(chunk)
    const out = write(first && plan.skip ? chunk.subarray(plan.skip) : chunk)
    first = false
    if (out.length) yield out
  }
  const rest = end()
  if (rest) yield rest
}

/**
 * The delimiter of delimited text, from its first lines (title rows and the header): a tab
 * when a line holds more tabs than any holds commas, a comma otherwise.
 */
export function delimiterOf(text: string): ',' | '\t' {
  let tabs = 0
  let commas = 0
  let start = 0
  for (let line = 0; line < DELIMITER_LINES && start < text.length; line++) {
    let end = text.indexOf('\n', start)
    if (end < 0) end = text.length
    const l = text.slice(start, end)
    tabs = Math.max(tabs, l.split('\t').length - 1)
    commas = Math.max(commas, l.split(',').length - 1)
    start = end + 1
  }
  return tabs > commas ? '\t' : ','
}

/** Where a UTF-8 character cut off at the end of a buffer starts (the buffer's length when none is). */
function incompleteTail(bytes: Buffer): number {
  const n = bytes.length
  for (let i = n - 1; i >= 0 && i >= n - 4; i--) {
    const b = bytes[i]!
    if ((b & 0xc0) === 0x80) continue
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1
    return n - i < need ? i : n
  }
  return n
}

/**
 * Line breaks inside a record's cells (\r\n, \n or \r, each one line): a record takes one line
 * plus one for each. csv-parse's own count (info.lines) takes a CRLF inside a quoted cell for
 * two breaks, which put every later row one line off.
 */
function countBreaks(record: string[]): number {
  let n = 0
  for (const cell of record) {
    if (!cell.includes('\n') && !cell.includes('\r')) continue
    for (let i = 0; i < cell.length; i++) {
      const c = cell.charCodeAt(i)
      if (c === 10 || (c === 13 && cell.charCodeAt(i + 1) !== 10)) n++
    }
  }
  return n
}

/** GB18030 decoding (iconv-lite, loaded when first needed). */
export async function gb18030Decoder(): Promise<(bytes: Buffer) => string> {
  const {default: iconv} = await import('iconv-lite')
  return (bytes) => iconv.decode(bytes, 'gb18030')
}
