import {InvalidInput} from '../errors.js'
import {type MessageKey} from '../i18n/index.js'
import {attribute, decodeEntities, resolvePart, ZipFile, ZipProblem} from './xlsx-zip.js'

/**
 * egov's own streaming .xlsx reader (issue 20): one reader for every import, reading every
 * producer's workbook the same way (Excel, WPS, LibreOffice, openpyxl, exceljs, hand-zipped
 * files). Parts are found through the relationships (absolute or relative targets) in the
 * zip's central directory, whatever order they were stored in; the small parts (workbook,
 * styles, shared strings) are read before any sheet, so number formats and the 1904 date
 * system are known before a cell is typed; each sheet is then inflated and scanned as it
 * streams, a row at a time, with nothing of the sheet kept.
 *
 * Cell values: text (shared, inline, rich text runs joined; phonetic runs left out),
 * numbers, booleans, errors as {error: '#N/A'}, dates (a number in a date format, the 1900
 * or the 1904 system) as a Date whose UTC fields are what Excel shows, a formula's cached
 * value, and a formula saved without one (openpyxl never caches) as a NoCachedValue.
 *
 * Limits, checked as the file streams; each breach is an InvalidInput (exit 2) naming the
 * file and the limit, before memory grows: XLSX_LIMITS.
 */

/** A formula cell saved without its result (openpyxl, some scripts): the clerk opens and saves the file in Excel or WPS. */
export interface NoCachedValue {
  formula: string
  noCache: true
}

export function isNoCachedValue(value: unknown): value is NoCachedValue {
  return typeof value === 'object' && value !== null && (value as {noCache?: unknown}).noCache === true
}

export interface XlsxLimits {
  /** Inflated bytes of one sheet part. */
  sheetBytes: number
  /** Inflated bytes of the shared strings part. */
  sharedStringsBytes: number
  /** Inflated bytes of workbook.xml, the rels and styles.xml, each. */
  smallPartBytes: number
  /** Shared strings, counted. */
  sharedStrings: number
  /** Characters of all shared strings together. */
  sharedStringChars: number
  /** The last column a cell with a value may be in (1-based): 1,024 is AMJ. */
  columns: number
  /** Characters in one cell: Excel's own limit. */
  cellChars: number
  /** The last row (1-based): Excel's own limit. */
  rows: number
  /** Cells covered by a sheet's merged areas, all areas together (read with `merges`): the 1.6 KB `A2:XFD1048576` is 17 billion. */
  mergedCells: number
}

/** The documented limits (README, "Reading workbooks"). */
export const XLSX_LIMITS: Readonly<XlsxLimits> = {
  // A sheet of all 1,048,576 rows × 20 filled columns is about 0.5 GiB of XML; scanning 1 GiB takes seconds.
  sheetBytes: 1024 ** 3,
  sharedStringsBytes: 256 * 1024 ** 2,
  smallPartBytes: 64 * 1024 ** 2,
  sharedStrings: 5_000_000,
  sharedStringChars: 100_000_000,
  columns: 1024,
  cellChars: 32_767,
  rows: 1_048_576,
  // As many cells as a list copied whole for --report may merge (xlsx-limits.ts, kind list).
  mergedCells: 100_000,
}

/** Excel's own grid: XFD is column 16,384. */
const EXCEL_COLUMNS = 16_384
/** Text between two tags (or one tag) longer than this cannot be a cell: a cell holds 32,767 characters, at most 4 bytes each. */
const TOKEN_BYTES = 1024 * 1024
/** A sheet read for its merged areas first is kept in memory up to this size, so a form is inflated once. */
const MERGE_HOLD_BYTES = 8 * 1024 * 1024

export interface SheetInfo {
  name: string
  /** visible, hidden or veryHidden */
  state: string
  part: string
}

/** A merged area: rows 1-based as `row` gives them, columns 0-based as `cells` indexes them; `ref` as the file writes it (B9:B11). */
export interface MergeRange {
  ref: string
  top: number
  left: number
  bottom: number
  right: number
}

export interface XlsxSheetVisitor {
  /** With the `merges` option: the sheet's merged areas, before its first row (none: an empty list). */
  merges?(ranges: readonly MergeRange[]): void | Promise<void>
  /** A row with at least one cell: cell i (0-based column) is cells[i]; `percent[i]` (when asked for) says the cell is formatted as a percentage. */
  row(row: number, cells: readonly unknown[], percent?: readonly boolean[]): void | Promise<void>
  end(): void | Promise<void>
}

