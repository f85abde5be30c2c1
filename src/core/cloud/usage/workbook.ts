import {isUtf8} from 'node:buffer'
import type {Hash} from 'node:crypto'
import {createReadStream} from 'node:fs'
import {extname} from 'node:path'
import {Transform} from 'node:stream'

import {InvalidInput} from '../../errors.js'
import {type ForeignLine, foreignCount, type LineEncoding, LineVoter, majority, MixedDecoder} from '../../io/mixed-encoding.js'
import {writeOutput} from '../../io/output-file.js'
import {assertZip, columnLetter, type Encoding, gb18030Decoder} from '../../io/tables.js'
import {isNoCachedValue, readXlsx} from '../../io/xlsx-reader.js'
import type {EfficiencyReport} from './efficiency.js'
import {formatChina} from './values.js'

/**
 * The files of CLOUD-8: providers' utilisation files read row by row, never whole (a CSV
 * streamed through csv-parse, a workbook through egov's own reader, io/xlsx-reader.ts), and
 * the efficiency review written as a workbook.
 *
 * Why not io/tables.ts's visitRows: it reads a CSV whole (readFileSync, decodeText) where a
 * provider's file of a million samples must stream in bounded memory, and its visitor is not
 * told which workbook cells are formatted as percentages (0.375 shown as 37.5%). The pieces
 * that do fit are shared: the encoding votes and line-by-line decoding (mixed-encoding.ts),
 * GB18030 decoding, the zip and old-workbook checks, cell text and column letters.
 */

/** The cells of one data row: `cells[base + i]` is cell i; `percentCell(i)` says whether a number there is formatted as a percentage. */
export interface RowVisitor {
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
export async function visitCsv(
  path: string,
  file: string,
  encoding: Encoding,
  hash: Hash,
  visit: (sheet: string) => RowVisitor | undefined,
): Promise<{encoding: LineEncoding; foreign: ForeignLine[]}> {
  const {encoding: detected, mixed} = await scanCsv(path, file, encoding, hash)
  const {parse} = await import('csv-parse')
  // No `info`: csv-parse's per-record info objects cost more than the parsing. Every record
  // (an empty line too: skip_empty_lines is off) takes one line plus the line breaks in its cells.
  const parser = parse({bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: false})
  const input = createReadStream(path)
  input.on('error', (error) => parser.destroy(error))
  const lines = mixed ? new MixedDecoder(detected, await gb18030Decoder()) : undefined
  if (lines) input.pipe(decodingLines(lines, parser)).pipe(parser)
  else if (detected === 'gb18030') {
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

/** A stream decoding a file of mixed encodings line by line, its failures the parser's. */
function decodingLines(decoder: MixedDecoder, parser: {destroy(error: Error): void}): Transform {
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
  return transform
}

/**
 * The file's encoding. One pass over the bytes: their hash, and whether they are UTF-8
 * (checked chunk by chunk, a character cut at a chunk's end carried over). A BOM says UTF-8;
 * so do bytes that are all UTF-8 (unless --encoding gb18030 says otherwise). Else a second
 * pass counts the lines' votes (mixed-encoding.ts): the majority decides, --encoding utf8
 * refuses a file mostly not UTF-8, and `mixed` says some line is foreign to the encoding.
 *
 * The decision is io/tables.ts's decodeText's, made on a stream, but for two things kept as
 * they were: a UTF-8 BOM says UTF-8 even with --encoding gb18030, and a UTF-16 BOM is not
 * looked for (a provider's export is UTF-8 or GB18030).
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

/** Line breaks inside a record's cells (\r\n, \n or \r, each one line): io/tables.ts's startLines, one record at a time. */
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
export async function visitXlsx(path: string, file: string, hash: Hash, visit: (sheet: string) => RowVisitor | undefined): Promise<void> {
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
