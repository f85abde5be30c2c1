import {once} from 'node:events'
import {createWriteStream, type WriteStream} from 'node:fs'
import {basename, dirname, extname, join} from 'node:path'

import type {Kysely} from '#kysely'

import {now} from '../clock.js'
import {InvalidInput, NotFound} from '../errors.js'
import {OutputFile, outputError} from '../io/output-file.js'
import {csvField, isNumericType} from '../io/values.js'
import {XlsxWriter, type XlsxValue} from '../io/xlsx-writer.js'
import {type Database, type Reader, readerDb} from '../store/index.js'
import {eventsOf, type ItemContent, type ItemStatus, itemsLayout, partsOf, statusOn, unpackRow} from './model.js'
import {writeTemplate} from './template.js'

export interface ExportOptions {
  out: string
  encoding?: 'utf8' | 'gb18030'
  body?: string
  status?: ItemStatus
  today: string
  /** The list as it was at this version (default: now). */
  version?: number
}

export interface ExportResult {
  files: string[]
  items: number
  steps: number
  materials: number
}

const PAGE = 500

/** The current list, page by page in code order, as its content (a large list is never in memory at once). */
async function* pages(db: Kysely<Database>, options: ExportOptions): AsyncGenerator<ItemContent[]> {
  let after = ''
  // Every item's status events, only when the status is asked for.
  const events = options.status ? await eventsOf(db) : undefined
  for (;;) {
    const version = options.version
    let q = db.selectFrom('item_revisions as r').select(['r.code', 'r.content']).where('r.code', '>', after)
    q = version === undefined ? q.where('r.version_to', 'is', null) : q.where('r.version_from', '<=', version).where((eb) => eb.or([eb('r.version_to', 'is', null), eb('r.version_to', '>', version)]))
    if (options.body) q = q.where('r.body', '=', options.body)
    const rows = await q.orderBy('r.code').limit(PAGE).execute()
    if (!rows.length) return
    after = rows.at(-1)!.code
    const kept = rows.filter((r) => !options.status || statusOn(events!.get(r.code), options.today).status === options.status)
    const parts = await partsOf(
      db,
      kept.map((r) => r.code),
      version ?? null,
    )
    yield kept.map((r) => ({basic: unpackRow(r.content), steps: parts.get(r.code)?.steps ?? [], materials: parts.get(r.code)?.materials ?? []}))
    if (rows.length < PAGE) return
  }
}

/**
 * Writes the current list in the template's layout, so an export imports again unchanged
 * (ITEM-3): an .xlsx of the three sheets (streamed), or CSV files, one per sheet
 * (FILE.csv, FILE-办理流程.csv, FILE-申请材料.csv): UTF-8 with a BOM, or GB18030 for old
 * tools. In CSV, text cells that a spreadsheet would take for a formula get a leading
 * apostrophe (guardCsvCell), which import takes off again; in .xlsx they are text cells
 * as they are (inline strings, xlsx-writer.ts). Numbers stay numbers.
 */
export async function exportList(from: Reader, options: ExportOptions): Promise<ExportResult> {
  const db = readerDb(from)
  const ext = extname(options.out).toLowerCase()
  if (ext !== '.xlsx' && ext !== '.csv') throw new InvalidInput('io.badExtension', {field: 'out', path: options.out}, {field: 'out'})
  if (ext === '.xlsx' && options.encoding === 'gb18030') throw new InvalidInput('items.export.badEncoding', {}, {field: 'encoding'})
  if (options.version !== undefined) {
    const row = await db.selectFrom('item_versions').select('id').where('id', '=', options.version).executeTakeFirst()
    if (!row) throw new NotFound('items.versionNotFound', {version: options.version}, {field: 'version'})
  }
  return ext === '.csv' ? exportCsv(db, options) : exportXlsx(db, options)
}

async function exportXlsx(db: Kysely<Database>, options: ExportOptions): Promise<ExportResult> {
  // Written to a temporary file renamed into place once whole; the stream's own error (a full
  // disk) is thrown by the next row written, ending the export at once.
  const file = new OutputFile(options.out)
  const book = new XlsxWriter(createWriteStream(file.tmp), {creator: 'egov', created: now()})
  try {
    const result = await writeXlsx(db, options, book)
    await file.commit()
    return result
  } catch (error) {
    book.destroy()
    await file.abort()
    throw outputError(error, options.out)
  }
}

/**
 * The three sheets, filled side by side as the list is read page by page (xlsx-writer.ts:
 * the 基本信息 sheet streams to the file, the other two wait compressed), so no sheet's
 * rows are ever held whole.
 */
async function writeXlsx(db: Kysely<Database>, options: ExportOptions, book: XlsxWriter): Promise<ExportResult> {
  const sheets = itemsLayout().sheets.map((sheet) => {
    const numeric = sheet.columns.map((c) => isNumericType(c.type))
    const out = book.addSheet(
      sheet.name,
      sheet.columns.map((c) => ({header: c.header, width: c.width ?? 16})),
    )
    // Numbers stay numbers; text cells are inline strings as they are (formula-looking text included, no apostrophe).
    const cells = (values: string[]): XlsxValue[] => values.map((v, i) => (numeric[i] && v && Number.isFinite(Number(v)) ? Number(v) : v))
    return {row: (values: string[]) => out.row(cells(values)), count: () => out.rows}
  })
  // The items layout's three sheets: 基本信息, 办理流程, 申请材料.
  const basic = sheets[0]!
  const steps = sheets[1]!
  const materials = sheets[2]!
  for await (const page of pages(db, options)) {
    for (const c of page) {
      await basic.row(c.basic)
      for (const s of c.steps) await steps.row(s)
      for (const m of c.materials) await materials.row(m)
    }
  }
  await book.finish()
  return {files: [options.out], items: basic.count(), steps: steps.count(), materials: materials.count()}
}

