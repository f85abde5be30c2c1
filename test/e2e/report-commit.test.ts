import {execFileSync} from 'node:child_process'
import {existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, expect, it} from 'vitest'

import {egov, isolatedHome} from '../helpers/cli.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

const FIX = new URL('../../fixtures/', import.meta.url).pathname
const MAKE = new URL('../helpers/make_clerk_xlsx.py', import.meta.url).pathname
const INSPECT = new URL('../helpers/xlsx_inspect.py', import.meta.url).pathname
const CELLS = new URL('../helpers/xlsx_cells.py', import.meta.url).pathname
type Cell = {v: string | null; t: string; fill?: string; bold?: boolean; comment?: string; author?: string}
type Inspected = Record<string, {cells: Record<string, Cell>; validations: Array<{sqref: string; type: string; formula1: string}>; merges: string[]}>
/** What a second reader (Python's standard library, not exceljs) finds in a workbook. */
const inspect = (path: string): Inspected => JSON.parse(execFileSync('python3', [INSPECT, path], {encoding: 'utf8'}))
const cellsOf = (path: string): Record<string, string[][]> => JSON.parse(execFileSync('python3', [CELLS, path], {encoding: 'utf8'}))

const VALIDATION = {sqref: 'D3:D200', type: 'list', formula1: '"行政许可,行政确认,行政备案,公共服务"'}
const HEADERS = ['文件', '工作表', '行', '列', '单元格', '字段', '规则', '值', '问题', '类型', '类型说明', '建议', '相关行']

/**
 * --report never disagrees with what was committed (issue 20), through bin/run.js on SQLite
 * and PostgreSQL: the annotated copy is written inside the import's transaction, so a copy that
 * cannot be written (EGOV_FAULT=report-disk-full: the write fails as on a full disk) commits
 * nothing, and the same command succeeds once the cause is gone. The copy keeps the clerk's
 * workbook — made by hand with Python's zipfile (test/helpers/make_clerk_xlsx.py), not by
 * egov or exceljs: its drop-down list, merged title, fills and fonts and the clerk's own
 * comments — and its 错误汇总 names the real sheets.
 */
