import {createHash} from 'node:crypto'
import {extname} from 'node:path'

import {type Locale, type MessageKey, t} from '../../i18n/index.js'
import type {LocatedProblem, TextEncoding} from '../../io/index.js'
import {type FormLayout, matchHeader, type SheetLayout} from '../../io/layout.js'
import {foreignLineMessage, type LineEncoding} from '../../io/mixed-encoding.js'
import {columnLetter, rowText} from '../../io/tables.js'
import type {UsageImportOptions, UsageImportResult} from './import.js'
import type {Stage} from './stage.js'
import {describeLifetimes, systemAt, type SystemRef} from './systems.js'
import {blank, canonicalName, formatChina, percentOfCell, rawText, resultOf, RULE, sampleTimeOfCell, tenths} from './values.js'
import {type RowVisitor, visitCsv, visitXlsx} from './workbook.js'

/**
 * One attempt of a usage import reading its files (import.ts): in each sheet the header
 * found among the first rows, every data row checked and, when valid, staged; every problem
 * located. The systems and the time the rows are checked against are the attempt's.
 */

const LOOK_FOR_HEADER = 10
/** Sheets a template, a report or egov's own review adds that carry no samples. */
const IGNORED_SHEETS = new Set(['填写说明', '说明', '错误汇总'])

/** One sheet of one file with a header: where problems in its rows are located. */
export interface Part {
  file: string
  sheet: string
  /** layout column index → 0-based cell index */
  columns: number[]
}

/** What an attempt reads with: the form, the options, where counts and problems go, what rows are checked against, where they are staged. */
export interface ReadingContext {
  layout: FormLayout
  options: UsageImportOptions
  result: UsageImportResult
  problems: LocatedProblem[]
  systems: Map<string, SystemRef>
  /** The attempt's now (epoch seconds): no sample may be later. */
  nowS: number
  stage: Stage
}

export class Reading {
  readonly parts: Part[] = []
  readonly seenSystems = new Set<number>()
  first = Infinity
  last = -Infinity
  private readonly sheetLayout: SheetLayout
  private readonly locale: Locale

  constructor(private readonly ctx: ReadingContext) {
    const [sheetLayout] = ctx.layout.sheets
    if (!sheetLayout) throw new Error(`form ${ctx.layout.form}: no sheet layout`)
    this.sheetLayout = sheetLayout
    this.locale = ctx.options.locale ?? 'en'
  }

  /** A message of the catalogue, citing the rule. */
  say(key: MessageKey, params: Record<string, unknown>): string {
    return `${t(key, params, this.locale)} (${RULE})`
  }

  /** One file, hashed as it is read; `file` is how messages name it. */
  async readFile(path: string, file: string): Promise<void> {
    const {options, result, problems} = this.ctx
    const hash = createHash('sha256')
    let headed = 0
    const visit = (sheetName: string) => this.sheetVisitor(file, sheetName, () => headed++)
    let encoding: TextEncoding | undefined
    if (extname(path).toLowerCase() === '.csv') {
      const read = await visitCsv(path, file, options.encoding ?? 'auto', hash, visit)
      encoding = read.encoding
      // A line in another encoding than the file's (a row pasted from elsewhere) is a problem of its row.
      for (const f of read.foreign)
        problems.push(locate({file, sheet: ''}, f.line, undefined, '', '', 'encoding', `${foreignLineMessage(file, f, read.encoding as LineEncoding, this.locale)} (${RULE})`))
    } else await visitXlsx(path, file, hash, visit)
    result.files.push({file: path, sha256: hash.digest('hex'), ...(encoding ? {encoding} : {})})
    if (!headed) problems.push(locate({file, sheet: ''}, 1, undefined, '', '', '', this.say('form.notThisForm', {file, form: this.ctx.layout.form})))
  }

