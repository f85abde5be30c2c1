import {isUtf8} from 'node:buffer'
import {createHash, type Hash} from 'node:crypto'
import {createReadStream} from 'node:fs'
import {basename, extname} from 'node:path'
import {Transform} from 'node:stream'

import {CompiledQuery, type Kysely, sql} from '#kysely'

import {appendAudit} from '../audit/index.js'
import {now as clockNow} from '../clock.js'
import {Conflict, InvalidInput} from '../errors.js'
import {type Locale, type MessageKey, t} from '../i18n/index.js'
import type {LocatedProblem} from '../io/form-reader.js'
import {type FormLayout, loadLayout, matchHeader} from '../io/layout.js'
import {type ForeignLine, foreignCount, foreignLineMessage, type LineEncoding, LineVoter, majority, MixedDecoder} from '../io/mixed-encoding.js'
import {writeOutput} from '../io/output-file.js'
import {assertZip, cellText, columnLetter, type Encoding, gb18030Decoder, refuseOldWorkbook} from '../io/tables.js'
import {isNoCachedValue, readXlsx} from '../io/xlsx-reader.js'
import {toHalfWidth} from '../io/values.js'
import type {Database, SqlDialect, Store} from '../store/index.js'

/**
 * CLOUD-8 (第二十条, 第十条(二)): providers report how their tenants' systems use what they
 * were given; the bureau reviews how efficiently each unit uses its cloud resources and
 * orders fixes. This module reads the providers' utilisation files into `cloud_usage` and
 * computes the efficiency review from them.
 *
 * Samples are stored as epoch seconds and percentages in tenths (0–1000): 37.46% is 375.
 */

export const RULE = 'CLOUD-8'
/** The percentile the review looks at. */
export const PERCENTILE = 95
/** A flagged system's suggested size puts its p95 here (percent of the suggested vCPU or memory). */
export const TARGET_UTILISATION = 70
export const DEFAULT_DAYS = 30
export const DEFAULT_THRESHOLD = 20
export const MAX_DAYS = 366

const CHINA_OFFSET_S = 8 * 3600
const DAY_S = 86_400

// ---------------------------------------------------------------------------------------
// Values as providers write them

/**
 * A sample's time, as epoch seconds, or why it cannot be read:
 * - ISO 8601 with an offset: 2026-11-01T08:00:00+08:00, …Z, +0800 (a space for the T too);
 * - a local time, taken as China time (UTC+8, no daylight saving): 2026-11-01 08:00[:00],
 *   2026/11/1 8:00, 2026年11月1日 08:00, or the ISO form without an offset.
 * Fractions of a second are dropped. Years 2000–2099; the calendar is checked (no 02-30).
 */
export function parseSampleTime(text: string): number | MessageKey {
  const v = FULL_WIDTH.test(text) ? toHalfWidth(text).trim() : text.trim()
  const m = TIME.exec(v)
  if (!m) return 'cloud.usage.badTime'
  const y = Number(m[1])
  const mo = Number(m[2])
  const d = Number(m[3])
  const h = Number(m[4])
  const mi = Number(m[5])
  const s = m[6] === undefined ? 0 : Number(m[6])
  if (y < 2000 || y > 2099 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) return 'cloud.usage.badTime'
  let offset = CHINA_OFFSET_S
  const zone = m[7]
  if (zone !== undefined) {
    if (zone === 'Z' || zone === 'z') offset = 0
    else {
      const oh = Number(zone.slice(1, 3))
      const om = zone.length > 3 ? Number(zone.slice(-2)) : 0
      if (oh > 14 || om > 59) return 'cloud.usage.badTime'
      offset = (zone.startsWith('-') ? -1 : 1) * (oh * 3600 + om * 60)
    }
  }
  return Date.UTC(y, mo - 1, d, h, mi, s) / 1000 - offset
}

const TIME = /^(\d{4})[-/年](\d{1,2})[-/月](\d{1,2})日?(?:[Tt]|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*([Zz]|[+-]\d{2}(?::?\d{2})?)?$/
const FULL_WIDTH = /[\uFF01-\uFF5E\u3000]/

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate()
}

/** First and last second (epoch) a sample may carry: 2000-01-01 to 2099-12-31, China time. */
const EARLIEST = Date.UTC(2000, 0, 1) / 1000 - CHINA_OFFSET_S
const LATEST = Date.UTC(2100, 0, 1) / 1000 - CHINA_OFFSET_S - 1

/**
 * A time cell of a workbook. Excel has no time zone: a date cell (which exceljs hands over
 * as a Date whose UTC fields are what Excel shows) is China time; so is a bare serial
 * number (a date whose format was lost). Text goes through parseSampleTime.
 */
function sampleTimeOfCell(value: unknown): number | MessageKey {
  if (value instanceof Date) {
    const at = Math.round(value.getTime() / 1000) - CHINA_OFFSET_S
    return at >= EARLIEST && at <= LATEST ? at : 'cloud.usage.badTime'
  }
  if (typeof value === 'number') {
    // Excel's 1900 date system: day 25569 is 1970-01-01.
    const at = Math.round((value - 25_569) * DAY_S) - CHINA_OFFSET_S
    return at >= EARLIEST && at <= LATEST ? at : 'cloud.usage.badTime'
  }
  return parseSampleTime(typeof value === 'string' ? value : cellText(value))
}

const PERCENT = /^\+?(\d*)(?:\.(\d*))?\s*%?$/

/**
 * A percentage from 0 to 100, with or without a % sign, any number of decimals, as tenths
 * (rounded half up: 37.45 → 375, 99.96 → 1000). A value over 100 or below 0 is refused, as
 * is anything that is not a plain decimal number.
 */
export function parsePercent(text: string): number | MessageKey {
  // The common case, digits with at most one point and a % sign, read character by character.
  const n = text.length
  let i = 0
  let whole = 0
  let wholeDigits = 0
  for (; i < n && wholeDigits < 4; i++, wholeDigits++) {
    const c = text.charCodeAt(i)
    if (c < 48 || c > 57) break
    whole = whole * 10 + c - 48
  }
  let tenth = 0
  let hundredth = 0
  let fractionDigits = 0
  let nonZeroFraction = false
  if (i < n && text.charCodeAt(i) === 46) {
    for (i++; i < n; i++, fractionDigits++) {
      const c = text.charCodeAt(i)
      if (c < 48 || c > 57) break
      if (fractionDigits === 0) tenth = c - 48
      else if (fractionDigits === 1) hundredth = c - 48
      if (c !== 48) nonZeroFraction = true
    }
  }
  if (i < n && text.charCodeAt(i) === 37) i++
  if (i === n && (wholeDigits || fractionDigits) && wholeDigits < 4) {
    if (whole > 100 || (whole === 100 && nonZeroFraction)) return 'cloud.usage.percentRange'
    return whole * 10 + tenth + (hundredth >= 5 ? 1 : 0)
  }
  // Anything else: spaces, full-width digits, a sign, many leading zeros.
  const v = FULL_WIDTH.test(text) ? toHalfWidth(text).trim() : text.trim()
  const m = PERCENT.exec(v)
  if (!m || (m[1] === '' && !m[2])) return /^-\s*\d/.test(v) ? 'cloud.usage.percentRange' : 'cloud.usage.badPercent'
  const wholePart = m[1] === '' ? 0 : Number(m[1])
  const fraction = m[2] ?? ''
  if (wholePart > 100 || (wholePart === 100 && /[1-9]/.test(fraction))) return 'cloud.usage.percentRange'
  let tenths = wholePart * 10 + (fraction.length ? fraction.charCodeAt(0) - 48 : 0)
  if (fraction.length > 1 && fraction.charCodeAt(1) >= 53) tenths++
  return tenths
}

