import {execFileSync} from 'node:child_process'
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {deflateRawSync} from 'node:zlib'

import JSZip from 'jszip'
import {describe, expect, it} from 'vitest'

import {InvalidInput} from '../../src/core/errors.js'
import {
  cellText,
  isDateFormat,
  isNoCachedValue,
  loadLayout,
  MergeIndex,
  type MergeRange,
  readForm,
  readFormGrids,
  readSheets,
  readXlsx,
  rowText,
  visitRows,
  XLSX_READER_LIMITS as XLSX_LIMITS,
  type XlsxLimits,
} from '../../src/core/io/index.js'
import {MAIN, minimalWorkbook} from '../helpers/minimal-xlsx.js'

const FIXTURES = fileURLToPath(new URL('../../fixtures/xlsx/', import.meta.url))
const ROOT_DIR = fileURLToPath(new URL('../../', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'egov-xlsx-reader-'))

/** Every sheet of a workbook as {name, state, rows of text}, through readXlsx. */
async function read(path: string, limits?: Partial<XlsxLimits>) {
  const out: Array<{name: string; state: string; rows: Array<{row: number; cells: string[]}>}> = []
  await readXlsx(
    path,
    (info) => {
      const sheet = {name: info.name, state: info.state, rows: [] as Array<{row: number; cells: string[]}>}
      out.push(sheet)
      return {row: (row, cells) => void sheet.rows.push({row, cells: rowText(cells, 0)}), end: () => undefined}
    },
    {limits},
  )
  return out
}

/** A zip of deflated parts, made by hand (CRCs left 0: the reader does not check them). */
function zipOf(parts: Record<string, string | {deflated: Buffer; size: number}>): Buffer {
  const locals: Buffer[] = []
  const central: Buffer[] = []
  let offset = 0
  for (const [name, part] of Object.entries(parts)) {
    const {deflated, size} = typeof part === 'string' ? {deflated: deflateRawSync(Buffer.from(part)), size: Buffer.byteLength(part)} : part
    const n = Buffer.from(name)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(8, 8)
    local.writeUInt32LE(deflated.length, 18)
    local.writeUInt32LE(size, 22)
    local.writeUInt16LE(n.length, 26)
    const entry = Buffer.alloc(46)
    entry.writeUInt32LE(0x02014b50, 0)
    entry.writeUInt16LE(20, 4)
    entry.writeUInt16LE(20, 6)
    entry.writeUInt16LE(8, 10)
    entry.writeUInt32LE(deflated.length, 20)
    entry.writeUInt32LE(size, 24)
    entry.writeUInt16LE(n.length, 28)
    entry.writeUInt32LE(offset, 42)
    locals.push(local, n, deflated)
    central.push(entry, n)
    offset += 30 + n.length + deflated.length
  }
  const cd = Buffer.concat(central)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(Object.keys(parts).length, 8)
  end.writeUInt16LE(Object.keys(parts).length, 10)
  end.writeUInt32LE(cd.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, cd, end])
}

/** The error a promise is refused with: an InvalidInput (exit 2) is expected. */
async function refusal(promise: Promise<unknown>): Promise<InvalidInput> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInput)
    return error as InvalidInput
  }
  throw new Error('expected a refusal')
}

/** A minimal workbook with one sheet whose sheetData is given, zipped by JSZip (deflate). */
function workbook(name: string, sheetData: string, extra: Record<string, string> = {}): Promise<string> {
  return minimalWorkbook(join(dir, name), `<worksheet xmlns="${MAIN}"><sheetData>${sheetData}</sheetData></worksheet>`, extra)
}