  /** A sheet's rows: the header looked for among the first (which wait, as they came, until it is found), then each checked. */
  private sheetVisitor(file: string, sheetName: string, headed: () => void): RowVisitor | undefined {
    if (IGNORED_SHEETS.has(sheetName.trim())) return undefined
    const sheetLayout = this.sheetLayout
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
      // notes; a file without one at all is reported by readFile.
      if (!match || match.columns.size < 2) return
      headed()
      const headerRow = head[match.headerRow]!.row
      for (const col of match.missing) {
        this.ctx.problems.push(locate({file, sheet: sheetName}, headerRow, undefined, col.header, '', col.key, this.say('form.missingColumn', {column: col.header})))
      }
      if (match.missing.length) return
      const part: Part = {file, sheet: sheetName, columns: sheetLayout.columns.map((c) => match.columns.get(c.key)!)}
      this.parts.push(part)
      handle = this.rowChecker(part, this.parts.length - 1)
      for (const h of head.slice(match.headerRow + 1)) await handle(h.row, h.cells, h.base, h.percentCell)
      head.length = 0
    }
    return {
      row(row, cells, base, percentCell) {
        if (decided) return handle?.(row, cells, base, percentCell)
        const text = rowText(cells, base)
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

  /** The checks of one data row, cell by cell (each problem located); a valid row is staged. */
  private rowChecker(part: Part, partIndex: number): RowVisitor['row'] {
    const {options, result, problems, systems, nowS, stage} = this.ctx
    const where = {file: part.file, sheet: part.sheet}
    const [cSystem, cTime, cCpu, cMemory, cDisk] = part.columns
    if (cSystem === undefined || cTime === undefined || cCpu === undefined || cMemory === undefined || cDisk === undefined) throw new Error(`form ${this.ctx.layout.form}: fewer than five columns`)
    const cols = this.sheetLayout.columns
    // The same names and times come back row after row (a collector's run lists every system
    // at one time; a system's samples share its name): each text is worked out once.
    const names = new Map<string, SystemRef | MessageKey>()
    const times = new Map<string, number | MessageKey>()
    const bad = (row: number, i: number, raw: unknown, key: MessageKey, params: Record<string, unknown> = {}) => {
      const value = rawText(raw)
      // i is one of the five columns just checked, which part.columns and cols both have.
      const col = cols[i]!
      problems.push(locate(where, row, part.columns[i], col.header, value, col.key, this.say(key, {column: col.header, value, ...params})))
    }
    const systemIn = (row: number, raw: unknown): SystemRef | undefined => {
      let system = typeof raw === 'string' ? names.get(raw) : undefined
      if (system === undefined) {
        system = systemNamed(systems, raw)
        if (typeof raw === 'string') remember(names, raw, system)
      }
      if (typeof system !== 'string') return system
      bad(row, 0, raw, system)
    }
    const timeIn = (row: number, raw: unknown): number | undefined => {
      let at = typeof raw === 'string' ? times.get(raw) : undefined
      if (at === undefined) {
        at = blank(raw) ? 'value.required' : sampleTimeOfCell(raw)
        if (typeof raw === 'string') remember(times, raw, at)
      }
      if (typeof at === 'string') bad(row, 1, raw, at)
      else if (at > nowS) bad(row, 1, raw, 'cloud.usage.futureTime', {now: formatChina(nowS)})
      else return at
    }
    const percentIn = (row: number, i: number, raw: unknown, percentFormat: boolean): number | undefined => {
      const value = blank(raw) ? 'value.required' : percentOfCell(raw, percentFormat)
      if (typeof value !== 'string') return value
      bad(row, i, raw, value)
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
      // Every cell is checked, in column order, whatever an earlier one said.
      const system = systemIn(row, rawSystem)
      const at = timeIn(row, rawTime)
      const cpu = percentIn(row, 2, rawCpu, typeof rawCpu === 'number' && percentCell(cCpu))
      const memory = percentIn(row, 3, rawMemory, typeof rawMemory === 'number' && percentCell(cMemory))
      const disk = percentIn(row, 4, rawDisk, typeof rawDisk === 'number' && percentCell(cDisk))
      if (system === undefined || at === undefined || cpu === undefined || memory === undefined || disk === undefined) return
      // The system that had this name at the sample's time (CLOUD-8): a name reused after a
      // release stands for another system, and at a time none was in service, for none.
      const id = systemAt(system, at)
      if (id === undefined) {
        bad(row, 1, rawTime, 'cloud.usage.notInService', {system: system.name, lifetimes: describeLifetimes(system, this.locale)})
        return
      }
      this.seenSystems.add(id)
      if (at < this.first) this.first = at
      if (at > this.last) this.last = at
      return stage.add(id, at, cpu, memory, disk, partIndex, row)
    }
  }

  /** Samples given twice in the files: recorded once when the values agree (counted as repeated), a located problem when they differ. */
  async findDuplicates(): Promise<void> {
    const {result, problems, stage} = this.ctx
    const dups = await stage.duplicates()
    if (!dups.length) return
    // Rows were staged, so the layout has the columns rowChecker required.
    const time = this.sheetLayout.columns[1]!
    for (let i = 0; i < dups.length;) {
      const firstRow = dups[i]!
      let j = i + 1
      while (j < dups.length && dups[j]!.system_id === firstRow.system_id && dups[j]!.at === firstRow.at) j++
      for (let k = i + 1; k < j; k++) {
        const d = dups[k]!
        if (d.cpu === firstRow.cpu && d.memory === firstRow.memory && d.disk === firstRow.disk) {
          result.repeated++
          continue
        }
        // Staged rows name the part they came from by its index in this.parts.
        const part = this.parts[d.part]!
        const other = this.parts[firstRow.part]!
        const value = formatChina(d.at)
        const params = {
          column: time.header,
          value,
          other: other === part ? firstRow.row : `${firstRow.row} (${other.file}${other.sheet ? `!${other.sheet}` : ''})`,
          values: `${tenths(d.cpu)}/${tenths(d.memory)}/${tenths(d.disk)}`,
          otherValues: `${tenths(firstRow.cpu)}/${tenths(firstRow.memory)}/${tenths(firstRow.disk)}`,
        }
        problems.push(locate({file: part.file, sheet: part.sheet}, d.row, part.columns[1], time.header, value, 'time', this.say('cloud.usage.conflict', params)))
      }
      i = j
    }
  }
}

/** The systems a name in a row stands for, or why it stands for none. */
function systemNamed(systems: Map<string, SystemRef>, raw: unknown): SystemRef | MessageKey {
  const name = rawText(raw)
  if (name === '') return 'value.required'
  const system = systems.get(canonicalName(name))
  if (!system) return 'cloud.usage.unknownSystem'
  return system.rejected ? 'cloud.usage.rejectedSystem' : system
}

/** A memo of worked-out cell texts, kept small: past 50,000 texts it starts again. */
function remember<V>(memo: Map<string, V>, text: string, value: V): void {
  if (memo.size >= 50_000) memo.clear()
  memo.set(text, value)
}

export function locate(where: {file: string; sheet: string}, row: number, fileCol: number | undefined, column: string, value: string, field: string, message: string): LocatedProblem {
  return {file: where.file, sheet: where.sheet, row, column, cell: fileCol === undefined ? '' : `${columnLetter(fileCol)}${row}`, field, rule: RULE, value, message}
}