export interface XlsxReadOptions {
  /** The input field messages name (FILE). */
  field?: string
  /** How messages name the file (the path by default). */
  shown?: string
  limits?: Partial<XlsxLimits>
  /** Hand over which cells are formatted as percentages. */
  percent?: boolean
  /**
   * Hand each visited sheet's merged areas to its visitor's `merges` before the first row.
   * `<mergeCells>` comes after `<sheetData>` in a sheet's XML, so the sheet is scanned for
   * them first (a byte search, its merged cells counted against the `mergedCells` limit as
   * they are found); a sheet of up to MERGE_HOLD_BYTES is kept from that pass and not
   * inflated twice.
   */
  merges?: boolean
}

type LimitName = 'sheetBytes' | 'sharedStringsBytes' | 'smallPartBytes' | 'sharedStrings' | 'sharedStringChars' | 'columns' | 'cellChars' | 'rows' | 'mergedCells'

/** A limit breached: turned into an InvalidInput naming the file. */
class LimitBreach extends Error {
  constructor(
    readonly limit: LimitName,
    readonly where: string,
  ) {
    super(limit)
  }
}

interface Styles {
  date: boolean[]
  percent: boolean[]
}

/**
 * Reads a workbook's sheets, in the workbook's order, row by row: `visit` is called with
 * each sheet and returns its handlers, or undefined to skip it. Errors of the handlers pass
 * through as they are; every problem of the file is an InvalidInput (exit 2) naming it.
 */
export async function readXlsx(path: string, visit: (sheet: SheetInfo) => XlsxSheetVisitor | undefined, options: XlsxReadOptions = {}): Promise<SheetInfo[]> {
  const field = options.field ?? 'FILE'
  const shown = options.shown ?? path
  const limits = {...XLSX_LIMITS, ...options.limits}
  const fail = (error: unknown): never => {
    if (error instanceof InvalidInput) throw error
    if (error instanceof LimitBreach) throw limitError(error.limit, limits[error.limit], error.where, field, shown)
    if (error instanceof ZipProblem && error.overLimit) {
      const limit = error.overLimit.limit
      const name = (['sheetBytes', 'sharedStringsBytes', 'smallPartBytes'] as const).find((n) => limits[n] === limit) ?? 'sheetBytes'
      throw limitError(name, error.overLimit.limit, error.overLimit.part, field, shown)
    }
    throw new InvalidInput('io.notWorkbook', {field, path: shown, reason: (error as Error).message}, {field})
  }
  let zip: ZipFile
  try {
    zip = new ZipFile(path)
  } catch (error) {
    if ((error as {code?: string}).code && !(error instanceof ZipProblem)) throw new InvalidInput('io.unreadable', {field, path: shown, reason: (error as Error).message}, {field})
    return fail(error)
  }
  try {
    let book: Book
    let shared: string[]
    try {
      book = readBook(zip, limits)
      shared = book.sharedStrings ? await readSharedStrings(zip, book.sharedStrings, limits) : []
    } catch (error) {
      return fail(error)
    }
    for (const sheet of book.sheets) {
      const handlers = visit(sheet)
      if (!handlers) continue
      if (!zip.entries.has(sheet.part)) fail(new ZipProblem(`the sheet ${sheet.name} (${sheet.part}) is missing`))
      let held: Buffer[] | undefined
      if (options.merges && handlers.merges) {
        let found: {ranges: MergeRange[]; held?: Buffer[]}
        try {
          found = await findMerges(zip, sheet, limits)
        } catch (error) {
          return fail(error)
        }
        held = found.held
        await handlers.merges(found.ranges)
      }
      const scanner = new SheetScanner(shared, book.styles, book.date1904, limits, sheet.name, options.percent ?? false)
      try {
        for await (const chunk of held ?? zip.stream(sheet.part, limits.sheetBytes)) {
          scanner.feed(chunk)
          if (scanner.rows.length) await deliver(scanner, handlers, fail)
        }
        scanner.end()
      } catch (error) {
        if (error instanceof Handled) throw error.cause
        fail(error)
      }
      try {
        await deliver(scanner, handlers, fail)
        await handlers.end()
      } catch (error) {
        throw error instanceof Handled ? error.cause : error
      }
    }
    return book.sheets
  } finally {
    zip.close()
  }
}

/** An error of a row handler (the database, the caller's own checks): passed on untouched. */
class Handled extends Error {
  constructor(override readonly cause: unknown) {
    super('handled')
  }
}

