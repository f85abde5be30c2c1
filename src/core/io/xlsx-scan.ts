import {LimitBreach, TOKEN_BYTES} from './xlsx-model.js'
import {ZipProblem} from './xlsx-zip.js'

/** Scanning XML as bytes: tags and the text between them, across chunk boundaries (xlsx-reader.ts's base scanner). */

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

  private keep(buf: Buffer, from: number): void {
    if (buf.length - from > TOKEN_BYTES) throw new LimitBreach('cellChars', this.where)
    this.rest = Buffer.from(buf.subarray(from))
  }

  end(): void {
    if (this.rest?.length) {
      const rest = this.rest
      this.rest = undefined
      if (rest.indexOf(60) >= 0) throw new ZipProblem(`${this.where}: the XML ends inside a tag (damaged)`)
    }
  }
}

/** An attribute of a start tag, as bytes: calls `each` with the name's first byte, the name's length and the value's range. */
export function eachAttribute(buf: Buffer, from: number, end: number, each: (first: number, length: number, vs: number, ve: number) => void): void {
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
    each(buf[ns]!, nl, vs, i)
    i++
  }
}

export function isName(buf: Buffer, ns: number, ne: number, name: string): boolean {
  if (ne - ns !== name.length) return false
  for (let i = 0; i < name.length; i++) if (buf[ns + i] !== name.charCodeAt(i)) return false
  return true
}
