import {createRequire} from 'node:module'
import {basename, extname} from 'node:path'

import {hasMessage, type Locale, type MessageKey, t} from '../i18n/index.js'
import type {FormNote, FoundSheet, LocatedProblem} from './form-reader.js'
import type {FormLayout} from './layout.js'
import {writeOutput} from './output-file.js'
import {rowText, visitRows} from './tables.js'
import {checkWorkbookLimits} from './xlsx-limits.js'

const SUMMARY = '错误汇总'
/**
 * The largest list (rows × columns read) the copy holds whole: exceljs keeps about 1 KB a
 * cell (measured: 200,000 cells 224 MB for the whole process; a 100,000-item list of 20
 * columns, 3.4 GB). A larger list's copy is the 错误汇总 sheet alone, saying so.
 */
export const REPORT_CELLS = 200_000
/**
 * 列 is the header the clerk sees, 字段 the layout's key; 类型 the problem's type (missing-column,
 * required, not-in-list, duplicate, …: see ProblemType) and 类型说明 its name, to filter on;
 * 建议 the value a near miss most likely means; 相关行 the rows listed under this problem.
 */
const HEADERS = ['文件', '工作表', '行', '列', '单元格', '字段', '规则', '值', '问题', '类型', '类型说明', '建议', '相关行']
const WIDTHS = [18, 12, 6, 16, 8, 14, 8, 24, 60, 14, 14, 14, 24]
const BAD_CELL = {type: 'pattern' as const, pattern: 'solid' as const, fgColor: {argb: 'FFFFFF00'}}
const BAD_HEADER = {type: 'pattern' as const, pattern: 'solid' as const, fgColor: {argb: 'FFFFC7CE'}}

type Workbook = import('exceljs').Workbook

/**
 * The clerk's own workbook back, each problem marked where it is: the cell filled yellow
 * with the reason in its comment (a missing column: the header row's first cell, pink),
 * and a 错误汇总 sheet listing every problem. A CSV comes back as a workbook of its rows.
 * Returns how many cells were marked.
 */
export async function writeReport(layout: FormLayout, files: string[], sheets: FoundSheet[], problems: LocatedProblem[], out: string, locale: Locale, passed: FormNote[] = []): Promise<number> {
  const {default: ExcelJS} = await import('exceljs')
  keepClerksParts()
  const xlsx = files.find((f) => extname(f).toLowerCase() === '.xlsx')
  const wb = new ExcelJS.Workbook()
  // exceljs holds a copied workbook whole, about 1 KB a cell: past REPORT_CELLS the copy is the summary alone (issue 20: bounded by design).
  const cells = sheets.reduce((n, s) => n + s.rows * Math.max(1, ...s.columns.map((c) => (c ?? 0) + 1)), 0)
  const whole = cells <= REPORT_CELLS
  if (whole) await copyFiles(wb, layout, files, sheets, xlsx)
  wb.removeWorksheet(wb.getWorksheet(SUMMARY)?.id ?? -1)
  const marked = markProblems(wb, problems, files.length > 1 || !xlsx)
  addSummary(wb, problems, passed, locale, whole ? undefined : {files, cells})
  // The summary is what a clerk opens first.
  wb.views = [{x: 0, y: 0, width: 10000, height: 20000, firstSheet: 0, activeTab: wb.worksheets.length - 1, visibility: 'visible'}]
  await writeOutput(
    out,
    async (tmp) => {
      await wb.xlsx.writeFile(tmp)
      diskFullFault()
    },
    {field: 'report'},
  )
  return marked
}

/** The clerk's workbook read whole, or each CSV as a sheet of its rows. */
async function copyFiles(wb: Workbook, layout: FormLayout, files: string[], sheets: FoundSheet[], xlsx: string | undefined): Promise<void> {
  if (xlsx) {
    // The copy holds the whole workbook: bounded first (issue 20); already checked by the import that read it.
    await checkWorkbookLimits(xlsx, {field: 'FILE', kind: 'list'})
    await wb.xlsx.readFile(xlsx)
    return
  }
  for (const file of files) {
    const label = sheets.find((s) => s.file === file)
    const ws = wb.addWorksheet(sheetName(wb, (label && layout.sheets.find((s) => s.key === label.key)?.name) || basename(file)))
    await visitRows(file, () => ({row: (_row, cells, base) => void ws.addRow(rowText(cells, base)), end: () => undefined}))
  }
}