async function deliver(scanner: SheetScanner, handlers: XlsxSheetVisitor, _fail: (e: unknown) => never): Promise<void> {
  const rows = scanner.rows
  scanner.rows = []
  for (const r of rows) {
    try {
      const pending = handlers.row(r.row, r.cells, r.percent)
      if (pending) await pending
    } catch (error) {
      throw new Handled(error)
    }
  }
}

function limitError(limit: LimitName, value: number, where: string, field: string, path: string): InvalidInput {
  const key = `io.readLimit.${limit}` as MessageKey
  return new InvalidInput(key, {field, path, limit: value.toLocaleString('en-US'), where}, {field, details: {path, limit, max: value, where}})
}

// ---------------------------------------------------------------------------------------
// The small parts

export interface Book {
  sheets: SheetInfo[]
  date1904: boolean
  styles: Styles
  sharedStrings?: string
}

function relsOf(zip: ZipFile, part: string, limits: XlsxLimits): Array<{id: string; type: string; target: string}> {
  const slash = part.lastIndexOf('/')
  const folder = slash < 0 ? '' : part.slice(0, slash)
  const relsPart = `${folder ? folder + '/' : ''}_rels/${part.slice(slash + 1)}.rels`
  if (!zip.entries.has(relsPart)) return []
  const out: Array<{id: string; type: string; target: string}> = []
  for (const m of zip.text(relsPart, limits.smallPartBytes).matchAll(/<(?:\w+:)?Relationship\b([^>]*)>/g)) {
    const target = attribute(m[1], 'Target')
    if (!target || attribute(m[1], 'TargetMode') === 'External') continue
    out.push({id: attribute(m[1], 'Id') ?? '', type: attribute(m[1], 'Type') ?? '', target: resolvePart(folder, target)})
  }
  return out
}

export function readBook(zip: ZipFile, limits: XlsxLimits = XLSX_LIMITS): Book {
  const root = relsOf(zip, '', limits).find((r) => r.type.endsWith('/officeDocument'))?.target
  const main = root && zip.entries.has(root) ? root : 'xl/workbook.xml'
  if (!zip.entries.has(main)) throw new ZipProblem('no workbook part (xl/workbook.xml): not an .xlsx workbook')
  const workbook = zip.text(main, limits.smallPartBytes)
  const rels = relsOf(zip, main, limits)
  const folder = main.slice(0, main.lastIndexOf('/'))
  const byId = new Map(rels.map((r) => [r.id, r.target]))
  const sheets: SheetInfo[] = []
  for (const m of workbook.matchAll(/<(?:\w+:)?sheet\b([^>]*)>/g)) {
    const name = attribute(m[1], 'name') ?? ''
    const id = attribute(m[1], '(?:\\w+:)?id')
    const part = (id && byId.get(id)) ?? `${folder}/worksheets/sheet${sheets.length + 1}.xml`
    // Chart sheets and dialog sheets have no cells.
    if (!/worksheets?\//i.test(part) && byId.has(id ?? '')) continue
    sheets.push({name, state: attribute(m[1], 'state') ?? 'visible', part})
  }
  const pr = /<(?:\w+:)?workbookPr\b([^>]*)>/.exec(workbook)
  const date1904 = pr ? /^(1|true)$/i.test(attribute(pr[1], 'date1904') ?? '') : false
  const find = (suffix: string, fallback: string): string | undefined => {
    const target = rels.find((r) => r.type.endsWith(suffix))?.target
    if (target && zip.entries.has(target)) return target
    return zip.entries.has(fallback) ? fallback : undefined
  }
  const stylesPart = find('/styles', `${folder}/styles.xml`)
  const styles = stylesPart ? parseStyles(zip.text(stylesPart, limits.smallPartBytes)) : {date: [], percent: []}
  return {sheets, date1904, styles, sharedStrings: find('/sharedStrings', `${folder}/sharedStrings.xml`)}
}

/** Built-in number formats that show dates or times: 14–22, 45–47, and the zh-CN ones 27–36 and 50–58 (Excel on a Chinese Windows). */
function builtinDate(id: number): boolean {
  return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) || (id >= 50 && id <= 58)
}

/** A format code that shows a date or a time: y, m, d, h or s outside quoted text, escapes and [brackets] (colours, locales, conditions). */
export function isDateFormat(code: string): boolean {
  const bare = code
    .split(';')[0]
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/\[(?:h+|m+|s+)\]/gi, 'h')
    .replace(/\[[^\]]*\]/g, '')
  if (/^general$/i.test(bare.trim())) return false
  return /[ymdhs]/i.test(bare.replace(/e\+|e-/gi, ''))
}

