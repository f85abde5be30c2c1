import type {Writable} from 'node:stream'

import {columnLetter} from './xlsx-reader.js'
import {type ZipEntry, ZipWriter} from './zip-writer.js'

/**
 * egov's own streaming .xlsx writer, for workbooks too large to build in memory (the items
 * export: 100,000 rows and more). exceljs's WorkbookWriter spent most of an export on
 * per-cell style bookkeeping and XML objects (issue 20: the export is to stay within 1.25×
 * of a plain exceljs streaming write, in time and memory); this writes the sheet XML as text
 * straight into a deflate stream and a small zip writer.
 *
 * What it writes: sheets with a bold, frozen header row and column widths; text cells as
 * inline strings (t="inlineStr": unmistakably text, so text that looks like a formula is the
 * text as it is, with no apostrophe, and never a formula's result, t="str"); numbers as
 * number cells; an empty value as no cell at all. Sheets may be written side by side: the
 * first sheet's compressed bytes go straight to the file, a later sheet's wait in memory,
 * compressed, until the sheets before it are done. Parts are deflated (zip method 8) with
 * data descriptors; no zip64, so a workbook stops at 4 GB (some 4 million items) with an error.
 */
export interface XlsxColumn {
  header: string
  /** In characters, as Excel counts them (default 16). */
  width?: number
}

/** A cell: text (an inline string), a number, or nothing (no cell). */
export type XlsxValue = string | number | null | undefined

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
const PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships'
const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
/** Sheet XML is handed to deflate in pieces of about this many characters. */
const FLUSH_AT = 1 << 16

