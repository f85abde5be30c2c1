import {isAscii, isUtf8} from 'node:buffer'

import {type Locale, t} from '../i18n/index.js'

/**
 * Delimited text whose lines are not all in one encoding: a GBK file with a row pasted as
 * UTF-8 bytes, a UTF-8 file with a line of stray bytes. The file's encoding is decided by
 * its lines (votes), then every line is checked against it: a line of the other encoding is
 * a located problem, not mojibake imported in silence nor a whole file read as garbage.
 *
 * Lines are counted as a person counts them in an editor (and as csv-reader.ts
 * counts a CSV's rows): a line ends at \n, \r\n or a lone \r. Those bytes are never part of
 * a multi-byte character in UTF-8 or GB18030, so lines can be told apart before decoding.
 */

/** The two encodings a text file can be detected in (UTF-16 is known by its BOM alone). */
export type LineEncoding = 'utf8' | 'gb18030'

/** A line in another encoding than its file's; `seems` is what its bytes read as ('damaged': no text in either encoding). */
export interface ForeignLine {
  line: number
  seems: LineEncoding | 'damaged'
}

/** How a file's lines read: pure-ASCII lines, valid in both, have no vote. */
export interface Votes {
  /** Lines with non-ASCII bytes that are valid UTF-8. */
  utf8: number
  /** Lines with bytes that are not valid UTF-8 (GB18030, which decodes nearly anything, or damage). */
  other: number
  /** Of the utf8 lines, those that read as UTF-8 text would (see looksUtf8): in a GB18030 file, these are foreign. */
  looksUtf8: number
  /** The kind of the first line that has a vote (normally the header): it breaks a tie. */
  first?: 'utf8' | 'other'
}

/**
 * Splits bytes, chunk by chunk, into lines, each handed over with its line break. A line cut
 * at a chunk's end waits (copied) for the rest; a \r\n cut between chunks is one break.
 */
export class LineSplitter {
  /** The number of the line being read. */
  line = 1
  private pending: Buffer[] = []
  private afterCR = false

  /**
   * Calls `fn` for each line the chunk completes: its bytes (the line break included), its
   * number, and its range in the chunk. `joined` says the line began in an earlier chunk:
   * `bytes` then holds that part too, and `start` is 0.
   */
  push(chunk: Buffer, fn: (bytes: Buffer, line: number, start: number, end: number, joined: boolean) => void): void {
    let start = 0
    let from = 0
    if (this.afterCR) {
      this.afterCR = false
      // The \n of a \r\n cut between chunks ends nothing: it goes with the next line's bytes.
      if (chunk.length && chunk[0] === 0x0a) from = 1
    }
    let lf = -2
    let cr = -2
    for (;;) {
      if (lf !== -1 && lf < from) lf = chunk.indexOf(0x0a, from)
      if (cr !== -1 && cr < from) cr = chunk.indexOf(0x0d, from)
      const at = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr)
      if (at === -1) break
      let end = at + 1
      if (chunk[at] === 0x0d) {
        if (at + 1 < chunk.length) {
          if (chunk[at + 1] === 0x0a) end = at + 2
        } else this.afterCR = true
      }
      const joined = this.pending.length > 0
      const bytes = joined ? Buffer.concat([...this.pending, chunk.subarray(start, end)]) : chunk.subarray(start, end)
      this.pending.length = 0
      fn(bytes, this.line++, start, end, joined)
      start = end
      from = end
    }
    if (start < chunk.length) this.pending.push(Buffer.from(chunk.subarray(start)))
  }

  /** The last line, when the bytes do not end with a line break. */
  end(fn: (bytes: Buffer, line: number) => void): void {
    if (!this.pending.length) return
    const bytes = Buffer.concat(this.pending)
    this.pending.length = 0
    fn(bytes, this.line++)
  }
}

