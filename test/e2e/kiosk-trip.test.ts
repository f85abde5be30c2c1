import {execFileSync} from 'node:child_process'
import {copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, expect, it} from 'vitest'

import {egov, isolatedHome} from '../helpers/cli.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

const FIX = new URL('../../fixtures/kiosk/', import.meta.url).pathname
const fx = (name: string) => join(FIX, name)
const CELLS = new URL('../helpers/xlsx_cells.py', import.meta.url).pathname
/** A second reader (Python's standard library, not exceljs): {sheet: rows of cell text}. */
const cells = (path: string): Record<string, string[][]> => JSON.parse(execFileSync('python3', [CELLS, path], {encoding: 'utf8'}))

const BANK = '嘉峪关农村商业银行'
const HALL = '嘉峪关市政务服务中心'
const POST = '市邮政分公司'
/** The first bytes of an OLE compound file: what an old .xls starts with. */
const OLE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0, 0, 0, 0, 0])

/**
 * The clerk's round trip with kiosk forms (issue 14) through bin/run.js: a folder as it
 * arrives (an old .xls, a scanned PDF, a workbook that is not the form, a lock file, a
 * valid form and invalid ones, the forms written by openpyxl as a department fills them),
 * every skipped file named, refused forms' reasons in full, --partial exiting 2 with an
 * annotated copy of every form with problems; the form's opinion boxes filled by the
 * approvals that give them (KIOSK-3, KIOSK-2, X-2); KIOSK-5 figures as of the year's end.
 */
