import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {cloud9Admissible, needsCloudException, parseDocumentNo} from '../../src/core/cloud/index.js'
import {kindOf, unitKinds} from '../../src/core/units/index.js'
import {isolatedHome} from '../helpers/cli.js'
import {egovInProcess} from '../helpers/in-process.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

const FIX = fileURLToPath(new URL('../../fixtures/cloud/', import.meta.url))
const LETTER = join(FIX, '安全责任书-人社局.pdf')

const BANK = '某银行嘉峪关分行'
const POST = '市邮政分公司'
const SOE = '市国有资产投资公司'
const FIRM = '某科技有限公司'
const PERSON = '张三'
const HR = '市人力资源和社会保障局'

describe('CLOUD-9 (第十三条) as data and a pure rule', () => {
  it('reads the kinds from templates/unit-kinds.json: banks, post offices and state enterprises are enterprises, an individual a person, the rest public bodies', () => {
    const nature = Object.fromEntries(unitKinds().map((k) => [k.key, k.nature ?? 'public']))
    expect(nature).toEqual({
      'party-government': 'public',
      'stationed-unit': 'public',
      'authorised-body': 'public',
      other: 'public',
      'service-department': 'public',
      'post-office': 'enterprise',
      bank: 'enterprise',
      'state-enterprise': 'enterprise',
      enterprise: 'enterprise',
      individual: 'person',
    })
    // What NET-3 and KIOSK-1 read from the same file is still there.
    expect(kindOf('bank')).toMatchObject({name: '银行', netCategory: 4, kiosk: true})
    expect(kindOf('邮政企业')).toMatchObject({key: 'post-office', kiosk: true})
    expect(needsCloudException(kindOf('party-government'))).toBe(false)
  })

  it('admits a public body without an exception, an enterprise only under an approved exception granted to it and covering the system', () => {
    const bank = {unit: BANK, system: '金融服务系统', kind: kindOf('bank')}
    const approved = {id: 7, kind: 'cloud-exception', state: 'approved', unit: BANK}
    expect(cloud9Admissible({unit: HR, system: 'x', kind: kindOf('party-government')})).toEqual({admissible: true})
    expect(cloud9Admissible(bank)).toMatchObject({admissible: false, key: 'cloud.exception.needed'})
    expect(cloud9Admissible({...bank, kind: kindOf('individual')})).toMatchObject({admissible: false, key: 'cloud.exception.neededPerson'})
    expect(cloud9Admissible(bank, approved)).toEqual({admissible: true, exceptionId: 7})
    expect(cloud9Admissible(bank, {...approved, systems: ['金融服务系统']})).toEqual({admissible: true, exceptionId: 7})
    expect(cloud9Admissible(bank, {...approved, systems: ['其他系统']})).toMatchObject({admissible: false, key: 'cloud.exception.otherSystem'})
    expect(cloud9Admissible(bank, {...approved, unit: POST})).toMatchObject({admissible: false, key: 'cloud.exception.otherUnit'})
    expect(cloud9Admissible(bank, {...approved, state: 'applied'})).toMatchObject({admissible: false, key: 'cloud.exception.notApproved'})
    expect(cloud9Admissible(bank, {...approved, state: 'rejected'})).toMatchObject({admissible: false, key: 'cloud.exception.rejected'})
    expect(cloud9Admissible(bank, {...approved, kind: 'ticket'})).toMatchObject({admissible: false, key: 'cloud.exception.notException'})
    // An exception named by a public body is checked too: a bogus one is never waved through.
    expect(cloud9Admissible({unit: HR, system: 'x', kind: kindOf('party-government')}, {...approved, unit: BANK})).toMatchObject({admissible: false, key: 'cloud.exception.otherUnit'})
  })

  it('reads document numbers as GB/T 9704 writes them (发文机关代字〔年份〕序号号)', () => {
    expect(parseDocumentNo('嘉数发〔2026〕12号', 2026)).toBe('嘉数发〔2026〕12号')
    expect(parseDocumentNo(' 嘉数发[2026]012号 ', 2026)).toBe('嘉数发〔2026〕12号')
    expect(parseDocumentNo('嘉政办发（２０２５）３号', 2026)).toBe('嘉政办发〔2025〕3号')
    for (const bad of ['', '随便写', '嘉数发2026年12号', '〔2026〕12号', '嘉数发〔2027〕1号', '嘉数发〔26〕1号', '嘉数发〔2026〕第十二号']) expect(parseDocumentNo(bad, 2026), bad).toBeUndefined()
  })
})

