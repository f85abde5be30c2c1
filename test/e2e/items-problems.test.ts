import {execFileSync} from 'node:child_process'
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, expect, it} from 'vitest'

import {egov, isolatedHome} from '../helpers/cli.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

const FIX = new URL('../../fixtures/', import.meta.url).pathname
const fx = (name: string) => join(FIX, name)
const CELLS = new URL('../helpers/xlsx_cells.py', import.meta.url).pathname
/** What a second reader (Python's standard library, not exceljs) finds in a workbook. */
const cellsOf = (path: string): Record<string, string[][]> => JSON.parse(execFileSync('python3', [CELLS, path], {encoding: 'utf8'}))

const K1 = '510A0007700001-510800000000-000-11510800MB0000001X-1-00'
const K2 = '510A0007700002-510800000000-000-11510800MB0000001X-1-00'
const UNKNOWN = '510A0007700099-510800000000-000-11510800MB0000001X-1-00'

type Problem = {
  type: string
  sheet: string
  row: number
  cell: string
  field: string
  column: string
  rule: string
  value: string
  message: string
  suggestion?: string
  related?: Array<{sheet: string; row: number; cell: string}>
}
type Note = {type: string; sheet: string; row: number; cell: string; column: string; value: string; message: string}

/**
 * Problems a clerk can act on (issue 14), through bin/run.js on SQLite and PostgreSQL, with
 * lists made by another producer (openpyxl, fixtures/items/make-openpyxl.py): every problem
 * typed, follow-on rows grouped under their cause, "did you mean" for list values, footer rows
 * and unknown columns passed over with a note, values of real lists accepted as the layout
 * documents, the bureau's area code in messages, no regular expression shown (ITEM-1, ITEM-2).
 */