describe('xlsx-reader: every producer’s workbook reads the same (issue 20)', () => {
  const corpus = ['openpyxl.xlsx', 'openpyxl-1904.xlsx', 'handzip-styles-last.xlsx', 'handzip-sheets-first.xlsx']
  const expected = [
    {
      name: '基本信息',
      state: 'visible',
      rows: [
        {row: 1, cells: ['事项编码', '名称', '日期', '数量', '备注']},
        {row: 2, cells: ['A001', '食品经营许可', '2026-03-01', '12', 'x&y <z>']},
        {row: 3, cells: ['A002', '药品经营', '2026-03-01 09:30', '0.5']},
        {row: 5, cells: ['A003', '末行', 'true', '-3.25', '#N/A']},
      ],
    },
    {
      name: '办理流程',
      state: 'visible',
      rows: [
        {row: 1, cells: ['事项编码', '步骤']},
        {row: 2, cells: ['A001', '受理']},
      ],
    },
    {name: '隐藏', state: 'hidden', rows: [{row: 1, cells: ['内部']}]},
  ]

  for (const file of corpus) {
    it(`${file}: real sheet names, sheet states and identical values, whatever the part order and paths`, async () => {
      expect(await read(join(FIXTURES, file))).toEqual(expected)
    })
  }

  it('visitRows and readSheets hand over the same rows under the real sheet names', async () => {
    for (const file of corpus) {
      const seen: string[] = []
      await visitRows(join(FIXTURES, file), (name) => {
        seen.push(name)
        return {row: () => undefined, end: () => undefined}
      })
      expect(seen).toEqual(['基本信息', '办理流程', '隐藏'])
      const {sheets} = await readSheets(join(FIXTURES, file))
      expect(sheets.map((s) => s.name)).toEqual(['基本信息', '办理流程', '隐藏'])
      expect(sheets[0]!.rows[1]!.cells).toEqual(expected[0]!.rows[1]!.cells)
    }
  })

  it('gives dates as Dates in both date systems (2026-03-01 is serial 46082, or 44620 in 1904)', async () => {
    for (const file of ['openpyxl.xlsx', 'openpyxl-1904.xlsx', 'handzip-styles-last.xlsx']) {
      let date: unknown
      await readXlsx(join(FIXTURES, file), (info) => (info.name === '基本信息' ? {row: (row, cells) => void (row === 2 && (date = cells[2])), end: () => undefined} : undefined))
      expect(date).toBeInstanceOf(Date)
      expect((date as Date).toISOString()).toBe('2026-03-01T00:00:00.000Z')
    }
  })

  it('gives a formula saved without its result (openpyxl) as a NoCachedValue, which reads as no text', async () => {
    const cells: unknown[][] = []
    await readXlsx(join(FIXTURES, 'openpyxl-formula.xlsx'), () => ({row: (_row, c) => void cells.push([...c]), end: () => undefined}))
    expect(isNoCachedValue(cells[1]?.[2])).toBe(true)
    expect(cells[1]?.[2]).toEqual({formula: '1+2', noCache: true})
    expect(cells[2]?.[1]).toEqual({formula: 'CONCAT("药品","经营")', noCache: true})
    expect(cells[2]?.[2]).toBe(4)
    expect(cellText(cells[1]?.[2])).toBe('')
  })

  it('makes a formula without its result a located problem of a filled form, telling the clerk to save it in Excel or WPS', async () => {
    const records: string[] = []
    const {problems} = await readForm([join(FIXTURES, 'items-formula.xlsx')], loadLayout('items-list.json'), {defaultRule: 'ITEM-1', locale: 'zh', onRecord: (sheet) => void records.push(sheet)})
    expect(problems).toEqual([
      expect.objectContaining({sheet: '基本信息', cell: 'L3', value: '=10+10', type: 'no-cached-value', message: '公式 =10+10 保存时没有计算结果：请用 Excel 或 WPS 打开该文件并保存，再重新导入'}),
    ])
  })

  it('knows date formats by their codes: y m d h s outside quotes, escapes and brackets', () => {
    expect(isDateFormat('yyyy"年"m"月"d"日"')).toBe(true)
    expect(isDateFormat('[$-F800]dddd, mmmm dd, yyyy')).toBe(true)
    expect(isDateFormat('[h]:mm:ss')).toBe(true)
    expect(isDateFormat('0.00"天"')).toBe(false)
    expect(isDateFormat('[Red]0.00;[Blue]-0.00')).toBe(false)
    expect(isDateFormat('#,##0 "ms"')).toBe(false)
    expect(isDateFormat('0.00E+00')).toBe(false)
    expect(isDateFormat('General')).toBe(false)
  })
})

/** Every visited sheet's merged areas, as handed over before its first row, and how many rows came before them (none). */
async function mergesOf(path: string, limits?: Partial<XlsxLimits>) {
  const out: Record<string, {ranges: MergeRange[]; rowsBefore: number; rows: number}> = {}
  await readXlsx(
    path,
    (info) => {
      const sheet = (out[info.name] = {ranges: [] as MergeRange[], rowsBefore: -1, rows: 0})
      return {
        merges: (ranges) => {
          sheet.ranges = [...ranges]
          sheet.rowsBefore = sheet.rows
        },
        row: () => void sheet.rows++,
        end: () => undefined,
      }
    },
    {merges: true, limits},
  )
  return out
}

