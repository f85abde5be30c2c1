import {assertZip} from './tables.js'
import {MergeIndex, type MergeRange, readXlsx, type XlsxLimits} from './xlsx-reader.js'

/**
 * A paper form's sheet, whole, read by egov's own reader (xlsx-reader.ts): forms are some
 * tens of rows by a few columns, so every cell is kept, by row and column (both 1-based, as
 * a person counts them: A1 is (1, 1)), with the sheet's merged areas.
 */
export interface FormGrid {
  name: string
  /** visible, hidden or veryHidden */
  state: string
  /** The last row and column that hold a value or a merged area (within the form's limits). */
  rows: number
  cols: number
  merges: MergeIndex
  /** The value a cell holds itself: a hidden cell of a merged area holds none. */
  own(row: number, col: number): unknown
  /** The value a cell shows: a hidden cell of a merged area shows its top-left cell's. */
  value(row: number, col: number): unknown
  /** The top-left cell of the merged area (row, col) is hidden under, or undefined (no area, or the top-left cell itself). */
  master(row: number, col: number): {row: number; col: number} | undefined
  /** The last column of a row that holds a value or lies in a merged area (exceljs's cellCount). */
  cellCount(row: number): number
}

/**
 * What a form may ask of the reader: 1,000 rows by 64 columns, merged areas over at most
 * 10,000 cells, 16 MiB a sheet, 50,000 shared strings in 8 MiB (README: Workbook limits,
 * "form"; the same numbers as xlsx-limits.ts's preflight for a form). A breach is exit 2
 * naming the file and the limit, before memory grows.
 */
export const FORM_LIMITS: Partial<XlsxLimits> = {
  rows: 1000,
  columns: 64,
  mergedCells: 10_000,
  sheetBytes: 16 * 1024 * 1024,
  sharedStringsBytes: 8 * 1024 * 1024,
  sharedStrings: 50_000,
}

/** Every sheet of a filled form (.xlsx), in the workbook's order, as FormGrids. `shown` is how messages name the file. */
export async function readFormGrids(path: string, options: {field: string; shown?: string}): Promise<FormGrid[]> {
  assertZip(path, options.field, options.shown ?? path)
  const grids: FormGrid[] = []
  await readXlsx(
    path,
    (info) => {
      const values: unknown[][] = []
      let ranges: readonly MergeRange[] = []
      let rows = 0
      let cols = 0
      return {
        merges(found) {
          ranges = found
        },
        row(row, cells) {
          const line: unknown[] = []
          for (let i = 0; i < cells.length; i++) {
            const v = cells[i]
            if (v === undefined) continue
            line[i + 1] = v
            if (i + 1 > cols) cols = i + 1
          }
          values[row] = line
          if (row > rows) rows = row
        },
        end() {
          for (const r of ranges) {
            rows = Math.max(rows, Math.min(r.bottom, FORM_LIMITS.rows!))
            cols = Math.max(cols, Math.min(r.right + 1, FORM_LIMITS.columns!))
          }
          grids.push(grid(info.name, info.state, values, new MergeIndex(ranges), rows, cols))
        },
      }
    },
    {field: options.field, shown: options.shown, limits: FORM_LIMITS, merges: true},
  )
  return grids
}

function grid(name: string, state: string, values: unknown[][], merges: MergeIndex, rows: number, cols: number): FormGrid {
  const master = (row: number, col: number) => {
    const area = merges.size ? merges.at(row, col - 1) : undefined
    return area && (area.top !== row || area.left !== col - 1) ? {row: area.top, col: area.left + 1} : undefined
  }
  const own = (row: number, col: number) => {
    if (master(row, col)) return undefined
    return values[row]?.[col]
  }
  return {
    name,
    state,
    rows,
    cols,
    merges,
    own,
    master,
    value(row, col) {
      const m = master(row, col)
      return m ? values[m.row]?.[m.col] : values[row]?.[col]
    },
    cellCount(row) {
      let n = values[row]?.length ? values[row].length - 1 : 0
      for (const r of merges.inRow(row)) n = Math.max(n, r.right + 1)
      return n
    },
  }
}