/** Each problem's cell filled and its reason in the cell's comment (rows listed under a cause too, pointing to it). `byExactName`: sheets are found by their exact name only (several files, or CSVs). Returns the cells marked. */
function markProblems(wb: Workbook, problems: LocatedProblem[], byExactName: boolean): number {
  const notes = new Map<string, {ws: import('exceljs').Worksheet; cell: string; messages: string[]; header: boolean}>()
  const mark = (sheet: string, at: string, row: number, message: string) => {
    const ws = wb.getWorksheet(sheet) ?? (byExactName ? wb.worksheets.find((w) => w.name === sheet) : defaultNamed(wb, sheet))
    if (!ws) return
    const cell = at || `A${row}`
    const key = `${ws.name}!${cell}`
    const entry = notes.get(key) ?? {ws, cell, messages: [], header: !at}
    entry.messages.push(message)
    notes.set(key, entry)
  }
  for (const p of problems) {
    mark(p.sheet, p.cell, p.row, p.message)
    // Rows listed under a cause are marked too, pointing to it.
    for (const r of p.related ?? []) mark(r.sheet, r.cell, r.row, `${p.message} → ${p.sheet}!${p.cell || p.row}`)
  }
  for (const {ws, cell, messages, header} of notes.values()) {
    const c = ws.getCell(cell)
    // A workbook read back shares one style object between cells of the same style: give this cell its own.
    c.style = {...c.style, fill: header ? BAD_HEADER : BAD_CELL}
    // A comment the clerk left on the cell stays, under the reasons (the same reasons from an earlier copy are not repeated).
    const mine = messages.join('\n')
    const theirs = (typeof c.note === 'string' ? [{text: c.note}] : (c.note?.texts ?? [])).filter((r) => r.text !== mine && r.text !== `${mine}\n\n`)
    const author = typeof c.note === 'object' ? (c.note as {author?: string}).author : undefined
    // The clerk's comment keeps its author (the marks go above it); a cell without one gets egov's.
    c.note = theirs.some((r) => r.text.trim()) ? ({texts: [{text: `${mine}\n\n`}, ...theirs], author} as import('exceljs').Comment) : mine
  }
  return notes.size
}

/** The 错误汇总 sheet: every problem, then what was passed over; `summaryOnly`: the list was too large to copy, said on its first row. */
function addSummary(wb: Workbook, problems: LocatedProblem[], passed: FormNote[], locale: Locale, summaryOnly: {files: string[]; cells: number} | undefined): void {
  const summary = wb.addWorksheet(SUMMARY, {views: [{state: 'frozen', ySplit: 1}]})
  summary.columns = HEADERS.map((h, i) => ({header: h, width: WIDTHS[i]}))
  summary.getRow(1).font = {bold: true}
  if (summaryOnly)
    summary.addRow([
      summaryOnly.files.map((f) => basename(f)).join(', '),
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      t('items.report.summaryOnly', {cells: summaryOnly.cells.toLocaleString('en-US'), limit: REPORT_CELLS.toLocaleString('en-US')}, locale),
    ])
  if (!problems.length) summary.addRow([t('items.report.clean', {}, locale)])
  const typeName = (type: string | undefined) => (type && hasMessage(`problem.type.${type}`) ? t(`problem.type.${type}` as MessageKey, {}, locale) : '')
  const related = (p: LocatedProblem) => (p.related ?? []).map((r) => `${r.sheet}!${r.cell || r.row}`).join('、')
  for (const p of problems) summary.addRow([p.file, p.sheet, p.row, p.column, p.cell, p.label ?? p.field, p.rule, p.value, p.message, p.type ?? '', typeName(p.type), p.suggestion ?? '', related(p)])
  // Footer rows skipped and columns ignored: not problems, listed after them so the clerk sees what was passed over.
  for (const n of passed) summary.addRow([n.file, n.sheet, n.row, n.column, n.cell, '', '', n.value, n.message, n.type, typeName(n.type), '', ''])
  // A filter on the header row: "all duplicate codes" is one click on 类型.
  summary.autoFilter = {from: {row: 1, column: 1}, to: {row: Math.max(1, summary.rowCount), column: HEADERS.length}}
}

