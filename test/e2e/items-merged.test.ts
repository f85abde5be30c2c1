import {execFileSync} from 'node:child_process'
import {copyFileSync, mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, expect, it} from 'vitest'

import {egov, isolatedHome} from '../helpers/cli.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

const ROOT = new URL('../../', import.meta.url).pathname
const INSPECT = join(ROOT, 'test/helpers/xlsx_inspect.py')
const SCJG = '嘉峪关市市场监督管理局'

/**
 * Merged cells in a list (issue 20), through bin/run.js on SQLite and PostgreSQL, in
 * workbooks merged by openpyxl (another producer, which writes <mergeCells> after the rows as
 * Excel does): a merged area's value belongs to its top-left cell, every row it covers reads
 * it, and a problem with it is reported once, at (and in the --report copy marked on) the
 * visible cell. Before, 实施主体 merged over F3:F5 gave "F4 required" and "F5 required".
 */
describeEachDialect('items import: merged cells (issue 20)', (dialect) => {
  let tdb: TestDatabase
  let env: Record<string, string>
  const dir = mkdtempSync(join(tmpdir(), 'egov-items-merged-'))
  const at = (name: string) => join(dir, name)
  const clerk = (args: string[]) => egov(args, {...env, ...tdb.envFor('clerk')})

  /** fixtures/items/list.xlsx with some cells merged, saved by openpyxl (fixtures/items/make-merged.py). */
  const fixture = (name: string) => join(ROOT, 'fixtures/items', name)

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    await (await tdb.open('clerk')).close()
    env = {...isolatedHome(), ...tdb.env, EGOV_NOW: '2026-11-24T10:00:00+08:00'}
    // good: 实施主体 over three items; 事项编码 of 办理流程 over the three steps of one item.
    copyFileSync(fixture('openpyxl-merged-good.xlsx'), at('good.xlsx'))
    // bad: a 事项类型 that is not in the list, merged over three items; 实施主体 merged across 实施主体 and 实施单位.
    copyFileSync(fixture('openpyxl-merged-bad.xlsx'), at('bad.xlsx'))
  })
  afterAll(async () => {
    await tdb.cleanup()
  })

  it('a value merged over three rows belongs to each of them: no "F4 required", and the import writes all three items', async () => {
    const r = await clerk(['items', 'import', at('good.xlsx'), '--json'])
    expect(r.code, `${r.stderr}${r.stdout}`).toBe(0)
    expect(r.stdout).not.toContain('required')
    // Rows 3–6 are the 市场监管局's (F3:F5 merged, F6 its own), row 7 another bureau's.
    const rows = await tdb.sql('select body, count(*) as n from item_revisions where version_to is null group by body')
    expect(rows.map((b) => [b.body, Number(b.n)]).sort()).toEqual([
      ['嘉峪关市人力资源和社会保障局', 1],
      [SCJG, 4],
    ])
    // The steps of the item whose 事项编码 is merged over A2:A4 are its steps, all three.
    const show = await clerk(['items', 'show', '620A0001234001-620200000000-000-11620200MB1528467X-1-00', '--json'])
    expect(show.code, show.stderr).toBe(0)
    expect(JSON.stringify(show.json)).toContain('决定')
  })

  it('a bad value merged over three rows is one problem at its visible cell, marked there in the --report copy; nothing written', async () => {
    const before = await tdb.count('audit_log')
    const r = await clerk(['items', 'import', at('bad.xlsx'), '--report', at('bad-批注.xlsx'), '--json'])
    expect(r.code, r.stderr).toBe(2)
    const problems = r.json.error.details.problems as Array<{cell: string; row: number; field: string; value: string}>
    // D3:D5 once, at D3; 实施单位 (G6) hidden under F6:G6 is read from nowhere: its own value is gone, and it is optional.
    expect(problems.map((p) => `${p.cell} ${p.field} ${p.value}`)).toEqual(['D3 type 行政许可证'])
    expect(problems[0]!.row).toBe(3)
    const marked = JSON.parse(execFileSync('python3', [INSPECT, at('bad-批注.xlsx')], {encoding: 'utf8'})) as Record<string, {cells: Record<string, {fill?: string}>}>
    expect(
      Object.entries(marked['基本信息']!.cells)
        .filter(([, c]) => c.fill === 'FFFFFF00')
        .map(([cell]) => cell),
    ).toEqual(['D3'])
    expect(await tdb.count('audit_log')).toBe(before)
    // In Chinese, without --json: one line for the three rows.
    const zh = await egov(['items', 'import', at('bad.xlsx')], {...env, ...tdb.envFor('clerk'), LANG: 'zh_CN.UTF-8'})
    expect(zh.code).toBe(2)
    expect(zh.stderr.split('\n').filter((l) => l.includes('行政许可证'))).toHaveLength(1)
    expect(zh.stderr).not.toContain('D4')
  })
})
