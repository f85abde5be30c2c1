import {execFileSync} from 'node:child_process'
import {appendFileSync, copyFileSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import ExcelJS from 'exceljs'
import {afterAll, beforeAll, expect, it} from 'vitest'

import {egov, isolatedHome} from '../helpers/cli.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

const FIX = fileURLToPath(new URL('../../fixtures/cloud/', import.meta.url))
const fx = (name: string) => join(FIX, name)
const CELLS = new URL('../helpers/xlsx_cells.py', import.meta.url).pathname
/** What a second reader (Python's standard library, not exceljs) finds in a workbook: sheet → cell → text. */
function cellsOf(path: string): Record<string, Record<string, string>> {
  const sheets = JSON.parse(execFileSync('python3', [CELLS, path], {encoding: 'utf8'})) as Record<string, string[][]>
  const letter = (i: number): string => (i < 26 ? String.fromCharCode(65 + i) : letter(Math.floor(i / 26) - 1) + letter(i % 26))
  const out: Record<string, Record<string, string>> = {}
  for (const [name, rows] of Object.entries(sheets)) {
    out[name] = {}
    rows.forEach((row, r) => row.forEach((v, c) => v !== '' && v !== null && (out[name]![`${letter(c)}${r + 1}`] = v)))
  }
  return out
}

const HR = '市人力资源和社会保障局'
const HS = '市医疗保障局'
const FIRM = '某科技有限公司'
/** Every step a level-3 system needs before go-live (CLOUD-7, 第二十三条), recorded in one call. */
const GO_LIVE = [
  '--security-resources',
  '2026-11-10',
  '--self-check',
  '2026-11-12',
  '--assessment',
  '2026-11-16',
  '--hardening',
  '2026-11-18',
  '--filing',
  '2026-11-19',
  '--grading',
  '2026-11-19',
  '--crypto',
  '2026-11-19',
  '--result',
  'pass',
  '--commitment',
  '2026-11-20',
]

/**
 * The government cloud through bin/run.js (CLOUD-1..7, CLOUD-9, X-2): providers admitted and
 * leaving, systems through every step of CLOUD-3 with capacity reserved at approval, changes
 * inside and beyond the envelope, release with a wipe confirmed by a second operator, and
 * every refused rule with its exit code, its rule and nothing written.
 */
describeEachDialect('the government cloud through bin/run.js (CLOUD-1..9)', (dialect) => {
  let tdb: TestDatabase
  let env: Record<string, string>
  const dir = mkdtempSync(join(tmpdir(), 'egov-cloud-'))
  const out = (name: string) => join(dir, name)
  const as = (who: string) => ({...env, ...tdb.envFor(who)})
  const clerk = (args: string[]) => egov(args, as('clerk'))
  const chief = (args: string[]) => egov(args, as('chief'))
  const count = (table: string) => tdb.count(table)
  const written = async () => [await count('requests'), await count('cloud_systems'), await count('cloud_attachments'), await count('audit_log')]
  const capacity = async (provider: string) => (await clerk(['cloud', 'capacity', '--provider', provider, '--json'])).json.providers[0]
  /** An application with sensible values; `extra` flags replace them. */
  const apply = (system: string, extra: string[] = [], unit = HR) => {
    const flags: Record<string, string> = {
      '--unit': unit,
      '--system': system,
      '--level': '3',
      '--vms': '2',
      '--vcpu': '4',
      '--memory-gib': '16',
      '--system-disk-gib': '100',
      '--data-disk-gib': '200',
      '--bandwidth-mbps': '50',
      '--os': '麒麟V10',
      '--security-letter': fx('安全责任书-人社局.pdf'),
    }
    const rest: string[] = []
    for (let i = 0; i < extra.length; i++) {
      const arg = extra[i]!
      if (arg in flags && extra[i + 1] !== undefined) flags[arg] = extra[++i]!
      else rest.push(arg)
    }
    return clerk(['cloud', 'apply', ...Object.entries(flags).flat(), '--json', ...rest])
  }

  /** A system from application to service; returns its request number. */
  async function onboard(system: string, options: {provider?: string; extra?: string[]; unit?: string} = {}): Promise<number> {
    const filed = await apply(system, options.extra, options.unit)
    expect(filed.code, filed.stderr).toBe(0)
    const id = filed.json.request.id
    expect((await chief(['requests', 'approve', String(id)])).code).toBe(0)
    const planned = await clerk([
      'cloud',
      'plan',
      String(id),
      '--file',
      fx('上云方案-社保业务系统.pdf'),
      ...(options.provider ? ['--provider', options.provider] : []),
      '--pool',
      '政务外网-市级',
      '--json',
    ])
    expect(planned.code, planned.stderr).toBe(0)
    const approved = await chief(['requests', 'approve', String(id)])
    expect(approved.code, approved.stderr).toBe(0)
    expect((await clerk(['cloud', 'agreement', String(id), '--file', fx('服务协议-社保业务系统.pdf')])).code).toBe(0)
    expect((await clerk(['cloud', 'security', 'record', system, ...GO_LIVE])).code).toBe(0)
    const provisioned = await clerk(['cloud', 'provision', String(id)])
    expect(provisioned.code, provisioned.stderr).toBe(0)
    return id
  }

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    for (const who of ['clerk', 'chief', 'auditor']) await (await tdb.open(who)).close()
    env = {...isolatedHome(), ...tdb.env, EGOV_NOW: '2026-11-24T10:00:00+08:00'}
    for (const [name, kind] of [
      [HR, 'party-government'],
      [HS, 'party-government'],
      [FIRM, 'enterprise'],
    ] as const) {
      const r = await clerk(['units', 'add', name, '--kind', kind, '--level', 'city'])
      expect(r.code, r.stderr).toBe(0)
    }
    expect((await clerk(['net', 'pool', 'add', '10.30.0.0/16', '--name', '政务外网-市级', '--plane', '1'])).code).toBe(0)
  })
  afterAll(async () => {
    await tdb.cleanup()
  })

  it('admits a provider: application, expert review by another person (X-2), a failed then a passed admission test, reported to the province (CLOUD-2)', async () => {
    const r = await clerk([
      'cloud',
      'provider',
      'apply',
      '电信云',
      '--vcpu',
      '100',
      '--memory-gib',
      '400',
      '--storage-tib',
      '2',
      '--bandwidth-mbps',
      '1000',
      '--extranet-ips',
      '64',
      '--internet-ips',
      '8',
      '--zones',
      '兰州一区',
      '--json',
    ])
    expect(r.code, r.stderr).toBe(0)
    const id = String(r.json.request.id)
    expect(r.json.request.payload).toMatchObject({name: '电信云', vcpu: 100, storageGib: 2048, zones: ['兰州一区']})
    // The same application again is a no-op; another offer under the same name is a conflict.
    const again = await clerk([
      'cloud',
      'provider',
      'apply',
      '电信云',
      '--vcpu',
      '100',
      '--memory-gib',
      '400',
      '--storage-tib',
      '2',
      '--bandwidth-mbps',
      '1000',
      '--extranet-ips',
      '64',
      '--internet-ips',
      '8',
      '--zones',
      '兰州一区',
      '--json',
    ])
    expect(again.json).toMatchObject({unchanged: true, request: {id: Number(id)}})
    expect((await clerk(['cloud', 'provider', 'apply', '电信云', '--vcpu', '200', '--memory-gib', '400', '--storage-tib', '2', '--bandwidth-mbps', '1000'])).code).toBe(4)
    expect((await clerk(['requests', 'approve', id])).code).toBe(5)
    // The admission test comes after the expert review.
    expect((await chief(['cloud', 'provider', 'admission-test', id, '--result', 'pass', '--note', 'x'])).code).toBe(4)
    expect((await chief(['requests', 'approve', id, '--comment', '专家评审通过'])).code).toBe(0)
    const failed = await chief(['cloud', 'provider', 'admission-test', id, '--result', 'fail', '--note', '存储性能不达标', '--json'])
    expect(failed.json).toMatchObject({admitted: false, request: {state: 'reviewed'}})
    expect((await clerk(['cloud', 'provider', 'list', '--json'])).json.providers).toEqual([])
    expect((await chief(['cloud', 'provider', 'admission-test', id, '--result', 'pass', '--note', '复测通过', '--reported-on', '2026-11-30'])).code).toBe(2)
    const passed = await chief(['cloud', 'provider', 'admission-test', id, '--result', 'pass', '--note', '复测通过', '--reported-on', '2026-11-24', '--json'])
    expect(passed.json).toMatchObject({admitted: true, request: {state: 'admitted', payload: {reportedOn: '2026-11-24'}}})
    expect(passed.json.request.payload.tests.map((t: {result: string}) => t.result)).toEqual(['fail', 'pass'])
    const shown = await clerk(['cloud', 'provider', 'show', '电信云', '--json'])
    expect(shown.json).toMatchObject({status: 'admitted', reportedOn: '2026-11-24', offered: {vcpu: 100, memoryGib: 400, storageGib: 2048}, capacity: {free: {vcpu: 100}}})
    // From a YAML request file.
    const yaml = await clerk(['cloud', 'provider', 'apply', '--from-file', fx('纳管申请-移动云.yaml'), '--json'])
    expect(yaml.code, yaml.stderr).toBe(0)
    expect(yaml.json.request.payload).toMatchObject({name: '移动云', vcpu: 1000, storageGib: 200 * 1024, zones: ['兰州三区']})
    expect((await chief(['requests', 'approve', String(yaml.json.request.id)])).code).toBe(0)
    expect((await chief(['cloud', 'provider', 'admission-test', String(yaml.json.request.id), '--result', 'pass', '--note', '测试通过'])).code).toBe(0)
    expect((await clerk(['cloud', 'provider', 'list', '--json'])).json.providers.map((p: {name: string}) => p.name)).toEqual(['电信云', '移动云'])
  })

  it('refuses bad provider input naming the flag (exit 2) and writes nothing', async () => {
    const before = await written()
    for (const [args, field] of [
      [['--vcpu', '0', '--memory-gib', '1', '--storage-tib', '1', '--bandwidth-mbps', '1'], 'vcpu'],
      [['--vcpu', '10', '--memory-gib', '1', '--storage-tib', 'lots', '--bandwidth-mbps', '1'], 'storage-tib'],
      [['--vcpu', '10', '--memory-gib', '1', '--storage-tib', '1'], 'bandwidth-mbps'],
    ] as const) {
      const r = await clerk(['cloud', 'provider', 'apply', '坏云', ...args, '--json'])
      expect(r.code, r.stdout).toBe(2)
      expect(r.json.error.details.field).toBe(field)
    }
    expect(await written()).toEqual(before)
  })

  it('refuses by rule, not by flag parsing: level 4 or 5, classified (CLOUD-1), an enterprise without an approved exception (CLOUD-9) — exit 5, nothing written', async () => {
    const before = await written()
    for (const [extra, rule, field] of [
      [['--level', '4'], 'CLOUD-1', 'level'],
      [['--level', '5'], 'CLOUD-1', 'level'],
      [['--classified'], 'CLOUD-1', 'classified'],
    ] as const) {
      const r = await apply('某涉密系统', [...extra])
      expect(r.code, r.stdout).toBe(5)
      expect(r.json.error.details).toMatchObject({rule, field})
    }
    const firm = await apply('企业门户', [], FIRM)
    expect(firm.code).toBe(5)
    expect(firm.json.error.details).toMatchObject({rule: 'CLOUD-9', field: 'approved-exception'})
    expect(await written()).toEqual(before)
    // The approval is a record (第十三条): filed by the bureau, approved by a second person, named by its number.
    const exception = await clerk(['cloud', 'exception', 'apply', '--unit', FIRM, '--basis', '市政府专题会议纪要同意', '--document-no', '市政府办公厅〔2026〕8号', '--json'])
    expect(exception.code, exception.stderr).toBe(0)
    expect((await chief(['requests', 'approve', String(exception.json.request.id)])).code).toBe(0)
    const excepted = await apply('企业门户', ['--approved-exception', String(exception.json.request.id)], FIRM)
    expect(excepted.code, excepted.stderr).toBe(0)
    expect(excepted.json.request.payload.exceptionId).toBe(exception.json.request.id)
    expect((await chief(['requests', 'reject', String(excepted.json.request.id), '--reason', '改由企业自建'])).code).toBe(0)
  })

  it('refuses bad application input naming the field (exit 2): a level that does not exist, zero VMs, a missing letter; nothing written', async () => {
    const before = await written()
    for (const [extra, field] of [
      [['--level', '6'], 'level'],
      [['--vms', '0'], 'vms'],
      [['--vcpu', '四'], 'vcpu'],
      [['--security-letter', out('no-such-letter.pdf')], 'security-letter'],
    ] as const) {
      const r = await apply('坏申请', [...extra])
      expect(r.code, r.stdout).toBe(2)
      expect(r.json.error.details.field).toBe(field)
    }
    const missing = await clerk(['cloud', 'apply', '--unit', HR, '--system', '缺项', '--json'])
    expect(missing.code).toBe(2)
    expect(missing.json.error.details.field).toBe('level')
    expect(await written()).toEqual(before)
  })

  it('writes the 政务云资源申请表 and reads a unit’s own filled copy (labels moved, merged cells, 三级), totals = VMs × per VM (CLOUD-3)', async () => {
    const t = await clerk(['cloud', 'template', '--out', out('blank.xlsx')])
    expect(t.code, t.stderr).toBe(0)
    const blank = cellsOf(out('blank.xlsx'))['资源申请']!
    expect(blank.A1).toBe('政务云资源申请表')
    expect(Object.values(blank)).toEqual(expect.arrayContaining(['申请单位 *', '等保级别 *', '每台vCPU（核） *', '安全责任书 *']))
    const r = await clerk(['cloud', 'apply', '--from-file', fx('资源申请表-市医保局.xlsx'), '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.json.request.payload).toMatchObject({
      unit: HS,
      system: '医保结算系统',
      level: 3,
      os: '统信UOS 20',
      config: {vms: 2, vcpu: 4, memoryGib: 16, systemDiskGib: 100, dataDiskGib: 200, bandwidthMbps: 50, extranetIps: 0, internetIps: 1},
      totals: {vcpu: 8, memoryGib: 32, storageGib: 600},
      securityLetter: {path: fx('安全责任书-医保局.pdf'), role: 'security-letter'},
    })
    expect(r.json.request.payload.securityLetter.sha256).toMatch(/^[0-9a-f]{64}$/)
    // Exported with the same layout, the request reads back to the same values: applying it again is a no-op.
    expect((await clerk(['cloud', 'export', String(r.json.request.id), '--out', out('exported.xlsx')])).code).toBe(0)
    const exported = Object.values(cellsOf(out('exported.xlsx'))['资源申请']!)
    expect(exported).toEqual(expect.arrayContaining(['系统名称 *', '医保结算系统', '第三级', '统信UOS 20', fx('安全责任书-医保局.pdf')]))
    const again = await clerk(['cloud', 'apply', '--from-file', out('exported.xlsx'), '--json'])
    expect(again.json).toMatchObject({unchanged: true, request: {id: r.json.request.id}})
  })

  it('reads a JSON request file, which may leave 是否涉密 out; a workbook may not', async () => {
    writeFileSync(
      out('request.json'),
      JSON.stringify({unit: HS, system: '医保稽核系统', level: '二级', vms: 1, vcpu: 2, memoryGib: 8, systemDiskGib: 50, bandwidthMbps: 10, os: 'Linux', securityLetter: fx('安全责任书-医保局.pdf')}),
    )
    const r = await clerk(['cloud', 'apply', '--from-file', out('request.json'), '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.json.request.payload).toMatchObject({system: '医保稽核系统', level: 2, classified: false, totals: {vcpu: 2, storageGib: 50}})
    expect((await chief(['requests', 'reject', String(r.json.request.id), '--reason', '测试'])).code).toBe(0)
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.readFile(out('exported.xlsx'))
    wb.getWorksheet('资源申请')!.getCell('B4').value = '另一系统'
    wb.getWorksheet('资源申请')!.getCell('B6').value = null
    await wb.xlsx.writeFile(out('no-classified.xlsx'))
    const blank = await clerk(['cloud', 'apply', '--from-file', out('no-classified.xlsx'), '--json'])
    expect(blank.code).toBe(2)
    expect(blank.json.error.details.problems).toEqual([expect.objectContaining({cell: 'B6', field: '是否涉密'})])
  })

  it('locates every error of a bad application workbook by its cell, and files nothing (exit 2)', async () => {
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.readFile(out('exported.xlsx'))
    const ws = wb.getWorksheet('资源申请')!
    ws.getCell('B4').value = '新系统'
    ws.getCell('B5').value = '第六级'
    ws.getCell('B6').value = '也许'
    ws.getCell('B7').value = '两台'
    ws.getCell('B9').value = 0
    ws.getCell('B15').value = null
    await wb.xlsx.writeFile(out('bad.xlsx'))
    const before = await written()
    const r = await clerk(['cloud', 'apply', '--from-file', out('bad.xlsx'), '--json'])
    expect(r.code, r.stdout).toBe(2)
    const problems = r.json.error.details.problems as Array<{cell: string; field: string}>
    expect(problems.map((p) => [p.cell, p.field])).toEqual([
      ['B5', '等保级别'],
      ['B6', '是否涉密'],
      ['B7', '虚拟机数量（台）'],
      ['B9', '每台内存（GiB）'],
      ['B15', '操作系统'],
    ])
    const human = await clerk(['cloud', 'apply', '--from-file', out('bad.xlsx')])
    expect(human.stderr).toContain('B7: 虚拟机数量（台）: "两台" is not a whole number from 1 to 10000')
    expect(await written()).toEqual(before)
  })

  it('carries a system through every step: initial review, plan with the provider proposed by CLOUD-6, approval reserving capacity and extranet addresses, agreement, provision only with a security commitment (CLOUD-3, 6, 7)', async () => {
    const filed = await apply('社保业务系统', ['--extranet-ips', '4'])
    expect(filed.code, filed.stderr).toBe(0)
    const id = String(filed.json.request.id)
    expect(filed.json.request).toMatchObject({state: 'applied', dueOn: '2026-12-01'})
    // The filer does not review; steps out of order are conflicts.
    expect((await clerk(['requests', 'approve', id])).code).toBe(5)
    expect((await clerk(['cloud', 'plan', id, '--file', fx('上云方案-社保业务系统.pdf')])).code).toBe(4)
    expect((await chief(['requests', 'approve', id])).code).toBe(0)
    // Extranet addresses need the plan to name their pool.
    const noPool = await clerk(['cloud', 'plan', id, '--file', fx('上云方案-社保业务系统.pdf'), '--json'])
    expect(noPool.code).toBe(2)
    expect(noPool.json.error.details.field).toBe('pool')
    const planned = await clerk(['cloud', 'plan', id, '--file', fx('上云方案-社保业务系统.pdf'), '--pool', '政务外网-市级', '--json'])
    expect(planned.code, planned.stderr).toBe(0)
    // 移动云 offers more and so keeps more of it free: the most free capacity that fits.
    expect(planned.json.proposal).toMatchObject({provider: '移动云', reason: 'free'})
    expect(planned.json.request.payload.plan).toMatchObject({provider: '移动云', pool: '政务外网-市级', proposed: true})
    const replan = await clerk(['cloud', 'plan', id, '--file', fx('上云方案-社保业务系统.pdf'), '--json'])
    expect(replan.json.unchanged).toBe(true)
    // Approval reserves: the envelope is reserved on the provider, the addresses in the pool.
    expect((await capacity('移动云')).reserved.vcpu).toBe(0)
    expect((await chief(['requests', 'approve', id])).code).toBe(0)
    const cap = await capacity('移动云')
    expect(cap).toMatchObject({reserved: {vcpu: 8, memoryGib: 32, storageGib: 600, bandwidthMbps: 50, extranetIps: 4}, inUse: {vcpu: 0}, free: {vcpu: 992}})
    const held = (await clerk(['net', 'list', '--json'])).json.allocations
    expect(held).toEqual([expect.objectContaining({unit: HR, status: 'reserved', prefix: 29})])
    expect((await clerk(['cloud', 'agreement', id, '--file', fx('服务协议-社保业务系统.pdf')])).code).toBe(0)
    expect((await clerk(['cloud', 'agreement', id, '--file', fx('服务协议-社保业务系统.pdf'), '--json'])).json.unchanged).toBe(true)
    // No security steps, no provisioning (CLOUD-7, 第二十三条; each step is in cloud-security.test.ts).
    const refused = await clerk(['cloud', 'provision', id, '--json'])
    expect(refused.code).toBe(5)
    expect(refused.json.error.details.rule).toBe('CLOUD-7')
    expect((await clerk(['cloud', 'security', 'record', '社保业务系统', ...GO_LIVE])).code).toBe(0)
    const done = await clerk(['cloud', 'provision', id, '--json'])
    expect(done.code, done.stderr).toBe(0)
    expect(done.json.request.state).toBe('provisioned')
    expect((await clerk(['cloud', 'provision', id, '--json'])).json).toMatchObject({unchanged: true})
    expect(await capacity('移动云')).toMatchObject({reserved: {vcpu: 0}, inUse: {vcpu: 8, extranetIps: 4}})
    expect((await clerk(['net', 'list', '--json'])).json.allocations[0].status).toBe('active')
    const shown = await clerk(['cloud', 'system', 'show', '社保业务系统', '--json'])
    expect(shown.json).toMatchObject({status: 'in-service', provider: '移动云', envelope: {vcpu: 8, memoryGib: 32, storageGib: 600}})
    expect(shown.json.attachments.map((a: {role: string; state: string}) => `${a.role}:${a.state}`)).toEqual(['security-letter:ok', 'plan:ok', 'agreement:ok'])
    // The unit's next system goes where its systems already are (部门高度集中), though 移动云 is not the freest for it.
    const next = await apply('就业服务系统')
    expect((await chief(['requests', 'approve', String(next.json.request.id)])).code).toBe(0)
    const p2 = await clerk(['cloud', 'plan', String(next.json.request.id), '--file', fx('上云方案-社保业务系统.pdf'), '--json'])
    expect(p2.json.proposal).toMatchObject({provider: '移动云', reason: 'unit', figure: 1})
    expect(p2.stdout).not.toBe('')
    expect((await chief(['requests', 'reject', String(next.json.request.id), '--reason', '并入社保业务系统'])).code).toBe(0)
    // A unit under the same department, with no system of its own, goes where its department's units are (行业相对集中).
    expect((await clerk(['units', 'add', '市社会保险事业管理中心', '--kind', 'authorised-body', '--level', 'city', '--parent', HR])).code).toBe(0)
    const sibling = await apply('社保卡服务系统', [], '市社会保险事业管理中心')
    expect((await chief(['requests', 'approve', String(sibling.json.request.id)])).code).toBe(0)
    const p3 = await clerk(['cloud', 'plan', String(sibling.json.request.id), '--file', fx('上云方案-社保业务系统.pdf')])
    expect(p3.stdout).toContain(`provider 移动云 proposed (CLOUD-6): it hosts 1 systems of the units of ${HR} (行业相对集中)`)
    const sameAgain = await clerk(['cloud', 'plan', String(sibling.json.request.id), '--file', fx('上云方案-社保业务系统.pdf'), '--json'])
    expect(sameAgain.json).toMatchObject({unchanged: true, request: {payload: {plan: {provider: '移动云', proposed: true}}}})
    expect((await chief(['requests', 'reject', String(sibling.json.request.id), '--reason', '并入社保业务系统'])).code).toBe(0)
  })

  it('detects an attachment changed after it was filed', async () => {
    const letter = out('letter.pdf')
    copyFileSync(fx('安全责任书-人社局.pdf'), letter)
    const r = await clerk([
      'cloud',
      'apply',
      '--unit',
      HS,
      '--system',
      '医保审核系统',
      '--level',
      '2',
      '--vms',
      '1',
      '--vcpu',
      '2',
      '--memory-gib',
      '4',
      '--system-disk-gib',
      '50',
      '--bandwidth-mbps',
      '10',
      '--os',
      'Linux',
      '--security-letter',
      letter,
      '--json',
    ])
    expect(r.code, r.stderr).toBe(0)
    appendFileSync(letter, '% changed\n')
    const shown = await clerk(['cloud', 'system', 'show', '医保审核系统', '--json'])
    expect(shown.json.attachments).toEqual([expect.objectContaining({role: 'security-letter', state: 'changed'})])
    expect((await clerk(['cloud', 'system', 'show', '医保审核系统'])).stderr).toContain('has changed since it was recorded')
    expect((await chief(['requests', 'reject', String(r.json.request.id), '--reason', '材料被改动'])).code).toBe(0)
  })

  it('records a change inside the envelope at once, turns one beyond it into a scale request, and refuses an approval that does not fit, naming the resource (CLOUD-4, CLOUD-6)', async () => {
    const before = await count('requests')
    const inside = await clerk(['cloud', 'change', '社保业务系统', '--vcpu', '2', '--json'])
    expect(inside.json).toMatchObject({outcome: 'recorded', system: {config: {vcpu: 2}, envelope: {vcpu: 8}}})
    expect((await clerk(['cloud', 'change', '社保业务系统', '--vcpu', '2', '--json'])).json.outcome).toBe('unchanged')
    expect(await count('requests')).toBe(before)
    const bad = await clerk(['cloud', 'change', '社保业务系统', '--vcpu', '0', '--json'])
    expect(bad.code).toBe(2)
    expect(bad.json.error.details.field).toBe('vcpu')
    // Beyond: 600 VMs × 2 vCPU = 1,200 vCPU, more than 移动云 has free.
    const beyond = await clerk(['cloud', 'change', '社保业务系统', '--vms', '600', '--reason', '全市推广', '--json'])
    expect(beyond.json).toMatchObject({outcome: 'filed', request: {kind: 'cloud-scale', payload: {direction: 'up', envelope: {vcpu: 1200}}}})
    const scaleId = String(beyond.json.request.id)
    const refused = await chief(['requests', 'approve', scaleId, '--json'])
    expect(refused.code).toBe(4)
    expect(refused.json.error.details).toMatchObject({rule: 'CLOUD-6', provider: '移动云'})
    expect(refused.json.error.details.shortfalls.map((s: {resource: string}) => s.resource)).toContain('vcpu')
    expect((await capacity('移动云')).inUse.vcpu).toBe(8)
    expect((await chief(['requests', 'reject', scaleId, '--reason', '容量不足'])).code).toBe(0)
    // A scale-up that fits moves envelope and capacity together on approval.
    const up = await clerk(['cloud', 'change', '社保业务系统', '--vms', '10', '--json'])
    expect((await chief(['requests', 'approve', String(up.json.request.id)])).code).toBe(0)
    expect(await capacity('移动云')).toMatchObject({inUse: {vcpu: 20, memoryGib: 160}})
    // --rescale: the envelope becomes exactly the new totals; approval frees the difference.
    const down = await clerk(['cloud', 'change', '社保业务系统', '--vms', '2', '--rescale', '--reason', '缩容', '--json'])
    expect(down.json.request.payload).toMatchObject({direction: 'down', envelope: {vcpu: 4, memoryGib: 32}})
    expect((await chief(['requests', 'approve', String(down.json.request.id)])).code).toBe(0)
    expect(await capacity('移动云')).toMatchObject({inUse: {vcpu: 4, memoryGib: 32, storageGib: 600}})
  })

  it('refuses a provider’s exit while it hosts systems, naming them; migration is a request that checks the target and, approved by another person, moves capacity in one step (CLOUD-2)', async () => {
    const refused = await clerk(['cloud', 'provider', 'exit', '移动云', '--json'])
    expect(refused.code).toBe(4)
    expect(refused.json.error.details).toMatchObject({rule: 'CLOUD-2', systems: ['医保结算系统', '社保业务系统'].filter((s) => s === '社保业务系统')})
    // 电信云 has 100 vCPU: a system needing more cannot move there.
    const big = await clerk(['cloud', 'change', '社保业务系统', '--vms', '30', '--json'])
    expect((await chief(['requests', 'approve', String(big.json.request.id)])).code).toBe(0)
    const tooBig = await clerk(['cloud', 'system', 'migrate', '社保业务系统', '--to', '电信云', '--reason', '移动云退出', '--json'])
    expect(tooBig.code).toBe(4)
    expect(tooBig.json.error.details).toMatchObject({rule: 'CLOUD-6', provider: '电信云'})
    const small = await clerk(['cloud', 'change', '社保业务系统', '--vms', '2', '--rescale', '--json'])
    expect((await chief(['requests', 'approve', String(small.json.request.id)])).code).toBe(0)
    const filed = await clerk(['cloud', 'system', 'migrate', '社保业务系统', '--to', '电信云', '--reason', '移动云退出', '--json'])
    expect(filed.code, filed.stderr).toBe(0)
    expect(await capacity('电信云')).toMatchObject({inUse: {vcpu: 0}})
    const moved = await chief(['requests', 'approve', String(filed.json.request.id), '--json'])
    expect(moved.code, moved.stderr).toBe(0)
    expect(await capacity('电信云')).toMatchObject({inUse: {vcpu: 4}})
    expect(await capacity('移动云')).toMatchObject({inUse: {vcpu: 0}})
    expect((await clerk(['cloud', 'system', 'migrate', '社保业务系统', '--to', '电信云', '--reason', '移动云退出', '--json'])).json.unchanged).toBe(true)
    const exit = await clerk(['cloud', 'provider', 'exit', '移动云', '--reason', '合同期满', '--json'])
    expect(exit.code, exit.stderr).toBe(0)
    expect((await chief(['requests', 'approve', String(exit.json.request.id)])).code).toBe(0)
    expect((await clerk(['cloud', 'provider', 'show', '移动云', '--json'])).json.status).toBe('exited')
    // An exited provider takes nothing new.
    const back = await clerk(['cloud', 'system', 'migrate', '社保业务系统', '--to', '移动云', '--reason', '回迁', '--json'])
    expect(back.code).toBe(5)
    expect(back.json.error.details.rule).toBe('CLOUD-2')
  })

  it('releases only on a wipe confirmed by another operator: capacity and addresses come back then, never before (CLOUD-5)', async () => {
    expect((await clerk(['cloud', 'wipe', '社保业务系统', '--method', 'overwrite', '--by', '王工'])).code).toBe(4)
    const filed = await clerk(['cloud', 'release', '社保业务系统', '--reason', '整合至省平台', '--json'])
    expect(filed.code, filed.stderr).toBe(0)
    const id = String(filed.json.request.id)
    expect((await clerk(['cloud', 'release', '社保业务系统', '--reason', '整合至省平台', '--json'])).json).toMatchObject({unchanged: true, request: {id: Number(id)}})
    expect((await clerk(['cloud', 'wipe', '社保业务系统', '--method', 'overwrite', '--by', '王工'])).code).toBe(4)
    expect((await chief(['requests', 'approve', id])).code).toBe(0)
    const badMethod = await clerk(['cloud', 'wipe', '社保业务系统', '--method', 'format', '--by', '王工', '--json'])
    expect(badMethod.code).toBe(2)
    expect((await clerk(['cloud', 'wipe', '社保业务系统', '--method', 'crypto-erase', '--by', '电信云 王工', '--evidence', fx('数据清除报告-社保业务系统.pdf')])).code).toBe(0)
    // Still in use until confirmed; the system does not go back to service.
    expect(await capacity('电信云')).toMatchObject({inUse: {vcpu: 4}})
    expect((await clerk(['cloud', 'change', '社保业务系统', '--vcpu', '1'])).code).toBe(4)
    const own = await clerk(['cloud', 'confirm-release', '社保业务系统', '--json'])
    expect(own.code).toBe(5)
    expect(own.json.error.details.rule).toBe('CLOUD-5')
    expect(await capacity('电信云')).toMatchObject({inUse: {vcpu: 4}})
    const confirmed = await egov(['cloud', 'confirm-release', '社保业务系统', '--json'], as('auditor'))
    expect(confirmed.code, confirmed.stderr).toBe(0)
    expect(confirmed.json.request).toMatchObject({state: 'released', payload: {wipe: {method: 'crypto-erase', by: '电信云 王工'}}})
    expect(await capacity('电信云')).toMatchObject({inUse: {vcpu: 0, extranetIps: 0}, free: {vcpu: 100}})
    expect((await clerk(['net', 'list', '--json'])).json.allocations).toEqual([])
    expect((await egov(['cloud', 'confirm-release', '社保业务系统', '--json'], as('auditor'))).json.unchanged).toBe(true)
    // The name is free again once released.
    expect((await clerk(['cloud', 'system', 'show', '社保业务系统', '--json'])).json.status).toBe('released')
  })

  it('tracks security dates: a level-3 system’s assessments due yearly after a pass, at once after a failure, overdue first; dates after today refused (CLOUD-7, 第二十三条)', async () => {
    await onboard('公积金系统', {provider: '电信云'})
    const future = await clerk(['cloud', 'security', 'record', '公积金系统', '--grading', '2026-12-01', '--result', 'pass', '--json'])
    expect(future.code).toBe(2)
    expect(future.json.error.details.field).toBe('grading')
    // An older pass does not move the due date: the latest record decides.
    expect((await clerk(['cloud', 'security', 'record', '公积金系统', '--grading', '2025-12-10', '--result', 'pass'])).code).toBe(0)
    expect((await clerk(['cloud', 'security', 'record', '公积金系统', '--crypto', '2026-11-22', '--result', 'fail'])).code).toBe(0)
    expect((await clerk(['cloud', 'security', 'record', '公积金系统', '--crypto', '2026-11-22', '--result', 'fail', '--json'])).json.unchanged).toBe(true)
    expect((await clerk(['cloud', 'security', 'record', '公积金系统', '--grading', '2026-11-01', '--json'])).code).toBe(2)
    const due = await clerk(['cloud', 'security', '--due', '365', '--json'])
    expect(due.json.due.map((d: {system: string; kind: string; dueOn: string; overdue: boolean}) => [d.system, d.kind, d.dueOn, d.overdue])).toEqual([
      ['公积金系统', 'crypto', '2026-11-22', true],
      ['公积金系统', 'grading', '2027-11-19', false],
    ])
    expect((await clerk(['cloud', 'security', '--due', '30', '--json'])).json.due).toHaveLength(1)
  })

  it('reviews the efficiency of systems carried through the real steps, from a provider’s samples (CLOUD-8)', async () => {
    // 20 hourly samples of 公积金系统 the day after it went into service (a sample belongs to the
    // system in service at its time), read two days later: CPU 1%…20%, memory 5%: nearest-rank p95 = the 19th = 19% and 5%.
    const later = {...as('clerk'), EGOV_NOW: '2026-11-26T10:00:00+08:00'}
    const rows = Array.from({length: 20}, (_, i) => `公积金系统,2026-11-25 ${String(i).padStart(2, '0')}:00,${i + 1},5,40`)
    writeFileSync(out('usage.csv'), ['系统名称,采集时间,CPU使用率,内存使用率,磁盘使用率', ...rows].join('\n') + '\n')
    const imported = await egov(['cloud', 'usage', 'import', out('usage.csv'), '--json'], later)
    expect(imported.code, imported.stderr).toBe(0)
    expect(imported.json).toMatchObject({added: 20, alreadyRecorded: 0})
    const review = await egov(['cloud', 'efficiency', '--days', '7', '--json'], later)
    expect(review.code, review.stderr).toBe(0)
    // 4 vCPU and 16 GiB per VM: ⌈4 × 19 / 70⌉ = 2 vCPU, ⌈16 × 5 / 70⌉ = 2 GiB.
    expect(review.json.flagged).toEqual([
      expect.objectContaining({system: '公积金系统', unit: HR, provider: '电信云', p95Cpu: 19, p95Memory: 5, suggestedPerVm: expect.objectContaining({vcpu: 2, memoryGib: 2})}),
    ])
  })

  it('reports the year from the recorded history, and the audit chain holds', async () => {
    const r = await clerk(['cloud', 'report', '--year', '2026', '--out', out('report.xlsx'), '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.json.counts).toEqual({onboarded: 2, scaled: 4, changedInside: 1, migrated: 1, released: 1})
    expect(r.json.providers.map((p: {provider: string}) => p.provider)).toEqual(['电信云'])
    // Two systems went live with a passed 等保测评 and 密评 each (CLOUD-7); 公积金系统's 密评 then failed.
    expect(r.json.assessments.done).toEqual([
      {kind: 'crypto', pass: 2, fail: 1},
      {kind: 'grading', pass: 2, fail: 0},
    ])
    const book = cellsOf(out('report.xlsx'))
    expect(book['概况']!.B2).toBe('2')
    expect((await clerk(['audit', 'verify', '--json'])).json).toMatchObject({ok: true})
  })
})