function isPercentFormat(code: string): boolean {
  return code
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .includes('%')
}

export function parseStyles(xml: string): Styles {
  const codes = new Map<number, string>()
  for (const m of xml.matchAll(/<(?:\w+:)?numFmt\b([^>]*)>/g)) {
    const id = Number(attribute(m[1], 'numFmtId'))
    const code = attribute(m[1], 'formatCode')
    if (Number.isInteger(id) && code !== undefined) codes.set(id, code)
  }
  const date: boolean[] = []
  const percent: boolean[] = []
  const section = /<(?:\w+:)?cellXfs\b[^>]*>([^]*?)<\/(?:\w+:)?cellXfs>/.exec(xml)
  if (section) {
    for (const m of section[1].matchAll(/<(?:\w+:)?xf\b([^>]*)>/g)) {
      const id = Number(attribute(m[1], 'numFmtId') ?? 0)
      const code = codes.get(id)
      date.push(code !== undefined ? isDateFormat(code) : builtinDate(id))
      percent.push(code !== undefined ? isPercentFormat(code) : id === 9 || id === 10)
    }
  }
  return {date, percent}
}

// ---------------------------------------------------------------------------------------
// Scanning XML as bytes: tags and the text between them, across chunk boundaries

/**
 * A minimal XML tag scanner over UTF-8 bytes (every byte of a multi-byte character is ≥ 0x80,
 * so <, >, quotes and names are found byte by byte). Comments, CDATA and processing
 * instructions are skipped or read as text; a token longer than TOKEN_BYTES is an error.
 */
abstract class Scanner {
  private rest: Buffer | undefined

  constructor(protected readonly where: string) {}

  /** A start tag: its local name between ns and ne, its attributes up to `end` (before > or />). */
  protected abstract open(buf: Buffer, ns: number, ne: number, end: number, selfClosing: boolean): void
  protected abstract close(buf: Buffer, ns: number, ne: number): void
  protected abstract text(buf: Buffer, start: number, end: number): void

  feed(chunk: Buffer): void {
    const buf = this.rest ? Buffer.concat([this.rest, chunk]) : chunk
    this.rest = undefined
    let pos = 0
    const n = buf.length
    while (pos < n) {
      const lt = buf.indexOf(60, pos)
      if (lt < 0) {
        this.keep(buf, pos)
        return
      }
      if (lt > pos) this.text(buf, pos, lt)
      pos = lt
      if (lt + 1 >= n) {
        this.keep(buf, pos)
        return
      }
      const next = buf[lt + 1]
      if (next === 33 /* ! */) {
        // <!-- comment -->, <![CDATA[ … ]]>, <!DOCTYPE …>
        if (buf[lt + 2] === 45) {
          const close = buf.indexOf('-->', lt + 4)
          if (close < 0) return this.keep(buf, pos)
          pos = close + 3
        } else if (buf[lt + 2] === 91) {
          const close = buf.indexOf(']]>', lt + 9)
          if (close < 0) return this.keep(buf, pos)
          this.cdata(buf.toString('utf8', lt + 9, close))
          pos = close + 3
        } else {
          const close = buf.indexOf(62, lt)
          if (close < 0) return this.keep(buf, pos)
          pos = close + 1
        }
        continue
      }
      if (next === 63 /* ? */) {
        const close = buf.indexOf('?>', lt + 2)
        if (close < 0) return this.keep(buf, pos)
        pos = close + 2
        continue
      }
      // A tag: find its > outside quoted attribute values.
      let i = lt + 1
      let quote = 0
      for (; i < n; i++) {
        const c = buf[i]
        if (quote) {
          if (c === quote) quote = 0
        } else if (c === 34 || c === 39) quote = c
        else if (c === 62) break
      }
      if (i >= n) return this.keep(buf, pos)
      const closing = next === 47
      let ns = closing ? lt + 2 : lt + 1
      let ne = ns
      while (ne < i) {
        const c = buf[ne]
        if (c === 32 || c === 9 || c === 10 || c === 13 || c === 47 || c === 62) break
        if (c === 58) ns = ne + 1
        ne++
      }
      if (closing) this.close(buf, ns, ne)
      else {
        const selfClosing = buf[i - 1] === 47
        this.open(buf, ns, ne, selfClosing ? i - 1 : i, selfClosing)
      }
      pos = i + 1
    }
  }

  /** CDATA content: text as it is. */
  protected cdata(_text: string): void {}

  private keep(buf: Buffer, from: number): void {
    if (buf.length - from > TOKEN_BYTES) throw new LimitBreach('cellChars', this.where)
    this.rest = Buffer.from(buf.subarray(from))
  }