/** A percentage cell of a workbook: a number (0.375 when the cell is formatted as a percentage, 37.5 when not) or text. */
function percentOfCell(value: unknown, percentFormat: boolean): number | MessageKey {
  if (typeof value === 'number') {
    const v = percentFormat ? value * 100 : value
    if (!Number.isFinite(v)) return 'cloud.usage.badPercent'
    if (v < 0 || v > 100) return 'cloud.usage.percentRange'
    // toPrecision drops binary noise (0.15 × 10 = 1.5000000000000002) before rounding half up.
    return Math.floor(Number((v * 10).toPrecision(12)) + 0.5)
  }
  return parsePercent(typeof value === 'string' ? value : cellText(value))
}

/** System names compare as people mean them: full-width forms and spaces aside, any letter case. */
function canonicalName(name: string): string {
  return toHalfWidth(name).replace(/\s+/g, '').toLowerCase()
}

// ---------------------------------------------------------------------------------------
// Reading a file row by row, never whole

/** The cells of one data row: `cells[base + i]` is cell i; `percentCell(i)` says whether a number there is formatted as a percentage. */
interface RowVisitor {
  row(row: number, cells: readonly unknown[], base: number, percentCell: (i: number) => boolean): void | Promise<void>
  end(): void | Promise<void>
}

const NO_FORMAT = () => false

/**
 * Reads a CSV file as a stream: its encoding told first (scanCsv), then parsed by csv-parse
 * as the bytes arrive. Only the current record is in memory. A file whose lines are not all
 * in its encoding is decoded line by line (MixedDecoder): its foreign lines come back, to be
 * located problems.
 */
async function visitCsv(path: string, file: string, encoding: Encoding, hash: Hash, visit: (sheet: string) => RowVisitor | undefined): Promise<{encoding: LineEncoding; foreign: ForeignLine[]}> {
  const {encoding: detected, mixed} = await scanCsv(path, file, encoding, hash)
  const {parse} = await import('csv-parse')
  // No `info`: csv-parse's per-record info objects cost more than the parsing. Every record
  // (an empty line too: skip_empty_lines is off) takes one line plus the line breaks in its cells.
  const parser = parse({bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: false})
  const input = createReadStream(path)
  input.on('error', (error) => parser.destroy(error))
  let lines: MixedDecoder | undefined
  if (mixed) {
    const decoder = (lines = new MixedDecoder(detected, await gb18030Decoder()))
    const transform = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        const text = decoder.write(chunk)
        if (text) this.push(text)
        done()
      },
      flush(done) {
        const text = decoder.end()
        if (text) this.push(text)
        done()
      },
    })
    transform.on('error', (error: Error) => parser.destroy(error))
    input.pipe(transform).pipe(parser)
  } else if (detected === 'gb18030') {
    const {default: iconv} = await import('iconv-lite')
    const decoder = iconv.decodeStream('gb18030')
    decoder.on('error', (error: Error) => parser.destroy(error))
    input.pipe(decoder).pipe(parser)
  } else {
    input.pipe(parser)
  }
  const sheet = visit('')
  // A failure of the reader is the file's; one of the rows' handler (the database) is not.
  let handling = false
  try {
    let line = 1
    for await (const record of parser as AsyncIterable<string[]>) {
      const at = line
      line += 1 + countBreaks(record)
      if (!sheet) continue
      handling = true
      const pending = sheet.row(at, record, 0, NO_FORMAT)
      if (pending) await pending
      handling = false
    }
    handling = true
    await sheet?.end()
  } catch (error) {
    if (handling || error instanceof InvalidInput) throw error
    throw new InvalidInput('io.unreadable', {field: 'FILE', path: file, reason: (error as Error).message}, {field: 'FILE'})
  } finally {
    input.destroy()
  }
  return {encoding: detected, foreign: lines?.foreign ?? []}
}

/**
 * The file's encoding. One pass over the bytes: their hash, and whether they are UTF-8
 * (checked chunk by chunk, a character cut at a chunk's end carried over). A BOM says UTF-8;
 * so do bytes that are all UTF-8 (unless --encoding gb18030 says otherwise). Else a second
 * pass counts the lines' votes (mixed-encoding.ts): the majority decides, --encoding utf8
 * refuses a file mostly not UTF-8, and `mixed` says some line is foreign to the encoding.
 */
async function scanCsv(path: string, file: string, encoding: Encoding, hash: Hash): Promise<{encoding: LineEncoding; mixed: boolean}> {
  let size = 0
  let utf8 = true
  let bom = false
  let carry: Buffer | undefined
  try {
    for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
      hash.update(chunk)
      if (size === 0 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) bom = true
      size += chunk.length
      if (!utf8) continue
      const bytes = carry ? Buffer.concat([carry, chunk]) : chunk
      const cut = incompleteTail(bytes)
      carry = cut < bytes.length ? Buffer.from(bytes.subarray(cut)) : undefined
      if (!isUtf8(bytes.subarray(0, cut))) utf8 = false
    }
  } catch (error) {
    throw new InvalidInput('io.unreadable', {field: 'FILE', path: file, reason: (error as Error).message}, {field: 'FILE'})
  }
  if (!size) throw new InvalidInput('io.emptyFile', {field: 'FILE', path: file}, {field: 'FILE'})
  if (carry) utf8 = false
  if (utf8 && (bom || encoding !== 'gb18030')) return {encoding: 'utf8', mixed: false}
  const voter = new LineVoter()
  try {
    for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) voter.push(chunk)
  } catch (error) {
    throw new InvalidInput('io.unreadable', {field: 'FILE', path: file, reason: (error as Error).message}, {field: 'FILE'})
  }
  const votes = voter.end()
  if (encoding === 'utf8' && !bom && votes.other > votes.utf8) throw new InvalidInput('io.notUtf8', {field: 'encoding', path: file}, {field: 'encoding', details: {path: file}})
  const detected: LineEncoding = bom || encoding === 'utf8' ? 'utf8' : encoding === 'gb18030' ? 'gb18030' : majority(votes)
  return {encoding: detected, mixed: foreignCount(votes, detected) > 0}
}

/** Where a UTF-8 character cut off at the end of a buffer starts (the buffer's length when none is). */
function incompleteTail(bytes: Buffer): number {
  const n = bytes.length
  for (let i = n - 1; i >= 0 && i >= n - 4; i--) {
    const b = bytes[i]
    if ((b & 0xc0) === 0x80) continue
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1
    return n - i < need ? i : n
  }
  return n
}

/** Line breaks inside a record's cells (\r\n, \n or \r, each one line). */
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

/**
 * Reads a workbook through egov's own reader (io/xlsx-reader.ts), sheet by sheet, row by
 * row, with which cells are formatted as percentages (0.375 shown as 37.5%). Dates come
 * as dates whatever the order of the file's parts. A formula saved without its result
 * refuses the file, naming the cell: the clerk opens and saves it in Excel or WPS. The file
 * is hashed in a pass of its own.
 */
