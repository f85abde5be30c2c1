import {createHash} from 'node:crypto'
import {mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {afterAll, beforeAll, expect, it} from 'vitest'

import {isolatedHome} from '../helpers/cli.js'
import {egovInProcess} from '../helpers/in-process.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

const fx = (name: string) => fileURLToPath(new URL(`../../fixtures/cloud/${name}`, import.meta.url))
const LETTER = fx('安全责任书-人社局.pdf')
const PLAN = fx('上云方案-社保业务系统.pdf')
const AGREEMENT = fx('服务协议-社保业务系统.pdf')
const REPORT = fx('安全检测评估报告-社保业务系统.pdf')
const PLATFORM_REPORT = fx('等保测评报告-移动云.pdf')
const UNIT = '市大数据中心'
/** Each test is tens of CLI runs: room for a loaded machine. */
const LONG = 180_000

/** The steps of 第二十三条 as flags, in the order the refusal names them. */
const STEPS: Array<[key: string, name: string, flags: string[]]> = [
  ['resources', '安全资源申请', ['--security-resources', '2026-11-10']],
  ['self-check', '安全自查', ['--self-check', '2026-11-12']],
  ['assessment', '检测评估', ['--assessment', '2026-11-16', '--result', 'pass']],
  ['hardening', '安全加固', ['--hardening', '2026-11-18']],
  ['filing', '等保定级备案', ['--filing', '2026-11-19']],
  ['grading', '等保测评', ['--grading', '2026-11-19', '--result', 'pass']],
  ['crypto', '密码应用安全性评估', ['--crypto', '2026-11-19', '--result', 'pass']],
  ['commitment', '上云安全承诺书', ['--commitment', '2026-11-20']],
]
/** What a level-2 system needs before go-live, in one call (a level-3 one adds --grading D --crypto D). */
const LEVEL2 = [
  '--security-resources',
  '2026-11-10',
  '--self-check',
  '2026-11-12',
  '--assessment',
  '2026-11-16',
  '--result',
  'pass',
  '--hardening',
  '2026-11-18',
  '--filing',
  '2026-11-19',
  '--commitment',
  '2026-11-20',
]

/**
 * CLOUD-7 as 第二十三条 writes it, through the CLI (in-process): the steps before go-live per level
 * (templates/cloud-security-levels.json), provisioning refused naming each missing one,
 * re-assessment cycles per level, and the platform's own assessments per provider
 * (第十五条, 第二十四条), with bad input refused and nothing written.
 */
describeEachDialect('CLOUD-7: security before go-live and after (第十五条, 第二十三条, 第二十四条)', (dialect) => {
  let tdb: TestDatabase
  let env: Record<string, string>
  const dir = mkdtempSync(join(tmpdir(), 'egov-cloud-security-'))
  const as = (who: string, now?: string) => ({...env, ...tdb.envFor(who), ...(now ? {EGOV_NOW: now} : {})})
  const clerk = (args: string[]) => egovInProcess(args, as('clerk'))
  const chief = (args: string[]) => egovInProcess(args, as('chief'))
  const count = (table: string) => tdb.count(table)
  const written = async () => [await count('cloud_security'), await count('cloud_platform_assessments'), await count('audit_log')]
  const ok = async (who: 'clerk' | 'chief', args: string[]) => {
    const r = await (who === 'clerk' ? clerk : chief)([...args, '--json'])
    expect(r.code, `${args.join(' ')}\n${r.stderr}${r.stdout}`).toBe(0)
    return r.json
  }

  /** A system of the given level, approved, planned on 移动云 and agreed: ready to provision but for CLOUD-7. */
  async function ready(system: string, level: number): Promise<string> {
    const a = await ok('clerk', [
      'cloud',
      'apply',
      '--unit',
      UNIT,
      '--system',
      system,
      '--level',
      String(level),
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
      LETTER,
    ])
    const id = String(a.request.id)
    await ok('chief', ['requests', 'approve', id])
    await ok('clerk', ['cloud', 'plan', id, '--file', PLAN, '--provider', '移动云'])
    await ok('chief', ['requests', 'approve', id])
    await ok('clerk', ['cloud', 'agreement', id, '--file', AGREEMENT])
    return id
  }

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    for (const who of ['clerk', 'chief']) await (await tdb.open(who)).close()
    env = {...isolatedHome(), ...tdb.env, EGOV_NOW: '2026-11-24T10:00:00+08:00'}
    await ok('clerk', ['units', 'add', UNIT, '--kind', 'party-government', '--level', 'city'])
    // 移动云 was admitted in March 2025, 电信云 today.
    for (const [name, now] of [
      ['移动云', '2025-03-10T10:00:00+08:00'],
      ['电信云', '2026-11-24T10:00:00+08:00'],
    ] as const) {
      const p = await egovInProcess(['cloud', 'provider', 'apply', name, '--vcpu', '100', '--memory-gib', '1000', '--storage-tib', '10', '--bandwidth-mbps', '1000', '--json'], as('clerk', now))
      expect(p.code, p.stderr).toBe(0)
      expect((await egovInProcess(['requests', 'approve', String(p.json.request.id)], as('chief', now))).code).toBe(0)
      expect((await egovInProcess(['cloud', 'provider', 'admission-test', String(p.json.request.id), '--result', 'pass', '--note', 'ok'], as('chief', now))).code).toBe(0)
    }
  })
  afterAll(async () => {
    await tdb.cleanup()
  })

  it(
    'CLOUD-7 (第二十三条): a level-3 system is refused go-live naming each missing step — 安全资源申请, 安全自查, 检测评估, 安全加固, 定级备案, 等保测评, 密评, 上云安全承诺书 — until all are recorded',
    async () => {
      const id = await ready('三级系统', 3)
      const names = STEPS.map(([, name]) => name)
      for (let i = 0; i < STEPS.length; i++) {
        const refused = await clerk(['cloud', 'provision', id, '--json'])
        expect(refused.code).toBe(5)
        expect(refused.json.error.details).toMatchObject({rule: 'CLOUD-7', field: 'ID', level: 3, missing: STEPS.slice(i).map(([key]) => key)})
        for (const name of names.slice(i)) expect(refused.json.error.message).toContain(name)
        for (const name of names.slice(0, i)) expect(refused.json.error.message).not.toContain(name)
        await ok('clerk', ['cloud', 'security', 'record', '三级系统', ...STEPS[i]![2]])
      }
      const done = await clerk(['cloud', 'provision', id, '--json'])
      expect(done.code, done.stderr).toBe(0)
      expect(done.json.request.state).toBe('provisioned')
      const shown = await ok('clerk', ['cloud', 'system', 'show', '三级系统'])
      expect(shown.missingBeforeGoLive).toEqual([])
      expect(shown.security.map((r: {kind: string}) => r.kind)).toEqual(['resources', 'self-check', 'assessment', 'hardening', 'filing', 'grading', 'crypto', 'commitment'])
    },
    LONG,
  )

  it(
    'CLOUD-7 (第二十三条): the refusal in Chinese names the missing steps and the command; the steps a level needs differ — level 2 needs the 定级备案, level 1 does not, neither needs 等保测评 or 密评 before go-live',
    async () => {
      const two = await ready('二级系统', 2)
      const one = await ready('一级系统', 1)
      const human = await egovInProcess(['cloud', 'provision', two], {...as('clerk'), LANG: 'zh_CN.UTF-8'})
      expect(human.code).toBe(5)
      expect(human.stderr).toContain(
        '安全资源申请 (--security-resources)、安全自查 (--self-check)、检测评估 (--assessment)、安全加固 (--hardening)、等保定级备案 (--filing)、上云安全承诺书 (--commitment)',
      )
      expect(human.stderr).toContain('egov cloud security record "二级系统" --security-resources DATE')
      expect(human.stderr).toContain('CLOUD-7')
      const without = LEVEL2.slice(0, 10)
      expect(without).not.toContain('--filing')
      for (const sys of ['二级系统', '一级系统']) await ok('clerk', ['cloud', 'security', 'record', sys, ...without, '--commitment', '2026-11-20'])
      const refused = await clerk(['cloud', 'provision', two, '--json'])
      expect(refused.code).toBe(5)
      expect(refused.json.error.details).toMatchObject({rule: 'CLOUD-7', level: 2, missing: ['filing']})
      expect(refused.json.error.message).toContain('等保定级备案')
      expect((await clerk(['cloud', 'provision', one, '--json'])).code).toBe(0)
      await ok('clerk', ['cloud', 'security', 'record', '二级系统', '--filing', '2026-11-19'])
      expect((await clerk(['cloud', 'provision', two, '--json'])).code).toBe(0)
    },
    LONG,
  )

  it(
    'CLOUD-7 (第二十三条): a failed 检测评估 does not count until a later pass; one call records every step with its document by reference',
    async () => {
      const id = await ready('复测系统', 2)
      const failed = LEVEL2.map((v, i) => (LEVEL2[i - 1] === '--result' ? 'fail' : v))
      const r = await ok('clerk', ['cloud', 'security', 'record', '复测系统', ...failed, '--document', REPORT])
      const sha = createHash('sha256').update(readFileSync(REPORT)).digest('hex')
      expect(r.records).toHaveLength(6)
      expect(r.records.find((x: {kind: string}) => x.kind === 'assessment')).toMatchObject({on: '2026-11-16', result: 'fail', document: {path: REPORT, sha256: sha}})
      expect(r.records.find((x: {kind: string}) => x.kind === 'hardening')).toMatchObject({result: null, document: {sha256: sha}})
      const refused = await clerk(['cloud', 'provision', id, '--json'])
      expect(refused.code).toBe(5)
      expect(refused.json.error.details.missing).toEqual(['assessment'])
      // Recorded again: a no-op, nothing written.
      const before = await written()
      expect((await ok('clerk', ['cloud', 'security', 'record', '复测系统', ...failed, '--document', REPORT])).unchanged).toBe(true)
      expect(await written()).toEqual(before)
      await ok('clerk', ['cloud', 'security', 'record', '复测系统', '--assessment', '2026-11-21', '--result', 'pass'])
      expect((await clerk(['cloud', 'provision', id, '--json'])).code).toBe(0)
      const shown = await clerk(['cloud', 'system', 'show', '复测系统'])
      expect(shown.stdout).toContain(`2026-11-16 testing and assessment fail  ${REPORT}  ${sha.slice(0, 12)}`)
    },
    LONG,
  )

  it(
    'CLOUD-7 (第二十三条 复测): re-assessments fall due on the level’s cycle — level 3 yearly (等保测评, 密评), level 2 every two years (等保测评 only), level 1 never; at once after a failure',
    async () => {
      // 三级系统 passed both on 2026-11-19; 二级系统 and 复测系统 (level 2) went live today without one; 一级系统 has no cycle.
      await ok('clerk', ['cloud', 'security', 'record', '复测系统', '--grading', '2025-12-01', '--result', 'pass'])
      await ok('clerk', ['cloud', 'security', 'record', '一级系统', '--grading', '2026-11-01', '--result', 'fail'])
      const due = await ok('clerk', ['cloud', 'security', '--due', '1500'])
      expect(due.due.map((d: {system: string; level: number; kind: string; dueOn: string; overdue: boolean}) => [d.system, d.level, d.kind, d.dueOn, d.overdue])).toEqual([
        ['三级系统', 3, 'crypto', '2027-11-19', false],
        ['三级系统', 3, 'grading', '2027-11-19', false],
        ['复测系统', 2, 'grading', '2027-12-01', false],
        ['二级系统', 2, 'grading', '2028-11-24', false],
      ])
      // A failed 等保测评 of the level-3 system is due at once, and listed first.
      await ok('clerk', ['cloud', 'security', 'record', '三级系统', '--grading', '2026-11-22', '--result', 'fail'])
      const now = await ok('clerk', ['cloud', 'security', '--due', '0'])
      expect(now.due).toEqual([expect.objectContaining({system: '三级系统', kind: 'grading', dueOn: '2026-11-22', overdue: true, daysLeft: -2})])
    },
    LONG,
  )

  it(
    'CLOUD-7 (第十五条, 第二十四条): the platform’s 等保测评, 云计算服务安全评估 and 密评 are tracked per provider with due dates, overdue first; --overdue keeps those',
    async () => {
      const sha = createHash('sha256').update(readFileSync(PLATFORM_REPORT)).digest('hex')
      const first = await ok('clerk', ['cloud', 'platform', 'record', '--provider', '移动云', '--kind', 'grading', '--on', '2025-11-01', '--result', 'pass', '--document', PLATFORM_REPORT])
      expect(first).toMatchObject({assessment: {provider: '移动云', kind: 'grading', on: '2025-11-01', result: 'pass', document: {path: PLATFORM_REPORT, sha256: sha}}, dueOn: '2026-11-01'})
      await ok('clerk', ['cloud', 'platform', 'record', '--provider', '移动云', '--kind', 'cloud-service', '--on', '2025-04-01', '--result', 'pass'])
      await ok('clerk', ['cloud', 'platform', 'record', '--provider', '移动云', '--kind', 'crypto', '--on', '2026-11-12', '--result', 'fail'])
      const again = await ok('clerk', ['cloud', 'platform', 'record', '--provider', '移动云', '--kind', 'crypto', '--on', '2026-11-12', '--result', 'fail'])
      expect(again.unchanged).toBe(true)
      const list = await ok('clerk', ['cloud', 'platform', 'list'])
      expect(list.overdue).toBe(2)
      const row = (a: {provider: string; kind: string; dueOn: string; overdue: boolean; months: number}) => [a.provider, a.kind, a.dueOn, a.overdue, a.months]
      expect(list.assessments.map(row)).toEqual([
        ['移动云', 'grading', '2026-11-01', true, 12],
        ['移动云', 'crypto', '2026-11-12', true, 12],
        // 电信云 was admitted today with nothing on record: due today, not yet overdue.
        ['电信云', 'cloud-service', '2026-11-24', false, 36],
        ['电信云', 'crypto', '2026-11-24', false, 12],
        ['电信云', 'grading', '2026-11-24', false, 12],
        ['移动云', 'cloud-service', '2028-04-01', false, 36],
      ])
      const overdue = await ok('clerk', ['cloud', 'platform', 'list', '--overdue'])
      expect(overdue.assessments.map(row)).toEqual([
        ['移动云', 'grading', '2026-11-01', true, 12],
        ['移动云', 'crypto', '2026-11-12', true, 12],
      ])
      await ok('clerk', ['cloud', 'platform', 'record', '--provider', '移动云', '--kind', 'crypto', '--on', '2026-11-20', '--result', 'pass'])
      const after = await ok('clerk', ['cloud', 'platform', 'list', '--overdue'])
      expect(after.assessments.map(row)).toEqual([['移动云', 'grading', '2026-11-01', true, 12]])
      // The day after, 电信云's are overdue too.
      const tomorrow = await egovInProcess(['cloud', 'platform', 'list', '--overdue', '--json'], as('clerk', '2026-11-25T10:00:00+08:00'))
      expect(tomorrow.json.overdue).toBe(4)
      const human = await clerk(['cloud', 'platform', 'list'])
      expect(human.stdout).toContain('1 platform assessments overdue')
    },
    LONG,
  )

  it(
    'CLOUD-7: bad input is refused with its field and rule, exit 2 (3 for an unknown provider or system), and nothing is written',
    async () => {
      const before = await written()
      const cases: Array<[args: string[], code: number, field: string]> = [
        // a date after today, even beside good ones
        [['cloud', 'security', 'record', '三级系统', '--self-check', '2026-11-20', '--hardening', '2026-11-25'], 2, 'hardening'],
        [['cloud', 'security', 'record', '三级系统', '--self-check', '2026-13-01'], 2, 'self-check'],
        // an assessment without its result; a result where no step has one
        [['cloud', 'security', 'record', '三级系统', '--assessment', '2026-11-20'], 2, 'result'],
        [['cloud', 'security', 'record', '三级系统', '--hardening', '2026-11-20', '--result', 'pass'], 2, 'result'],
        // a document that is not there; no step at all
        [['cloud', 'security', 'record', '三级系统', '--hardening', '2026-11-20', '--document', join(dir, 'no-such-report.pdf')], 2, 'document'],
        [['cloud', 'security', 'record', '三级系统'], 2, 'commitment'],
        [['cloud', 'security', 'record', '无此系统', '--hardening', '2026-11-20'], 3, 'SYS'],
        // the platform: unknown kind, missing result, future date, bad document, no or unknown provider
        [['cloud', 'platform', 'record', '--provider', '移动云', '--kind', 'pentest', '--on', '2026-11-20', '--result', 'pass'], 2, 'kind'],
        [['cloud', 'platform', 'record', '--provider', '移动云', '--kind', 'grading', '--on', '2026-11-20'], 2, 'result'],
        [['cloud', 'platform', 'record', '--provider', '移动云', '--kind', 'grading', '--on', '2026-11-30', '--result', 'pass'], 2, 'on'],
        [['cloud', 'platform', 'record', '--provider', '移动云', '--kind', 'grading', '--result', 'pass'], 2, 'on'],
        [['cloud', 'platform', 'record', '--provider', '移动云', '--kind', 'grading', '--on', '2026-11-20', '--result', 'pass', '--document', dir], 2, 'document'],
        [['cloud', 'platform', 'record', '--kind', 'grading', '--on', '2026-11-20', '--result', 'pass'], 2, 'provider'],
        [['cloud', 'platform', 'record', '--provider', '天云', '--kind', 'grading', '--on', '2026-11-20', '--result', 'pass'], 3, 'provider'],
      ]
      for (const [args, code, field] of cases) {
        const r = await clerk([...args, '--json'])
        expect(r.code, args.join(' ')).toBe(code)
        expect(r.json.error.details.field, args.join(' ')).toBe(field)
        if (code === 2) expect(r.json.error.details.rule, args.join(' ')).toBe('CLOUD-7')
      }
      const unknown = await clerk(['cloud', 'platform', 'record', '--provider', '移动云', '--kind', 'pentest', '--on', '2026-11-20', '--result', 'pass'])
      expect(unknown.stderr).toContain('grading, cloud-service, crypto')
      expect(await written()).toEqual(before)
      expect((await ok('clerk', ['audit', 'verify'])).ok).toBe(true)
    },
    LONG,
  )
})