describeEachDialect('kiosk forms round trip through bin/run.js (issue 14; KIOSK-2, KIOSK-3, KIOSK-5)', (dialect) => {
  let tdb: TestDatabase
  let env: Record<string, string>
  const dir = mkdtempSync(join(tmpdir(), 'egov-kiosk-trip-'))
  const out = (name: string) => join(dir, name)
  const folder = out('收到的申请表')
  const run = (who: string, args: string[], now = '2025-11-24T10:00:00+08:00') => egov(args, {...env, ...tdb.envFor(who), EGOV_NOW: now})
  const clerk = (args: string[], now?: string) => run('clerk', args, now)
  const count = (table: string) => tdb.count(table)

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    for (const who of ['clerk', 'chief', 'leader']) await (await tdb.open(who)).close()
    env = {...isolatedHome(), ...tdb.env}
    for (const [name, kind] of [
      [HALL, 'service-department'],
      [POST, 'post-office'],
    ] as const) {
      const r = await clerk(['units', 'add', name, '--kind', kind, '--level', 'city'])
      expect(r.code, r.stderr).toBe(0)
    }
    // The folder as it arrives from the departments.
    mkdirSync(folder)
    writeFileSync(join(folder, 'G-旧版.xls'), OLE)
    writeFileSync(join(folder, '扫描件.pdf'), '%PDF-1.4\n% a scanned, stamped form\n')
    copyFileSync(fx('openpyxl-统计表.xlsx'), join(folder, '终端台账.xlsx'))
    writeFileSync(join(folder, '~$农商银行.xlsx'), Buffer.from([0x0b, 0x63, 0x68, 0x65, 0x6e]))
    copyFileSync(fx('openpyxl-农商银行.xlsx'), join(folder, '农商银行.xlsx'))
    copyFileSync(fx('openpyxl-有误.xlsx'), join(folder, '有误.xlsx'))
    copyFileSync(fx('sum-mismatch.xlsx'), join(folder, '数量不符.xlsx'))
  })
  afterAll(async () => {
    await tdb.cleanup()
  }, 300_000)

  it('names every file of a folder it skips and why — old .xls, scanned PDF, not a form, lock file — in --json and in text; nothing written while a form fails (KIOSK-3)', async () => {
    const r = await clerk(['kiosk', 'import', folder, '--kind', 'bank', '--json'])
    expect(r.code).toBe(2)
    const skipped = Object.fromEntries(r.json.error.details.skipped.map((s: {file: string; reason: string; message: string}) => [s.file.split('/').at(-1), s]))
    expect(Object.keys(skipped).sort()).toEqual(['G-旧版.xls', '~$农商银行.xlsx', '扫描件.pdf', '终端台账.xlsx'].sort())
    expect(skipped['G-旧版.xls']).toMatchObject({reason: 'xls'})
    expect(skipped['G-旧版.xls'].message).toContain('old Excel format (.xls)')
    expect(skipped['G-旧版.xls'].message).toContain('save it as .xlsx')
    expect(skipped['G-旧版.xls'].message).toContain('Excel or WPS')
    expect(skipped['扫描件.pdf']).toMatchObject({reason: 'scan'})
    expect(skipped['扫描件.pdf'].message).toContain('a scan or picture (.pdf), not a form')
    expect(skipped['终端台账.xlsx']).toMatchObject({reason: 'not-a-form'})
    // Which sheet was read and which labels it lacks.
    expect(skipped['终端台账.xlsx'].message).toContain('sheets 终端台账 read')
    expect(skipped['终端台账.xlsx'].message).toContain('申请单位')
    expect(skipped['~$农商银行.xlsx']).toMatchObject({reason: 'lock'})
    expect(r.json.error.details.files.map((f: {file: string; ok: boolean}) => [f.file.split('/').at(-1), f.ok])).toEqual([
      ['农商银行.xlsx', true],
      ['数量不符.xlsx', false],
      ['有误.xlsx', false],
    ])
    expect(await count('requests')).toBe(0)
    expect(await count('units')).toBe(2)

    const text = await clerk(['kiosk', 'import', folder, '--kind', 'bank'])
    expect(text.code).toBe(2)
    for (const s of Object.values(skipped) as Array<{message: string}>) expect(text.stdout).toContain(s.message)
    // Each refused form's reasons in full, on lines of their own — not cut in a table cell.
    const lines = text.stdout.split('\n')
    const phone = lines.find((l) => l.startsWith('  申请表!D4 “6228899”: '))
    expect(phone).toMatch(/has no area code .*\(a mobile or a landline with its area code, KIOSK-3\)$/)
    expect(lines).toContain('  申请表!C10: 网点位置 of placement row 2 is empty: a placement row gives 网点名称, 网点位置 and 投放数量 (KIOSK-3)')
    expect(lines).toContain("  接入申请表!D5 “5”: 自助终端数量 is 5 but the placements' 投放数量 (D8、D9) add up to 4 (KIOSK-3)")
    expect(text.stdout).toContain('有误.xlsx: refused — 有误.xlsx: problems found: 2')
    expect(text.stderr).toContain('2 of 3 forms have problems; nothing was written')
    expect(await count('requests')).toBe(0)
  }, 300_000)

  it('refuses a single named file that is not a form, saying what it is: .xls (save as .xlsx), an .xls renamed .xlsx, a PDF (exit 2, KIOSK-3)', async () => {
    const xls = await clerk(['kiosk', 'import', join(folder, 'G-旧版.xls'), '--json'])
    expect(xls.code).toBe(2)
    expect(xls.json.error.message).toContain('save it as .xlsx')
    expect(xls.json.error.details).toMatchObject({field: 'FORM', rule: 'KIOSK-3', reason: 'xls'})
    writeFileSync(out('改名.xlsx'), OLE)
    const renamed = await clerk(['kiosk', 'import', out('改名.xlsx')])
    expect(renamed.code).toBe(2)
    expect(renamed.stderr).toContain('old Excel format (.xls)')
    const pdf = await clerk(['kiosk', 'import', join(folder, '扫描件.pdf'), '--json'])
    expect(pdf.code).toBe(2)
    expect(pdf.json.error.details.reason).toBe('scan')
    expect(await count('requests')).toBe(0)
  }, 300_000)

  it('--partial files the valid form, writes an annotated copy of every form with problems, and exits 2 (text, --json, --report DIR)', async () => {
    // A dry run first: the annotated copies go to the documented place, FOLDER-批注/ beside the folder.
    const dry = await clerk(['kiosk', 'import', folder, '--kind', 'bank', '--partial', '--dry-run'])
    expect(dry.code, dry.stderr).toBe(2)
    expect(dry.stderr).toContain('2 of 3 forms have problems and were not filed (exit 2); 0 filed')
    expect(readdirSync(`${folder}-批注`).sort()).toEqual(['数量不符-批注.xlsx', '有误-批注.xlsx'])
    expect(await count('requests')).toBe(0)

    const r = await clerk(['kiosk', 'import', folder, '--kind', 'bank', '--partial', '--report', out('批注'), '--json'])
    expect(r.code, r.stderr).toBe(2)
    expect(r.json).toMatchObject({imported: 1, failed: 2})
    expect(r.json.skipped).toHaveLength(4)
    const by = Object.fromEntries(r.json.files.map((f: {file: string}) => [f.file.split('/').at(-1), f]))
    expect(by['农商银行.xlsx']).toMatchObject({ok: true, requestId: 1, unit: BANK, kiosks: 4, sites: 3, unitAdded: true})
    for (const name of ['有误', '数量不符']) {
      expect(by[`${name}.xlsx`].ok).toBe(false)
      expect(by[`${name}.xlsx`].report).toBe(out(`批注/${name}-批注.xlsx`))
      expect(existsSync(out(`批注/${name}-批注.xlsx`))).toBe(true)
    }
    expect(by['有误.xlsx'].problemList.map((p: {cell: string}) => p.cell)).toEqual(['D4', 'C10'])
    // The annotated copies, read back by another reader: the department's form as it was, and every problem in 错误汇总.
    const bad = cells(out('批注/有误-批注.xlsx'))
    expect(bad['申请表']![2]![1]).toBe(BANK)
    expect(bad['申请表']![3]![3]).toBe('6228899')
    const summary = JSON.stringify(bad['错误汇总'])
    expect(summary).toContain('has no area code')
    expect(summary).toContain('网点位置 of placement row 2 is empty')
    expect(JSON.stringify(cells(out('批注/数量不符-批注.xlsx'))['错误汇总'])).toContain('add up to 4')
    // The valid form was filed, as the department wrote it.
    const show = await clerk(['requests', 'show', '1', '--json'])
    expect(show.json.payload.form).toMatchObject({unit: BANK, contactPhone: '0937-6228899', leaderPhone: '13909375566', count: 4})
    expect(show.json.payload.form.placements.map((p: {name: string}) => p.name)).toEqual(['农商银行营业部', '峪泉支行', '文殊支行'])
  }, 300_000)

  it('fills the form’s opinion boxes from the approvals that give them — the office’s review, then the leader’s — and shows them in kiosk show, the export and the form written back (KIOSK-3, KIOSK-2, X-2)', async () => {
    for (const [site, serials] of [
      ['1', ['NS-1', 'NS-2']],
      ['2', ['NS-3']],
      ['3', ['NS-4']],
    ] as const) {
      const v = await clerk(['kiosk', 'verify', '1', '--site', site, '--serial', ...serials, '--result', 'pass'])
      expect(v.code, v.stderr).toBe(0)
    }
    const own = await clerk(['requests', 'approve', '1', '--comment', '同意'])
    expect(own.code).toBe(5)
    const office = await run('chief', ['requests', 'approve', '1', '--comment', '经核验，终端运行正常，同意接入', '--json'], '2025-11-25T10:00:00+08:00')
    expect(office.code, office.stderr).toBe(0)
    expect(office.json.request.state).toBe('reviewed')
    expect(office.json.request.payload.opinions.office).toMatchObject({by: tdb.actor('chief'), text: '经核验，终端运行正常，同意接入', decision: 'approve'})
    expect((await clerk(['kiosk', 'show', 'NS-1', '--json'])).json).toMatchObject({status: 'pending', opinions: {office: {text: '经核验，终端运行正常，同意接入'}, leader: null}})
    // The leader's box is a second person's: not the office reviewer again, nor the filer.
    const same = await run('chief', ['requests', 'approve', '1', '--json'], '2025-11-27T10:00:00+08:00')
    expect(same.code).toBe(5)
    expect(same.json.error.details.rule).toBe('X-2')
    expect((await clerk(['requests', 'show', '1', '--json'])).json.state).toBe('reviewed')
    const ok = await run('leader', ['requests', 'approve', '1', '--comment', '同意接入，纳入年度考核', '--json'], '2025-11-27T10:00:00+08:00')
    expect(ok.code, ok.stderr).toBe(0)
    expect(ok.json.request).toMatchObject({state: 'approved', payload: {admitted: 4}})

    const show = await clerk(['kiosk', 'show', 'NS-1', '--json'])
    expect(show.json.status).toBe('active')
    expect(show.json.opinions.office).toMatchObject({by: tdb.actor('chief'), text: '经核验，终端运行正常，同意接入'})
    expect(show.json.opinions.office.at).toBe('2025-11-25T02:00:00.000Z')
    expect(show.json.opinions.leader).toMatchObject({by: tdb.actor('leader'), text: '同意接入，纳入年度考核', at: '2025-11-27T02:00:00.000Z'})
    const text = await clerk(['kiosk', 'show', 'NS-1'])
    expect(text.stdout).toContain(`“政银通办”工作领导小组办公室意见: 经核验，终端运行正常，同意接入（${tdb.actor('chief')}，2025-11-25 10:00）`)
    expect(text.stdout).toContain(`主管领导意见: 同意接入，纳入年度考核（${tdb.actor('leader')}，2025-11-27 10:00）`)

    const exported = await clerk(['kiosk', 'export', '--out', out('登记.xlsx')])
    expect(exported.code, exported.stderr).toBe(0)
    const rows = cells(out('登记.xlsx'))['自助终端登记']!
    const office1 = rows[0]!.indexOf('“政银通办”工作领导小组办公室意见')
    const leader1 = rows[0]!.indexOf('主管领导意见')
    expect(office1).toBeGreaterThan(0)
    const ns1 = rows.find((row) => row[0] === 'NS-1')!
    expect(ns1[office1]).toBe(`经核验，终端运行正常，同意接入（${tdb.actor('chief')}，2025-11-25 10:00）`)
    expect(ns1[leader1]).toBe(`同意接入，纳入年度考核（${tdb.actor('leader')}，2025-11-27 10:00）`)

    // The form written back: the department's content and the two boxes as the approvals filled them.
    const back = await clerk(['kiosk', 'template', '--request', '1', '--out', out('申请表-1.xlsx')])
    expect(back.code, back.stderr).toBe(0)
    const form = cells(out('申请表-1.xlsx'))['接入申请表']!
    const box = (label: string) => form.find((row) => row[0] === label)![1]
    expect(form[1]![1]).toBe(BANK)
    expect(box('“政银通办”工作领导小组办公室意见')).toBe(`经核验，终端运行正常，同意接入\n\n${tdb.actor('chief')}    2025年11月25日`)
    expect(box('主管领导意见')).toBe(`同意接入，纳入年度考核\n\n${tdb.actor('leader')}    2025年11月27日`)
    // The back-written form reads as the form again.
    expect((await clerk(['kiosk', 'import', out('申请表-1.xlsx'), '--dry-run', '--json'])).json.files[0]).toMatchObject({ok: true, unit: BANK, kiosks: 4})

    // A rejection fills the box of the step it is taken at, with its reason.
    const post = await clerk(['kiosk', 'import', fx('moved-fullwidth.xlsx'), '--json'])
    expect(post.code, post.stderr).toBe(0)
    const id = String(post.json.files[0].requestId)
    const rejected = await run('chief', ['requests', 'reject', id, '--reason', '网点位置与实际不符', '--json'])
    expect(rejected.code, rejected.stderr).toBe(0)
    expect(rejected.json.request.payload.opinions.office).toMatchObject({decision: 'reject', text: '网点位置与实际不符', by: tdb.actor('chief')})
    const bad = await clerk(['kiosk', 'template', '--request', '99', '--out', out('x.xlsx')])
    expect(bad.code).toBe(3)
  }, 300_000)

  it('gives KIOSK-5 figures as of the year’s end: kiosks admitted, retired and disconnected by their dates in the history, not today’s registry', async () => {
    // 2026: one of the bank's kiosks retired, one disconnected; the service centre's kiosks admitted.
    expect((await clerk(['kiosk', 'retire', 'NS-4', '--reason', '设备报废', '--yes'], '2026-01-15T10:00:00+08:00')).code).toBe(0)
    const off = await clerk(['kiosk', 'disconnect', 'NS-3', '--reason', '终端存在安全漏洞', '--json'], '2026-02-01T10:00:00+08:00')
    expect(off.code, off.stderr).toBe(0)
    expect((await run('chief', ['requests', 'approve', String(off.json.id)], '2026-02-02T10:00:00+08:00')).code).toBe(0)
    const hall = await clerk(['kiosk', 'import', fx('clean.xlsx'), '--json'], '2026-03-02T10:00:00+08:00')
    expect(hall.code, hall.stderr).toBe(0)
    const hid = String(hall.json.files[0].requestId)
    for (const [site, serials] of [
      ['1', ['H-1', 'H-2']],
      ['2', ['H-3']],
      ['3', ['H-4']],
    ] as const) {
      expect((await clerk(['kiosk', 'verify', hid, '--site', site, '--serial', ...serials, '--result', 'pass'], '2026-03-03T10:00:00+08:00')).code).toBe(0)
    }
    expect((await run('chief', ['requests', 'approve', hid], '2026-03-04T10:00:00+08:00')).code).toBe(0)
    expect((await run('leader', ['requests', 'approve', hid], '2026-03-05T10:00:00+08:00')).code).toBe(0)

    const now = '2026-06-01T10:00:00+08:00'
    const y2025 = await clerk(['kiosk', 'stats', '--year', '2025', '--out', out('考核-2025.xlsx'), '--json'], now)
    expect(y2025.code, y2025.stderr).toBe(0)
    // The service centre's kiosks came in 2026: not in 2025's figures; the bank's four were all in service on 31 December.
    expect(y2025.json.asOf).toBe('2025-12-31')
    expect(y2025.json.units.map((u: {unit: string}) => u.unit)).toEqual([BANK])
    expect(y2025.json.units[0]).toMatchObject({kiosks: 4, disconnected: 0, sites: 3, admittedInYear: 4, retiredInYear: 0, disconnectionsInYear: 0})
    const sheet = cells(out('考核-2025.xlsx'))['2025年度考核']!
    expect(sheet[1]![0]).toBe(BANK)
    expect(sheet[1]![sheet[0]!.indexOf('在用终端数')]).toBe('4')
    expect(sheet[1]![sheet[0]!.indexOf('统计截至')]).toBe('2025-12-31')

    const y2026 = await clerk(['kiosk', 'stats', '--year', '2026', '--json'], now)
    expect(y2026.json.asOf).toBe('2026-06-01')
    const by = Object.fromEntries(y2026.json.units.map((u: {unit: string}) => [u.unit, u]))
    expect(by[BANK]).toMatchObject({kiosks: 2, disconnected: 1, sites: 2, admittedInYear: 0, retiredInYear: 1, disconnectionsInYear: 1})
    expect(by[HALL]).toMatchObject({kiosks: 4, disconnected: 0, sites: 3, admittedInYear: 4})
    const y2024 = await clerk(['kiosk', 'stats', '--year', '2024', '--json'], now)
    expect(y2024.json.units).toEqual([])
    const text = await clerk(['kiosk', 'stats', '--year', '2025'], now)
    expect(text.stdout).toContain('KIOSK-5 figures for 2025 as of 2025-12-31')
  }, 300_000)
})