async function visitXlsx(path: string, file: string, hash: Hash, visit: (sheet: string) => RowVisitor | undefined): Promise<void> {
  assertZip(path, 'FILE', file)
  try {
    for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) hash.update(chunk)
  } catch (error) {
    throw new InvalidInput('io.unreadable', {field: 'FILE', path: file, reason: (error as Error).message}, {field: 'FILE'})
  }
  await readXlsx(
    path,
    (info) => {
      const sheet = visit(info.name)
      if (!sheet) return undefined
      return {
        row(row, cells, percent) {
          for (let i = 0; i < cells.length; i++) {
            const v = cells[i]
            if (isNoCachedValue(v)) {
              const cell = `${info.name}!${columnLetter(i)}${row}`
              throw new InvalidInput('io.formulaNoCacheFile', {field: 'FILE', path: file, cell, formula: v.formula}, {field: 'FILE', details: {path: file, cell}})
            }
          }
          return sheet.row(row, cells, 0, (i) => percent?.[i] === true)
        },
        end: () => sheet.end(),
      }
    },
    {field: 'FILE', shown: file, percent: true},
  )
}

// ---------------------------------------------------------------------------------------
// Import

export interface UsageImportOptions {
  dryRun?: boolean
  encoding?: Encoding
  locale?: Locale
  /** Called now and then with the number of data rows read so far. */
  onProgress?(rows: number): void
}

export interface UsageImportResult {
  files: Array<{file: string; sha256: string; encoding?: 'utf8' | 'gb18030'}>
  dryRun: boolean
  /** Data rows read (blank lines aside). */
  read: number
  /** Samples new to the store (with --dry-run: that would be). */
  added: number
  /** Samples the store already had for that system and time: skipped, never overwritten. */
  alreadyRecorded: number
  /** Rows given twice in the files with the same values: recorded once. */
  repeated: number
  /** Systems the files report on. */
  systems: number
  /** The earliest and the latest sample time (ISO, UTC); null without samples. */
  from: string | null
  to: string | null
}

export function usageLayout(): FormLayout {
  return loadLayout('cloud-usage.json')
}

/** Raised inside the transaction to undo it: the files had problems, or nothing was new, or this was a dry run. */
class Undo extends Error {
  constructor(readonly problems: LocatedProblem[]) {
    super('undo')
  }
}

/** Rows staged per statement: SQLite prepares every statement anew, so many small ones cost less than few huge ones. */
const SQLITE_BATCH = 1000
/** Rows staged per statement on PostgreSQL, as four arrays through unnest(). */
const PG_BATCH = 10_000

/** One sheet of one file with a header: where problems in its rows are located. */
interface Part {
  file: string
  sheet: string
  /** layout column index → 0-based cell index */
  columns: number[]
}

/** One system's time in service: from its provisioning to its wipe (or, failing that, its confirmed release); `to` is Infinity while it runs. */
interface Lifetime {
  id: number
  from: number
  to: number
}

/**
 * The systems a name has stood for, as the import attributes samples to them: the
 * lifetimes of those that were ever provisioned, in time order (the store keeps a live name
 * unique, so they do not overlap). `rejected` when the name is known only from rejected
 * applications; `lifetimes` is empty when it is known only from systems never provisioned.
 */
interface SystemRef {
  name: string
  rejected: boolean
  lifetimes: Lifetime[]
}

/**
 * Imports providers' utilisation files (CSV or xlsx, templates/cloud-usage.json): one row
 * per system and sampling time, with CPU, memory and disk use in percent.
 *
 * Each file is streamed, never held whole: its header row is looked for among the first
 * rows (under any title rows, columns in any order, Chinese headers or English aliases).
 * Every row is checked — the system must be one the cloud runs or ran (not a rejected
 * application), the time must read as a time no later than now, each percentage must be
 * 0–100, and the sample goes to the system that had that name at the sample's time (in
 * service from its provisioning to its wipe or confirmed release: a name reused after a
 * release stands for the new system only from its own provisioning; a time when no system of
 * the name was in service is a problem) — and every problem is located (file, sheet, row,
 * cell, field, rule, value), all of them.
 *
 * Valid rows go into a staging table inside the one write transaction; once every row is
 * read, they go into cloud_usage by one INSERT … SELECT … ORDER BY key ON CONFLICT DO
 * NOTHING: a sample the store already has (same system and time) is counted as already
 * recorded and left as it is. When fewer rows went in than were staged, one query finds the
 * samples given twice in the files: with the same values they count once, with different
 * values the later row is reported, naming the earlier. Any problem, --dry-run, or nothing
 * new rolls the transaction back: nothing is written, and importing the same files again is
 * a no-op.
 */
