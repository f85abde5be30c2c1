import {EXCEL_COLUMNS, LimitBreach, type NoCachedValue, type Styles, type XlsxLimits} from './xlsx-model.js'
import {eachAttribute, isName, Scanner} from './xlsx-scan.js'
import {decodeEntities, type ZipFile} from './xlsx-zip.js'

/** Shared strings and sheets: the scanners that turn a part's bytes into strings and rows of typed cells. */

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
      this.push(this.parts.length === 1 ? this.parts[0]! : this.parts.join(''))
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

export async function readSharedStrings(zip: ZipFile, part: string, limits: XlsxLimits): Promise<string[]> {
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

export class SheetScanner extends Scanner {
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
      if (c0 === 99 /* c */) {
        this.openCell(buf, ne, end, selfClosing)
        return
      }
      if (!this.inCell) return
      if (c0 === 118 /* v */) {
        this.inV = !selfClosing
        this.value ??= ''
      } else if (c0 === 102 /* f */) {
        this.inF = !selfClosing
        this.formula ??= ''
      } else if (c0 === 116 /* t */) this.inT = !selfClosing && this.inIs && !this.phonetic
      return
    }
    if (len === 3 && c0 === 114 && buf[ns + 1] === 111 && buf[ns + 2] === 119) {
      this.openRow(buf, ne, end, selfClosing)
      return
    }
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
          const c = buf[i]!
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

export function digits(buf: Buffer | string, from: number, to: number): number {
  let n = 0
  let any = false
  for (let i = from; i < to; i++) {
    const c = typeof buf === 'string' ? buf.charCodeAt(i) : buf[i]!
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