  end(): void {
    if (this.rest && this.rest.length) {
      const rest = this.rest
      this.rest = undefined
      if (rest.indexOf(60) >= 0) throw new ZipProblem(`${this.where}: the XML ends inside a tag (damaged)`)
    }
  }
}

/** An attribute of a start tag, as bytes: calls `each` with the name's first byte, the name's length and the value's range. */
function eachAttribute(buf: Buffer, from: number, end: number, each: (first: number, length: number, vs: number, ve: number) => void): void {
  let i = from
  while (i < end) {
    const c = buf[i]
    if (c === 32 || c === 9 || c === 10 || c === 13) {
      i++
      continue
    }
    let ns = i
    while (i < end && buf[i] !== 61 && buf[i] !== 32) {
      if (buf[i] === 58) ns = i + 1
      i++
    }
    const nl = i - ns
    while (i < end && buf[i] !== 34 && buf[i] !== 39) i++
    const quote = buf[i]
    const vs = i + 1
    i = vs
    while (i < end && buf[i] !== quote) i++
    each(buf[ns], nl, vs, i)
    i++
  }
}

function isName(buf: Buffer, ns: number, ne: number, name: string): boolean {
  if (ne - ns !== name.length) return false
  for (let i = 0; i < name.length; i++) if (buf[ns + i] !== name.charCodeAt(i)) return false
  return true
}

// ---------------------------------------------------------------------------------------
// Merged areas

/** Scans a sheet for its <mergeCell ref> elements; the sheet's chunks come back too while it is small. */
async function findMerges(zip: ZipFile, sheet: SheetInfo, limits: XlsxLimits): Promise<{ranges: MergeRange[]; held?: Buffer[]}> {
  const finder = new MergeFinder(limits, sheet.name)
  let held: Buffer[] | undefined = []
  let size = 0
  for await (const chunk of zip.stream(sheet.part, limits.sheetBytes)) {
    finder.feed(chunk)
    size += chunk.length
    if (held && size <= MERGE_HOLD_BYTES) held.push(chunk)
    else held = undefined
  }
  return {ranges: finder.ranges, held}
}

const MERGE_CELL = Buffer.from('mergeCell')

/**
 * Finds `<mergeCell ref="…">` (any namespace prefix) in a sheet's bytes by a plain byte
 * search, across chunk boundaries; each area is checked and its cells counted at once.
 */
class MergeFinder {
  readonly ranges: MergeRange[] = []
  private cells = 0
  private rest: Buffer | undefined

  constructor(
    private readonly limits: XlsxLimits,
    private readonly sheet: string,
  ) {}

  feed(chunk: Buffer): void {
    const buf = this.rest ? Buffer.concat([this.rest, chunk]) : chunk
    this.rest = undefined
    let pos = 0
    for (;;) {
      const at = buf.indexOf(MERGE_CELL, pos)
      if (at < 0) {
        // Keep a tail long enough to hold a name cut in two, with the < or prefix before it.
        this.rest = Buffer.from(buf.subarray(Math.max(pos, buf.length - 64)))
        return
      }
      const after = at + MERGE_CELL.length
      if (after >= buf.length) {
        this.rest = Buffer.from(buf.subarray(Math.max(pos, at - 40)))
        return
      }
      const next = buf[after]
      if (!(next === 32 || next === 9 || next === 10 || next === 13 || next === 47 || next === 62) || !this.startsTag(buf, at)) {
        pos = after
        continue
      }
      const gt = buf.indexOf(62, after)
      if (gt < 0) {
        if (buf.length - at > TOKEN_BYTES) throw new ZipProblem(`${this.sheet}: a <mergeCell> tag of more than 1 MiB`)
        this.rest = Buffer.from(buf.subarray(Math.max(pos, at - 40)))
        return
      }
      const ref = attribute(buf.toString('utf8', after, gt), 'ref')
      if (ref !== undefined) this.add(ref)
      pos = gt + 1
    }
  }