export async function importUsage(store: Store, files: string[], options: UsageImportOptions = {}): Promise<UsageImportResult> {
  if (!files.length) throw new InvalidInput('cloud.usage.noFiles', {}, {field: 'FILE'})
  for (const file of files) {
    refuseOldWorkbook(file, 'FILE')
    const ext = extname(file).toLowerCase()
    if (ext !== '.csv' && ext !== '.xlsx') throw new InvalidInput('io.badExtension', {field: 'FILE', path: file}, {field: 'FILE'})
  }
  const locale = options.locale ?? 'en'
  const say = (key: MessageKey, params: Record<string, unknown>) => `${t(key, params, locale)} (${RULE})`
  const layout = usageLayout()
  const sheetLayout = layout.sheets[0]
  const result: UsageImportResult = {files: [], dryRun: Boolean(options.dryRun), read: 0, added: 0, alreadyRecorded: 0, repeated: 0, systems: 0, from: null, to: null}
  let problems: LocatedProblem[] = []
  try {
    // The files are read, checked and staged before the write lock is taken (issue 20): other
    // writers go on meanwhile. The write re-reads the systems; if one changed while the files
    // were read (a release, a new system of a name), the rows are attributed afresh.
    for (let attempt = 1; ; attempt++) {
      Object.assign(result, {files: [], read: 0, added: 0, alreadyRecorded: 0, repeated: 0, systems: 0, from: null, to: null})
      problems = []
      const moved = await store.pinned((pinned) => stageAndWrite(pinned))
      if (!moved) break
      if (attempt >= 3) throw new Conflict('cloud.usage.systemsMoving', {attempts: attempt}, {field: 'FILE', rule: RULE})
    }
  } catch (error) {
    if (!(error instanceof Undo)) throw error
    problems = error.problems
  }

  /** One attempt: stage every file's rows outside the lock, then write them under it. True when the systems moved meanwhile. */
  async function stageAndWrite(pinned: Store): Promise<boolean> {
    const systems = await systemsByName(pinned.db)
    const nowS = Math.floor(clockNow().getTime() / 1000)
    const stage = new Stage(pinned.db, pinned.dialect)
    await stage.create()
    try {
      const parts: Part[] = []
      const seenSystems = new Set<number>()
      let first = Infinity
      let last = -Infinity

      for (const path of files) {
        // A file is named by its name, or by its path where two files of the import share a name.
        const file = files.filter((f) => basename(f) === basename(path)).length > 1 ? path : basename(path)
        const hash = createHash('sha256')
        let headed = 0
        const visit = (sheetName: string): RowVisitor | undefined => {
          if (IGNORED_SHEETS.has(sheetName.trim())) return undefined
          // The header may sit under title rows: the first rows wait (as they came) until it is found.
          const head: Array<{row: number; cells: readonly unknown[]; base: number; percentCell: (i: number) => boolean; text: string[]}> = []
          let decided = false
          let handle: RowVisitor['row'] | undefined
          const decide = async () => {
            decided = true
            const match = matchHeader(
              head.map((h) => h.text),
              sheetLayout,
              LOOK_FOR_HEADER,
            )
            // A sheet without the form's header (two of its column names at least) is someone's
            // notes; a file without one at all is reported below.
            if (!match || match.columns.size < 2) return
            headed++
            const headerRow = head[match.headerRow].row
            for (const col of match.missing) {
              problems.push(locate({file, sheet: sheetName}, headerRow, undefined, col.header, '', col.key, say('form.missingColumn', {column: col.header})))
            }
            if (match.missing.length) return
            parts.push({file, sheet: sheetName, columns: sheetLayout.columns.map((c) => match.columns.get(c.key)!)})
            handle = rowChecker(parts[parts.length - 1], parts.length - 1)
            for (const h of head.slice(match.headerRow + 1)) await handle(h.row, h.cells, h.base, h.percentCell)
            head.length = 0
          }
          return {
            row(row, cells, base, percentCell) {
              if (decided) return handle?.(row, cells, base, percentCell)
              const text: string[] = []
              for (let i = base; i < cells.length; i++) text.push(cellText(cells[i]))
              head.push({row, cells, base, percentCell, text})
              // A row naming every column is the header: no need to wait for more rows.
              const named = matchHeader([text], sheetLayout, 1)
              if (head.length >= LOOK_FOR_HEADER || (named && !named.missing.length)) return decide()
            },
            async end() {
              if (!decided) await decide()
            },
          }
        }

        /** The checks of one data row; a valid row is staged. */
        const rowChecker = (part: Part, partIndex: number): RowVisitor['row'] => {
          const where = {file: part.file, sheet: part.sheet}
          const [cSystem, cTime, cCpu, cMemory, cDisk] = part.columns
          const cols = sheetLayout.columns
          // The same names and times come back row after row (a collector's run lists every system
          // at one time; a system's samples share its name): each text is worked out once.
          const names = new Map<string, SystemRef | MessageKey>()
          const times = new Map<string, number | MessageKey>()
          const systemOf = (raw: unknown): SystemRef | MessageKey => {
            const name = rawText(raw)
            if (name === '') return 'value.required'
            const system = systems.get(canonicalName(name))
            if (!system) return 'cloud.usage.unknownSystem'
            return system.rejected ? 'cloud.usage.rejectedSystem' : system
          }
          const bad = (row: number, i: number, raw: unknown, key: MessageKey, params: Record<string, unknown> = {}) => {
            const value = rawText(raw)
            problems.push(locate(where, row, part.columns[i], cols[i].header, value, cols[i].key, say(key, {column: cols[i].header, value, ...params})))
          }
          return (row, cells, base, percentCell) => {
            const rawSystem = cells[base + cSystem]
            const rawTime = resultOf(cells[base + cTime])
            const rawCpu = resultOf(cells[base + cCpu])
            const rawMemory = resultOf(cells[base + cMemory])
            const rawDisk = resultOf(cells[base + cDisk])
            if (blank(rawSystem) && blank(rawTime) && blank(rawCpu) && blank(rawMemory) && blank(rawDisk)) return
            result.read++
            if (options.onProgress && result.read % 10_000 === 0) options.onProgress(result.read)
            let ok = true

            let system = typeof rawSystem === 'string' ? names.get(rawSystem) : undefined
            if (system === undefined) {
              system = systemOf(rawSystem)
              if (typeof rawSystem === 'string') remember(names, rawSystem, system)
            }
            if (typeof system === 'string') {
              ok = false
              bad(row, 0, rawSystem, system)
            }

            let at = typeof rawTime === 'string' ? times.get(rawTime) : undefined
            if (at === undefined) {
              at = blank(rawTime) ? 'value.required' : sampleTimeOfCell(rawTime)
              if (typeof rawTime === 'string') remember(times, rawTime, at)
            }
            if (typeof at === 'string') {
              ok = false
              bad(row, 1, rawTime, at)
            } else if (at > nowS) {
              ok = false
              bad(row, 1, rawTime, 'cloud.usage.futureTime', {now: formatChina(nowS)})
            }

            const cpu = blank(rawCpu) ? 'value.required' : percentOfCell(rawCpu, typeof rawCpu === 'number' && percentCell(cCpu))
            const memory = blank(rawMemory) ? 'value.required' : percentOfCell(rawMemory, typeof rawMemory === 'number' && percentCell(cMemory))
            const disk = blank(rawDisk) ? 'value.required' : percentOfCell(rawDisk, typeof rawDisk === 'number' && percentCell(cDisk))
            if (typeof cpu === 'string') {
              ok = false
              bad(row, 2, rawCpu, cpu)
            }
            if (typeof memory === 'string') {
              ok = false
              bad(row, 3, rawMemory, memory)
            }
            if (typeof disk === 'string') {
              ok = false
              bad(row, 4, rawDisk, disk)
            }
            if (!ok) return
            // The system that had this name at the sample's time (CLOUD-8): a name reused after a
            // release stands for another system, and at a time none was in service, for none.
            const id = systemAt(system as SystemRef, at as number)
            if (id === undefined) {
              bad(row, 1, rawTime, 'cloud.usage.notInService', {system: (system as SystemRef).name, lifetimes: describeLifetimes(system as SystemRef, locale)})
              return
            }
            seenSystems.add(id)
            if ((at as number) < first) first = at as number
            if ((at as number) > last) last = at as number
            return stage.add(id, at as number, cpu as number, memory as number, disk as number, partIndex, row)
          }
        }

        const csv = extname(path).toLowerCase() === '.csv'
        let encoding: 'utf8' | 'gb18030' | undefined
        if (csv) {
          const read = await visitCsv(path, file, options.encoding ?? 'auto', hash, visit)
          encoding = read.encoding
          // A line in another encoding than the file's (a row pasted from elsewhere) is a problem of its row.
          for (const f of read.foreign) problems.push(locate({file, sheet: ''}, f.line, undefined, '', '', 'encoding', `${foreignLineMessage(file, f, read.encoding, locale)} (${RULE})`))
        } else await visitXlsx(path, file, hash, visit)
        result.files.push({file: path, sha256: hash.digest('hex'), ...(encoding ? {encoding} : {})})
        if (!headed) problems.push(locate({file, sheet: ''}, 1, undefined, '', '', '', say('form.notThisForm', {file, form: layout.form})))
      }
      await stage.flush()
      options.onProgress?.(result.read)

      // Samples given twice in the files: recorded once when the values agree, reported when they differ.
      const findDuplicates = async () => {
        const dups = await stage.duplicates()
        for (let i = 0; i < dups.length;) {
          let j = i + 1
          while (j < dups.length && dups[j].system_id === dups[i].system_id && dups[j].at === dups[i].at) j++
          const firstRow = dups[i]
          for (let k = i + 1; k < j; k++) {
            const d = dups[k]
            if (d.cpu === firstRow.cpu && d.memory === firstRow.memory && d.disk === firstRow.disk) {
              result.repeated++
              continue
            }
            const part = parts[d.part]
            const other = parts[firstRow.part]
            const time = formatChina(d.at)
            problems.push(
              locate(
                {file: part.file, sheet: part.sheet},
                d.row,
                part.columns[1],
                sheetLayout.columns[1].header,
                time,
                'time',
                say('cloud.usage.conflict', {
                  column: sheetLayout.columns[1].header,
                  value: time,
                  other: other === part ? firstRow.row : `${firstRow.row} (${other.file}${other.sheet ? `!${other.sheet}` : ''})`,
                  values: `${tenths(d.cpu)}/${tenths(d.memory)}/${tenths(d.disk)}`,
                  otherValues: `${tenths(firstRow.cpu)}/${tenths(firstRow.memory)}/${tenths(firstRow.disk)}`,
                }),
              ),
            )
          }
          i = j
        }
      }
      if (problems.length) {
        await findDuplicates()
        throw new Undo(problems)
      }
      if (!result.read) throw new InvalidInput('cloud.usage.noData', {file: files.map((f) => basename(f)).join(', ')}, {field: 'FILE'})

      result.systems = seenSystems.size
      result.from = new Date(first * 1000).toISOString()
      result.to = new Date(last * 1000).toISOString()
      const checkedAgainst = systemsKey(systems)
      // A testing aid (EGOV_FAULT=usage-slow-read): the files take 4 s longer to read, to show other writers go on meanwhile.
      if (process.env.EGOV_FAULT === 'usage-slow-read') await new Promise((resolve) => setTimeout(resolve, 4000))
      return await pinned.write(async (ctx) => {
        // What the rows were checked against must still hold: the systems and their lifetimes
        // (cheap: two small queries), and no sample later than the write's own now.
        if (systemsKey(await systemsByName(ctx.db)) !== checkedAgainst || last > Math.floor(Date.parse(ctx.at) / 1000)) return true
        stage.db = ctx.db
        result.added = await stage.commit()
        // Every staged row went in: no sample was given twice and none was recorded before (a new
        // file, the usual case) — no need to look. Otherwise look, and undo if two rows disagree.
        if (result.added < stage.rows) {
          await findDuplicates()
          if (problems.length) throw new Undo(problems)
        }
        result.alreadyRecorded = stage.rows - result.repeated - result.added
        // Nothing new (the same files again) or a dry run: nothing is written, not even an audit entry.
        if (result.dryRun || result.added === 0) throw new Undo([])
        await appendAudit(ctx, {
          action: 'cloud.usage.import',
          entityType: 'cloud-usage',
          entityId: files.map((f) => basename(f)).join(', '),
          after: {
            files: result.files.map((f) => ({file: basename(f.file), sha256: f.sha256})),
            read: result.read,
            added: result.added,
            alreadyRecorded: result.alreadyRecorded,
            repeated: result.repeated,
            systems: result.systems,
            from: result.from,
            to: result.to,
          },
        })
        return false
      })
    } finally {
      stage.db = pinned.db
      await stage.drop()
    }
  }
  // As after an items import: PostgreSQL plans with the empty table's statistics until autovacuum catches up.
  if (store.dialect === 'postgres' && !result.dryRun && !problems.length && result.added >= 10_000) await sql`analyze cloud_usage`.execute(store.db).catch(() => undefined)
  if (problems.length) {
    const rank = new Map<string, number>()
    for (const p of problems) if (!rank.has(`${p.file}\u0000${p.sheet}`)) rank.set(`${p.file}\u0000${p.sheet}`, rank.size)
    // File by file and sheet by sheet in the order they were read, row by row within each (sort is stable).
    problems.sort((a, b) => rank.get(`${a.file}\u0000${a.sheet}`)! - rank.get(`${b.file}\u0000${b.sheet}`)! || a.row - b.row)
    throw new InvalidInput('form.invalid', {file: files.map((f) => basename(f)).join(', '), count: problems.length}, {field: 'FILE', rule: RULE, details: {problems}})
  }
  return result
}

