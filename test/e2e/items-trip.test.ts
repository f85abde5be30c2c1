import {execFileSync} from 'node:child_process'
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, expect, it} from 'vitest'

import {egov, isolatedHome, onTerminal} from '../helpers/cli.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

const FIX = new URL('../../fixtures/items/', import.meta.url).pathname
const fx = (name: string) => join(FIX, name)
const CELLS = new URL('../helpers/xlsx_cells.py', import.meta.url).pathname
const INSPECT = new URL('../helpers/xlsx_inspect.py', import.meta.url).pathname
/** What a second reader (Python's standard library, not exceljs) finds in a workbook. */
const cellsOf = (path: string): Record<string, string[][]> => JSON.parse(execFileSync('python3', [CELLS, path], {encoding: 'utf8'}))
type Inspected = Record<string, {cells: Record<string, {v: string | null; t: string; fill?: string; comment?: string}>; validations: Array<{sqref: string; formula1: string}>; frozen: string | null}>
const inspect = (path: string): Inspected => JSON.parse(execFileSync('python3', [INSPECT, path], {encoding: 'utf8'}))

const C1 = '620A0001234001-620200000000-000-11620200MB1528467X-1-00'
const C2 = '620A0001234002-620200000000-000-11620200MB1528467X-1-00'
const C3 = '620C0005678003-620200000000-000-11620200MB1528467X-1-00'
const C4 = 'G-620200000000-000-116202000139264611-1-00'
const C9 = '620A0001234009-620200000000-000-11620200MB1528467X-1-00'
const SCJG = '嘉峪关市市场监督管理局'
const TEST_BODY = '嘉峪关市测试局'
const PROMISED = '承诺办结时限(工作日)'

/**
 * The clerk's round trip (issue 14) through bin/run.js: an import is a proposal against the
 * current list — open items change or leave it only by the ITEM-4 requests a second
 * person approves, announced 3 working days ahead; a partial file keeps the rest of
 * a body's list; --replace and more than 3 removals are said explicitly; an identical file
 * records no version; the list as it was at a version, the differences as a workbook, and
 * a body's list sent out in the template's form and imported back after another program
 * (openpyxl) saved it — on SQLite and PostgreSQL. 2026-11-24 is a Tuesday: 3 working days
 * ahead is Friday 2026-11-27.
 */