  /** The name at `at` is a start tag's: right after a <, or after a <prefix:. */
  private startsTag(buf: Buffer, at: number): boolean {
    if (at > 0 && buf[at - 1] === 60) return true
    if (at === 0 || buf[at - 1] !== 58) return false
    for (let i = at - 2; i >= 0 && i >= at - 34; i--) {
      const c = buf[i]
      if (c === 60) return i < at - 2
      if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 45 || c === 46)) return false
    }
    return false
  }

  private add(ref: string): void {
    const [a, b] = ref.trim().split(':')
    const from = cellAt(a)
    const to = b === undefined ? from : cellAt(b)
    if (!from || !to) throw new ZipProblem(`${this.sheet}: the merged area "${ref}" is no range of cells`)
    const range: MergeRange = {
      ref: ref.trim(),
      top: Math.min(from.row, to.row),
      bottom: Math.max(from.row, to.row),
      left: Math.min(from.col, to.col),
      right: Math.max(from.col, to.col),
    }
    this.cells += (range.bottom - range.top + 1) * (range.right - range.left + 1)
    if (this.cells > this.limits.mergedCells) throw new LimitBreach('mergedCells', `${this.sheet}!${range.ref}`)
    this.ranges.push(range)
  }
}

/** A1 (or $A$1) → row 1-based, column 0-based; undefined past Excel's grid or for anything else. */
function cellAt(ref: string | undefined): {row: number; col: number} | undefined {
  const m = /^\$?([A-Za-z]{1,3})\$?(\d{1,7})$/.exec((ref ?? '').trim())
  if (!m) return undefined
  let col = 0
  for (const ch of m[1].toUpperCase()) col = col * 26 + ch.charCodeAt(0) - 64
  const row = Number(m[2])
  if (col > EXCEL_COLUMNS || row < 1 || row > 1_048_576) return undefined
  return {row, col: col - 1}
}

/**
 * Which merged area a cell lies in, looked up by row: built from a sheet's areas (their
 * cells are bounded by the mergedCells limit, so the index is too). A value of a merged area
 * belongs to its top-left cell; the other cells show it, and are hidden under it.
 */
export class MergeIndex {
  private readonly byRow = new Map<number, MergeRange[]>()

  constructor(readonly ranges: readonly MergeRange[]) {
    for (const r of ranges) {
      for (let row = r.top; row <= r.bottom; row++) {
        const list = this.byRow.get(row)
        if (list) list.push(r)
        else this.byRow.set(row, [r])
      }
    }
  }

  get size(): number {
    return this.ranges.length
  }

  /** The merged area (row 1-based, col 0-based) lies in, or undefined. */
  at(row: number, col: number): MergeRange | undefined {
    const list = this.byRow.get(row)
    if (!list) return undefined
    for (const r of list) if (col >= r.left && col <= r.right) return r
    return undefined
  }

  /** The areas that cross a row. */
  inRow(row: number): readonly MergeRange[] {
    return this.byRow.get(row) ?? []
  }
}

// ---------------------------------------------------------------------------------------
// Shared strings

class SharedStringScanner extends Scanner {
  readonly strings: string[] = []
  private inSi = false
  private inT = false
  private phonetic = 0
  private parts: string[] = []
  private chars = 0

  constructor(private readonly limits: XlsxLimits) {
    super('sharedStrings')
  }

  protected open(buf: Buffer, ns: number, ne: number, _end: number, selfClosing: boolean): void {
    const len = ne - ns
    if (len === 2 && buf[ns] === 115 && buf[ns + 1] === 105) {
      this.inSi = !selfClosing
      this.parts.length = 0
      if (selfClosing) this.push('')
    } else if (len === 1 && buf[ns] === 116) this.inT = !selfClosing && this.inSi && !this.phonetic
    else if (len === 3 && isName(buf, ns, ne, 'rPh') && !selfClosing) this.phonetic++
  }

  protected close(buf: Buffer, ns: number, ne: number): void {
    const len = ne - ns
    if (len === 1 && buf[ns] === 116) this.inT = false
    else if (len === 2 && buf[ns] === 115 && buf[ns + 1] === 105) {
      this.inSi = false
      this.push(this.parts.length === 1 ? this.parts[0] : this.parts.join(''))
      this.parts.length = 0
    } else if (len === 3 && isName(buf, ns, ne, 'rPh')) this.phonetic--
  }

  protected text(buf: Buffer, start: number, end: number): void {
    if (this.inT) this.parts.push(decodeEntities(buf.toString('utf8', start, end)))
  }

  protected override cdata(text: string): void {
    if (this.inT) this.parts.push(text)
  }

  private push(s: string): void {
    if (s.length > this.limits.cellChars) throw new LimitBreach('cellChars', `sharedStrings #${this.strings.length}`)
    if (this.strings.length >= this.limits.sharedStrings) throw new LimitBreach('sharedStrings', 'sharedStrings')
    this.chars += s.length
    if (this.chars > this.limits.sharedStringChars) throw new LimitBreach('sharedStringChars', 'sharedStrings')
    this.strings.push(s)
  }
}