const LOOK_FOR_HEADER = 10
/** Sheets a template, a report or egov's own review adds that carry no samples. */
const IGNORED_SHEETS = new Set(['填写说明', '说明', '错误汇总'])

/** A memo of worked-out cell texts, kept small: past 50,000 texts it starts again. */
function remember<V>(memo: Map<string, V>, text: string, value: V): void {
  if (memo.size >= 50_000) memo.clear()
  memo.set(text, value)
}

/** A workbook's formula cell by its result (a date, or a number formatted as a percentage, stays one). */
function resultOf(value: unknown): unknown {
  return typeof value === 'object' && value !== null && !(value instanceof Date) && 'result' in value ? value.result : value
}

function blank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '')
}

function rawText(value: unknown): string {
  return typeof value === 'string' ? value.trim() : cellText(value)
}

function tenths(v: number): string {
  return (v / 10).toFixed(1)
}

/** Epoch seconds as people in China read them: YYYY-MM-DD HH:MM:SS. */
export function formatChina(at: number): string {
  return new Date((at + CHINA_OFFSET_S) * 1000).toISOString().slice(0, 19).replace('T', ' ')
}

function locate(where: {file: string; sheet: string}, row: number, fileCol: number | undefined, column: string, value: string, field: string, message: string): LocatedProblem {
  return {file: where.file, sheet: where.sheet, row, column, cell: fileCol === undefined ? '' : `${columnLetter(fileCol)}${row}`, field, rule: RULE, value, message}
}

/**
 * Every system a provider may report on, by name, with the time each was in service: from
 * its provisioning (provisioned_at) to the wipe of its data (the `wiped` event: nothing runs
 * after it) or, for a system released without one on record, to its confirmed release
 * (released_at). A system never provisioned has no lifetime; a name known only from rejected
 * applications stays, to be refused by name. Two queries, whatever the size of the import.
 */
/** The systems as the rows were checked against them, as one comparable text (Infinity reads as null). */
function systemsKey(systems: Map<string, SystemRef>): string {
  return JSON.stringify([...systems])
}

async function systemsByName(db: Kysely<Database>): Promise<Map<string, SystemRef>> {
  const rows = await db.selectFrom('cloud_systems').select(['id', 'name', 'status', 'provisioned_at', 'released_at']).orderBy('id').execute()
  const wipes = await db
    .selectFrom('cloud_events')
    .select(['system_id', (eb) => eb.fn.min('at').as('at')])
    .where('event', '=', 'wiped')
    .groupBy('system_id')
    .execute()
  const wipedAt = new Map(wipes.map((w) => [Number(w.system_id), String(w.at)]))
  const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000)
  const byName = new Map<string, SystemRef>()
  for (const r of rows) {
    const key = canonicalName(r.name)
    let ref = byName.get(key)
    if (!ref) byName.set(key, (ref = {name: r.name, rejected: true, lifetimes: []}))
    if (r.status === 'rejected' || r.status === 'withdrawn') continue
    // The name as the live (or latest) system writes it.
    ref.name = r.name
    ref.rejected = false
    if (r.provisioned_at === null) continue
    const end = wipedAt.get(Number(r.id)) ?? r.released_at
    ref.lifetimes.push({id: Number(r.id), from: seconds(r.provisioned_at), to: end === null || end === undefined ? Infinity : seconds(end)})
  }
  for (const ref of byName.values()) if (ref.lifetimes.length > 1) ref.lifetimes.sort((a, b) => a.from - b.from)
  return byName
}