describeEachDialect('the clerk’s round trip: the list changes only through its rules (ITEM-4, ITEM-5, X-2)', (dialect) => {
  let tdb: TestDatabase
  let env: Record<string, string>
  const dir = mkdtempSync(join(tmpdir(), 'egov-items-trip-'))
  const out = (name: string) => join(dir, name)
  const as = (who: string, extra: Record<string, string> = {}) => ({...env, ...extra, ...tdb.envFor(who)})
  const clerk = (args: string[], extra?: Record<string, string>) => egov(args, as('clerk', extra))
  const chief = (args: string[], extra?: Record<string, string>) => egov(args, as('chief', extra))
  const count = (table: string) => tdb.count(table)
  /** What an import may write: versions, revisions, parts, requests, audit entries. */
  const written = async () => Promise.all(['item_versions', 'item_revisions', 'item_parts', 'requests', 'audit_log'].map((t) => count(t)))
  const element = async (code: string, name: string, extra?: Record<string, string>) => (await clerk(['items', 'show', code, '--json'], extra)).json.elements[name]

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    for (const who of ['clerk', 'chief']) await (await tdb.open(who)).close()
    env = {...isolatedHome(), ...tdb.env, EGOV_NOW: '2026-11-24T10:00:00+08:00'}
  })
  afterAll(async () => {
    await tdb.cleanup()
  })

  it('the template marks required headers with * as its 填写说明 says; the list is imported and two items opened (ITEM-4)', async () => {
    const tpl = await clerk(['items', 'template', '--out', out('template.xlsx'), '--json'])
    expect(tpl.code, tpl.stderr).toBe(0)
    const book = inspect(out('template.xlsx'))
    expect(book['基本信息']!.cells.A1!.v).toBe('事项编码*')
    expect(book['基本信息']!.cells.C1!.v).toBe('子项名称')
    expect(book['申请材料']!.cells.B1!.v).toBe('材料名称*')
    expect(Object.values(book['填写说明']!.cells).some((c) => String(c.v).includes('带 * 的列为必填'))).toBe(true)

    const first = await clerk(['items', 'import', fx('list.xlsx'), '--json'])
    expect(first.code, first.stderr).toBe(0)
    expect(first.json).toMatchObject({version: 1, added: 5, unchanged: false})
    for (const code of [C1, C3]) {
      const open = await clerk(['items', 'open', code, '--effective', '2026-11-25', '--reason', '清单已公布，系统测试通过', '--json'])
      expect(open.code, open.stderr).toBe(0)
      expect((await chief(['requests', 'approve', String(open.json.request.id), '--json'])).code).toBe(0)
    }
  })

  it('an identical re-import records no version and says so (text and --json "unchanged": true)', async () => {
    const before = await written()
    const again = await clerk(['items', 'import', fx('list-messy.xlsx'), '--json'])
    expect(again.code, again.stderr).toBe(0)
    expect(again.json).toMatchObject({unchanged: true, version: null, added: 0, changed: 0, removed: 0, same: 5, requests: [], clock: null})
    const text = await clerk(['items', 'import', fx('list.xlsx')])
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toContain('no version was recorded')
    expect(await written()).toEqual(before)
  })

  it('--for-revision: a body’s list in the template’s form (headers with *, drop-downs, instructions), which imports back unchanged', async () => {
    const r = await clerk(['items', 'export', '--for-revision', SCJG, '--out', out('修订-市场监管局.xlsx'), '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.json).toMatchObject({unit: SCJG, items: 4, steps: 4, materials: 5})
    const book = inspect(out('修订-市场监管局.xlsx'))
    expect(Object.keys(book)).toEqual(['基本信息', '办理流程', '申请材料', '填写说明'])
    const basic = book['基本信息']!
    expect(basic.cells.A1).toMatchObject({v: '事项编码*', comment: '必填'})
    expect(basic.cells.L1!.v).toBe(`${PROMISED}*`)
    expect(basic.cells.A2!.v).toBe(C1)
    expect(basic.cells.L2).toMatchObject({v: '5', t: 'n'})
    expect(basic.validations.find((v) => v.sqref.startsWith('D2:'))!.formula1).toContain('行政许可')
    expect(book['申请材料']!.validations.map((v) => v.sqref.replace(/\d+$/, ''))).toEqual(['C2:C', 'H2:H'])
    const rows = cellsOf(out('修订-市场监管局.xlsx'))['基本信息']!
    expect(rows.slice(1).map((row) => row[0])).toEqual([C1, C2, C3, C4])
    const back = await clerk(['items', 'import', out('修订-市场监管局.xlsx'), '--json'])
    expect(back.code, back.stderr).toBe(0)
    expect(back.json).toMatchObject({unchanged: true, version: null, items: 4})
    // Bad input: not .xlsx (exit 2), a body without items (exit 3), nothing written.
    const csv = await clerk(['items', 'export', '--for-revision', SCJG, '--out', out('x.csv'), '--json'])
    expect(csv.code).toBe(2)
    expect(csv.json.error.details.field).toBe('out')
    const none = await clerk(['items', 'export', '--for-revision', '无此单位', '--out', out('x.xlsx'), '--json'])
    expect(none.code).toBe(3)
    expect(none.json.error.details.field).toBe('for-revision')
  })

  it('ITEM-4: the department’s revision (saved by openpyxl) changes a pending item directly and files a change request for an open one; --refuse-open refuses it instead, writing nothing', async () => {
    const before = await written()
    const refused = await clerk(['items', 'import', fx('revision-filled.xlsx'), '--refuse-open', '--json'])
    expect(refused.code).toBe(5)
    expect(refused.json.error.details).toMatchObject({rule: 'ITEM-4', items: [C3]})
    expect(refused.json.error.message).toContain(C3)
    expect(await written()).toEqual(before)

    const r = await clerk(['items', 'import', fx('revision-filled.xlsx'), '--json'])
    expect(r.code, r.stderr).toBe(0)
    // C4's rows were deleted, but the file is not a --replace: it stays.
    expect(r.json).toMatchObject({version: 2, unchanged: false, items: 3, added: 0, changed: 1, removed: 0, kept: 1, same: 1})
    expect(r.json.requests).toEqual([{id: expect.any(Number), action: 'change', code: C3, name: '特种设备使用登记', effective: '2026-11-27', set: {[PROMISED]: '4'}, parts: []}])
    expect(await element(C2, '办公时间')).toBe('周一至周五 8:30-12:00，14:30-18:00（夏季）')
    expect((await clerk(['items', 'show', C2, '--json'])).json.materials).toHaveLength(2)
    expect((await clerk(['items', 'show', C4, '--json'])).code).toBe(0)
    // The open item stays as it is until the request is approved.
    expect(await element(C3, PROMISED)).toBe('5')
    const request = (await clerk(['requests', 'show', String(r.json.requests[0].id), '--json'])).json
    expect(request).toMatchObject({kind: 'item-lifecycle', state: 'applied', payload: {action: 'change', code: C3, source: 'revision-filled.xlsx', effective: '2026-11-27'}})
    expect(request.payload.announcement).toContain('关于变更“特种设备使用登记”政务服务事项的公告')
    expect(request.payload.announcement).toContain('自2026年11月27日起按变更后的要素办理')

    // Imported again, the same proposal is waiting: not filed twice, no version.
    const again = await clerk(['items', 'import', fx('revision-filled.xlsx'), '--json'])
    expect(again.code, again.stderr).toBe(0)
    expect(again.json).toMatchObject({unchanged: true, version: null, requests: [], awaiting: [{id: r.json.requests[0].id, code: C3, action: 'change'}]})

    // not by the clerk who imported; by a second person, who carries it out.
    const own = await clerk(['requests', 'approve', String(r.json.requests[0].id), '--json'])
    expect(own.code).toBe(5)
    expect(own.json.error.details.rule).toBe('X-2')
    expect(await element(C3, PROMISED)).toBe('5')
    const ok = await chief(['requests', 'approve', String(r.json.requests[0].id), '--json'])
    expect(ok.code, ok.stderr).toBe(0)
    expect(await element(C3, PROMISED)).toBe('4')
  })

  it('ITEM-4, ITEM-5: the next version of the list changes pending items directly and files change requests for the open ones, 3 working days ahead; too early an --effective is refused', async () => {
    const before = await written()
    const soon = await clerk(['items', 'import', fx('list-v2-gbk.csv'), '--effective', '2026-11-26', '--json'])
    expect(soon.code).toBe(5)
    expect(soon.json.error.details).toMatchObject({rule: 'ITEM-4', field: 'effective'})
    expect(soon.json.error.message).toContain('2026-11-27')
    expect(await written()).toEqual(before)

    const dry = await clerk(['items', 'import', fx('list-v2-gbk.csv'), '--dry-run', '--json'])
    expect(dry.code, dry.stderr).toBe(0)
    expect(dry.json.requests.map((q: {id: null; code: string; effective: string}) => [q.id, q.code, q.effective])).toEqual([
      [null, C1, '2026-11-27'],
      [null, C3, '2026-11-27'],
    ])
    expect(await written()).toEqual(before)

    // Version 3 was C3's approved change; this file is version 4: C9 added and C2's hours back directly, C4 kept.
    const r = await clerk(['items', 'import', fx('list-v2-gbk.csv'), '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.json).toMatchObject({version: 4, added: 1, changed: 1, removed: 0, kept: 1, replace: false})
    const [forC1, forC3] = r.json.requests
    expect(forC1).toMatchObject({action: 'change', code: C1, effective: '2026-11-27', set: {[PROMISED]: '3', 咨询电话: '0937-6221234；0937-6221235'}})
    expect(forC3).toMatchObject({action: 'change', code: C3, set: {[PROMISED]: '5'}})
    // ITEM-5: the version that changed the list starts the 10-working-day clock.
    expect(r.json.clock).toEqual({requestId: expect.any(Number), dueOn: '2026-12-08'})
    expect(await element(C1, PROMISED)).toBe('5')
    expect(await element(C2, '办公时间')).toBe('周一至周五 9:00-12:00，14:30-17:30（法定节假日除外）')
    expect((await clerk(['items', 'show', C9, '--json'])).json.status).toBe('pending')
    // The text says which requests it filed, and which are still waiting.
    const text = await clerk(['items', 'import', fx('list-v2-gbk.csv')])
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toContain(`request ${forC1.id} (change ${C1}) for the same proposal is still waiting`)
    expect((await chief(['requests', 'approve', String(forC1.id), '--json'])).code).toBe(0)
    expect(await element(C1, PROMISED)).toBe('3')
    expect((await chief(['requests', 'reject', String(forC3.id), '--reason', '承诺时限已压缩为 4 个工作日', '--json'])).code).toBe(0)
    expect(await element(C3, PROMISED)).toBe('4')
  })

  it('diff --out: one sheet per part, changed elements marked with their old value, read back by a second reader', async () => {
    const d = await clerk(['items', 'diff', '--from', '1', '--out', out('差异.xlsx'), '--json'])
    expect(d.code, d.stderr).toBe(0)
    expect(d.json).toMatchObject({from: 1, out: out('差异.xlsx')})
    const book = inspect(out('差异.xlsx'))
    expect(Object.keys(book)).toEqual(['基本信息', '办理流程', '申请材料'])
    const rows = cellsOf(out('差异.xlsx'))['基本信息']!
    expect(rows[0]!.slice(0, 2)).toEqual(['变更', '事项编码'])
    const rowOf = (code: string) => rows.findIndex((row) => row[1] === code) + 1
    // C1's 承诺办结时限 (column M, after the 变更 column) changed 5 → 3: marked, the old value in the comment.
    expect(book['基本信息']!.cells[`M${rowOf(C1)}`]).toMatchObject({v: '3', fill: 'FFFFFF00', comment: '原值：5'})
    expect(book['基本信息']!.cells[`A${rowOf(C1)}`]!.v).toBe('变更')
    expect(book['基本信息']!.cells[`B${rowOf(C1)}`]!.fill).toBeUndefined()
    expect(book['基本信息']!.cells[`A${rowOf(C9)}`]!.v).toBe('新增')
    const added = cellsOf(out('差异.xlsx'))['申请材料']!.find((row) => row[2] === '经营场所使用证明')!
    expect(added.slice(0, 2)).toEqual(['新增', C2])
    expect((await clerk(['items', 'diff', '--out', out('差异.csv'), '--json'])).code).toBe(2)
  })

  it('a partial file keeps the body’s other items; --replace removes them; more than 3 removals need --yes off a terminal (exit 2, nothing written)', async () => {
    // Six pending items of a body of their own, from the exported CSV's C2 row.
    expect((await clerk(['items', 'export', '--out', out('all.csv'), '--unit', SCJG])).code).toBe(0)
    const [header, ...lines] = readFileSync(out('all.csv'), 'utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n')
    const c2 = lines.find((l) => l.startsWith(C2))!
    const codes = [10, 11, 12, 13, 14, 15].map((n) => C2.replace('620A0001234002', `620A00012340${n}`))
    const row = (code: string, hours?: string) => {
      const line = c2.replaceAll(C2, code).replaceAll(SCJG, TEST_BODY)
      return hours ? line.replace('周一至周五 9:00-12:00，14:30-17:30（法定节假日除外）', hours) : line
    }
    writeFileSync(out('six.csv'), [header, ...codes.map((c) => row(c))].join('\r\n'))
    writeFileSync(out('two.csv'), [header, row(codes[0]!, '周一至周日 9:00-17:00'), row(codes[1]!)].join('\r\n'))
    expect((await clerk(['items', 'import', out('six.csv'), '--json'])).json).toMatchObject({added: 6})

    const partial = await clerk(['items', 'import', out('two.csv'), '--json'])
    expect(partial.code, partial.stderr).toBe(0)
    expect(partial.json).toMatchObject({bodies: [TEST_BODY], added: 0, changed: 1, removed: 0, kept: 4, replace: false})
    expect((await clerk(['items', 'list', '--unit', TEST_BODY, '--json'])).json.items).toHaveLength(6)
    expect((await clerk(['items', 'import', out('two.csv')])).stdout).toContain('no version was recorded')

    const before = await written()
    const noYes = await clerk(['items', 'import', out('two.csv'), '--replace', '--json'])
    expect(noYes.code).toBe(2)
    expect(noYes.json.error.details).toMatchObject({field: 'yes', removing: codes.slice(2)})
    expect(noYes.json.error.message).toContain('--yes')
    expect(await written()).toEqual(before)
    const human = await clerk(['items', 'import', out('two.csv'), '--replace'])
    expect(human.code).toBe(2)
    expect(human.stderr).toContain('would remove 4 items (more than 3)')
    // On a terminal it asks; "no" writes nothing.
    const asked = await onTerminal(['items', 'import', out('two.csv'), '--replace'], as('clerk'), [{when: /remove 4 items of 嘉峪关市测试局/, type: 'n\r'}])
    expect(asked.code, asked.screen).toBe(2)
    expect(asked.screen).toContain('cancelled; nothing was changed')
    expect(await written()).toEqual(before)
    // A dry run says what would go without asking.
    expect((await clerk(['items', 'import', out('two.csv'), '--replace', '--dry-run', '--json'])).json).toMatchObject({removed: 4})

    const yes = await clerk(['items', 'import', out('two.csv'), '--replace', '--yes', '--json'])
    expect(yes.code, yes.stderr).toBe(0)
    expect(yes.json).toMatchObject({removed: 4, kept: 0, replace: true, requests: []})
    expect((await clerk(['items', 'list', '--unit', TEST_BODY, '--json'])).json.items.map((i: {code: string}) => i.code)).toEqual(codes.slice(0, 2))
  })

  it('ITEM-4: --replace without an open item files its terminate request (3 working days ahead, announced); it stays until a second person approves', async () => {
    expect((await clerk(['items', 'export', '--out', out('scjg.csv'), '--unit', SCJG])).code).toBe(0)
    const text = readFileSync(out('scjg.csv'), 'utf8').split('\r\n')
    writeFileSync(out('without-c3.csv'), text.filter((l) => !l.startsWith(C3)).join('\r\n'))
    const before = await written()
    const refused = await clerk(['items', 'import', out('without-c3.csv'), '--replace', '--refuse-open', '--json'])
    expect(refused.code).toBe(5)
    expect(refused.json.error.details).toMatchObject({rule: 'ITEM-4', items: [C3]})
    expect(await written()).toEqual(before)

    const r = await clerk(['items', 'import', out('without-c3.csv'), '--replace', '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.json).toMatchObject({unchanged: false, version: null, removed: 0, requests: [{action: 'terminate', code: C3, effective: '2026-11-27'}]})
    // Scheduled to open on 2026-11-25: it stays so until the request is approved.
    expect((await clerk(['items', 'show', C3, '--json'])).json).toMatchObject({status: 'pending', next: {status: 'open', effective: '2026-11-25'}})
    const id = String(r.json.requests[0].id)
    const request = (await clerk(['requests', 'show', id, '--json'])).json
    expect(request.payload.announcement).toContain('自2026年11月27日起终止办理')
    expect((await clerk(['requests', 'approve', id, '--json'])).json.error.details.rule).toBe('X-2')
    expect((await chief(['requests', 'approve', id, '--json'])).code).toBe(0)
    expect((await clerk(['items', 'show', C3, '--json'], {EGOV_NOW: '2026-11-26T09:00:00+08:00'})).json).toMatchObject({status: 'open', next: {status: 'terminated', effective: '2026-11-27'}})
    expect((await clerk(['items', 'show', C3, '--json'], {EGOV_NOW: '2026-11-27T09:00:00+08:00'})).json.status).toBe('terminated')
  })

  it('export --version N is the list as it was (read back by a second reader); imported with --replace it undoes later changes through the same rules', async () => {
    const v1 = await clerk(['items', 'export', '--version', '1', '--out', out('v1.xlsx'), '--json'])
    expect(v1.code, v1.stderr).toBe(0)
    expect(v1.json).toMatchObject({items: 5, steps: 6, materials: 7})
    const book = cellsOf(out('v1.xlsx'))
    const c1 = book['基本信息']!.find((row) => row[0] === C1)!
    expect(c1[11]).toBe('5')
    expect(book['基本信息']!.map((row) => row[0])).not.toContain(C9)
    expect(book['申请材料']!.filter((row) => row[0] === C2)).toHaveLength(1)
    expect((await clerk(['items', 'export', '--version', '99', '--out', out('v99.xlsx'), '--json'])).code).toBe(3)

    const undo = await clerk(['items', 'import', out('v1.xlsx'), '--replace', '--json'])
    expect(undo.code, undo.stdout).toBe(0)
    // C9 (pending) goes, C2 (pending) comes back directly; the open C1 by a change request; C3, terminating, is left be.
    expect(undo.json).toMatchObject({removed: 1, changed: 1, terminating: [C3]})
    expect(undo.json.requests).toEqual([expect.objectContaining({action: 'change', code: C1, set: {[PROMISED]: '5', 咨询电话: '0937-6221234'}})])
    expect(await element(C2, '办公时间')).toBe('周一至周五 9:00-12:00，14:30-17:30（法定节假日除外）')
    expect(await element(C1, PROMISED)).toBe('3')
  })
})
