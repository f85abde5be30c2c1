import type {Hash} from 'node:crypto'
import {extname} from 'node:path'

import {InvalidInput} from '../../errors.js'
import {type Encoding, readCsv, type TextEncoding} from '../../io/csv-reader.js'
import type {ForeignLine} from '../../io/index.js'
import {hashInto} from '../../io/file-hash.js'
import {writeOutput} from '../../io/output-file.js'
import {assertZip, columnLetter} from '../../io/tables.js'
import {isNoCachedValue, readXlsx} from '../../io/xlsx-reader.js'
import type {EfficiencyReport} from './efficiency.js'
import {formatChina} from './values.js'

/**
 * The files of CLOUD-8: providers' utilisation files read row by row, never whole (a CSV
 * through io/csv-reader.ts, the one streaming CSV reader, a workbook through egov's own
 * reader, io/xlsx-reader.ts), and the efficiency review written as a workbook.
 *
 * Why not io/tables.ts's visitRows: its visitor is not told which workbook cells are
 * formatted as percentages (0.375 shown as 37.5%).
 */

/** The cells of one data row: `cells[base + i]` is cell i; `percentCell(i)` says whether a number there is formatted as a percentage. */
export interface RowVisitor {
  row(row: number, cells: readonly unknown[], base: number, percentCell: (i: number) => boolean): void | Promise<void>
  end(): void | Promise<void>
}

const NO_FORMAT = () => false

/**
 * Reads a CSV file as a stream (io/csv-reader.ts, the reader every import uses): its
 * encoding told first, then parsed as the bytes arrive, hashed as they stream. A CSV has no
 * cell formats: no cell is a percentage by its format. A file whose lines are not all in its
 * encoding is decoded line by line: its foreign lines come back, to be located problems.
 */
export async function visitCsv(
  path: string,
  file: string,
  encoding: Encoding,
  hash: Hash,
  visit: (sheet: string) => RowVisitor | undefined,
): Promise<{encoding: TextEncoding; foreign: ForeignLine[]}> {
  // The sheet opens with its first record (a file refused as a whole opens none).
  let sheet: RowVisitor | undefined | null = null
  const open = () => (sheet === null ? (sheet = visit('')) : sheet)
  const read = await readCsv(path, (row, cells) => open()?.row(row, cells, 0, NO_FORMAT), {encoding, hash, shown: file})
  await open()?.end()
  return {encoding: read.encoding, foreign: read.foreign}
}

/**
 * Reads a workbook through egov's own reader (io/xlsx-reader.ts), sheet by sheet, row by
 * row, with which cells are formatted as percentages (0.375 shown as 37.5%). Dates come
 * as dates whatever the order of the file's parts. A formula saved without its result
 * refuses the file, naming the cell: the clerk opens and saves it in Excel or WPS. The file
 * is hashed in a pass of its own.
 */
export async function visitXlsx(path: string, file: string, hash: Hash, visit: (sheet: string) => RowVisitor | undefined): Promise<void> {
  assertZip(path, 'FILE', file)
  try {
    await hashInto(hash, path)
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
// The review's workbook

/** The review's workbook must be an .xlsx (exit 2 naming --out), checked before any work. */
export function checkWorkbookPath(path: string): void {
  if (extname(path).toLowerCase() !== '.xlsx') throw new InvalidInput('io.badExtension', {field: 'out', path}, {field: 'out'})
}

/** A sheet's columns: header and width. */
type Columns = Array<[string, number]>

const FLAGGED_COLUMNS: Columns = [
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
]

const UNREPORTED_COLUMNS: Columns = [
  ['单位', 28],
  ['云服务商', 20],
  ['系统名称', 30],
  ['最近一次采集时间', 20],
]

const NOTES_COLUMNS: Columns = [
  ['项目', 16],
  ['内容', 90],
]

/**
 * The review as a workbook: 低效系统 (the flagged systems, by unit and provider, with the
 * suggestion), 未报送 (in-service systems without samples) and 说明 (the window, threshold
 * and rules). Figures are numbers, not text.
 */
export async function writeEfficiencyWorkbook(path: string, report: EfficiencyReport): Promise<void> {
  checkWorkbookPath(path)
  const {default: ExcelJS} = await import('exceljs')
  const workbook = new ExcelJS.Workbook()
  workbook.creator = 'egov'
  const sheet = (name: string, columns: Columns, rows: unknown[][]) => {
    const ws = workbook.addWorksheet(name, {views: [{state: 'frozen', ySplit: 1}]})
    ws.columns = columns.map(([header, width]) => ({header, width}))
    const header = ws.getRow(1)
    header.font = {bold: true}
    header.fill = {type: 'pattern', pattern: 'solid', fgColor: {argb: 'FFDDEBF7'}}
    for (const r of rows) ws.addRow(r)
    return ws
  }
  sheet('低效系统', FLAGGED_COLUMNS, flaggedRows(report))
  sheet(
    '未报送',
    UNREPORTED_COLUMNS,
    report.unreported.map((u) => [u.unit, u.provider ?? '', u.system, u.lastSample === null ? '' : formatChina(Date.parse(u.lastSample) / 1000)]),
  )
  sheet('说明', NOTES_COLUMNS, notesRows(report))
  await writeOutput(path, (tmp) => workbook.xlsx.writeFile(tmp))
}

/** The rows of 低效系统, in FLAGGED_COLUMNS's order. */
function flaggedRows(report: EfficiencyReport): unknown[][] {
  return report.flagged.map((f) => [
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
  ])
}

/** The rows of 说明: the window, the rule, the method and the counts. */
function notesRows(report: EfficiencyReport): unknown[][] {
  return [
    ['统计区间', `${formatChina(Date.parse(report.from) / 1000)} 至 ${formatChina(Date.parse(report.to) / 1000)}（最近 ${report.days} 天，北京时间）`],
    ['判定', `CPU 使用率与内存使用率的第 ${report.percentile} 百分位数均低于 ${report.threshold}% 的在运行系统（CLOUD-8）`],
    ['百分位数', `最近秩法：n 个样本从小到大排列，取第 ⌈${report.percentile}n/100⌉ 个`],
    ['建议配置', `每台虚拟机 vCPU、内存各取 ⌈现配置 × P95 ÷ ${report.targetUtilisation}%⌉，取整，至少 1；存储、带宽、IP 不变`],
    ['参评系统', report.reviewed],
    ['样本数', report.samples],
  ]
}