/** One CSV file of an export, written to its temporary file (renamed into place by commit, when all are whole). */
class CsvOut {
  private readonly file: OutputFile
  private readonly stream: WriteStream
  private encode?: (text: string) => Buffer
  private buffer: string[] = []
  /** The stream's error (a full disk), thrown by the next write instead of surfacing as an unhandled event. */
  private error?: Error

  get failed(): boolean {
    return this.error !== undefined
  }

  constructor(
    readonly path: string,
    private readonly encoding: 'utf8' | 'gb18030',
  ) {
    this.file = new OutputFile(path)
    this.stream = createWriteStream(this.file.tmp)
    this.stream.on('error', (error) => (this.error = error))
  }

  async open(): Promise<void> {
    if (this.encoding === 'gb18030') {
      const {default: iconv} = await import('iconv-lite')
      this.encode = (text) => iconv.encode(text, 'gb18030')
    } else {
      // Excel takes a CSV without a BOM for the local code page: the BOM keeps the Chinese intact.
      this.stream.write('\uFEFF')
    }
  }

  async line(cells: string[]): Promise<void> {
    this.buffer.push(cells.map(csvField).join(','))
    if (this.buffer.length >= 1000) await this.flush()
  }

  async flush(): Promise<void> {
    if (!this.buffer.length) return
    const text = this.buffer.join('\r\n') + '\r\n'
    this.buffer = []
    this.throwError()
    if (!this.stream.write(this.encode ? this.encode(text) : text)) await Promise.race([once(this.stream, 'drain'), once(this.stream, 'close')])
    // The stream's error event may have come while this waited.
    this.throwError()
  }

  async close(): Promise<void> {
    await this.flush()
    this.stream.end()
    await once(this.stream, 'close')
    this.throwError()
  }

  /** Throws the stream's error, when one came (read afresh: it is set by the stream's event, between awaits). */
  private throwError(): void {
    if (this.error) throw this.error
  }

  async commit(): Promise<void> {
    await this.file.commit()
  }

  async abort(): Promise<void> {
    this.stream.destroy()
    await this.file.abort()
  }
}

async function exportCsv(db: Kysely<Database>, options: ExportOptions): Promise<ExportResult> {
  const outs = csvExportFiles(options.out).map((path) => new CsvOut(path, options.encoding ?? 'utf8'))
  try {
    const result = await writeCsv(db, options, outs)
    // All three whole before any is renamed into place.
    for (const out of outs) await out.commit()
    return result
  } catch (error) {
    for (const out of outs) await out.abort()
    throw outputError(error, outs.find((o) => o.failed)?.path ?? options.out)
  }
}

/** The files a CSV export writes: FILE.csv (基本信息), FILE-办理流程.csv, FILE-申请材料.csv. */
export function csvExportFiles(out: string): string[] {
  const stem = join(dirname(out), basename(out, extname(out)))
  return itemsLayout().sheets.map((s, i) => (i === 0 ? out : `${stem}-${s.name}.csv`))
}

async function writeCsv(db: Kysely<Database>, options: ExportOptions, outs: CsvOut[]): Promise<ExportResult> {
  const layout = itemsLayout()
  for (const [i, out] of outs.entries()) {
    await out.open()
    await out.line(layout.sheets[i]!.columns.map((c) => c.header))
  }
  // One file per sheet of the items layout (csvExportFiles): 基本信息, 办理流程, 申请材料.
  const basicOut = outs[0]!
  const stepsOut = outs[1]!
  const materialsOut = outs[2]!
  let items = 0
  let steps = 0
  let materials = 0
  for await (const page of pages(db, options)) {
    for (const c of page) {
      await basicOut.line(c.basic.map((v) => v ?? ''))
      for (const s of c.steps) await stepsOut.line(s.map((v) => v ?? ''))
      for (const m of c.materials) await materialsOut.line(m.map((v) => v ?? ''))
      items++
      steps += c.steps.length
      materials += c.materials.length
    }
  }
  for (const out of outs) await out.close()
  return {files: outs.map((o) => o.path), items, steps, materials}
}

/**
 * A body's (实施主体's) current list in the template's form — required headers marked *,
 * drop-down lists, the 填写说明 sheet — for the bureau to send out and the department to
 * revise and send back for import (`egov items import FILE`, a proposal like any other).
 */
export async function exportForRevision(from: Reader, options: {unit: string; out: string; today: string}): Promise<ExportResult & {unit: string}> {
  const db = readerDb(from)
  if (extname(options.out).toLowerCase() !== '.xlsx') throw new InvalidInput('items.export.revisionXlsx', {path: options.out}, {field: 'out'})
  const rows: Required<Parameters<typeof writeTemplate>[1]> = {basic: [], steps: [], materials: []}
  for await (const page of pages(db, {out: options.out, body: options.unit, today: options.today})) {
    for (const c of page) {
      rows.basic.push(c.basic)
      rows.steps.push(...c.steps)
      rows.materials.push(...c.materials)
    }
  }
  if (!rows.basic.length) throw new NotFound('items.export.noItemsOf', {unit: options.unit}, {field: 'for-revision'})
  await writeTemplate(options.out, rows)
  return {files: [options.out], unit: options.unit, items: rows.basic.length, steps: rows.steps.length, materials: rows.materials.length}
}