describeEachDialect('--report is written before the import commits (issue 20)', (dialect) => {
  let tdb: TestDatabase
  let env: Record<string, string>
  const dir = mkdtempSync(join(tmpdir(), 'egov-report-commit-'))
  const out = (name: string) => join(dir, name)
  const clerk = (args: string[], extra: Record<string, string> = {}) => egov(args, {...env, ...tdb.envFor('clerk'), ...extra})
  const count = (table: string) => tdb.count(table)
  const state = async () => ({
    versions: await count('item_versions'),
    revisions: await count('item_revisions'),
    requests: await count('requests'),
    units: await count('units'),
    audit: await count('audit_log'),
  })

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    await (await tdb.open('clerk')).close()
    env = {...isolatedHome(), ...tdb.env, EGOV_NOW: '2026-11-24T10:00:00+08:00'}
    execFileSync('python3', [MAKE, out('clean.xlsx'), 'clean'])
    execFileSync('python3', [MAKE, out('bad.xlsx'), 'bad'])
  })
  afterAll(async () => {
    await tdb.cleanup()
  })

  it('items import: a copy that cannot be written commits nothing; once it can, the import commits with its copy', async () => {
    const before = await state()
    const full = await clerk(['items', 'import', out('clean.xlsx'), '--report', out('批注.xlsx'), '--json'], {EGOV_FAULT: 'report-disk-full'})
    expect(full.code, full.stderr).toBe(1)
    expect(full.json.error).toMatchObject({code: 'internal', details: {key: 'io.out.diskFull', field: 'report', errno: 'ENOSPC'}})
    expect(full.json.error.message).toContain('the disk is full')
    expect(full.json.error.message).toContain(out('批注.xlsx'))
    expect((await clerk(['items', 'list', '--json'])).json.items).toEqual([])
    expect(await state()).toEqual(before)
    // Neither the copy nor its temporary file is left behind.
    expect(readdirSync(dir).sort()).toEqual(['bad.xlsx', 'clean.xlsx'])

    // The human form says so too, and a missing folder is refused before the file is read.
    const human = await clerk(['items', 'import', out('clean.xlsx'), '--report', out('批注.xlsx')], {EGOV_FAULT: 'report-disk-full'})
    expect(human.code).toBe(1)
    expect(human.stderr).toContain('the disk is full')
    const nowhere = await clerk(['items', 'import', out('clean.xlsx'), '--report', join(dir, '没有的文件夹', '批注.xlsx'), '--json'])
    expect(nowhere.code).toBe(2)
    expect(nowhere.json.error).toMatchObject({code: 'invalid_input', details: {key: 'io.out.noFolder', field: 'report'}})
    expect(nowhere.json.error.message).toContain('没有的文件夹')
    expect(await state()).toEqual(before)

    // The same command without the fault: imported, and the copy says there is nothing to fix.
    const ok = await clerk(['items', 'import', out('clean.xlsx'), '--report', out('批注.xlsx'), '--json'])
    expect(ok.code, ok.stderr).toBe(0)
    expect(ok.json).toMatchObject({version: 1, added: 2, report: {file: out('批注.xlsx'), marked: 0}})
    expect((await clerk(['items', 'list', '--json'])).json.items.map((i: {version: number}) => i.version)).toEqual([1, 1])
    const after = await state()
    expect(after.versions).toBe(before.versions + 1)
    expect(after.audit).toBeGreaterThan(before.audit)
    const entries = await tdb.sql(`select action from audit_log where action = 'items.import'`)
    expect(entries).toHaveLength(1)
    const summary = cellsOf(out('批注.xlsx'))['错误汇总']
    expect(summary).toEqual([HEADERS, ['no problems found']])
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })

  it('items import: a file the list already is, with a copy that cannot be written, is exit 1 and records nothing', async () => {
    const before = await state()
    const again = await clerk(['items', 'import', out('clean.xlsx'), '--report', out('again.xlsx'), '--json'], {EGOV_FAULT: 'report-disk-full'})
    expect(again.code).toBe(1)
    expect(existsSync(out('again.xlsx'))).toBe(false)
    expect(await state()).toEqual(before)
    const ok = await clerk(['items', 'import', out('clean.xlsx'), '--report', out('again.xlsx'), '--json'])
    expect(ok.code, ok.stderr).toBe(0)
    expect(ok.json).toMatchObject({unchanged: true, version: null, report: {file: out('again.xlsx'), marked: 0}})
  })

  it('the copy keeps the clerk’s workbook: the drop-down list, the merged title, fills and fonts, the clerk’s comments; 错误汇总 names the real sheets', async () => {
    // The clean copy written by the committed import above.
    const clean = inspect(out('批注.xlsx'))
    expect(Object.keys(clean)).toEqual(['基本信息', '办理流程', '申请材料', '错误汇总'])
    const sheet = clean['基本信息']!
    expect(sheet.validations).toEqual([VALIDATION])
    expect(sheet.merges).toEqual(['A1:AB1'])
    expect(sheet.cells.A1).toMatchObject({v: '广元市自然资源和规划局政务服务事项实施清单', fill: 'FFE2EFDA', bold: true, comment: '填表说明：事项类型请从下拉列表中选择'})
    expect(sheet.cells.A2).toMatchObject({v: '事项编码', fill: 'FFDDEBF7'})
    // The clerk's comments keep their author (exceljs alone writes every comment back by "Author").
    expect(sheet.cells.T4).toMatchObject({v: '0839-3266002', comment: '王芳：电话待科室确认', author: '王芳'})
    expect(sheet.cells.A1!.author).toBe('王芳')
    expect(sheet.cells.T4!.fill).toBeUndefined()

    // A file with a problem on the cell the clerk commented: marked, the reason first and the clerk's comment kept under it.
    const before = await state()
    const bad = await clerk(['items', 'import', out('bad.xlsx'), '--report', out('问题.xlsx'), '--json'])
    expect(bad.code).toBe(2)
    expect(bad.json.error.details.report).toEqual({file: out('问题.xlsx'), marked: 1})
    expect(await state()).toEqual(before)
    const book = inspect(out('问题.xlsx'))
    const marked = book['基本信息']!
    expect(marked.cells.T4).toMatchObject({v: '3266001', fill: 'FFFFFF00'})
    expect(marked.cells.T4!.comment).toMatch(/^咨询电话: "3266001" has no area code[^\n]*\(ITEM-1\)\n\n王芳：电话待科室确认$/)
    expect(marked.cells.T4!.author).toBe('王芳')
    expect(marked.cells.A1).toMatchObject({fill: 'FFE2EFDA', bold: true, comment: '填表说明：事项类型请从下拉列表中选择', author: '王芳'})
    expect(marked.validations).toEqual([VALIDATION])
    expect(marked.merges).toEqual(['A1:AB1'])
    const [head, ...rows] = cellsOf(out('问题.xlsx'))['错误汇总']!
    expect(head).toEqual(HEADERS)
    expect(rows.map((r) => [r[0], r[1], r[4]])).toEqual([['bad.xlsx', '基本信息', 'T4']])

    // The marked copy imported again as it is: the same reason is not written twice over the clerk's comment.
    const again = await clerk(['items', 'import', out('问题.xlsx'), '--report', out('问题-2.xlsx'), '--json'])
    expect(again.code).toBe(2)
    expect(inspect(out('问题-2.xlsx'))['基本信息']!.cells.T4!.comment).toBe(marked.cells.T4!.comment)
  })

  it('a list too large to copy whole: the copy is the 错误汇总 sheet alone, saying so, and every problem is listed (bounded memory)', async () => {
    // 12,000 items × 28 columns: past the 200,000 cells a copy holds whole (REPORT_CELLS).
    const [header, template] = readFileSync(join(FIX, 'items', 'list-v2-utf8.csv'), 'utf8').split('\n')
    const cells = template!.split(',')
    const lines = [header]
    for (let i = 0; i < 12_000; i++) {
      const row = [...cells]
      row[0] = `620A${String(1_000_000_000 + i).padStart(10, '0')}-620200000000-000-11620200MB1528467X-1-00`
      row[1] = `食品经营许可（第${i + 1}号）`
      if (i === 7000) row[12] = '可能'
      lines.push(row.join(','))
    }
    writeFileSync(out('large.csv'), lines.join('\n') + '\n')
    const before = await state()
    const r = await clerk(['items', 'import', out('large.csv'), '--report', out('large-report.xlsx'), '--json'])
    expect(r.code, r.stderr).toBe(2)
    expect(r.json.error.details.report).toEqual({file: out('large-report.xlsx'), marked: 0})
    expect(await state()).toEqual(before)
    const book = cellsOf(out('large-report.xlsx'))
    expect(Object.keys(book)).toEqual(['错误汇总'])
    const [head, note, problem] = book['错误汇总']!
    expect(head).toEqual(HEADERS)
    expect(note![0]).toBe('large.csv')
    expect(note![8]).toMatch(/^The list is too large to copy whole \(336,000 cells, over 200,000\)/)
    expect(problem!.slice(0, 5)).toEqual(['large.csv', '基本信息', '7002', '是否收费', 'M7002'])
  })

  it('kiosk import: the copy is written before the form is filed; if it cannot be, nothing is filed and no unit added', async () => {
    const before = await state()
    const form = join(FIX, 'kiosk', 'clean.xlsx')
    const full = await clerk(['kiosk', 'import', form, '--kind', 'service-department', '--report', out('kiosk.xlsx'), '--json'], {EGOV_FAULT: 'report-disk-full'})
    expect(full.code).toBe(1)
    expect(full.json.error.message).toContain('the disk is full')
    expect(existsSync(out('kiosk.xlsx'))).toBe(false)
    expect(await state()).toEqual(before)
    const ok = await clerk(['kiosk', 'import', form, '--kind', 'service-department', '--report', out('kiosk.xlsx'), '--json'])
    expect(ok.code, ok.stderr).toBe(0)
    expect(ok.json).toMatchObject({imported: 1, reports: [out('kiosk.xlsx')]})
    expect((await state()).requests).toBe(before.requests + 1)
    expect(existsSync(out('kiosk.xlsx'))).toBe(true)
  })
})