/**
 * Whether valid UTF-8 bytes read as the text a Chinese file holds: CJK characters and
 * punctuation, one of them at least — U+3000–U+9FFF (、。《》, the ideographs), the symbols
 * GBK has from U+2000–U+2FFF (“”—…‰€℃№Ⅻ→∑√≤①─■★, the radicals: see SYMBOLS) and dingbats (✔), and
 * U+F900–U+FAFF and U+FE00–U+FFFF (compatibility ideographs, vertical and full-width forms);
 * besides them only Latin-1 (·, ×, é) and U+10000–U+3FFFF (rare ideographs, emoji).
 * GBK text is now and then valid UTF-8 by chance — one line in seven of a single Chinese
 * character, one in fifty of two (a pair such as D6 A1 reads as one UTF-8 character) — but
 * then it reads as Greek, Cyrillic, Arabic, Hangul, private-use or unassigned characters.
 * Measured on random lines of 1–8 characters: none of 1.6 million lines of common characters
 * (GB2312 level 1) looks UTF-8; of lines of three characters drawn from all of GB2312, rare
 * ones as often as common ones, one in 40,000 does (test/core/mixed-encoding.test.ts).
 */
export function looksUtf8(bytes: Buffer): boolean {
  let cjk = false
  const n = bytes.length
  for (let i = 0; i < n;) {
    const b = bytes[i]!
    if (b < 0x80) {
      i++
    } else if (b < 0xe0) {
      // U+0080–U+00FF only.
      if (b > 0xc3) return false
      i += 2
    } else if (b < 0xf0) {
      if (b < 0xe2 || (b > 0xe9 && b < 0xef)) return false
      if (b === 0xe2 ? !inBlock(SYMBOLS, bytes[i + 1]) : b === 0xef ? !inBlock(FORMS, bytes[i + 1]) : false) return false
      cjk = true
      i += 3
    } else {
      // U+10000–U+3FFFF.
      if (b > 0xf0) return false
      i += 4
    }
  }
  return cjk
}

/** Of U+2000–U+2FFF, by 64s (the second byte of E2 xx xx): the blocks with symbols GBK has, and the CJK radicals. */
const SYMBOLS = blocks('80-82 84-8c 91-92 94-99 9c-9e ba-bf')
/** Of U+F000–U+FFFF, by 64s (the second byte of EF xx xx): compatibility ideographs, vertical, small and full-width forms. */
const FORMS = blocks('a4-ab b8-b9 bc-bf')

/** Whether a second byte (missing at the end of a cut sequence: no) falls in one of the table's blocks. */
function inBlock(table: ReadonlyArray<boolean | undefined>, byte: number | undefined): boolean {
  return byte !== undefined && table[byte - 0x80] === true
}

function blocks(ranges: string): boolean[] {
  const out: boolean[] = new Array<boolean>(64).fill(false)
  for (const range of ranges.split(' ')) {
    // The ranges are the constants above, each 'xx-yy'.
    const [from, to] = range.split('-').map((h) => Number.parseInt(h, 16) - 0x80) as [number, number]
    for (let i = from; i <= to; i++) out[i] = true
  }
  return out
}

/** Counts a line's vote. */
export function vote(votes: Votes, bytes: Buffer): void {
  if (isAscii(bytes)) return
  if (isUtf8(bytes)) {
    votes.utf8++
    votes.first ??= 'utf8'
    if (looksUtf8(bytes)) votes.looksUtf8++
  } else {
    votes.other++
    votes.first ??= 'other'
  }
}

/** Reads the votes of bytes given in chunks (a stream) or whole (one push). */
export class LineVoter {
  readonly votes: Votes = {utf8: 0, other: 0, looksUtf8: 0}
  private readonly lines = new LineSplitter()

  push(chunk: Buffer): void {
    this.lines.push(chunk, (bytes) => vote(this.votes, bytes))
  }

  end(): Votes {
    this.lines.end((bytes) => vote(this.votes, bytes))
    return this.votes
  }
}

