import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import ExcelJS from 'exceljs'
import JSZip from 'jszip'
import {describe, expect, it} from 'vitest'

import {rowText, visitRows} from '../../src/core/io/index.js'

/**
 * What exceljs's streaming reader hands over for cells Excel on a Chinese Windows writes:
 * dates in the built-in zh-CN formats (no format code in the file) and rich text.
 */
describe('reading workbooks as clerks save them', () => {
  it('reads dates and times in the built-in zh-CN formats as dates, not serial numbers, and rich text as its text', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'egov-xlsx-'))
    const path = join(dir, 'zh.xlsx')
    const wb = new ExcelJS.Workbook()
    const ws = wb.addWorksheet('基本信息')
    ws.addRow(['日期', '时间', '说明', '数字'])
    const row = ws.addRow([new Date(Date.UTC(2026, 11, 10)), 0.375, {richText: [{text: '食品', font: {bold: true}}, {text: '经营许可'}]}, 45000])
    row.getCell(1).numFmt = 'DATE-FORMAT'
    row.getCell(2).numFmt = 'TIME-FORMAT'
    await wb.xlsx.writeFile(path)
    // As Excel saves them: the cells use built-in ids 31 (yyyy年m月d日) and 32 (h时mm分), with no format code in the file.
    const zip = await JSZip.loadAsync(readFileSync(path))
    let styles = await zip.file('xl/styles.xml')!.async('string')
    const idOf = (code: string) => new RegExp(`<numFmt numFmtId="(\\d+)" formatCode="${code}"/>`).exec(styles)![1]
    const [dateId, timeId] = [idOf('DATE-FORMAT'), idOf('TIME-FORMAT')]
    styles = styles
      .replace(/<numFmts[^]*?<\/numFmts>/, '')
      .replaceAll(`numFmtId="${dateId}"`, 'numFmtId="31"')
      .replaceAll(`numFmtId="${timeId}"`, 'numFmtId="32"')
    zip.file('xl/styles.xml', styles)
    // Stored as some tools store them: shared strings and the workbook's relationships first, the workbook part last.
    const order = ['[Content_Types].xml', '_rels/.rels', 'xl/sharedStrings.xml', 'xl/_rels/workbook.xml.rels', 'xl/styles.xml', 'xl/worksheets/sheet1.xml', 'xl/workbook.xml']
    const reordered = new JSZip()
    for (const name of [...order, ...Object.keys(zip.files).filter((n) => !order.includes(n) && !zip.files[n]!.dir)]) {
      if (zip.files[name]) reordered.file(name, await zip.file(name)!.async('uint8array'))
    }
    writeFileSync(path, await reordered.generateAsync({type: 'nodebuffer'}))

    const rows: string[][] = []
    await visitRows(path, () => ({row: (_n, cells, base) => void rows.push(rowText(cells, base)), end: () => undefined}))
    expect(rows[1]).toEqual(['2026-12-10', '09:00', '食品经营许可', '45000'])
  })

  it('locates CSV rows on the line they start on, whatever line breaks their quoted cells hold (CRLF, LF)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'egov-csv-lines-'))
    const path = join(dir, 'lines.csv')
    // line 1 header; line 2 a record whose cell breaks with CRLF (lines 2–3); line 4 one with LF (4–5); line 6; line 7 empty; line 8.
    writeFileSync(path, '名称,说明\r\n甲,"第一行\r\n第二行"\r\n乙,"一\n二"\r\n丙,无\r\n\r\n丁,完\r\n')
    const seen: Array<[number, unknown]> = []
    await visitRows(path, () => ({row: (n, cells) => void seen.push([n, cells[0] ?? '']), end: () => undefined}))
    expect(seen).toEqual([
      [1, '名称'],
      [2, '甲'],
      [4, '乙'],
      [6, '丙'],
      [7, ''],
      [8, '丁'],
    ])
    const {readSheets} = await import('../../src/core/io/index.js')
    const {sheets} = await readSheets(path)
    expect(sheets).toHaveLength(1)
    expect(sheets[0]!.rows.map((r) => r.row)).toEqual([1, 2, 4, 6, 7, 8])
  })
})
