import {execFileSync} from 'node:child_process'
import {copyFileSync, existsSync, mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, expect, it} from 'vitest'

import {egov, isolatedHome} from '../helpers/cli.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

const MAKE = new URL('../helpers/make_adversarial_xlsx.py', import.meta.url).pathname
const ROOT = new URL('../../', import.meta.url).pathname

/**
 * Bounded by design (issue 20), through bin/run.js on SQLite and PostgreSQL: the adversary's
 * workbooks — made at test time by Python's zipfile — are refused by every import that reads a
 * workbook, before exceljs sees them: exit 2, the message names the file and the limit, --json
 * gives the error envelope, nothing is written. The time bound is a sanity check only: before,
 * these ran for minutes past 4 GB, crashed, or (a half-copied export) exited 13 with no output.
 */
describeEachDialect('workbook limits: exit 2 within seconds, nothing written (issue 20)', (dialect) => {
  let tdb: TestDatabase
  let env: Record<string, string>
  const dir = mkdtempSync(join(tmpdir(), 'egov-xlsx-limits-'))
  const at = (name: string) => join(dir, name)
  const clerk = (args: string[]) => egov(args, {...env, ...tdb.envFor('clerk')})
  const count = (table: string) => tdb.count(table)
  const state = async () => ({requests: await count('requests'), versions: await count('item_versions'), revisions: await count('item_revisions'), audit: await count('audit_log')})

  /** Runs a command that must be refused: exit 2, the envelope under --json, and nothing written. */
  const refused = async (args: string[], key: string, says: string[]) => {
    const before = await state()
    const t0 = Date.now()
    const r = await clerk([...args, '--json'])
    const seconds = (Date.now() - t0) / 1000
    expect(r.code, `${args.join(' ')}: ${r.stderr}${r.stdout}`).toBe(2)
    expect(r.json?.error, r.stdout).toMatchObject({code: 'invalid_input', details: {key}})
    for (const s of says) expect(r.json.error.message).toContain(s)
    expect(seconds).toBeLessThan(30)
    expect(await state()).toEqual(before)
    return r
  }

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    await (await tdb.open('clerk')).close()
    env = {...isolatedHome(), ...tdb.env, EGOV_NOW: '2026-11-24T10:00:00+08:00'}
    for (const kind of ['merge-bomb', 'lone-cell', 'strings-count', 'ratio-bomb', 'csv']) execFileSync('python3', [MAKE, kind, at(`${kind}.xlsx`)])
    // egov's own export of a list large enough that exceljs's streaming reader waited forever on its half (exit 13).
    const list = await clerk(['items', 'import', join(ROOT, 'fixtures/items/list.xlsx')])
    expect(list.code, list.stderr).toBe(0)
    execFileSync(process.execPath, [
      '--input-type=module',
      '-e',
      `import ExcelJS from ${JSON.stringify(join(ROOT, 'node_modules/exceljs/excel.js'))}
import {row, HEADERS} from ${JSON.stringify(join(ROOT, 'bench/items.mjs'))}
const wb = new ExcelJS.stream.xlsx.WorkbookWriter({filename: ${JSON.stringify(at('export.xlsx'))}, useStyles: true, useSharedStrings: false})
const ws = wb.addWorksheet('基本信息')
ws.addRow(HEADERS).commit()
for (let i = 0; i < 5000; i++) ws.addRow(row(i)).commit()
ws.commit()
await wb.commit()`,
    ])
    execFileSync('python3', [MAKE, 'truncated', at('half.xlsx'), at('export.xlsx')])
  })
  afterAll(async () => {
    await tdb.cleanup()
  })

  it('kiosk import: the merge bomb, a lone cell at XFD1048576, a half-copied file, a CSV named .xlsx', async () => {
    const merge = await refused(['kiosk', 'import', at('merge-bomb.xlsx')], 'io.limit.merged', ['merge-bomb.xlsx', 'A2:XFD1048576', 'more than 10,000 cells'])
    expect(merge.json.error.details).toMatchObject({field: 'FORM', sheet: '申请表', limit: '10,000'})
    await refused(['kiosk', 'import', at('lone-cell.xlsx')], 'io.limit.rows', ['lone-cell.xlsx', 'row 1048576 is past row 1,000'])
    await refused(['kiosk', 'import', at('half.xlsx')], 'io.limit.truncated', ['half.xlsx" is incomplete'])
    await refused(['kiosk', 'import', at('csv.xlsx')], 'io.limit.text', ['csv.xlsx" is not an Excel workbook but text'])
    // In Chinese, without --json.
    const zh = await egov(['kiosk', 'import', at('merge-bomb.xlsx')], {...env, ...tdb.envFor('clerk'), LANG: 'zh_CN.UTF-8'})
    expect(zh.code).toBe(2)
    expect(zh.stderr).toContain('合并单元格（A2:XFD1048576')
    expect(zh.stderr).toContain('上限 10,000')
  })

  it('a kiosk form: a value merged down over two placement rows belongs to both, and its problem is located once, at the visible cell', async () => {
    // openpyxl (another producer) merges 投放数量 over D8:D9 with a value that is no number, and 网点位置 over C10:C11 (fixtures/kiosk/make-merged.py).
    copyFileSync(join(ROOT, 'fixtures/kiosk/openpyxl-merged.xlsx'), at('merged.xlsx'))
    const before = await state()
    const r = await clerk(['kiosk', 'import', at('merged.xlsx'), '--dry-run', '--report', at('merged-批注.xlsx'), '--json'])
    expect(r.code, r.stderr).toBe(2)
    const problems = r.json.error.details.problems as Array<{cell: string; field: string}>
    // Before: D8 "not a number" and D9 "投放数量 missing" (a hidden cell); C11 "网点位置 missing" (a hidden cell).
    expect(problems.map((p) => `${p.cell} ${p.field}`)).toEqual(['D8 quantity'])
    const marked = JSON.parse(execFileSync('python3', [join(ROOT, 'test/helpers/xlsx_inspect.py'), at('merged-批注.xlsx')], {encoding: 'utf8'}))
    const sheet = Object.values(marked as Record<string, {cells: Record<string, {fill?: string}>}>)[0]!
    expect(
      Object.entries(sheet.cells)
        .filter(([, c]) => c.fill === 'FFFFFF00')
        .map(([cell]) => cell),
    ).toEqual(['D8'])
    expect(await state()).toEqual(before)
  })

  it('net and cloud application forms (--from-file): the merge bomb and a lone cell at XFD1048576', async () => {
    await refused(['net', 'request', 'apply', '--from-file', at('merge-bomb.xlsx')], 'io.limit.merged', ['merge-bomb.xlsx', 'more than 10,000 cells'])
    await refused(['cloud', 'apply', '--from-file', at('lone-cell.xlsx')], 'io.limit.rows', ['lone-cell.xlsx', 'past row 1,000'])
    await refused(['cloud', 'apply', '--from-file', at('half.xlsx')], 'io.limit.truncated', ['half.xlsx'])
  })

  it('items import: a half-copied export is exit 2 with the envelope (was exit 13, no output); --report of the merge bomb; shared strings and zip bombs', async () => {
    await refused(['items', 'import', at('half.xlsx')], 'io.limit.truncated', ['half.xlsx" is incomplete'])
    await refused(['items', 'import', at('half.xlsx'), '--report', at('copy.xlsx')], 'io.limit.truncated', ['half.xlsx'])
    // net import read the same half-copied file with exceljs too, and exited 13 with no output.
    await refused(['net', 'import', at('half.xlsx')], 'io.limit.truncated', ['half.xlsx" is incomplete'])
    await refused(['items', 'import', at('merge-bomb.xlsx'), '--report', at('copy.xlsx')], 'io.limit.merged', ['merge-bomb.xlsx', 'more than 100,000 cells'])
    expect(existsSync(at('copy.xlsx'))).toBe(false)
    await refused(['items', 'import', at('strings-count.xlsx')], 'io.limit.sharedStrings', ['strings-count.xlsx', '2,000,000'])
    await refused(['items', 'import', at('ratio-bomb.xlsx')], 'io.limit.ratio', ['ratio-bomb.xlsx', '500 times'])
    // The whole export itself still imports (the preflight refuses nothing a real list has).
    const whole = await clerk(['items', 'import', at('export.xlsx'), '--dry-run', '--json'])
    expect([0, 2]).toContain(whole.code)
    expect(JSON.stringify(whole.json)).not.toContain('io.limit')
  })
})
