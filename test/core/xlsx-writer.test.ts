import {execFileSync} from 'node:child_process'
import {createWriteStream, mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Writable} from 'node:stream'

import ExcelJS from 'exceljs'
import {describe, expect, it} from 'vitest'

import {readSheets, XlsxWriter} from '../../src/core/io/index.js'

const CELLS = new URL('../helpers/xlsx_cells.py', import.meta.url).pathname
const INSPECT = new URL('../helpers/xlsx_inspect.py', import.meta.url).pathname
const dir = mkdtempSync(join(tmpdir(), 'egov-xlsx-writer-'))
const at = (name: string) => join(dir, name)

const cellsOf = (file: string) => JSON.parse(execFileSync('python3', [CELLS, file], {encoding: 'utf8', maxBuffer: 1 << 28})) as Record<string, string[][]>
const inspect = (file: string) =>
  JSON.parse(execFileSync('python3', [INSPECT, file], {encoding: 'utf8', maxBuffer: 1 << 28})) as Record<
    string,
    {cells: Record<string, {v: string | null; t: string; bold?: boolean}>; frozen: string | null}
  >

async function write(file: string, fill: (book: XlsxWriter) => Promise<void>): Promise<void> {
  const book = new XlsxWriter(createWriteStream(file), {created: new Date('2026-12-05T08:00:00Z')})
  await fill(book)
  await book.finish()
}

/** Text a writer gets wrong easily: markup, quotes, formula look-alikes, edge spaces, line breaks, characters outside the BMP. */
const TRICKY = ['=HYPERLINK("http://127.0.0.1/x","点击")', '+1 路公交', '-2', '@SUM(A1)', 'a & b < c > d "e" \'f\'', '  前后空格  ', '第一行\n第二行', '回车\r\n换行', '𠮷野家 😀', ']]>']

describe('XlsxWriter (issue 20: the items export’s own streaming writer)', () => {
  it('writes text as inline strings exactly as it is, numbers as numbers, nothing for empty cells; a second reader and egov’s own agree', async () => {
    const file = at('tricky.xlsx')
    await write(file, async (book) => {
      const sheet = book.addSheet('基本信息', [{header: '文本', width: 30}, {header: '数'}, {header: '空'}])
      for (const [i, text] of TRICKY.entries()) await sheet.row([text, i * 1.5, i % 2 ? null : ''])
      await sheet.row(['', Number.NaN, undefined])
      await sheet.row([undefined, -3])
    })
    const py = cellsOf(file)['基本信息']!
    expect(py[0]).toEqual(['文本', '数', '空'])
    expect(py.slice(1, 1 + TRICKY.length).map((r) => r[0])).toEqual(TRICKY)
    const book = inspect(file)['基本信息']!
    expect(book.frozen).toBe('A2')
    expect(book.cells.A1).toMatchObject({v: '文本', t: 's', bold: true})
    expect(book.cells.A2).toMatchObject({v: TRICKY[0], t: 's'})
    expect(book.cells.A2!.bold).toBeUndefined()
    expect(book.cells.B3).toMatchObject({v: '1.5', t: 'n'})
    expect(book.cells.C2).toBeUndefined()
    // NaN is no number a spreadsheet has: it is written as the text it is, never as a broken number cell.
    expect(book.cells[`B${TRICKY.length + 2}`]).toMatchObject({v: 'NaN', t: 's'})
    expect(book.cells[`B${TRICKY.length + 3}`]).toMatchObject({v: '-3', t: 'n'})

    // egov's own reader (cells come back trimmed, as import takes them).
    const {sheets} = await readSheets(file)
    expect(sheets.map((s) => s.name)).toEqual(['基本信息'])
    expect(sheets[0]!.rows.slice(1, 1 + TRICKY.length).map((r) => r.cells[0])).toEqual(TRICKY.map((t) => t.trim()))

    // exceljs reads it too, with the column widths.
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.readFile(file)
    const ws = wb.getWorksheet('基本信息')!
    expect(ws.getColumn(1).width).toBe(30)
    expect(ws.getColumn(2).width).toBe(16)
    expect(ws.getCell('A2').value).toBe(TRICKY[0])
    expect(ws.getCell('A7').value).toBe(TRICKY[5])
    expect(wb.creator).toBe('egov')

    // A valid zip by Python's zipfile: every CRC checks.
    execFileSync('python3', ['-c', 'import zipfile,sys; assert zipfile.ZipFile(sys.argv[1]).testzip() is None', file])
  })

  it('fills sheets side by side: a later sheet waits, compressed, and every sheet reads back whole and in order', async () => {
    const file = at('side.xlsx')
    const rows = 5000
    const long = '办理地点：嘉峪关市政务服务中心'.repeat(4)
    await write(file, async (book) => {
      const a = book.addSheet('基本信息', [{header: '编码'}, {header: '名称'}])
      const b = book.addSheet('办理流程', [{header: '编码'}, {header: '步骤'}])
      const c = book.addSheet('申请材料', [{header: '编码'}, {header: '材料'}])
      for (let i = 0; i < rows; i++) {
        await a.row([`A${i}`, long])
        await b.row([`A${i}`, `${i}-1`])
        await b.row([`A${i}`, `${i}-2`])
        if (i % 3 === 0) await c.row([`A${i}`, `${long}${i}`])
      }
    })
    const book = cellsOf(file)
    expect(Object.keys(book)).toEqual(['基本信息', '办理流程', '申请材料'])
    expect(book['基本信息']).toHaveLength(rows + 1)
    expect(book['基本信息']?.[rows]).toEqual([`A${rows - 1}`, long])
    expect(book['办理流程']).toHaveLength(2 * rows + 1)
    expect(book['办理流程']?.[2 * rows]).toEqual([`A${rows - 1}`, `${rows - 1}-2`])
    expect(book['申请材料']).toHaveLength(Math.ceil(rows / 3) + 1)
    execFileSync('python3', ['-c', 'import zipfile,sys; assert zipfile.ZipFile(sys.argv[1]).testzip() is None', file])
    const {sheets} = await readSheets(file)
    expect(sheets.map((s) => s.rows.length)).toEqual([rows + 1, 2 * rows + 1, Math.ceil(rows / 3) + 1])
  })

  it('throws the file’s error (a full disk) from the next row written, instead of waiting for a finish that never comes', async () => {
    let written = 0
    const full = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        written += chunk.length
        callback(written > 20_000 ? Object.assign(new Error('ENOSPC: no space left on device, write'), {code: 'ENOSPC'}) : null)
      },
    })
    const book = new XlsxWriter(full)
    const sheet = book.addSheet('基本信息', [{header: '编码'}])
    const failure = (async () => {
      for (let i = 0; i < 1_000_000; i++) await sheet.row([`${i}：${'很长的文本'.repeat(20)}${Math.random()}`])
      await book.finish()
    })()
    await expect(failure).rejects.toMatchObject({code: 'ENOSPC'})
    book.destroy()
  })

  it('refuses a sheet name Excel does not take', () => {
    const book = new XlsxWriter(createWriteStream(at('names.xlsx')))
    book.addSheet('基本信息', [])
    for (const name of ['', 'a'.repeat(32), 'a/b', '[x]', "'x", '基本信息']) expect(() => book.addSheet(name, [])).toThrow(/sheet name/)
    book.destroy()
  })
})