/** The id of the system of this name in service at `at` (epoch seconds), if any. */
function systemAt(ref: SystemRef, at: number): number | undefined {
  const l = ref.lifetimes
  // Nearly always one lifetime: two comparisons.
  for (let i = l.length - 1; i >= 0; i--) if (at >= l[i].from) return at <= l[i].to ? l[i].id : undefined
  return undefined
}

/** A name's times in service, for a message: "2026-01-05 10:00:00 – 2026-06-30 09:00:00; 2026-07-10 08:00:00 – now". */
function describeLifetimes(ref: SystemRef, locale: Locale): string {
  if (!ref.lifetimes.length) return t('cloud.usage.neverInService', {}, locale)
  return ref.lifetimes.map((l) => `${formatChina(l.from)} – ${l.to === Infinity ? t('cloud.usage.stillInService', {}, locale) : formatChina(l.to)}`).join('; ')
}

/**
 * The staging table of one import, in the import's transaction (a temporary table: SQLite
 * keeps it in a temporary file, PostgreSQL drops it at commit), written in batches.
 */
class Stage {
  rows = 0
  private readonly dialect: SqlDialect
  private readonly batch: number
  private readonly cols: number[][] = [[], [], [], []]

  /** The connection the staging table lives in: the pinned one, then its write transaction. */
  constructor(
    public db: Kysely<Database>,
    dialect: SqlDialect,
  ) {
    this.dialect = dialect
    this.batch = dialect === 'postgres' ? PG_BATCH : SQLITE_BATCH
  }

  async create(): Promise<void> {
    // Four numbers a row, packed: usage = cpu·2²⁰ + memory·2¹⁰ + disk (each 0–1000 < 2¹⁰), and
    // source = part·2³² + line, where the row came from. No key and no index: rows are appended
    // as they come, and the queries below sort once each.
    const columns = sql`system_id integer not null, at bigint not null, usage integer not null, source bigint not null`
    // Staged outside the write transaction (issue 20): a session's temporary table, written
    // without the database's write lock, and dropped when the import is done.
    await sql`drop table if exists ${sql.raw(this.dialect === 'postgres' ? 'pg_temp' : 'temp')}.cloud_usage_in`.execute(this.db)
    await sql`create temporary table cloud_usage_in (${columns})`.execute(this.db)
  }

  add(system: number, at: number, cpu: number, memory: number, disk: number, part: number, line: number): Promise<void> | void {
    const c = this.cols
    c[0].push(system)
    c[1].push(at)
    c[2].push(cpu * 1_048_576 + memory * 1024 + disk)
    c[3].push(part * 4_294_967_296 + line)
    this.rows++
    if (c[0].length >= this.batch) return this.flush()
  }

  async flush(): Promise<void> {
    const c = this.cols
    const n = c[0].length
    if (!n) return
    if (this.dialect === 'postgres') {
      await this.db.executeQuery(CompiledQuery.raw('insert into cloud_usage_in (system_id, at, usage, source) select * from unnest($1::integer[], $2::bigint[], $3::integer[], $4::bigint[])', c))
    } else {
      const params: number[] = new Array(n * 4)
      for (let r = 0, p = 0; r < n; r++) {
        params[p++] = c[0][r]
        params[p++] = c[1][r]
        params[p++] = c[2][r]
        params[p++] = c[3][r]
      }
      await this.db.executeQuery(CompiledQuery.raw(sqliteInsert(n), params))
    }
    for (const col of c) col.length = 0
  }

  /** Every staged row whose system and time another staged row has too, in file order within each sample. */
  async duplicates(): Promise<Array<{system_id: number; at: number; cpu: number; memory: number; disk: number; part: number; row: number}>> {
    const {rows} = await sql<Record<string, number | string>>`
      select system_id, at, usage, source from cloud_usage_in
      where (system_id, at) in (select system_id, at from cloud_usage_in group by system_id, at having count(*) > 1)
      order by system_id, at, source`.execute(this.db)
    return rows.map((r) => {
      const usage = Number(r.usage)
      const source = Number(r.source)
      return {
        system_id: Number(r.system_id),
        at: Number(r.at),
        cpu: usage >>> 20,
        memory: (usage >>> 10) & 1023,
        disk: usage & 1023,
        part: Math.floor(source / 4_294_967_296),
        row: source % 4_294_967_296,
      }
    })
  }

  /** The staged samples into cloud_usage, unpacked, in key order; those already recorded are left as they are. Returns how many were added. */
  async commit(): Promise<number> {
    // In key order: the samples go into the primary key's b-tree one page after another.
    const r = await sql`
      insert into cloud_usage (system_id, at, cpu, memory, disk)
      select system_id, at, usage >> 20, (usage >> 10) & 1023, usage & 1023 from cloud_usage_in where true order by system_id, at
      on conflict do nothing`.execute(this.db)
    return Number(r.numAffectedRows ?? 0)
  }

  /** Dropped once the import is done, committed or not (outside the write transaction). */
  async drop(): Promise<void> {
    await sql`drop table if exists ${sql.raw(this.dialect === 'postgres' ? 'pg_temp' : 'temp')}.cloud_usage_in`.execute(this.db)
  }
}

const sqliteInserts = new Map<number, string>()

function sqliteInsert(rows: number): string {
  let text = sqliteInserts.get(rows)
  if (!text) {
    text = `insert into temp.cloud_usage_in (system_id, at, usage, source) values ${new Array(rows).fill('(?,?,?,?)').join(',')}`
    sqliteInserts.set(rows, text)
  }
  return text
}

// ---------------------------------------------------------------------------------------
// The efficiency review

export interface EfficiencyOptions {
  /** The window: the last DAYS days up to now (1–366; default 30). */
  days?: number
  /** A system is flagged when its p95 CPU and its p95 memory are both under this percentage (1–100; default 20). */
  threshold?: number
  /** The end of the window (default: the clock, which EGOV_NOW sets). */
  now?: Date
}

export interface Size {
  vcpu: number
  memoryGib: number
}

export interface FlaggedSystem {
  system: string
  unit: string
  provider: string | null
  samples: number
  /** p95 in percent, to one decimal. */
  p95Cpu: number
  p95Memory: number
  vms: number
  /** Per VM, as run now, and as suggested. */
  perVm: Size
  suggestedPerVm: Size
  /** In totals: the agreed envelope (or the configuration's totals where none was agreed), and the suggested one. */
  envelope: Size
  suggestedEnvelope: Size
  /** envelope − suggestedEnvelope */
  freed: Size
}

export interface UnitProviderSummary {
  unit: string
  provider: string | null
  systems: number
  envelope: Size
  suggestedEnvelope: Size
  freed: Size
}

export interface UnreportedSystem {
  system: string
  unit: string
  provider: string | null
  /** The latest sample ever reported for it (ISO), or null. */
  lastSample: string | null
}