/** Characters that are markup in XML text, and characters XML 1.0 cannot carry at all (dropped). */
// eslint-disable-next-line no-control-regex
const SPECIAL = /[&<>"\r\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/
const SPECIAL_ALL = new RegExp(SPECIAL.source, 'g')
const ESCAPES: Record<string, string> = {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\r': '&#13;'}

export function xmlEscape(text: string): string {
  return SPECIAL.test(text) ? text.replace(SPECIAL_ALL, (c) => ESCAPES[c] ?? '') : text
}

/** XML whitespace at either end of a text is kept only with xml:space="preserve". */
function edgeSpace(text: string): boolean {
  const first = text.charCodeAt(0)
  const last = text.charCodeAt(text.length - 1)
  return first === 32 || first === 9 || first === 10 || first === 13 || last === 32 || last === 9 || last === 10 || last === 13
}

function textCell(ref: string, text: string, style: string): string {
  return `<c r="${ref}"${style} t="inlineStr"><is><t${edgeSpace(text) ? ' xml:space="preserve"' : ''}>${xmlEscape(text)}</t></is></c>`
}

// ---------------------------------------------------------------------------------------
// The workbook.

/** A sheet being written, row by row from row 2 (row 1 is the header). */
export class XlsxSheet {
  private buffer = ''
  private rowNumber = 1
  private readonly letters: string[]

  constructor(
    readonly name: string,
    private readonly entry: ZipEntry,
    columns: XlsxColumn[],
    selected: boolean,
  ) {
    this.letters = columns.map((_, i) => columnLetter(i))
    const cols = columns.map((c, i) => `<col min="${i + 1}" max="${i + 1}" width="${c.width ?? 16}" customWidth="1"/>`).join('')
    this.buffer =
      XML_HEAD +
      `<worksheet xmlns="${MAIN}" xmlns:r="${REL}">` +
      `<sheetViews><sheetView workbookViewId="0"${selected ? ' tabSelected="1"' : ''}><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>` +
      `<sheetFormatPr defaultRowHeight="15"/>` +
      (cols ? `<cols>${cols}</cols>` : '') +
      '<sheetData>' +
      `<row r="1">${columns.map((c, i) => (c.header ? textCell(`${this.letters[i]}1`, c.header, ' s="1"') : '')).join('')}</row>`
  }

  /** The next row's cells, from column A. */
  async row(values: readonly XlsxValue[]): Promise<void> {
    const r = ++this.rowNumber
    let xml = `<row r="${r}">`
    for (let i = 0; i < values.length; i++) {
      const v = values[i]
      if (v === null || v === undefined || v === '') continue
      const ref = `${this.letters[i] ?? columnLetter(i)}${r}`
      xml += typeof v === 'number' ? (Number.isFinite(v) ? `<c r="${ref}"><v>${v}</v></c>` : textCell(ref, String(v), '')) : textCell(ref, v, '')
    }
    this.buffer += xml + '</row>'
    if (this.buffer.length >= FLUSH_AT) await this.flush()
  }

  get rows(): number {
    return this.rowNumber - 1
  }

  private async flush(): Promise<void> {
    const text = this.buffer
    this.buffer = ''
    await this.entry.write(text)
  }

  /** @internal by XlsxWriter.finish */
  async end(): Promise<void> {
    this.buffer += '</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>'
    await this.flush()
    await this.entry.end()
  }
}

/** Excel's rules for sheet names: 1–31 characters, none of : \ / ? * [ ], not starting or ending with an apostrophe. */
function checkSheetName(name: string, taken: Set<string>): void {
  if (!name || name.length > 31 || /[:\\/?*[\]]/.test(name) || name.startsWith("'") || name.endsWith("'") || taken.has(name.toLowerCase())) {
    throw new Error(`not a sheet name Excel takes: ${JSON.stringify(name)}`)
  }
  taken.add(name.toLowerCase())
}

/**
 * A workbook written onto a stream (the caller's temporary file: see output-file.ts). Add
 * the sheets, write their rows (sheets may be filled side by side), then finish; on any
 * failure, destroy. The stream's error (a full disk) is thrown by the next row written.
 */
export class XlsxWriter {
  private readonly zip: ZipWriter
  private readonly sheets: XlsxSheet[] = []
  private readonly names = new Set<string>()

  constructor(
    stream: Writable,
    private readonly options: {creator?: string; created?: Date} = {},
  ) {
    this.zip = new ZipWriter(stream, options.created ?? new Date())
  }

  addSheet(name: string, columns: XlsxColumn[]): XlsxSheet {
    checkSheetName(name, this.names)
    const sheet = new XlsxSheet(name, this.zip.open(`xl/worksheets/sheet${this.sheets.length + 1}.xml`), columns, this.sheets.length === 0)
    this.sheets.push(sheet)
    return sheet
  }

  async finish(): Promise<void> {
    for (const sheet of this.sheets) await sheet.end()
    const n = this.sheets.length
    const ids = this.sheets.map((_, i) => i + 1)
    const created = (this.options.created ?? new Date()).toISOString().replace(/\.\d+Z$/, 'Z')
    const creator = xmlEscape(this.options.creator ?? 'egov')
    await this.zip.add(
      '[Content_Types].xml',
      XML_HEAD +
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
        '<Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
        ids.map((i) => `<Override PartName="/xl/worksheets/sheet${i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join('') +
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>' +
        '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>' +
        '</Types>',
    )
    await this.zip.add(
      '_rels/.rels',
      XML_HEAD +
        `<Relationships xmlns="${PKG_REL}">` +
        `<Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/>` +
        `<Relationship Id="rId2" Type="${PKG_REL}/metadata/core-properties" Target="docProps/core.xml"/>` +
        `<Relationship Id="rId3" Type="${REL}/extended-properties" Target="docProps/app.xml"/>` +
        '</Relationships>',
    )
    await this.zip.add(
      'docProps/core.xml',
      XML_HEAD +
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
        `<dc:creator>${creator}</dc:creator><cp:lastModifiedBy>${creator}</cp:lastModifiedBy>` +
        `<dcterms:created xsi:type="dcterms:W3CDTF">${created}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">${created}</dcterms:modified>` +
        '</cp:coreProperties>',
    )
    await this.zip.add('docProps/app.xml', XML_HEAD + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>egov</Application></Properties>')
    await this.zip.add(
      'xl/workbook.xml',
      XML_HEAD +
        `<workbook xmlns="${MAIN}" xmlns:r="${REL}">` +
        '<bookViews><workbookView activeTab="0"/></bookViews><sheets>' +
        this.sheets.map((s, i) => `<sheet name="${xmlEscape(s.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('') +
        '</sheets></workbook>',
    )
    await this.zip.add(
      'xl/_rels/workbook.xml.rels',
      XML_HEAD +
        `<Relationships xmlns="${PKG_REL}">` +
        ids.map((i) => `<Relationship Id="rId${i}" Type="${REL}/worksheet" Target="worksheets/sheet${i}.xml"/>`).join('') +
        `<Relationship Id="rId${n + 1}" Type="${REL}/styles" Target="styles.xml"/>` +
        '</Relationships>',
    )
    await this.zip.add('xl/styles.xml', STYLES)
    await this.zip.finish()
  }

  /** Stops writing (after a failure): the caller removes the temporary file. */
  destroy(): void {
    this.zip.destroy()
  }
}

/** Two cell formats: 0 the default, 1 bold (the header row). */
const STYLES =
  XML_HEAD +
  `<styleSheet xmlns="${MAIN}">` +
  '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>' +
  '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
  '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
  '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
  '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>' +
  '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
  '</styleSheet>'