/**
 * A testing aid (EGOV_FAULT=report-disk-full): the copy's write fails as on a full disk, once
 * the temporary file is written, so tests prove that an import whose copy cannot be written
 * commits nothing and leaves no file behind.
 */
function diskFullFault(): void {
  if (process.env.EGOV_FAULT === 'report-disk-full') throw Object.assign(new Error('ENOSPC: no space left on device, write (EGOV_FAULT=report-disk-full)'), {code: 'ENOSPC'})
}

let taught = false

/**
 * What exceljs (4.4) would lose of the clerk's workbook, read back whole: a comment written as
 * plain text (<text><t>…</t></text>, as openpyxl and others write it) it reads as empty; a data
 * validation over a range it expands to one entry per cell (a whole column: a million) and
 * writes back as overlapping ranges that other readers take only the first of. Comments keep
 * their text; validations keep the ranges they were written with. Taught once per process:
 * nothing in egov looks a validation up cell by cell in a workbook it has read.
 */
export function keepClerksParts(): void {
  if (taught) return
  taught = true
  const load = createRequire(import.meta.url)
  type Parser = {parser?: unknown; plain?: string[]; model: {note: {texts: Array<{text: string}>}}}
  type Validations = {model: Record<string, unknown>; _address: string; _dataValidation: Record<string, unknown>}
  // Function-typed properties, not methods: taken off the prototype and called with .call(this), as exceljs calls them.
  type Xform<T> = {prototype: {parseOpen: (this: T, node: {name: string}) => boolean; parseText: (this: T, text: string) => void; parseClose: (this: T, name: string) => boolean}}
  const comment = (load('exceljs/lib/xlsx/xform/comment/comment-xform.js') as Xform<Parser>).prototype
  const {parseOpen, parseText, parseClose} = comment
  comment.parseOpen = function (this: Parser, node) {
    if (this.parser || node.name !== 't') return parseOpen.call(this, node)
    this.plain = []
    return true
  }
  comment.parseText = function (this: Parser, text) {
    if (this.plain) this.plain.push(text)
    else parseText.call(this, text)
  }
  comment.parseClose = function (this: Parser, name) {
    if (name !== 't' || !this.plain) return parseClose.call(this, name)
    this.model.note.texts.push({text: this.plain.join('')})
    this.plain = undefined
    return true
  }
  keepAuthors(load)
  const validations = (load('exceljs/lib/xlsx/xform/sheet/data-validations-xform.js') as Xform<Validations>).prototype
  const closeValidation = validations.parseClose
  validations.parseClose = function (this: Validations, name) {
    if (name !== 'dataValidation') return closeValidation.call(this, name)
    const dv = this._dataValidation
    if (!(dv.formulae as unknown[] | undefined)?.length) {
      delete dv.formulae
      delete dv.operator
    }
    // Keyed by range, the writer puts each back as it was (sqref="D3:D200"), not cell by cell.
    for (const range of this._address.split(/\s+/).filter(Boolean)) this.model[range] = dv
    return true
  }
}

/** Who wrote egov's own marks, in the comment's author list (Excel shows it on hover). */
const MARK_AUTHOR = 'egov'

/**
 * exceljs reads a comment's text but drops its author: it writes every comment back under one
 * author named "Author". The clerk's comment by 王芳 stays by 王芳: the author is read with the
 * comment (from <authors> and the comment's authorId), kept on the note, and written back in
 * the part's author list; egov's own marks are by "egov".
 */
