import {EXCEL_COLUMNS, LimitBreach, MERGE_HOLD_BYTES, type MergeRange, type SheetInfo, TOKEN_BYTES, type XlsxLimits} from './xlsx-model.js'
import {attribute, type ZipFile, ZipProblem} from './xlsx-zip.js'

/** Merged areas: found in a sheet's bytes before its rows are read, and looked up by cell. */

/** Scans a sheet for its <mergeCell ref> elements; the sheet's chunks come back too while it is small. */
export async function findMerges(zip: ZipFile, sheet: SheetInfo, limits: XlsxLimits): Promise<{ranges: MergeRange[]; held?: Buffer[]}> {
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
      const c = buf[i]!
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
export function cellAt(ref: string | undefined): {row: number; col: number} | undefined {
  const m = /^\$?([A-Za-z]{1,3})\$?(\d{1,7})$/.exec((ref ?? '').trim())
  if (!m) return undefined
  let col = 0
  for (const ch of m[1]!.toUpperCase()) col = col * 26 + ch.charCodeAt(0) - 64
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