describeEachDialect('problems a clerk can act on (ITEM-1, ITEM-2, KIOSK-3)', (dialect) => {
  let tdb: TestDatabase
  let env: Record<string, string>
  const dir = mkdtempSync(join(tmpdir(), 'egov-items-problems-'))
  const out = (name: string) => join(dir, name)
  const clerk = (args: string[]) => egov(args, {...env, ...tdb.envFor('clerk')})
  const count = (table: string) => tdb.count(table)

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    await (await tdb.open('clerk')).close()
    env = {...isolatedHome(), ...tdb.env, EGOV_NOW: '2026-11-24T10:00:00+08:00'}
  })
  afterAll(async () => {
    await tdb.cleanup()
  })

  it('ITEM-2: one missing column is one problem, typed missing-column, not a problem for every row naming its items; nothing written', async () => {
    const r = await clerk(['items', 'import', fx('items/openpyxl-missing-column.xlsx'), '--json'])
    expect(r.code).toBe(2)
    const problems = r.json.error.details.problems as Problem[]
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatchObject({type: 'missing-column', sheet: '基本信息', field: 'basis', column: '设定依据', rule: 'ITEM-2'})
    expect(problems[0]!.message).toContain('the 3 rows of this sheet were not checked')
    expect(await count('item_versions')).toBe(0)
    const human = await clerk(['items', 'import', fx('items/openpyxl-missing-column.xlsx')])
    expect(human.code).toBe(2)
    expect(human.stderr).toContain('problems found: 1; nothing was written')
    expect(human.stderr).not.toContain('not an item')
  })

  it('ITEM-2: footer and total rows are skipped and 序号/备注 ignored, each with a note; 非必要 and 容缺后补 are read as the layout documents', async () => {
    const dry = await clerk(['items', 'import', fx('items/openpyxl-footer.xlsx'), '--dry-run', '--json'])
    expect(dry.code, dry.stderr).toBe(0)
    const notes = dry.json.notes as Note[]
    const footers = notes.filter((n) => n.type === 'footer')
    expect(footers.map((n) => `${n.sheet}!${n.row}`)).toEqual(['基本信息!7', '基本信息!8', '基本信息!9', '办理流程!7', '申请材料!8'])
    expect(footers[1]!.value).toContain('填报单位（盖章）：广元市住房和城乡建设局')
    expect(footers[1]!.message).toContain('skipped')
    const ignored = notes.filter((n) => n.type === 'extra-column')
    expect(ignored.map((n) => `${n.sheet}!${n.cell} ${n.column}`)).toEqual(['基本信息!A2 序号', '基本信息!AD2 备注', '办理流程!A1 序号', '办理流程!J1 备注', '申请材料!A1 序号', '申请材料!J1 备注'])
    expect(dry.json).toMatchObject({items: 3, steps: 4, materials: 5, added: 3})

    // The text form says the same on stderr, and the import goes through.
    const r = await clerk(['items', 'import', fx('items/openpyxl-footer.xlsx')])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toContain('note: 基本信息!ROW 8: row 8 is a footer or total line')
    expect(r.stderr).toContain('note: 基本信息!A2: column 序号 is not a column of the 基本信息 sheet: ignored')
    expect(r.stdout).toContain('3 items (3 added')
    // 必要 = 是, 容缺后补 = 是 (a material handed in after acceptance is still a material), 非必要 = 否.
    const show = await clerk(['items', 'show', K1, '--json'])
    expect(show.json.materials.map((m: Record<string, string>) => [m['材料名称'], m['是否必须']])).toEqual([
      ['建筑工程施工许可申请表', '是'],
      ['施工图审查合格书', '是'],
      ['工程监理合同', '否'],
    ])
  })

  it('ITEM-2: every problem is typed; near misses get a suggestion; rows naming a rejected or unknown code are listed under it; no regular expression shown', async () => {
    const versions = await count('item_versions')
    const r = await clerk(['items', 'import', fx('items/openpyxl-problems.xlsx'), '--json'])
    expect(r.code).toBe(2)
    const problems = r.json.error.details.problems as Problem[]
    expect(problems.every((p) => p.type)).toBe(true)
    const at = (sheet: string, cell: string) => problems.find((p) => p.sheet === sheet && p.cell === cell)!
    // Did you mean: 许可 → 行政许可, 承诺办结件 → 承诺件, 市 → 市级.
    expect(at('基本信息', 'E3')).toMatchObject({type: 'not-in-list', field: 'type', column: '事项类型', value: '许可', suggestion: '行政许可'})
    expect(at('基本信息', 'E3').message).toContain('did you mean 行政许可?')
    expect(at('基本信息', 'F4')).toMatchObject({type: 'not-in-list', value: '承诺办结件', suggestion: '承诺件'})
    expect(at('基本信息', 'J4')).toMatchObject({type: 'not-in-list', value: '市', suggestion: '市级'})
    expect(at('基本信息', 'B5')).toMatchObject({type: 'duplicate', field: 'code', value: K2})
    expect(at('基本信息', 'U6')).toMatchObject({type: 'format', field: 'inquiryPhone', rule: 'ITEM-1'})
    // 实施主体 merged over G6:G7 belongs to both rows (issue 20): no "G7 required" for the hidden cell.
    expect(at('基本信息', 'G7')).toBeUndefined()
    // The code the file rejects is the cause: the steps and materials naming it are listed under it.
    const bad = at('基本信息', 'B6')
    expect(bad).toMatchObject({type: 'format', field: 'code', value: 'HT 510 / 0007700009'})
    expect(bad.related).toEqual([
      {file: 'openpyxl-problems.xlsx', sheet: '办理流程', row: 3, cell: 'B3'},
      {file: 'openpyxl-problems.xlsx', sheet: '办理流程', row: 4, cell: 'B4'},
      {file: 'openpyxl-problems.xlsx', sheet: '申请材料', row: 3, cell: 'B3'},
    ])
    expect(bad.message).toContain('rows of 办理流程 that name this code: 3–4')
    expect(bad.message).toContain('e.g. 620A0001234000-620200000000-000-11620200013926461X-1-00')
    // A code the file does not have: one problem, its other rows with it.
    const unknown = problems.filter((p) => p.type === 'unknown-item')
    expect(unknown).toHaveLength(1)
    expect(unknown[0]).toMatchObject({sheet: '办理流程', cell: 'B5', value: UNKNOWN})
    expect(unknown[0]!.related!.map((x) => x.cell)).toEqual(['B6', 'B7'])
    expect(problems).toHaveLength(7)
    // Messages say what a value should look like: never the expression.
    for (const p of problems) expect(p.message).not.toMatch(/\(\?=|\^\[|\]\+|\$\)/)
    // The footer under the list is a note, not 12 problems.
    expect((r.json.error.details.notes as Note[]).filter((n) => n.type === 'footer').map((n) => n.row)).toEqual([9])
    expect(await count('item_versions')).toBe(versions)
  })

  it('ITEM-1: the example in a phone message carries the bureau’s area code (egov config set area-code), never another city’s', async () => {
    const before = await clerk(['items', 'import', fx('items/openpyxl-problems.xlsx'), '--json'])
    const phone = () => (before.json.error.details.problems as Problem[]).find((p) => p.field === 'inquiryPhone')!
    expect(phone().message).toContain('e.g. 0XXX-3266001')
    expect(phone().message).not.toContain('0931')
    const bad = await clerk(['config', 'set', 'area-code', '826', '--json'])
    expect(bad.code).toBe(2)
    expect(bad.json.error.message).toContain('e.g. 0826')
    expect((await clerk(['config', 'set', 'area-code', '0826'])).code).toBe(0)
    const after = await clerk(['items', 'import', fx('items/openpyxl-problems.xlsx'), '--json'])
    const p = (after.json.error.details.problems as Problem[]).find((x) => x.field === 'inquiryPhone')!
    expect(p.message).toBe('咨询电话: "3266001" has no area code (write it with the area code in front, e.g. 0826-3266001) (ITEM-1)')
    const zh = await egov(['items', 'import', fx('items/openpyxl-problems.xlsx')], {...env, ...tdb.envFor('clerk'), EGOV_LANG: 'zh'})
    expect(zh.stderr).toContain('0826-3266001')
  })

  it('ITEM-2: the report’s 错误汇总 has a 类型 column to filter on, the suggestion and the rows listed under a cause (read by a second reader)', async () => {
    const r = await clerk(['items', 'import', fx('items/openpyxl-problems.xlsx'), '--report', out('批注.xlsx'), '--json'])
    expect(r.code).toBe(2)
    const book = cellsOf(out('批注.xlsx'))
    expect(Object.keys(book)).toEqual(['基本信息', '办理流程', '申请材料', '错误汇总'])
    const [head, ...rows] = book['错误汇总']!
    expect(head).toEqual(['文件', '工作表', '行', '列', '单元格', '字段', '规则', '值', '问题', '类型', '类型说明', '建议', '相关行'])
    const col = (name: string) => head!.indexOf(name)
    const ofType = (type: string) => rows.filter((row) => row[col('类型')] === type)
    expect(ofType('duplicate').map((row) => row[col('单元格')])).toEqual(['B5'])
    expect(ofType('not-in-list').map((row) => row[col('建议')])).toEqual(['行政许可', '承诺件', '市级'])
    expect(ofType('unknown-item')[0]![col('相关行')]).toBe('办理流程!B6、办理流程!B7')
    expect(ofType('format').find((row) => row[col('字段')] === 'code')![col('相关行')]).toBe('办理流程!B3、办理流程!B4、申请材料!B3')
    // Notes follow the problems: what was passed over, typed too.
    expect(ofType('footer').map((row) => row[col('行')])).toEqual(['9'])
    expect(ofType('extra-column').map((row) => row[col('列')])).toEqual(['序号', '备注', '序号', '备注', '序号', '备注'])
    expect(rows.filter((row) => !row[col('类型')])).toEqual([])
    // The sheets keep their names although openpyxl stores them before the workbook part.
    expect(rows.every((row) => ['基本信息', '办理流程', '申请材料'].includes(row[col('工作表')]!))).toBe(true)
  })

  it('KIOSK-3: a 合计 row and a 填表人 line under the placements are no placements: the form is valid', async () => {
    const r = await clerk(['kiosk', 'import', fx('kiosk/openpyxl-total.xlsx'), '--kind', 'service-department', '--dry-run', '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.stringify(r.json)).toContain('"sites":3')
  })

  it('egov --help describes the items topic as the lists, not as the case counts', async () => {
    const r = await egov(['--help'], env)
    expect(r.code).toBe(0)
    const line = r.stdout.split('\n').find((l) => /^\s+items\s/.test(l))!
    expect(line).toContain('Service-item lists')
    const items = await egov(['items', '--help'], env)
    expect(items.stdout).toMatch(/items cases\s+Case counts per item/)
  })
})