async function readSharedStrings(zip: ZipFile, part: string, limits: XlsxLimits): Promise<string[]> {
  const scanner = new SharedStringScanner(limits)
  for await (const chunk of zip.stream(part, limits.sharedStringsBytes)) scanner.feed(chunk)
  scanner.end()
  return scanner.strings
}

// ---------------------------------------------------------------------------------------
// Sheets

const T_NUMBER = 0
const T_SHARED = 1
const T_INLINE = 2
const T_STR = 3
const T_BOOL = 4
const T_ERROR = 5
const T_DATE = 6

const DAY_MS = 86_400_000

class SheetScanner extends Scanner {
  rows: Array<{row: number; cells: unknown[]; percent?: boolean[]}> = []
  private rowNumber = 0
  private cells: unknown[] | undefined
  private percent: boolean[] | undefined
  private filled = false
  private col = -1
  private type = T_NUMBER
  private style = 0
  private value: string | undefined
  private formula: string | undefined
  private inV = false
  private inF = false
  private inIs = false
  private inT = false
  private phonetic = 0
  private inline: string[] = []
  private inCell = false

  constructor(
    private readonly shared: string[],
    private readonly styles: Styles,
    private readonly date1904: boolean,
    private readonly limits: XlsxLimits,
    sheet: string,
    private readonly wantPercent: boolean,
  ) {
    super(sheet)
  }

  protected open(buf: Buffer, ns: number, ne: number, end: number, selfClosing: boolean): void {
    const len = ne - ns
    const c0 = buf[ns]
    if (len === 1) {
      if (c0 === 99 /* c */) return this.openCell(buf, ne, end, selfClosing)
      if (!this.inCell) return
      if (c0 === 118 /* v */) {
        this.inV = !selfClosing
        if (this.value === undefined) this.value = ''
      } else if (c0 === 102 /* f */) {
        this.inF = !selfClosing
        if (this.formula === undefined) this.formula = ''
      } else if (c0 === 116 /* t */) this.inT = !selfClosing && this.inIs && !this.phonetic
      return
    }
    if (len === 3 && c0 === 114 && buf[ns + 1] === 111 && buf[ns + 2] === 119) return this.openRow(buf, ne, end, selfClosing)
    if (!this.inCell) return
    if (len === 2 && c0 === 105 && buf[ns + 1] === 115) this.inIs = !selfClosing
    else if (len === 3 && isName(buf, ns, ne, 'rPh') && !selfClosing) this.phonetic++
  }

  private openRow(buf: Buffer, from: number, end: number, selfClosing: boolean): void {
    let r = -1
    eachAttribute(buf, from, end, (first, length, vs, ve) => {
      if (length === 1 && first === 114) r = digits(buf, vs, ve)
    })
    this.rowNumber = r > 0 ? r : this.rowNumber + 1
    if (this.rowNumber > this.limits.rows) throw new LimitBreach('rows', `${this.where}!${this.rowNumber}`)
    this.cells = []
    this.percent = this.wantPercent ? [] : undefined
    this.filled = false
    this.col = -1
    if (selfClosing) this.closeRow()
  }

  private closeRow(): void {
    if (this.cells && this.filled) this.rows.push({row: this.rowNumber, cells: this.cells, percent: this.percent})
    this.cells = undefined
  }

  private openCell(buf: Buffer, from: number, end: number, selfClosing: boolean): void {
    let col = -1
    let type = T_NUMBER
    let style = 0
    eachAttribute(buf, from, end, (first, length, vs, ve) => {
      if (length !== 1) return
      if (first === 114 /* r */) {
        let n = 0
        let i = vs
        for (; i < ve; i++) {
          const c = buf[i]
          if (c >= 65 && c <= 90) n = n * 26 + c - 64
          else if (c >= 97 && c <= 122) n = n * 26 + c - 96
          else break
          if (n > EXCEL_COLUMNS) break
        }
        if (n > 0) col = n - 1
        // A cell's own row number, where its row gave none: taken as given.
      } else if (first === 115 /* s */) style = digits(buf, vs, ve)
      else if (first === 116 /* t */) {
        const l = ve - vs
        const c = buf[vs]
        if (l === 1) type = c === 115 ? T_SHARED : c === 98 ? T_BOOL : c === 101 ? T_ERROR : c === 100 ? T_DATE : T_NUMBER
        else if (l === 3) type = T_STR
        else if (l === 9) type = T_INLINE
      }
    })
    this.col = col >= 0 ? col : this.col + 1
    if (this.col >= EXCEL_COLUMNS) throw new LimitBreach('columns', `${this.where}!${this.rowNumber}`)
    if (selfClosing) return
    if (!this.cells) {
      // A cell outside any row: a damaged sheet, read as a row of its own.
      this.cells = []
      this.percent = this.wantPercent ? [] : undefined
      this.rowNumber++
    }
    this.inCell = true
    this.type = type
    this.style = style < 0 ? 0 : style
    this.value = undefined
    this.formula = undefined
    this.inline.length = 0
  }

