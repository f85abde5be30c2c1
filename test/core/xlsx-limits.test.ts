import {execFileSync} from 'node:child_process'
import {copyFileSync, mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'

import {EgovError} from '../../src/core/errors.js'
import {checkWorkbookLimits, type WorkbookKind, XLSX_LIMITS} from '../../src/core/io/index.js'

const MAKE = new URL('../helpers/make_adversarial_xlsx.py', import.meta.url).pathname
const FIX = new URL('../../fixtures/', import.meta.url).pathname
const dir = mkdtempSync(join(tmpdir(), 'egov-xlsx-limits-'))
const at = (name: string) => join(dir, name)

/** What checkWorkbookLimits says of a file: its message key and parameters, or 'ok'; and how long it took. */
async function check(path: string, kind: WorkbookKind): Promise<{key: string; params: Record<string, unknown>; zh: string; en: string; ms: number}> {
  const t0 = Date.now()
  try {
    await checkWorkbookLimits(path, {field: 'FILE', kind})
    return {key: 'ok', params: {}, zh: '', en: '', ms: Date.now() - t0}
  } catch (error) {
    if (!(error instanceof EgovError)) throw error
    expect(error.exitCode).toBe(2)
    return {key: error.key, params: error.params, zh: error.localized('zh'), en: error.message, ms: Date.now() - t0}
  }
}

/**
 * The adversary's workbooks of issue 20, made at test time by Python's zipfile
 * (test/helpers/make_adversarial_xlsx.py), each refused before exceljs sees it: exit 2,
 * a message in English and Chinese naming the file, what was over and the limit.
 */
describe('checkWorkbookLimits (issue 20)', () => {
  beforeAll(() => {
    for (const kind of ['merge-bomb', 'lone-cell', 'strings-count', 'strings-bomb', 'zip-bomb', 'zip-liar', 'ratio-bomb', 'long-text', 'csv']) execFileSync('python3', [MAKE, kind, at(`${kind}.xlsx`)])
    execFileSync('python3', [MAKE, 'truncated', at('truncated.xlsx'), join(FIX, 'items/revision-base.xlsx')])
  })

  it('the 1.6 KB merge bomb (one mergeCell A2:XFD1048576): refused for a form, a list copy; a streamed list does not hold merges', async () => {
    for (const kind of ['form', 'list'] as const) {
      const r = await check(at('merge-bomb.xlsx'), kind)
      expect(r.key).toBe('io.limit.merged')
      expect(r.en).toContain('merge-bomb.xlsx')
      expect(r.en).toContain('A2:XFD1048576')
      expect(r.en).toContain(XLSX_LIMITS[kind].mergedCells.toLocaleString('en-US'))
      expect(r.zh).toContain('合并单元格')
      expect(r.params.sheet).toBe('申请表')
    }
    expect((await check(at('merge-bomb.xlsx'), 'stream')).key).toBe('ok')
  })

  it("a lone cell at XFD1048576 is past a form's rows; a list may use all of Excel's grid", async () => {
    const r = await check(at('lone-cell.xlsx'), 'form')
    expect(r.key).toBe('io.limit.rows')
    expect(r.en).toContain('past row 1,000')
    expect(r.zh).toContain('第 1,000 行')
    expect((await check(at('lone-cell.xlsx'), 'list')).key).toBe('ok')
  })

  it('shared strings: too many, or too large unpacked (counted as they inflate), within seconds', async () => {
    const count = await check(at('strings-count.xlsx'), 'stream')
    expect(count.key).toBe('io.limit.sharedStrings')
    expect(count.en).toContain('2,000,000')
    const bomb = await check(at('strings-bomb.xlsx'), 'stream')
    expect(bomb.key).toBe('io.limit.sharedStringBytes')
    expect(bomb.en).toContain('256 MiB')
    expect(bomb.ms).toBeLessThan(30_000)
    // A form's parts are small: the directory's declared size refuses it before anything inflates.
    expect((await check(at('strings-bomb.xlsx'), 'form')).key).toBe('io.limit.partSize')
  })

  it('zip bombs: a declared size past the limit, a ratio past 500:1, a directory that understates its entry', async () => {
    const declared = await check(at('zip-bomb.xlsx'), 'form')
    expect(declared.key).toBe('io.limit.partSize')
    expect(declared.en).toContain('xl/worksheets/sheet1.xml unpacks to 20 MiB, more than the limit of 16 MiB')
    for (const kind of ['stream', 'list', 'form'] as const) {
      const ratio = await check(at('ratio-bomb.xlsx'), kind)
      expect(ratio.key).toBe(kind === 'form' ? 'io.limit.partSize' : 'io.limit.ratio')
    }
    const liar = await check(at('zip-liar.xlsx'), 'stream')
    expect(liar.key).toBe('io.limit.damaged')
    expect(liar.en).toContain('inflates past the 1 KiB its directory entry declares')
  })

  it("a cell of more than 32,767 characters (Excel's own limit)", async () => {
    const r = await check(at('long-text.xlsx'), 'form')
    expect(r.key).toBe('io.limit.cellText')
    expect(r.en).toContain('40,000 characters, more than the 32,767')
  })

  it('a half-copied export, a CSV named .xlsx, an .xls: each said for what it is', async () => {
    const half = await check(at('truncated.xlsx'), 'stream')
    expect(half.key).toBe('io.limit.truncated')
    expect(half.en).toContain('truncated.xlsx" is incomplete')
    expect(half.zh).toContain('不完整')
    const csv = await check(at('csv.xlsx'), 'stream')
    expect(csv.key).toBe('io.limit.text')
    expect(csv.zh).toContain('改名为 .csv')
    copyFileSync(join(FIX, 'items/list.xlsx'), at('damaged.xlsx'))
    execFileSync('python3', [
      '-c',
      `
import sys
b = bytearray(open(sys.argv[1], 'rb').read())
# Break the second entry's local header: the directory points at nothing.
i = b.find(b'PK\\x03\\x04', 4)
b[i:i + 4] = b'PK\\x05\\x05'
open(sys.argv[1], 'wb').write(b)`,
      at('damaged.xlsx'),
    ])
    const damaged = await check(at('damaged.xlsx'), 'stream')
    expect(damaged.key).toBe('io.limit.damaged')
    expect(damaged.en).toContain('no local header where the directory says')
  })

  it('real workbooks pass, under every kind they are read as', async () => {
    for (const f of ['items/list.xlsx', 'items/openpyxl-problems.xlsx', 'items/revision-filled.xlsx'])
      for (const kind of ['stream', 'list'] as const) expect((await check(join(FIX, f), kind)).key, f).toBe('ok')
    for (const f of ['kiosk/ten-sites.xlsx', 'kiosk/openpyxl-农商银行.xlsx', 'cloud/资源申请表-市医保局.xlsx']) expect((await check(join(FIX, f), 'form')).key, f).toBe('ok')
  })
})