/** The file's encoding by its lines: the majority of those with a vote; on a tie, the first of them (the header, as a rule). */
export function majority(votes: Votes): LineEncoding {
  if (votes.utf8 !== votes.other) return votes.utf8 > votes.other ? 'utf8' : 'gb18030'
  return votes.first === 'other' ? 'gb18030' : 'utf8'
}

/** How many lines are foreign to a file of this encoding. */
export function foreignCount(votes: Votes, encoding: LineEncoding): number {
  return encoding === 'utf8' ? votes.other : votes.looksUtf8
}

/**
 * Decodes a file's bytes, chunk by chunk, line by line: the file's own lines in its encoding,
 * a foreign line in what it seems to be (so the values a message quotes and the report shows
 * are what the clerk typed), each foreign line noted. In a UTF-8 file, a line that is not
 * UTF-8 is foreign: it seems GB18030 when it reads as GB18030 with fewer undecodable bytes
 * than as UTF-8, damaged otherwise (then read as UTF-8, the bad bytes as U+FFFD). In a
 * GB18030 file, a line that is valid UTF-8 and looks it (looksUtf8) is foreign. Runs of the
 * file's own lines are decoded at once.
 */
export class MixedDecoder {
  readonly foreign: ForeignLine[] = []
  private readonly lines = new LineSplitter()

  constructor(
    readonly encoding: LineEncoding,
    private readonly gb18030: (bytes: Buffer) => string,
  ) {}

  write(chunk: Buffer): string {
    let out = ''
    let runStart = 0
    let runEnd = 0
    this.lines.push(chunk, (bytes, line, _start, end, joined) => {
      const foreign = this.isForeign(bytes)
      if (!foreign && !joined) {
        runEnd = end
        return
      }
      if (runEnd > runStart) out += this.own(chunk.subarray(runStart, runEnd))
      out += foreign ? this.decodeForeign(bytes, line) : this.own(bytes)
      runStart = runEnd = end
    })
    if (runEnd > runStart) out += this.own(chunk.subarray(runStart, runEnd))
    return out
  }

  end(): string {
    let out = ''
    this.lines.end((bytes, line) => {
      out = this.isForeign(bytes) ? this.decodeForeign(bytes, line) : this.own(bytes)
    })
    return out
  }

  private isForeign(bytes: Buffer): boolean {
    if (this.encoding === 'utf8') return !isUtf8(bytes)
    return !isAscii(bytes) && isUtf8(bytes) && looksUtf8(bytes)
  }

  private own(bytes: Buffer): string {
    return this.encoding === 'utf8' ? bytes.toString('utf8') : this.gb18030(bytes)
  }

  private decodeForeign(bytes: Buffer, line: number): string {
    if (this.encoding === 'gb18030') {
      this.foreign.push({line, seems: 'utf8'})
      return bytes.toString('utf8')
    }
    const asUtf8 = bytes.toString('utf8')
    const asGb = this.gb18030(bytes)
    const gb = undecodable(asGb) < undecodable(asUtf8)
    this.foreign.push({line, seems: gb ? 'gb18030' : 'damaged'})
    return gb ? asGb : asUtf8
  }
}

function undecodable(text: string): number {
  let n = 0
  for (let i = text.indexOf('\ufffd'); i !== -1; i = text.indexOf('\ufffd', i + 1)) n++
  return n
}

/** The names messages give the encodings, the same in both languages. */
export const ENCODING_NAMES: Record<LineEncoding, string> = {utf8: 'UTF-8', gb18030: 'GB18030 (GBK)'}

/**
 * What a foreign line is, in the clerk's language: the file, the line, the file's encoding
 * and what the line seems to be (io.mixedEncoding), or that its bytes are no text (io.damagedLine).
 */
export function foreignLineMessage(file: string, foreign: ForeignLine, encoding: LineEncoding, locale: Locale): string {
  const params = {file, line: foreign.line, encoding: ENCODING_NAMES[encoding]}
  if (foreign.seems === 'damaged') return t('io.damagedLine', params, locale)
  return t('io.mixedEncoding', {...params, seems: ENCODING_NAMES[foreign.seems]}, locale)
}
