import {LimitBreach, TOKEN_BYTES} from './xlsx-model.js'
import {ZipProblem} from './xlsx-zip.js'

/** Scanning XML as bytes: tags and the text between them, across chunk boundaries (the reader's scanners in xlsx-sheet.ts and the preflight's in xlsx-limits-scan.ts). */

/**
 * A minimal XML tag scanner over UTF-8 bytes (every byte of a multi-byte character is ≥ 0x80,
 * so <, >, quotes and names are found byte by byte). Comments, CDATA and processing
 * instructions are skipped or read as text; a token longer than TOKEN_BYTES is an error.
 */
export abstract class Scanner {
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
      if (next === 33 /* ! */ || next === 63 /* ? */) {
        const after = this.markupEnd(buf, lt, next)
        if (after < 0) {
          this.keep(buf, pos)
          return
        }
        this.markup()
        pos = after
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
      if (i >= n) {
        this.keep(buf, pos)
        return
      }
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

  /** Where `<!…` or `<?…` at lt ends (past its closing), or -1 when this chunk ends inside it. */
  private markupEnd(buf: Buffer, lt: number, next: number): number {
    if (next === 63 /* ? */) {
      const close = buf.indexOf('?>', lt + 2)
      return close < 0 ? -1 : close + 2
    }
    // <!-- comment -->, <![CDATA[ … ]]>, <!DOCTYPE …>
    if (buf[lt + 2] === 45) {
      const close = buf.indexOf('-->', lt + 4)
      return close < 0 ? -1 : close + 3
    }
    if (buf[lt + 2] === 91) {
      const close = buf.indexOf(']]>', lt + 9)
      if (close < 0) return -1
      this.cdata(buf.toString('utf8', lt + 9, close))
      return close + 3
    }
    const close = buf.indexOf(62, lt)
    return close < 0 ? -1 : close + 1
  }

  /** CDATA content: text as it is. */
  protected cdata(_text: string): void {}

  /** A comment, CDATA section, processing instruction or declaration has passed (after `cdata`). */
  protected markup(): void {}

  private keep(buf: Buffer, from: number): void {
    if (buf.length - from > TOKEN_BYTES && !this.tooLong(buf, from)) return
    this.rest = Buffer.from(buf.subarray(from))
  }

  /** A token (text, or a tag or markup not yet closed) of more than TOKEN_BYTES, from `from` to the chunk's end: an error, unless a subclass keeps it (true) or drops it (false). */
  protected tooLong(_buf: Buffer, _from: number): boolean {
    throw new LimitBreach('cellChars', this.where)
  }

  end(): void {
    const rest = this.rest
    this.rest = undefined
    if (rest?.length) this.tail(rest)
  }

  /** What is left when the XML ends: text after the last tag, or a tag never closed (damaged). */
  protected tail(rest: Buffer): void {
    if (rest.indexOf(60) >= 0) throw new ZipProblem(`${this.where}: the XML ends inside a tag (damaged)`)
  }
}

/** Longest text or tag an ElementScanner holds while waiting for its end, in characters: past any cell Excel allows. */
const CARRY_CHARS = 1024 * 1024

/** What an ElementScanner tells its user (the preflight's scanners, xlsx-limits-scan.ts). */
export interface ElementVisitor {
  /** A start tag of one of the names asked for (its local name); `attribute` reads one of its attributes as written, during this call only. */
  open(name: string, attribute: (name: string) => string | undefined): void
  /** The text right after such a start tag, up to the next tag or other markup (entities as written; never empty), once it has ended. */
  text(name: string, text: string): void
}

/**
 * The preflight's view of a part (xlsx-limits-scan.ts): the start tags of the names it asks
 * for, and the text right after each. A bare `<x/>` is not an element to it (as it never was to
 * the preflight). A text of more than CARRY_CHARS characters is passed on as far as it has come
 * and the rest of it skipped (a cell's is refused by its length); a tag that long is an error.
 * Nothing at the end of a part is an error: the reader says what is damaged.
 */
export class ElementScanner extends Scanner {
  /** The start tag whose text may follow. */
  private pending: string | undefined
  private skipping = false
  private tag: Buffer | undefined
  private from = 0
  private to = 0
  private readonly attribute = (name: string) => (this.tag ? attributeOf(this.tag, this.from, this.to, name) : undefined)

  constructor(
    where: string,
    private readonly names: readonly string[],
    private readonly visitor: ElementVisitor,
  ) {
    super(where)
  }

  override feed(chunk: Buffer): void {
    if (this.skipping) {
      const next = chunk.indexOf(60)
      if (next < 0) return
      this.skipping = false
      chunk = chunk.subarray(next)
    }
    super.feed(chunk)
  }

  override end(): void {
    super.end()
    this.pending = undefined
  }

  protected open(buf: Buffer, ns: number, ne: number, end: number, selfClosing: boolean): void {
    this.pending = undefined
    if (selfClosing && ne === end) return
    let name: string | undefined
    for (const n of this.names) if (isName(buf, ns, ne, n)) name = n
    if (name === undefined) return
    this.tag = buf
    this.from = ne
    this.to = end
    this.visitor.open(name, this.attribute)
    this.tag = undefined
    this.pending = name
  }

  protected close(): void {
    this.pending = undefined
  }

  protected text(buf: Buffer, start: number, end: number): void {
    const name = this.pending
    if (name === undefined) return
    this.pending = undefined
    this.visitor.text(name, buf.toString('utf8', start, end))
  }

  protected override markup(): void {
    this.pending = undefined
  }

  protected override tooLong(buf: Buffer, from: number): boolean {
    if (buf.toString('utf8', from).length <= CARRY_CHARS) return true
    if (buf[from] === 60) throw new RangeError('an XML tag of more than 1 MiB')
    this.text(buf, from, buf.length)
    this.skipping = true
    return false
  }

  protected override tail(rest: Buffer): void {
    if (rest[0] !== 60) this.text(rest, 0, rest.length)
  }
}

/** The value (as written) of the attribute named `name` (with its prefix, if any) between from and end, the attributes of a start tag. */
function attributeOf(buf: Buffer, from: number, end: number, name: string): string | undefined {
  let value: string | undefined
  eachAttribute(buf, from, end, (_first, _length, vs, ve, qs, qe) => {
    if (value === undefined && ve < end && isName(buf, qs, qe, name)) value = buf.toString('utf8', vs, ve)
  })
  return value
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13
}

/**
 * An attribute of a start tag, as bytes: calls `each` with the local name's first byte and
 * length, the value's range, and the whole name's range (its prefix included). A name ends at
 * `=` or white space (XML allows white space around `=`); a value left open ends at `end`.
 */
export function eachAttribute(buf: Buffer, from: number, end: number, each: (first: number, length: number, vs: number, ve: number, qs: number, qe: number) => void): void {
  let i = from
  while (i < end) {
    if (isSpace(buf[i]!)) {
      i++
      continue
    }
    const qs = i
    let ns = i
    while (i < end && buf[i] !== 61 && !isSpace(buf[i]!)) {
      if (buf[i] === 58) ns = i + 1
      i++
    }
    const qe = i
    while (i < end && buf[i] !== 34 && buf[i] !== 39) i++
    const quote = buf[i]
    const vs = i + 1
    i = vs
    while (i < end && buf[i] !== quote) i++
    each(buf[ns]!, qe - ns, vs, i, qs, qe)
    i++
  }
}

export function isName(buf: Buffer, ns: number, ne: number, name: string): boolean {
  if (ne - ns !== name.length) return false
  for (let i = 0; i < name.length; i++) if (buf[ns + i] !== name.charCodeAt(i)) return false
  return true
}