export interface EfficiencyReport {
  days: number
  threshold: number
  /** The window: samples with from < time ≤ to (ISO, UTC). */
  from: string
  to: string
  percentile: number
  method: 'nearest-rank'
  targetUtilisation: number
  /** In-service systems with samples in the window. */
  reviewed: number
  samples: number
  flagged: FlaggedSystem[]
  byUnitProvider: UnitProviderSummary[]
  unreported: UnreportedSystem[]
}

/**
 * The nearest-rank percentile: of n values sorted ascending, the k-th with k = ⌈p·n/100⌉
 * (k = 1 for p = 0): a value that was actually observed, with at least p% of the values at or
 * below it. For 20 samples the p95 is the 19th smallest; for 10 samples, the 10th (the
 * largest); for 100, the 95th. Integer arithmetic: no rounding question.
 */
export function nearestRank(n: number, p = PERCENTILE): number {
  return Math.max(1, Math.floor((p * n + 99) / 100))
}

/** The nearest-rank percentile of a histogram (counts[v] values equal to v), counted up from 0. */
export function percentileOfHistogram(counts: ArrayLike<number>, n: number, p = PERCENTILE): number {
  const k = nearestRank(n, p)
  let seen = 0
  for (let v = 0; v < counts.length; v++) {
    seen += counts[v]
    if (seen >= k) return v
  }
  return counts.length - 1
}

/** The nearest-rank percentile of a list of values (sorted here); for tests and small lists. */
export function percentile(values: readonly number[], p = PERCENTILE): number {
  if (!values.length) throw new RangeError('no values')
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[nearestRank(sorted.length, p) - 1]
}

/**
 * The suggested size of one VM's vCPU or memory: enough that the p95 would sit at 70% of
 * it — ⌈current × p95 / 70%⌉, in whole vCPU or GiB, at least 1. (p95 in tenths of a percent;
 * integer arithmetic.) A p95 of 12.0% on 8 vCPU gives ⌈8 × 12 / 70⌉ = 2.
 */
export function suggestedSize(current: number, p95Tenths: number): number {
  return Math.max(1, Math.ceil((current * p95Tenths) / (TARGET_UTILISATION * 10)))
}

export function checkEfficiencyOptions(options: EfficiencyOptions): {days: number; threshold: number} {
  const days = options.days ?? DEFAULT_DAYS
  const threshold = options.threshold ?? DEFAULT_THRESHOLD
  if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) throw new InvalidInput('cloud.efficiency.badDays', {value: days, max: MAX_DAYS}, {field: 'days', rule: RULE})
  if (!Number.isFinite(threshold) || threshold <= 0 || threshold > 100) throw new InvalidInput('cloud.efficiency.badThreshold', {value: threshold}, {field: 'threshold', rule: RULE})
  return {days, threshold}
}

/**
 * CLOUD-8's review: for every in-service system, the 95th percentile (nearest rank) of its
 * CPU and of its memory use over the last DAYS days up to now. A system whose p95 CPU and
 * p95 memory are both under THRESHOLD percent is flagged, with a suggested smaller size (see
 * suggestedSize), summed per unit and provider. In-service systems without a sample in the
 * window are listed apart: their provider has not reported.
 *
 * How it stays fast on millions of samples: one query walks the in-service systems and, for
 * each, the primary key (system_id, at) over the window only.
 * - SQLite hands back per system the count and its CPU and memory values as two comma-joined
 *   strings (group_concat, in key order: no sort anywhere); each becomes a 1,001-bin
 *   histogram (tenths of a percent) and the percentile is read off the cumulative counts. A
 *   GROUP BY system_id, cpu in SQL would sort every sample first, and with tenths of a
 *   percent it hardly shrinks what comes back: 1.8 s against 0.12 s for 1,000,000 samples.
 * - PostgreSQL computes it itself: percentile_disc(0.95) is the nearest rank, and sorting a
 *   system's few hundred samples in memory beats sending them all (0.6 s against 1.1 s).
 * The tests check both against percentiles worked out by hand.
 */
export async function efficiency(store: Pick<Store, 'db' | 'dialect'>, options: EfficiencyOptions = {}): Promise<EfficiencyReport> {
  const {days, threshold} = checkEfficiencyOptions(options)
  const end = options.now ?? clockNow()
  const to = Math.floor(end.getTime() / 1000)
  const from = to - days * DAY_S
  const db = store.db
  const systems = await db
    .selectFrom('cloud_systems')
    .select(['id', 'name', 'unit', 'provider', 'vms', 'vcpu', 'memory_gib', 'env_vcpu', 'env_memory_gib'])
    .where('status', '=', 'in-service')
    .orderBy('id')
    .execute()
  const sampled = new Map<number, {n: number; cpu: number; memory: number}>()
  let samples = 0
  if (store.dialect === 'postgres') {
    // PostgreSQL's percentile_disc is the nearest rank (the first value whose position in the
    // ordering reaches the fraction): computed where the samples are, 2,000 small rows come back.
    const {rows} = await sql<{id: number; n: number | string; cpu: number; memory: number}>`
      select s.id as id, count(*) as n,
        percentile_disc(${PERCENTILE / 100}::float8) within group (order by u.cpu) as cpu,
        percentile_disc(${PERCENTILE / 100}::float8) within group (order by u.memory) as memory
      from cloud_systems s join cloud_usage u on u.system_id = s.id
      where s.status = 'in-service' and u.at > ${from} and u.at <= ${to}
      group by s.id`.execute(db)
    for (const r of rows) {
      samples += Number(r.n)
      sampled.set(Number(r.id), {n: Number(r.n), cpu: Number(r.cpu), memory: Number(r.memory)})
    }
  } else {
    // CROSS JOIN keeps SQLite's join order: systems outside, the key range of each inside,
    // grouped in that order without a sort; each system's values come back comma-joined.
    const {rows} = await sql<{id: number; n: number; cpu: string; memory: string}>`
      select s.id as id, count(*) as n, group_concat(u.cpu) as cpu, group_concat(u.memory) as memory
      from cloud_systems s cross join cloud_usage u
      where s.status = 'in-service' and u.system_id = s.id and u.at > ${from} and u.at <= ${to}
      group by s.id`.execute(db)
    const histogram = new Int32Array(1001)
    const p95Of = (list: string, n: number): number => {
      histogram.fill(0)
      let v = 0
      for (let i = 0; i < list.length; i++) {
        const ch = list.charCodeAt(i)
        if (ch === 44) {
          histogram[v]++
          v = 0
        } else v = v * 10 + ch - 48
      }
      histogram[v]++
      return percentileOfHistogram(histogram, n)
    }
    for (const r of rows) {
      const n = Number(r.n)
      samples += n
      sampled.set(Number(r.id), {n, cpu: p95Of(String(r.cpu), n), memory: p95Of(String(r.memory), n)})
    }
  }

  const limit = threshold * 10
  const flagged: FlaggedSystem[] = []
  const unreportedIds: number[] = []
  for (const s of systems) {
    const seen = sampled.get(Number(s.id))
    if (!seen) {
      unreportedIds.push(Number(s.id))
      continue
    }
    if (!(seen.cpu < limit && seen.memory < limit)) continue
    const vms = Number(s.vms)
    const perVm = {vcpu: Number(s.vcpu), memoryGib: Number(s.memory_gib)}
    const suggestedPerVm = {vcpu: suggestedSize(perVm.vcpu, seen.cpu), memoryGib: suggestedSize(perVm.memoryGib, seen.memory)}
    const envelope = {vcpu: s.env_vcpu === null ? vms * perVm.vcpu : Number(s.env_vcpu), memoryGib: s.env_memory_gib === null ? vms * perVm.memoryGib : Number(s.env_memory_gib)}
    const suggestedEnvelope = {vcpu: vms * suggestedPerVm.vcpu, memoryGib: vms * suggestedPerVm.memoryGib}
    flagged.push({
      system: s.name,
      unit: s.unit,
      provider: s.provider,
      samples: seen.n,
      p95Cpu: seen.cpu / 10,
      p95Memory: seen.memory / 10,
      vms,
      perVm,
      suggestedPerVm,
      envelope,
      suggestedEnvelope,
      freed: {vcpu: envelope.vcpu - suggestedEnvelope.vcpu, memoryGib: envelope.memoryGib - suggestedEnvelope.memoryGib},
    })
  }
  const order = (a: {unit: string; provider: string | null}, b: {unit: string; provider: string | null}) =>
    a.unit.localeCompare(b.unit, 'zh') || (a.provider ?? '').localeCompare(b.provider ?? '', 'zh')
  flagged.sort((a, b) => order(a, b) || a.system.localeCompare(b.system, 'zh'))

  const summaries = new Map<string, UnitProviderSummary>()
  for (const f of flagged) {
    const key = `${f.unit}\u0000${f.provider ?? ''}`
    let s = summaries.get(key)
    if (!s) summaries.set(key, (s = {unit: f.unit, provider: f.provider, systems: 0, envelope: {vcpu: 0, memoryGib: 0}, suggestedEnvelope: {vcpu: 0, memoryGib: 0}, freed: {vcpu: 0, memoryGib: 0}}))
    s.systems++
    for (const k of ['envelope', 'suggestedEnvelope', 'freed'] as const) {
      s[k].vcpu += f[k].vcpu
      s[k].memoryGib += f[k].memoryGib
    }
  }

  // The last sample ever of each system that has none in the window: the primary key's range of each.
  const lastSample = new Map<number, number>()
  for (let i = 0; i < unreportedIds.length; i += 500) {
    const chunk = unreportedIds.slice(i, i + 500)
    const last = await db
      .selectFrom('cloud_usage')
      .select(['system_id', (eb) => eb.fn.max('at').as('at')])
      .where('system_id', 'in', chunk)
      .groupBy('system_id')
      .execute()
    for (const r of last) lastSample.set(Number(r.system_id), Number(r.at))
  }
  const byId = new Map(systems.map((s) => [Number(s.id), s]))
  const unreported = unreportedIds
    .map((id) => {
      const s = byId.get(id)!
      const at = lastSample.get(id)
      return {system: s.name, unit: s.unit, provider: s.provider, lastSample: at === undefined ? null : new Date(at * 1000).toISOString()}
    })
    .sort((a, b) => order(a, b) || a.system.localeCompare(b.system, 'zh'))

  return {
    days,
    threshold,
    from: new Date(from * 1000).toISOString(),
    to: new Date(to * 1000).toISOString(),
    percentile: PERCENTILE,
    method: 'nearest-rank',
    targetUtilisation: TARGET_UTILISATION,
    reviewed: sampled.size,
    samples,
    flagged,
    byUnitProvider: [...summaries.values()],
    unreported,
  }
}