  protected close(buf: Buffer, ns: number, ne: number): void {
    const len = ne - ns
    const c0 = buf[ns]
    if (len === 1) {
      if (c0 === 99) this.closeCell()
      else if (c0 === 118) this.inV = false
      else if (c0 === 102) this.inF = false
      else if (c0 === 116) this.inT = false
    } else if (len === 3 && c0 === 114 && buf[ns + 1] === 111 && buf[ns + 2] === 119) this.closeRow()
    else if (len === 2 && c0 === 105 && buf[ns + 1] === 115) this.inIs = false
    else if (len === 3 && isName(buf, ns, ne, 'rPh')) this.phonetic--
  }

  protected text(buf: Buffer, start: number, end: number): void {
    if (this.inV) this.value = (this.value ?? '') + buf.toString('utf8', start, end)
    else if (this.inT) this.inline.push(buf.toString('utf8', start, end))
    else if (this.inF && (this.formula ?? '').length < 1000) this.formula = (this.formula ?? '') + buf.toString('utf8', start, end)
  }

  protected override cdata(text: string): void {
    if (this.inV) this.value = (this.value ?? '') + text
    else if (this.inT) this.inline.push(text)
  }

  private closeCell(): void {
    this.inCell = this.inV = this.inF = this.inIs = this.inT = false
    const value = this.cellValue()
    if (value === undefined) return
    if (this.col + 1 > this.limits.columns) throw new LimitBreach('columns', `${this.where}!${columnLetter(this.col)}${this.rowNumber}`)
    if (typeof value === 'string' && value.length > this.limits.cellChars) throw new LimitBreach('cellChars', `${this.where}!${columnLetter(this.col)}${this.rowNumber}`)
    this.cells![this.col] = value
    if (this.percent && this.styles.percent[this.style]) this.percent[this.col] = true
    this.filled = true
  }

  private cellValue(): unknown {
    const v = this.value
    if (this.type === T_INLINE) {
      if (this.inline.length) return decodeEntities(this.inline.join(''))
      if (v === undefined && this.formula !== undefined) return {formula: decodeEntities(this.formula), noCache: true}
      return v === undefined ? undefined : decodeEntities(v)
    }
    if (v === undefined || (v === '' && this.type !== T_STR)) {
      return this.formula !== undefined ? ({formula: decodeEntities(this.formula), noCache: true} satisfies NoCachedValue) : undefined
    }
    switch (this.type) {
      case T_SHARED: {
        const s = this.shared[digits(v, 0, v.length)]
        return s ?? ''
      }
      case T_STR:
        return decodeEntities(v)
      case T_BOOL:
        return v === '1' || v === 'true'
      case T_ERROR:
        return {error: decodeEntities(v)}
      case T_DATE: {
        const d = new Date(v.length <= 10 || /[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v}Z`)
        return Number.isNaN(d.getTime()) ? v : d
      }
      default: {
        const n = Number(v)
        if (Number.isNaN(n)) return decodeEntities(v)
        if (this.styles.date[this.style]) {
          // Excel's serial days: 25,569 is 1970-01-01 in the 1900 system; the 1904 system counts 1,462 days fewer.
          return new Date(Math.round((n - 25_569 + (this.date1904 ? 1462 : 0)) * DAY_MS))
        }
        return n
      }
    }
  }
}

function digits(buf: Buffer | string, from: number, to: number): number {
  let n = 0
  let any = false
  for (let i = from; i < to; i++) {
    const c = typeof buf === 'string' ? buf.charCodeAt(i) : buf[i]
    if (c < 48 || c > 57) return any ? n : -1
    n = n * 10 + c - 48
    any = true
  }
  return any ? n : -1
}

/** A1-style column letters for a 0-based index: 0 → A, 26 → AA (tables.ts re-exports it). */
export function columnLetter(index: number): string {
  let n = index + 1
  let out = ''
  while (n > 0) {
    const r = (n - 1) % 26
    out = String.fromCharCode(65 + r) + out
    n = Math.floor((n - 1) / 26)
  }
  return out
}