describe('xlsx-reader: merged areas, handed over before the first row (issue 20)', () => {
  it('openpyxl: <mergeCells> after <sheetData>, down, across, a single cell; a sheet without any gets an empty list', async () => {
    const sheets = await mergesOf(join(FIXTURES, 'openpyxl-merged.xlsx'))
    expect(sheets['基本信息']?.rowsBefore).toBe(0)
    expect(sheets['基本信息']?.rows).toBe(5)
    expect(sheets['基本信息']?.ranges).toEqual([
      {ref: 'B2:B4', top: 2, bottom: 4, left: 1, right: 1},
      {ref: 'A6:C6', top: 6, bottom: 6, left: 0, right: 2},
      {ref: 'D2', top: 2, bottom: 2, left: 3, right: 3},
    ])
    expect(sheets['办理流程']).toEqual({ranges: [], rowsBefore: 0, rows: 2})
    // A second reader (Python's standard library: test/helpers/xlsx_inspect.py) agrees.
    const python = JSON.parse(execFileSync('python3', [join(ROOT_DIR, 'test/helpers/xlsx_inspect.py'), join(FIXTURES, 'openpyxl-merged.xlsx')], {encoding: 'utf8'})) as Record<
      string,
      {merges: string[]}
    >
    expect([...python['基本信息']!.merges].sort()).toEqual(['A6:C6', 'B2:B4', 'D2'])
    // Without the option, and for a visitor without merges, nothing changes.
    expect((await read(join(FIXTURES, 'openpyxl-merged.xlsx')))[0]?.rows.map((r) => r.row)).toEqual([1, 2, 3, 4, 6])
  })

  it('readFormGrids: a form whole, a hidden cell showing its top-left cell’s value and holding none; the form’s limits', async () => {
    const grids = await readFormGrids(join(FIXTURES, 'openpyxl-merged.xlsx'), {field: 'FORM'})
    expect(grids.length).toBeGreaterThanOrEqual(2)
    const basic = grids[0]!
    const steps = grids[1]!
    expect([basic.name, basic.rows, basic.cols, steps.name, steps.rows]).toEqual(['基本信息', 6, 4, '办理流程', 2])
    expect(basic.value(3, 2)).toBe('市市场监管局')
    expect(basic.own(3, 2)).toBeUndefined()
    expect(basic.master(4, 2)).toEqual({row: 2, col: 2})
    expect(basic.master(2, 2)).toBeUndefined()
    expect(basic.value(6, 3)).toBe('填表说明：合并的单元格属于其左上角')
    expect(basic.cellCount(6)).toBe(3)
    // A form's merged cells are bounded at 10,000, its rows at 1,000.
    const bomb = join(dir, 'form-merge-bomb.xlsx')
    execFileSync('python3', [fileURLToPath(new URL('../helpers/make_adversarial_xlsx.py', import.meta.url)), 'merge-bomb', bomb])
    const error = await refusal(readFormGrids(bomb, {field: 'FORM'}))
    expect(error.key).toBe('io.readLimit.mergedCells')
    expect(error.params.limit).toBe('10,000')
  })

  it('MergeIndex: the area a cell lies in, by row and 0-based column', () => {
    const index = new MergeIndex([
      {ref: 'B2:B4', top: 2, bottom: 4, left: 1, right: 1},
      {ref: 'A6:C6', top: 6, bottom: 6, left: 0, right: 2},
    ])
    expect(index.at(3, 1)?.ref).toBe('B2:B4')
    expect(index.at(3, 0)).toBeUndefined()
    expect(index.at(6, 2)?.ref).toBe('A6:C6')
    expect(index.at(5, 1)).toBeUndefined()
  })

  it('finds prefixed names, $ references and tags cut across chunks (a sheet past the hold is read twice, the same)', async () => {
    // 300,000 filler rows (about 10 MB) put the merges far past the first chunk and the sheet past the 8 MiB kept from the first pass.
    let rows = ''
    for (let r = 1; r <= 300_000; r++) rows += `<x:row r="${r}"><x:c r="A${r}"><x:v>${r}</x:v></x:c></x:row>`
    const merges = Array.from({length: 2000}, (_, i) => `<x:mergeCell ref="$B$${i * 3 + 1}:C${i * 3 + 2}"/>`).join('')
    const path = await minimalWorkbook(
      join(dir, 'many-merges.xlsx'),
      `<x:worksheet xmlns:x="${MAIN}"><x:sheetData>${rows}</x:sheetData><x:mergeCells count="2000">${merges}</x:mergeCells></x:worksheet>`,
    )
    const sheet = (await mergesOf(path))['表']
    expect(sheet?.rows).toBe(300_000)
    expect(sheet?.ranges.length).toBe(2000)
    expect(sheet?.ranges[1999]).toEqual({ref: '$B$5998:C5999', top: 5998, bottom: 5999, left: 1, right: 2})
  })

  it('the 1.6 KB merge bomb (A2:XFD1048576): exit 2 at once, naming the file, the area and the limit', async () => {
    const bomb = join(dir, 'merge-bomb.xlsx')
    execFileSync('python3', [fileURLToPath(new URL('../helpers/make_adversarial_xlsx.py', import.meta.url)), 'merge-bomb', bomb])
    const started = Date.now()
    const error = await refusal(mergesOf(bomb))
    expect(Date.now() - started).toBeLessThan(5000)
    expect(error.key).toBe('io.readLimit.mergedCells')
    expect(error.exitCode ?? 2).toBe(2)
    expect(error.message).toContain(bomb)
    expect(error.message).toContain('申请表!A2:XFD1048576')
    expect(error.message).toContain(XLSX_LIMITS.mergedCells.toLocaleString('en-US'))
    expect(error.localized('zh')).toContain('合并单元格')
    // The areas are counted together, against the limit given.
    expect((await refusal(mergesOf(join(FIXTURES, 'openpyxl-merged.xlsx'), {mergedCells: 5}))).params.where).toBe('基本信息!A6:C6')
    // A range that is no range is a damaged file.
    const damaged = await workbook('bad-merge.xlsx', '<row r="1"><c r="A1"><v>1</v></c></row></sheetData><mergeCells><mergeCell ref="A1:XFE2"/></mergeCells><sheetData>')
    expect((await refusal(mergesOf(damaged))).key).toBe('io.notWorkbook')
  })
})