/**
 * The review as a workbook: 低效系统 (the flagged systems, by unit and provider, with the
 * suggestion), 未报送 (in-service systems without samples) and 说明 (the window, threshold
 * and rules). Figures are numbers, not text.
 */
/** The review's workbook must be an .xlsx (exit 2 naming --out), checked before any work. */
export function checkWorkbookPath(path: string): void {
  if (extname(path).toLowerCase() !== '.xlsx') throw new InvalidInput('io.badExtension', {field: 'out', path}, {field: 'out'})
}

export async function writeEfficiencyWorkbook(path: string, report: EfficiencyReport): Promise<void> {
  checkWorkbookPath(path)
  const {default: ExcelJS} = await import('exceljs')
  const workbook = new ExcelJS.Workbook()
  workbook.creator = 'egov'
  const sheet = (name: string, columns: Array<[string, number]>, rows: unknown[][]) => {
    const ws = workbook.addWorksheet(name, {views: [{state: 'frozen', ySplit: 1}]})
    ws.columns = columns.map(([header, width]) => ({header, width}))
    const header = ws.getRow(1)
    header.font = {bold: true}
    header.fill = {type: 'pattern', pattern: 'solid', fgColor: {argb: 'FFDDEBF7'}}
    for (const r of rows) ws.addRow(r)
    return ws
  }
  sheet(
    '低效系统',
    [
      ['单位', 28],
      ['云服务商', 20],
      ['系统名称', 30],
      ['样本数', 8],
      ['CPU使用率P95(%)', 16],
      ['内存使用率P95(%)', 16],
      ['虚拟机数', 9],
      ['每台vCPU', 10],
      ['建议每台vCPU', 13],
      ['每台内存(GiB)', 13],
      ['建议每台内存(GiB)', 17],
      ['约定vCPU', 10],
      ['建议vCPU', 10],
      ['约定内存(GiB)', 13],
      ['建议内存(GiB)', 13],
      ['可释放vCPU', 11],
      ['可释放内存(GiB)', 15],
    ],
    report.flagged.map((f) => [
      f.unit,
      f.provider ?? '',
      f.system,
      f.samples,
      f.p95Cpu,
      f.p95Memory,
      f.vms,
      f.perVm.vcpu,
      f.suggestedPerVm.vcpu,
      f.perVm.memoryGib,
      f.suggestedPerVm.memoryGib,
      f.envelope.vcpu,
      f.suggestedEnvelope.vcpu,
      f.envelope.memoryGib,
      f.suggestedEnvelope.memoryGib,
      f.freed.vcpu,
      f.freed.memoryGib,
    ]),
  )
  sheet(
    '未报送',
    [
      ['单位', 28],
      ['云服务商', 20],
      ['系统名称', 30],
      ['最近一次采集时间', 20],
    ],
    report.unreported.map((u) => [u.unit, u.provider ?? '', u.system, u.lastSample === null ? '' : formatChina(Date.parse(u.lastSample) / 1000)]),
  )
  sheet(
    '说明',
    [
      ['项目', 16],
      ['内容', 90],
    ],
    [
      ['统计区间', `${formatChina(Date.parse(report.from) / 1000)} 至 ${formatChina(Date.parse(report.to) / 1000)}（最近 ${report.days} 天，北京时间）`],
      ['判定', `CPU 使用率与内存使用率的第 ${report.percentile} 百分位数均低于 ${report.threshold}% 的在运行系统（CLOUD-8）`],
      ['百分位数', `最近秩法：n 个样本从小到大排列，取第 ⌈${report.percentile}n/100⌉ 个`],
      ['建议配置', `每台虚拟机 vCPU、内存各取 ⌈现配置 × P95 ÷ ${report.targetUtilisation}%⌉，取整，至少 1；存储、带宽、IP 不变`],
      ['参评系统', report.reviewed],
      ['样本数', report.samples],
    ],
  )
  await writeOutput(path, (tmp) => workbook.xlsx.writeFile(tmp))
}