/**
 * CLOUD-9 (第十三条: 未经政务云管理单位批准，不得向个人或企业提供政务云服务) and CLOUD-2
 * (第十一条(三): 纳管后报省大数据中心) through the CLI (in-process): every enterprise and person refused
 * without a recorded exception, the exception filed by one person and approved by another
 * named by its number, checked to cover the unit and the system; the report to the
 * province dated no earlier than the application.
 */
describeEachDialect('CLOUD-9 exceptions and the CLOUD-2 report date through the CLI (in-process)', (dialect) => {
  let tdb: TestDatabase
  let env: Record<string, string>
  const dir = mkdtempSync(join(tmpdir(), 'egov-cloud-ex-'))
  const out = (name: string) => join(dir, name)
  const as = (who: string, extra: Record<string, string> = {}) => ({...env, ...tdb.envFor(who), ...extra})
  const clerk = (args: string[], extra: Record<string, string> = {}) => egovInProcess(args, as('clerk', extra))
  const chief = (args: string[], extra: Record<string, string> = {}) => egovInProcess(args, as('chief', extra))
  const count = (table: string) => tdb.count(table)
  const written = async () => [await count('requests'), await count('request_transitions'), await count('cloud_systems'), await count('cloud_attachments'), await count('audit_log')]
  /** An application with sensible values for `unit`; `extra` are more flags. */
  const apply = (unit: string, system: string, extra: string[] = []) =>
    clerk([
      'cloud',
      'apply',
      '--unit',
      unit,
      '--system',
      system,
      '--level',
      '3',
      '--vms',
      '1',
      '--vcpu',
      '4',
      '--memory-gib',
      '8',
      '--system-disk-gib',
      '100',
      '--bandwidth-mbps',
      '20',
      '--os',
      '麒麟V10',
      '--security-letter',
      LETTER,
      '--json',
      ...extra,
    ])
  /** Files an exception as the clerk; returns its number. */
  const fileException = async (unit: string, documentNo: string, systems: string[] = [], basis = '市政府专题会议纪要同意接入政务云') => {
    const r = await clerk(['cloud', 'exception', 'apply', '--unit', unit, '--basis', basis, '--document-no', documentNo, ...systems.flatMap((s) => ['--system', s]), '--json'])
    expect(r.code, r.stderr).toBe(0)
    return r.json.request.id as number
  }
  /** Files and approves (as a second person) an exception; returns its number. */
  const grant = async (unit: string, documentNo: string, systems: string[] = []) => {
    const id = await fileException(unit, documentNo, systems)
    const approved = await chief(['requests', 'approve', String(id), '--json'])
    expect(approved.code, approved.stderr).toBe(0)
    return id
  }

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    for (const who of ['clerk', 'chief']) await (await tdb.open(who)).close()
    env = {...isolatedHome(), ...tdb.env, EGOV_NOW: '2026-11-24T10:00:00+08:00'}
    for (const [name, kind] of [
      [BANK, 'bank'],
      [POST, 'post-office'],
      [SOE, 'state-enterprise'],
      [FIRM, 'enterprise'],
      [PERSON, 'individual'],
      [HR, 'party-government'],
    ] as const) {
      const r = await clerk(['units', 'add', name, '--kind', kind, '--level', 'city'])
      expect(r.code, r.stderr).toBe(0)
    }
  })
  afterAll(async () => {
    await tdb.cleanup()
  })

  it('registers units of the new kinds: units add --kind bank, post-office, state-enterprise (templates/unit-kinds.json)', async () => {
    const banks = await clerk(['units', 'list', '--kind', 'bank', '--json'])
    expect(banks.json.units.map((u: {name: string; kindName: string}) => [u.name, u.kindName])).toEqual([[BANK, '银行']])
    const soe = await clerk(['units', 'list', '--kind', '国有企业', '--json'])
    expect(soe.json.units.map((u: {name: string}) => u.name)).toEqual([SOE])
    const bad = await clerk(['units', 'add', '某信用社', '--kind', 'credit-union', '--level', 'city', '--json'])
    expect(bad.code).toBe(2)
    expect(bad.json.error.details.field).toBe('kind')
    expect(bad.json.error.message).toContain('bank (银行)')
  })

  it('CLOUD-9 (第十三条): a bank, a post office, a state enterprise, an enterprise and a person are refused without an exception — exit 5, saying how to get one, nothing written; a public body is not', async () => {
    const before = await written()
    for (const [unit, system, kind] of [
      [BANK, '金融服务系统', '银行'],
      [POST, '邮政便民服务系统', '邮政企业'],
      [SOE, '国资监管系统', '国有企业'],
      [FIRM, '企业门户', '企业'],
      [PERSON, '个人网站', '个人'],
    ] as const) {
      const r = await apply(unit, system)
      expect(r.code, `${unit}: ${r.stdout}`).toBe(5)
      expect(r.json.error.details).toMatchObject({rule: 'CLOUD-9', field: 'approved-exception'})
      expect(r.json.error.message).toContain(kind)
      expect(r.json.error.message).toContain('第十三条')
      expect(r.json.error.message).toContain(`egov cloud exception apply --unit "${unit}"`)
      expect(r.json.error.message).toContain('--approved-exception ID')
    }
    // In Chinese too, for the person at the terminal.
    const zh = await egovInProcess(
      [
        'cloud',
        'apply',
        '--unit',
        BANK,
        '--system',
        '金融服务系统',
        '--level',
        '3',
        '--vms',
        '1',
        '--vcpu',
        '4',
        '--memory-gib',
        '8',
        '--system-disk-gib',
        '100',
        '--bandwidth-mbps',
        '20',
        '--os',
        '麒麟V10',
        '--security-letter',
        LETTER,
      ],
      {...as('clerk'), LANG: 'zh_CN.UTF-8'},
    )
    expect(zh.code).toBe(5)
    expect(zh.stderr).toContain('未经政务云管理单位批准，不得向企业提供政务云服务')
    expect(await written()).toEqual(before)
    const publicBody = await apply(HR, '社保业务系统')
    expect(publicBody.code, publicBody.stderr).toBe(0)
    expect(publicBody.json.request.payload.exceptionId).toBeUndefined()
    expect((await chief(['requests', 'reject', String(publicBody.json.request.id), '--reason', '测试完毕'])).code).toBe(0)
  })

  it('CLOUD-9: an exception’s bad input is refused naming the field and the rule (exit 2), an unknown unit is exit 3, a public body needs none (exit 4); nothing written', async () => {
    const before = await written()
    // [flags, field at fault, exit code, whether CLOUD-9 decides it (a flag left out is just missing)]
    for (const [args, field, code, byRule] of [
      [['--unit', BANK, '--basis', '   ', '--document-no', '嘉数发〔2026〕1号'], 'basis', 2, false],
      [['--unit', BANK, '--basis', '依据', '--document-no', '随便写'], 'document-no', 2, true],
      [['--unit', BANK, '--basis', '依据', '--document-no', '嘉数发〔2027〕1号'], 'document-no', 2, true],
      [['--unit', BANK, '--basis', 'x'.repeat(2001), '--document-no', '嘉数发〔2026〕1号'], 'basis', 2, true],
      [['--unit', BANK, '--basis', '依据', '--document-no', '嘉数发〔2026〕1号', '--system', ' '], 'system', 2, false],
      [['--unit', BANK, '--basis', '依据'], 'document-no', 2, false],
      [['--basis', '依据', '--document-no', '嘉数发〔2026〕1号'], 'unit', 2, false],
      [['--unit', '不存在的银行', '--basis', '依据', '--document-no', '嘉数发〔2026〕1号'], 'unit', 3, false],
      [['--unit', HR, '--basis', '依据', '--document-no', '嘉数发〔2026〕1号'], 'unit', 4, true],
    ] as const) {
      const r = await clerk(['cloud', 'exception', 'apply', ...args, '--json'])
      expect(r.code, `${args.join(' ')}: ${r.stdout}`).toBe(code)
      expect(r.json.error.details.field).toBe(field)
      if (byRule) {
        expect(r.json.error.details.rule).toBe('CLOUD-9')
        expect(r.json.error.message).toContain('CLOUD-9')
      }
    }
    expect(await written()).toEqual(before)
  })

  it('CLOUD-9, X-2: the bureau files an exception; its filer cannot approve it, a second person does; filing it again is a no-op, its document number with another basis a conflict (exit 4)', async () => {
    const id = await fileException(BANK, '嘉数发[2026]12号', ['金融服务系统'])
    const shown = await clerk(['cloud', 'exception', 'show', String(id), '--json'])
    expect(shown.json).toMatchObject({id, state: 'applied', unit: BANK, unitKind: 'bank', unitKindName: '银行', documentNo: '嘉数发〔2026〕12号', systems: ['金融服务系统'], approvedBy: null})
    // Not yet approved: no use to anyone.
    const early = await apply(BANK, '金融服务系统', ['--approved-exception', String(id)])
    expect(early.code).toBe(5)
    expect(early.json.error.details).toMatchObject({rule: 'CLOUD-9', key: 'cloud.exception.notApproved'})
    // The filer may not approve it: exit 5, nothing moved.
    const before = await written()
    const own = await clerk(['requests', 'approve', String(id), '--json'])
    expect(own.code).toBe(5)
    expect(own.json.error.details.rule).toBe('X-2')
    expect(await written()).toEqual(before)
    expect((await clerk(['cloud', 'exception', 'show', String(id), '--json'])).json.state).toBe('applied')
    // The same filing again prints it; the same document with another basis is a conflict.
    const again = await clerk([
      'cloud',
      'exception',
      'apply',
      '--unit',
      BANK,
      '--basis',
      '市政府专题会议纪要同意接入政务云',
      '--document-no',
      '嘉数发〔2026〕12号',
      '--system',
      '金融服务系统',
      '--json',
    ])
    expect(again.json).toMatchObject({unchanged: true, request: {id}})
    const other = await clerk(['cloud', 'exception', 'apply', '--unit', BANK, '--basis', '另一依据', '--document-no', '嘉数发〔2026〕12号', '--json'])
    expect(other.code).toBe(4)
    expect(other.json.error.details).toMatchObject({field: 'document-no', rule: 'CLOUD-9'})
    expect(await written()).toEqual(before)
    // A second person approves it.
    const approved = await chief(['requests', 'approve', String(id), '--comment', '同意', '--json'])
    expect(approved.code, approved.stderr).toBe(0)
    expect(approved.json.request).toMatchObject({kind: 'cloud-exception', state: 'approved', payload: {approvedBy: tdb.actor('chief')}})
    const listed = await clerk(['cloud', 'exception', 'list', '--unit', BANK, '--state', 'approved', '--json'])
    expect(listed.json.exceptions.map((e: {id: number; filedBy: string; approvedBy: string}) => [e.id, e.filedBy, e.approvedBy])).toEqual([[id, tdb.actor('clerk'), tdb.actor('chief')]])
    const human = await clerk(['cloud', 'exception', 'list'])
    expect(human.stdout).toContain('嘉数发〔2026〕12号')
    expect((await clerk(['requests', 'list', '--kind', 'cloud-exception', '--json'])).json.requests.map((r: {id: number}) => r.id)).toContain(id)
  })

  it('CLOUD-9: a fake, unknown, unapproved, rejected, other-unit or other-system exception is refused (exit 2, 3 or 5 naming CLOUD-9); nothing written', async () => {
    const bankOnly = await grant(BANK, '嘉数发〔2026〕20号', ['网点排队系统'])
    const pending = await fileException(POST, '嘉数发〔2026〕21号')
    const rejected = await fileException(POST, '嘉数发〔2026〕22号')
    expect((await chief(['requests', 'reject', String(rejected), '--reason', '依据不足'])).code).toBe(0)
    const ticket = await clerk(['ticket', 'open', '--unit', HR, '--subject', '网络故障', '--json'])
    expect(ticket.code, ticket.stderr).toBe(0)
    const before = await written()
    for (const [unit, system, value, code, key] of [
      [POST, '邮政便民服务系统', '随便写', 2, 'cloud.form.badException'],
      [POST, '邮政便民服务系统', '0', 2, 'cloud.form.badException'],
      [POST, '邮政便民服务系统', '-3', 2, 'cloud.form.badException'],
      [POST, '邮政便民服务系统', '999999', 3, 'cloud.exception.notFound'],
      [POST, '邮政便民服务系统', String(ticket.json.request.id), 5, 'cloud.exception.notException'],
      [POST, '邮政便民服务系统', String(pending), 5, 'cloud.exception.notApproved'],
      [POST, '邮政便民服务系统', String(rejected), 5, 'cloud.exception.rejected'],
      [POST, '邮政便民服务系统', String(bankOnly), 5, 'cloud.exception.otherUnit'],
      [BANK, '金融服务系统', String(bankOnly), 5, 'cloud.exception.otherSystem'],
      [HR, '人社另一系统', String(bankOnly), 5, 'cloud.exception.otherUnit'],
    ] as const) {
      const r = await apply(unit, system, ['--approved-exception', value])
      expect(r.code, `${unit} ${value}: ${r.stdout}`).toBe(code)
      expect(r.json.error.details, value).toMatchObject({key, field: 'approved-exception'})
      expect(r.json.error.message).toContain('CLOUD-9')
      if (code !== 2) expect(r.json.error.details.rule).toBe('CLOUD-9')
    }
    expect(await written()).toEqual(before)
  })

  it('CLOUD-9 (第十三条): an approved exception admits the bank, the post office, the state enterprise and the person; the request records its number, system show shows it, exception show lists the system', async () => {
    const bank = await grant(BANK, '嘉数发〔2026〕30号', ['金融服务系统'])
    const filed = await apply(BANK, '金融服务系统', ['--approved-exception', `#${bank}`])
    expect(filed.code, filed.stderr).toBe(0)
    expect(filed.json.request.payload).toMatchObject({unit: BANK, system: '金融服务系统', exceptionId: bank})
    expect(filed.json.request.payload.exceptionRef).toBeUndefined()
    // The same application again is a no-op; without the exception it is refused.
    expect((await apply(BANK, '金融服务系统', ['--approved-exception', String(bank)])).json).toMatchObject({unchanged: true, request: {id: filed.json.request.id}})
    const system = await clerk(['cloud', 'system', 'show', '金融服务系统', '--json'])
    expect(system.json).toMatchObject({exceptionId: bank, exception: {id: bank, documentNo: '嘉数发〔2026〕30号', state: 'approved', systems: ['金融服务系统']}})
    expect((await clerk(['cloud', 'system', 'show', '金融服务系统'])).stdout).toContain(`exception: ${bank} 嘉数发〔2026〕30号`)
    const shown = await clerk(['cloud', 'exception', 'show', String(bank), '--json'])
    expect(shown.json.usedBy).toEqual([{system: '金融服务系统', status: 'applying', requestId: filed.json.request.id}])
    // An exception without --system covers every system of its unit.
    const soe = await grant(SOE, '嘉国资发〔2026〕5号')
    for (const name of ['国资监管系统', '国资数据中台']) {
      const r = await apply(SOE, name, ['--approved-exception', String(soe)])
      expect(r.code, r.stderr).toBe(0)
      expect(r.json.request.payload.exceptionId).toBe(soe)
    }
    const person = await grant(PERSON, '嘉数发〔2026〕31号')
    expect((await apply(PERSON, '个人网站', ['--approved-exception', String(person)])).code).toBe(0)
    // The exception goes with the request through review like any other (X-2 still applies to the onboarding).
    expect((await chief(['requests', 'approve', String(filed.json.request.id)])).code).toBe(0)
  })

  it('CLOUD-9: request files (JSON, YAML) name the exception by its number; a bad one is located; an export reads back to the same request', async () => {
    const post = await grant(POST, '嘉数发〔2026〕40号', ['邮政便民服务系统', '邮政物流系统'])
    const values = {unit: POST, system: '邮政便民服务系统', level: '第三级', vms: 1, vcpu: 4, memoryGib: 8, systemDiskGib: 100, bandwidthMbps: 20, os: '麒麟V10', securityLetter: LETTER}
    writeFileSync(out('post.json'), JSON.stringify({...values, approvedException: post}))
    const json = await clerk(['cloud', 'apply', '--from-file', out('post.json'), '--json'])
    expect(json.code, json.stderr).toBe(0)
    expect(json.json.request.payload.exceptionId).toBe(post)
    writeFileSync(
      out('post.yaml'),
      `unit: ${POST}\nsystem: 邮政物流系统\nlevel: 3\nvms: 1\nvcpu: 2\nmemoryGib: 4\nsystemDiskGib: 50\nbandwidthMbps: 10\nos: 统信UOS 20\nsecurityLetter: ${LETTER}\napprovedException: "${post}"\n`,
    )
    const yaml = await clerk(['cloud', 'apply', '--from-file', out('post.yaml'), '--json'])
    expect(yaml.code, yaml.stderr).toBe(0)
    expect(yaml.json.request.payload).toMatchObject({system: '邮政物流系统', exceptionId: post})
    // Exported and applied again: the same request (the exception's number goes with it).
    expect((await clerk(['cloud', 'export', String(json.json.request.id), '--out', out('post.xlsx')])).code).toBe(0)
    expect((await clerk(['cloud', 'apply', '--from-file', out('post.xlsx'), '--json'])).json).toMatchObject({unchanged: true, request: {id: json.json.request.id}})
    const before = await written()
    // Free text where the number goes: located, exit 2; a file leaving it out for an enterprise: exit 5; a system it does not cover: exit 5.
    writeFileSync(out('free-text.json'), JSON.stringify({...values, system: '邮政新系统', approvedException: '市政府办公厅〔2026〕8号'}))
    const free = await clerk(['cloud', 'apply', '--from-file', out('free-text.json'), '--json'])
    expect(free.code).toBe(2)
    expect(free.json.error.details.problems).toEqual([expect.objectContaining({cell: 'approvedException', message: expect.stringContaining('CLOUD-9')})])
    writeFileSync(out('none.yaml'), `unit: ${POST}\nsystem: 邮政新系统\nlevel: 3\nvms: 1\nvcpu: 2\nmemoryGib: 4\nsystemDiskGib: 50\nbandwidthMbps: 10\nos: 麒麟V10\nsecurityLetter: ${LETTER}\n`)
    const none = await clerk(['cloud', 'apply', '--from-file', out('none.yaml'), '--json'])
    expect(none.code).toBe(5)
    expect(none.json.error.details).toMatchObject({rule: 'CLOUD-9', key: 'cloud.exception.needed'})
    writeFileSync(out('uncovered.json'), JSON.stringify({...values, system: '邮政新系统', approvedException: post}))
    const uncovered = await clerk(['cloud', 'apply', '--from-file', out('uncovered.json'), '--json'])
    expect(uncovered.code).toBe(5)
    expect(uncovered.json.error.details).toMatchObject({rule: 'CLOUD-9', key: 'cloud.exception.otherSystem'})
    expect(await written()).toEqual(before)
  })

  it('CLOUD-9: a free-text exception stored before exceptions were records stays readable (system show, requests show, export)', async () => {
    const filed = await apply(HR, '旧系统')
    expect(filed.code, filed.stderr).toBe(0)
    const id = filed.json.request.id as number
    // As a row written by an earlier version: the text in exception_ref and in the payload, no number.
    const row = await tdb.one(`select payload from requests where id = ${id}`)
    const payload = {...JSON.parse(String(row.payload)), exceptionRef: '市政府办公厅〔2025〕3号'}
    await tdb.sql(`update requests set payload = '${JSON.stringify(payload)}' where id = ${id}`)
    await tdb.sql(`update cloud_systems set exception_ref = '市政府办公厅〔2025〕3号', exception_id = null where name = '旧系统'`)
    const shown = await clerk(['cloud', 'system', 'show', '旧系统', '--json'])
    expect(shown.code, shown.stderr).toBe(0)
    expect(shown.json).toMatchObject({exceptionRef: '市政府办公厅〔2025〕3号', exceptionId: null})
    expect(shown.json.exception).toBeUndefined()
    expect((await clerk(['cloud', 'system', 'show', '旧系统'])).stdout).toContain('exception: 市政府办公厅〔2025〕3号')
    expect((await clerk(['requests', 'show', String(id), '--json'])).json.payload.exceptionRef).toBe('市政府办公厅〔2025〕3号')
    expect((await clerk(['cloud', 'export', String(id), '--out', out('old.xlsx')])).code).toBe(0)
  })

  it('CLOUD-2 (第十一条(三)): the admission is reported to the province on or after the day the application was filed, and not in the future — else exit 2 naming reported-on and CLOUD-2, nothing written', async () => {
    // Filed on 20 November; tested and admitted on 24 November.
    const filed = await clerk(['cloud', 'provider', 'apply', '电信云', '--vcpu', '100', '--memory-gib', '400', '--storage-tib', '2', '--bandwidth-mbps', '1000', '--json'], {
      EGOV_NOW: '2026-11-20T09:00:00+08:00',
    })
    expect(filed.code, filed.stderr).toBe(0)
    const id = String(filed.json.request.id)
    expect((await chief(['requests', 'approve', id, '--comment', '专家评审通过'], {EGOV_NOW: '2026-11-23T09:00:00+08:00'})).code).toBe(0)
    const before = await written()
    for (const [date, key] of [
      ['2026-11-19', 'cloud.reportBeforeApplication'],
      ['2025-11-20', 'cloud.reportBeforeApplication'],
      ['2026-11-25', 'cloud.dateInFuture'],
      ['2026-11-31', 'input.badDate'],
    ] as const) {
      const r = await chief(['cloud', 'provider', 'admission-test', id, '--result', 'pass', '--note', '测试通过', '--reported-on', date, '--json'])
      expect(r.code, `${date}: ${r.stdout}`).toBe(2)
      expect(r.json.error.details).toMatchObject({field: 'reported-on', key})
      if (key !== 'input.badDate') expect(r.json.error.details.rule).toBe('CLOUD-2')
    }
    const early = await chief(['cloud', 'provider', 'admission-test', id, '--result', 'pass', '--note', '测试通过', '--reported-on', '2026-11-19', '--json'])
    expect(early.json.error.message).toContain('2026-11-20')
    expect(early.json.error.message).toContain('CLOUD-2')
    expect(await written()).toEqual(before)
    expect((await clerk(['cloud', 'provider', 'list', '--json'])).json.providers).toEqual([])
    // The day of the application itself is fine.
    const passed = await chief(['cloud', 'provider', 'admission-test', id, '--result', 'pass', '--note', '测试通过', '--reported-on', '2026-11-20', '--json'])
    expect(passed.code, passed.stderr).toBe(0)
    expect(passed.json.request.payload.reportedOn).toBe('2026-11-20')
    expect((await clerk(['cloud', 'provider', 'show', '电信云', '--json'])).json.reportedOn).toBe('2026-11-20')
  })
})