function keepAuthors(load: NodeJS.Require): void {
  type Model = {authorId?: string | number; note: {author?: string; texts?: unknown[]}; ref?: string}
  type Comments = {parser?: {model: Model}; authors?: string[]; inAuthor?: string[]}
  type XmlStream = {openXml(attrs: unknown): void; openNode(name: string, attrs?: Record<string, unknown>): void; leafNode(name: string, attrs: unknown, text: string): void; closeNode(): void}
  type Xform<T> = {
    prototype: {
      parseOpen: (this: T, node: {name: string}) => boolean
      parseText: (this: T, text: string) => void
      parseClose: (this: T, name: string) => boolean
      render: (this: T, xml: XmlStream, model: {comments: Model[]}) => void
    }
    COMMENTS_ATTRIBUTES: Record<string, string>
  }
  const CommentsXform = load('exceljs/lib/xlsx/xform/comment/comments-xform.js') as Xform<Comments>
  const {StdDocAttributes} = load('exceljs/lib/utils/xml-stream.js') as {StdDocAttributes: unknown}
  const comments = CommentsXform.prototype
  const {parseOpen, parseText, parseClose} = comments
  comments.parseOpen = function (node) {
    if (!this.parser && node.name === 'authors') this.authors = []
    if (!this.parser && node.name === 'author') {
      this.inAuthor = []
      return true
    }
    return parseOpen.call(this, node)
  }
  comments.parseText = function (text) {
    if (this.inAuthor) this.inAuthor.push(text)
    else parseText.call(this, text)
  }
  comments.parseClose = function (name) {
    if (name === 'author' && this.inAuthor) {
      this.authors?.push(this.inAuthor.join(''))
      this.inAuthor = undefined
      return true
    }
    if (name === 'comment' && this.parser) {
      const author = this.authors?.[Number(this.parser.model.authorId ?? 0)]
      if (author) this.parser.model.note.author = author
    }
    return parseClose.call(this, name)
  }
  comments.render = function (xml, model) {
    const authors = [...new Set(model.comments.map((c) => c.note.author ?? MARK_AUTHOR))]
    xml.openXml(StdDocAttributes)
    xml.openNode('comments', CommentsXform.COMMENTS_ATTRIBUTES)
    xml.openNode('authors')
    for (const author of authors) xml.leafNode('author', null, author)
    xml.closeNode()
    xml.openNode('commentList')
    const RichText = load('exceljs/lib/xlsx/xform/strings/rich-text-xform.js') as new () => {render(xml: XmlStream, text: unknown): void}
    const text = new RichText()
    for (const c of model.comments) {
      xml.openNode('comment', {ref: c.ref, authorId: authors.indexOf(c.note.author ?? MARK_AUTHOR)})
      xml.openNode('text')
      for (const t of c.note.texts ?? []) text.render(xml, t)
      xml.closeNode()
      xml.closeNode()
    }
    xml.closeNode()
    xml.closeNode()
  }
  // A note of one plain text is kept by exceljs as that text alone: with an author it stays a note object.
  type NoteClass = {prototype: object}
  const Note = load('exceljs/lib/doc/note.js') as NoteClass
  const property = Object.getOwnPropertyDescriptor(Note.prototype, 'model')!
  Object.defineProperty(Note.prototype, 'model', {
    ...property,
    set(this: {note: unknown}, value: {note: {author?: string}}) {
      property.set!.call(this, value)
      const author = value.note.author
      if (author && typeof this.note === 'string') this.note = {texts: [{text: this.note}], author}
    },
  })
}

function sheetName(wb: import('exceljs').Workbook, wanted: string): string {
  let name = wanted.replace(/[\\/?*[\]:]/g, '_').slice(0, 31)
  for (let i = 2; wb.getWorksheet(name); i++) name = `${wanted.slice(0, 28)}(${i})`
  return name
}

/**
 * A workbook that stores its sheets before xl/workbook.xml (openpyxl, some exporters) streams
 * with default names, Sheet1, Sheet2 …: numbered by the sheet's id, which the whole workbook knows.
 */
function defaultNamed(wb: import('exceljs').Workbook, name: string): import('exceljs').Worksheet | undefined {
  const m = /^Sheet(\d+)$/.exec(name)
  return m ? wb.getWorksheet(Number(m[1])) : undefined
}