describe('xlsx-reader: adversarial files are refused quickly, naming the file and the limit (exit 2)', () => {
  it('stops a sheet that inflates past the limit as it streams', async () => {
    const path = await workbook('bomb.xlsx', '<row r="1"><c r="A1"><v>1</v></c></row>' + '<x/>'.repeat(2_000_000))
    const error = await refusal(read(path, {sheetBytes: 1024 * 1024}))
    expect(error.key).toBe('io.readLimit.sheetBytes')
    expect(error.message).toContain(path)
    expect(error.exitCode ?? 2).toBe(2)
  })

  it('stops shared strings at the real limit (256 MiB inflated) within seconds and bounded memory', async () => {
    // A 257 MiB shared strings part of empty elements, deflated (about 0.3 MB on disk), zipped by hand (the reader does not need CRCs).
    const bomb = Buffer.alloc(257 * 1024 * 1024)
    bomb.fill('<x/>')
    const head = `<sst xmlns="${MAIN}"><si><t>a</t></si>`
    bomb.write(head, 0)
    const deflated = deflateRawSync(bomb, {level: 1})
    const sheet = `<worksheet xmlns="${MAIN}"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>`
    const path = join(dir, 'sst-bomb.xlsx')
    writeFileSync(
      path,
      zipOf({
        'xl/workbook.xml': `<workbook xmlns="${MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="表" sheetId="1" r:id="rId1"/></sheets></workbook>`,
        'xl/_rels/workbook.xml.rels':
          '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        'xl/worksheets/sheet1.xml': sheet,
        'xl/sharedStrings.xml': {deflated, size: bomb.length},
      }),
    )
    const before = process.memoryUsage().rss
    const started = Date.now()
    const error = await refusal(read(path))
    expect(error.key).toBe('io.readLimit.sharedStringsBytes')
    expect(error.params.limit).toBe(XLSX_LIMITS.sharedStringsBytes.toLocaleString('en-US'))
    // Seconds on a quiet machine (67 million tags scanned); the bound leaves room for a shared, loaded one.
    expect(Date.now() - started).toBeLessThan(40_000)
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024)
  }, 60_000)

  it('refuses a row of 16,384 cells (past the 1,024-column limit) at once, and reads it when allowed', async () => {
    let cells = ''
    for (let i = 0; i < 16_384; i++) cells += `<c><v>${i}</v></c>`
    const path = await workbook('wide.xlsx', `<row r="1">${cells}</row>`)
    const error = await refusal(read(path))
    expect(error.key).toBe('io.readLimit.columns')
    expect(error.params.where).toBe('表!AMK1')
    const sheets = await read(path, {columns: 16_384})
    expect(sheets[0]?.rows[0]?.cells.length).toBe(16_384)
    expect(sheets[0]?.rows[0]?.cells[16_383]).toBe('16383')
  })

  it('refuses one cell at XFD1048576 alone quickly, without allocating for the declared range', async () => {
    const path = await workbook('corner.xlsx', '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    writeFileSync(path, readFileSync(path))
    const started = Date.now()
    const error = await refusal(read(path))
    expect(error.key).toBe('io.readLimit.columns')
    expect(error.params.where).toBe('表!XFD1048576')
    expect(Date.now() - started).toBeLessThan(2000)
    // A declared dimension of the whole grid costs nothing: the one cell is read as a row of its own.
    const inRange = await workbook('corner-a.xlsx', '<row r="1048576"><c r="A1048576"><v>1</v></c></row>')
    expect((await read(inRange))[0]?.rows).toEqual([{row: 1_048_576, cells: ['1']}])
    expect((await refusal(read(await workbook('past.xlsx', '<row r="1048577"><c r="A1048577"><v>1</v></c></row>')))).key).toBe('io.readLimit.rows')
  })

  it('refuses a cell longer than Excel’s 32,767 characters', async () => {
    const path = await workbook('long.xlsx', `<row r="1"><c r="A1" t="inlineStr"><is><t>${'长'.repeat(40_000)}</t></is></c></row>`)
    expect((await refusal(read(path))).key).toBe('io.readLimit.cellChars')
  })

  it('counts shared strings against their limit', async () => {
    const sst = `<sst xmlns="${MAIN}">${'<si><t>a</t></si>'.repeat(1000)}</sst>`
    const path = await workbook('many.xlsx', '<row r="1"><c r="A1" t="s"><v>0</v></c></row>', {'xl/sharedStrings.xml': sst})
    expect((await read(path))[0]?.rows[0]?.cells).toEqual(['a'])
    expect((await refusal(read(path, {sharedStrings: 999}))).key).toBe('io.readLimit.sharedStrings')
  })

  it('refuses a truncated workbook (head -c of a real one) and a CSV named .xlsx as not a workbook', async () => {
    const whole = readFileSync(join(FIXTURES, 'openpyxl.xlsx'))
    const truncated = join(dir, 'half.xlsx')
    writeFileSync(truncated, whole.subarray(0, Math.floor(whole.length / 2)))
    for (const path of [truncated]) {
      const error = await refusal(read(path))
      expect(error.key).toBe('io.notWorkbook')
      expect(error.message).toContain(path)
      expect((await refusal(visitRows(path, () => undefined))).key).toBe('io.notWorkbook')
    }
    const csv = join(dir, 'list.xlsx')
    writeFileSync(csv, '事项编码,名称\nA001,食品经营许可\n')
    expect((await refusal(visitRows(csv, () => undefined))).key).toBe('io.notWorkbook')
    expect((await refusal(read(csv))).key).toBe('io.notWorkbook')
    // A zip that holds no workbook.
    const zip = new JSZip()
    zip.file('readme.txt', 'hello')
    const other = join(dir, 'other.xlsx')
    writeFileSync(other, await zip.generateAsync({type: 'nodebuffer'}))
    expect((await refusal(read(other))).key).toBe('io.notWorkbook')
  })

  it('passes a row handler’s own error through untouched', async () => {
    const boom = new Error('database is down')
    await expect(readXlsx(join(FIXTURES, 'openpyxl.xlsx'), () => ({row: () => Promise.reject(boom), end: () => undefined}))).rejects.toBe(boom)
  })
})
