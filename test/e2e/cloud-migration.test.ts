import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest'

import {type CliResult, egov, isolatedHome} from '../helpers/cli.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

const FIX = fileURLToPath(new URL('../../fixtures/cloud/', import.meta.url))
const fx = (name: string) => join(FIX, name)
const LETTER = fx('安全责任书-人社局.pdf')
const PLAN = fx('上云方案-社保业务系统.pdf')
const AGREEMENT = fx('服务协议-社保业务系统.pdf')
const HR = '市人力资源和社会保障局'
const HS = '市医疗保障局'
const POOL = '政务外网-市级'

// Each test walks systems through many steps, a process per step: on a loaded two-core machine that takes minutes.
vi.setConfig({testTimeout: 300_000, hookTimeout: 300_000})

/**
 * A cloud world through bin/run.js, as the clerk (who files) and the chief (the second
 * person, X-2) see it: providers admitted, systems applied for, planned, approved and put in
 * service. `goLive` is the ONE place that takes a system from approval into service, so a
 * change to what provisioning needs (more CLOUD-7 steps before `cloud provision`) is made there.
 */
function cloudWorld() {
  let tdb: TestDatabase
  let env: Record<string, string>
  const w = {
    get tdb() {
      return tdb
    },
    as: (who: string) => ({...env, ...tdb.envFor(who)}),
    clerk: (args: string[]) => egov(args, w.as('clerk')),
    chief: (args: string[]) => egov(args, w.as('chief')),
    async ok(who: 'clerk' | 'chief', args: string[]): Promise<any> {
      const r = await egov([...args, '--json'], w.as(who))
      expect(r.code, `${args.join(' ')}\n${r.stdout}${r.stderr}`).toBe(0)
      return r.json
    },
    count: (table: string) => tdb.count(table),
    /** Rows in the tables a migration or a withdrawal writes to. */
    written: async () => [
      await w.count('requests'),
      await w.count('request_transitions'),
      await w.count('cloud_events'),
      await w.count('cloud_attachments'),
      await w.count('audit_log'),
      await w.count('net_allocations'),
    ],
    capacity: async (provider: string) => (await w.ok('clerk', ['cloud', 'capacity', '--provider', provider])).providers[0],
    system: async (name: string) => w.ok('clerk', ['cloud', 'system', 'show', name]),
    request: async (id: number) => w.ok('clerk', ['requests', 'show', String(id)]),
    /** A provider through 纳管 (CLOUD-2): application, expert review, admission test. */
    async admit(name: string, vcpu: number, extra: string[] = []): Promise<void> {
      const filed = await w.ok('clerk', [
        'cloud',
        'provider',
        'apply',
        name,
        '--vcpu',
        String(vcpu),
        '--memory-gib',
        '2000',
        '--storage-tib',
        '20',
        '--bandwidth-mbps',
        '1000',
        '--extranet-ips',
        '64',
        ...extra,
      ])
      await w.ok('chief', ['requests', 'approve', String(filed.request.id)])
      await w.ok('chief', ['cloud', 'provider', 'admission-test', String(filed.request.id), '--result', 'pass', '--note', '测试通过'])
    },
    /** A system applied for, reviewed, planned on `provider` and approved (capacity reserved); its onboarding request's number. */
    async approved(system: string, provider: string, options: {vms?: number; vcpu?: number; extranetIps?: number; unit?: string} = {}): Promise<number> {
      const filed = await w.ok('clerk', [
        'cloud',
        'apply',
        '--unit',
        options.unit ?? HR,
        '--system',
        system,
        '--level',
        '3',
        '--vms',
        String(options.vms ?? 2),
        '--vcpu',
        String(options.vcpu ?? 4),
        '--memory-gib',
        '16',
        '--system-disk-gib',
        '100',
        '--data-disk-gib',
        '200',
        '--bandwidth-mbps',
        '50',
        '--extranet-ips',
        String(options.extranetIps ?? 0),
        '--os',
        '麒麟V10',
        '--security-letter',
        LETTER,
      ])
      const id = filed.request.id as number
      await w.ok('chief', ['requests', 'approve', String(id), '--comment', '初审通过'])
      await w.ok('clerk', ['cloud', 'plan', String(id), '--file', PLAN, '--provider', provider, ...(options.extranetIps ? ['--pool', POOL] : [])])
      await w.ok('chief', ['requests', 'approve', String(id), '--comment', '同意上云'])
      return id
    },
    /**
     * Provisioning (CLOUD-3 服务协议 → 开通, CLOUD-7 before go-live): the agreement, what the
     * system's security needs before go-live, then `cloud provision`. The only place these
     * tests provision a system.
     */
    async goLive(id: number, system: string): Promise<void> {
      await w.ok('clerk', ['cloud', 'agreement', String(id), '--file', AGREEMENT])
      // What 第二十三条 asks before go-live (CLOUD-7): every step a level-3 system needs, then the commitment.
      await w.ok('clerk', [
        'cloud',
        'security',
        'record',
        system,
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
      ])
      await w.ok('clerk', ['cloud', 'provision', String(id)])
    },
    async inService(system: string, provider: string, options: {vms?: number; vcpu?: number; extranetIps?: number} = {}): Promise<number> {
      const id = await w.approved(system, provider, options)
      await w.goLive(id, system)
      return id
    },
    async setup(dialect: 'sqlite' | 'postgres', who = ['clerk', 'chief']): Promise<void> {
      tdb = await createTestDatabase(dialect)
      for (const actor of who) await (await tdb.open(actor)).close()
      env = {...isolatedHome(), ...tdb.env, EGOV_NOW: '2026-11-24T10:00:00+08:00'}
      for (const unit of [HR, HS]) await w.ok('clerk', ['units', 'add', unit, '--kind', 'party-government', '--level', 'city'])
      await w.ok('clerk', ['net', 'pool', 'add', '10.30.0.0/16', '--name', POOL, '--plane', '1'])
    },
    cleanup: () => tdb.cleanup(),
  }
  return w
}

/** Free capacity is never below zero, on any resource of any provider. */
async function expectNoOvercommit(w: ReturnType<typeof cloudWorld>): Promise<void> {
  for (const p of (await w.ok('clerk', ['cloud', 'capacity'])).providers) {
    for (const [resource, free] of Object.entries(p.free as Record<string, number>)) expect(free, `${p.provider} ${resource}`).toBeGreaterThanOrEqual(0)
  }
}

function expectRefused(r: CliResult, code: number, details: Record<string, unknown>): void {
  expect(r.code, r.stdout + r.stderr).toBe(code)
  expect(r.json.error.details).toMatchObject(details)
}

describeEachDialect('migration as a request, approved by a second person (CLOUD-2 第十一条, CLOUD-3 第十二条, CLOUD-6 第五条, X-2)', (dialect) => {
  const w = cloudWorld()
  const dir = mkdtempSync(join(tmpdir(), 'egov-migration-'))

  beforeAll(async () => {
    await w.setup(dialect, ['clerk', 'chief', 'auditor'])
    await w.admit('甲云', 100)
    await w.admit('乙云', 40)
  })
  afterAll(async () => {
    await w.cleanup()
  })

  it('CLOUD-2 (第十一条 迁移) and X-2: filing moves nothing; the filer cannot approve; another person’s approval moves the system and its capacity in one step, and its history shows it', async () => {
    const onboarding = await w.inService('社保业务系统', '甲云')
    expect(await w.capacity('甲云')).toMatchObject({inUse: {vcpu: 8, memoryGib: 32, storageGib: 600}})

    const filed = await w.clerk(['cloud', 'system', 'migrate', '社保业务系统', '--to', '乙云', '--reason', '甲云合同期满', '--plan', PLAN, '--json'])
    expect(filed.code, filed.stderr).toBe(0)
    expect(filed.json.request).toMatchObject({
      kind: 'cloud-migration',
      state: 'applied',
      applicantUnit: HR,
      payload: {system: '社保业务系统', from: '甲云', to: '乙云', reason: '甲云合同期满', envelope: {vcpu: 8, memoryGib: 32, storageGib: 600}, plan: {role: 'migration-plan', path: PLAN}},
    })
    expect(filed.json.request.payload.plan.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(filed.json.request.dueOn).toBeTruthy()
    const id = filed.json.request.id as number
    // Nothing moved yet.
    expect((await w.system('社保业务系统')).provider).toBe('甲云')
    expect(await w.capacity('甲云')).toMatchObject({inUse: {vcpu: 8}})
    expect(await w.capacity('乙云')).toMatchObject({inUse: {vcpu: 0}, reserved: {vcpu: 0}})
    // Filing the same migration again is a no-op; another target while it is open is a conflict.
    expect((await w.clerk(['cloud', 'system', 'migrate', '社保业务系统', '--to', '乙云', '--reason', '甲云合同期满', '--json'])).json).toMatchObject({unchanged: true, request: {id}})
    const other = await w.clerk(['cloud', 'system', 'migrate', '社保业务系统', '--to', '甲云', '--reason', 'x', '--json'])
    expect(other.code).toBe(4)
    expect(other.json.error.message).toContain(String(id))

    // the filer may not approve it.
    const before = await w.written()
    const own = await w.clerk(['requests', 'approve', String(id), '--json'])
    expectRefused(own, 5, {rule: 'X-2'})
    expect(await w.written()).toEqual(before)
    expect((await w.system('社保业务系统')).provider).toBe('甲云')

    const approved = await w.chief(['requests', 'approve', String(id), '--comment', '同意迁移', '--json'])
    expect(approved.code, approved.stderr).toBe(0)
    expect(approved.json.request).toMatchObject({state: 'migrated', terminal: true, payload: {from: '甲云', to: '乙云', repointed: []}})
    // The same envelope left 甲云 and landed on 乙云.
    expect(await w.capacity('甲云')).toMatchObject({inUse: {vcpu: 0, memoryGib: 0, storageGib: 0}, free: {vcpu: 100}})
    expect(await w.capacity('乙云')).toMatchObject({inUse: {vcpu: 8, memoryGib: 32, storageGib: 600}, free: {vcpu: 32}})
    const shown = await w.system('社保业务系统')
    expect(shown).toMatchObject({provider: '乙云', status: 'in-service', envelope: {vcpu: 8}})
    expect(shown.events.map((e: {event: string; requestId: number | null; provider: string}) => [e.event, e.requestId, e.provider]).slice(-2)).toEqual([
      ['migration-applied', id, '甲云'],
      ['migrated', id, '乙云'],
    ])
    expect(shown.events.at(-1).note).toBe('甲云 → 乙云: 甲云合同期满')
    expect(shown.attachments.find((a: {role: string}) => a.role === 'migration-plan')).toMatchObject({requestId: id, state: 'ok'})
    // Its history and the audit trail: filed by the clerk, approved by the chief.
    const history = (await w.request(id)).history.map((h: {action: string; actor: string; to: string}) => [h.action, h.to])
    expect(history).toEqual([
      ['file', 'applied'],
      ['approve', 'migrated'],
    ])
    const audit = (await w.ok('clerk', ['audit', 'log', '--entity', `request:${id}`])).entries.map((e: {action: string}) => e.action)
    expect(audit).toEqual(expect.arrayContaining(['request.file', 'request.approve']))
    const moved = (await w.ok('clerk', ['audit', 'log', '--entity', 'cloud-system'])).entries.filter((e: {action: string}) => e.action === 'cloud.migrate')
    expect(moved).toHaveLength(1)
    // Already there: the migration that took it there, unchanged.
    expect((await w.clerk(['cloud', 'system', 'migrate', '社保业务系统', '--to', '乙云', '--reason', '再次', '--json'])).json).toMatchObject({unchanged: true, request: {id, state: 'migrated'}})
    // The onboarding request is finished (provisioned): nothing of it is re-pointed.
    expect((await w.request(onboarding)).payload.plan.provider).toBe('甲云')
  })

  it('CLOUD-3 (第十二条 迁移方案) and CLOUD-6: an approved, not yet provisioned system moves with its reservation; its onboarding request and an open scale request are re-pointed, so `cloud plan` is no longer confused', async () => {
    const id = await w.approved('医保结算系统', '甲云', {unit: HS, extranetIps: 4})
    expect(await w.capacity('甲云')).toMatchObject({reserved: {vcpu: 8, extranetIps: 4}})
    const net = (await w.ok('clerk', ['net', 'list', '--unit', HS])).allocations
    expect(net).toHaveLength(1)
    expect(net[0].status).toBe('reserved')

    const filed = await w.ok('clerk', ['cloud', 'system', 'migrate', '医保结算系统', '--to', '乙云', '--reason', '行业相对集中'])
    const approved = await w.ok('chief', ['requests', 'approve', String(filed.request.id)])
    expect(approved.request.payload.repointed).toEqual([id])
    // The reservation moved: reserved on 乙云 now, none left on 甲云.
    expect(await w.capacity('甲云')).toMatchObject({reserved: {vcpu: 0, memoryGib: 0, storageGib: 0, extranetIps: 0}})
    expect(await w.capacity('乙云')).toMatchObject({reserved: {vcpu: 8, memoryGib: 32, storageGib: 600, extranetIps: 4}})
    // The onboarding request names the new provider in its plan and its reservation, and says so in its history.
    const onboarding = await w.request(id)
    expect(onboarding).toMatchObject({state: 'approved', payload: {plan: {provider: '乙云', pool: POOL}, reserved: {provider: '乙云', allocation: {pool: POOL}}}})
    expect(onboarding.summary).toContain('→ 乙云')
    expect(onboarding.history.at(-1)).toMatchObject({action: 'migrated', from: 'approved', to: 'approved', actor: w.tdb.actor('chief')})
    expect(onboarding.history.at(-1).comment).toContain('甲云 → 乙云')
    // The extranet block stays the system's: the pool does not depend on the provider.
    expect((await w.ok('clerk', ['net', 'list', '--unit', HS])).allocations).toEqual(net)
    // `cloud plan` again with the same plan and the new provider: already done; with the old one: a conflict naming the new one.
    expect((await w.ok('clerk', ['cloud', 'plan', String(id), '--file', PLAN, '--provider', '乙云', '--pool', POOL])).unchanged).toBe(true)
    const old = await w.clerk(['cloud', 'plan', String(id), '--file', PLAN, '--provider', '甲云', '--json'])
    expect(old.code).toBe(4)
    expect(old.json.error.message).toContain('乙云')
    // It goes live on the provider it moved to.
    await w.goLive(id, '医保结算系统')
    expect(await w.capacity('乙云')).toMatchObject({reserved: {vcpu: 0}, inUse: {vcpu: 16, extranetIps: 4}})

    // An open scale request of a system in service follows the system.
    const scale = await w.ok('clerk', ['cloud', 'change', '医保结算系统', '--vms', '3', '--reason', '结算量增长'])
    expect(scale.request.payload.provider).toBe('乙云')
    const back = await w.ok('clerk', ['cloud', 'system', 'migrate', '医保结算系统', '--to', '甲云', '--reason', '回迁'])
    const backed = await w.ok('chief', ['requests', 'approve', String(back.request.id)])
    expect(backed.request.payload.repointed).toEqual([scale.request.id])
    const scaleNow = await w.request(scale.request.id)
    expect(scaleNow).toMatchObject({state: 'applied', payload: {provider: '甲云'}})
    expect(scaleNow.history.at(-1)).toMatchObject({action: 'migrated', comment: expect.stringContaining('乙云 → 甲云')})
    // Approved now, it grows the envelope on 甲云, where the system is.
    await w.ok('chief', ['requests', 'approve', String(scale.request.id)])
    expect(await w.capacity('甲云')).toMatchObject({inUse: {vcpu: 12, extranetIps: 4}})
    expect(await w.capacity('乙云')).toMatchObject({inUse: {vcpu: 8, extranetIps: 0}})
    // Nothing open of this system names 乙云 any more.
    const open = (await w.ok('clerk', ['requests', 'list', '--unit', HS])).requests.filter((r: {terminal: boolean}) => !r.terminal)
    for (const r of open) expect(JSON.stringify((await w.request(r.id)).payload)).not.toContain('乙云')
    await expectNoOvercommit(w)
  })

  it('CLOUD-6 (第五条) and CLOUD-2: no room on the target is refused (exit 4 naming the resource) at filing and at approval, an exited target (exit 5), an unknown one (exit 3) — and nothing moves', async () => {
    // 乙云 has 40 vCPU: 8 in use by 社保业务系统 (医保结算系统 moved back to 甲云), 32 free.
    await w.inService('公积金系统', '甲云', {vms: 5, vcpu: 8})
    const tooBig = await w.clerk(['cloud', 'system', 'migrate', '公积金系统', '--to', '乙云', '--reason', '试迁', '--json'])
    expectRefused(tooBig, 4, {rule: 'CLOUD-6', provider: '乙云', field: 'to'})
    expect(tooBig.json.error.details.shortfalls).toEqual([{resource: 'vcpu', need: 40, free: 32, short: 8}])
    expect(tooBig.json.error.message).toContain('vcpu')

    // Fits when filed; by the approval 乙云 has filled up.
    await w.inService('档案系统', '甲云', {vms: 3, vcpu: 8})
    const filed = await w.ok('clerk', ['cloud', 'system', 'migrate', '档案系统', '--to', '乙云', '--reason', '整合'])
    const filler = await w.approved('乙云占位系统', '乙云', {vms: 2, vcpu: 8})
    expect(filler).toBeGreaterThan(0)
    const before = await w.written()
    const capBefore = [await w.capacity('甲云'), await w.capacity('乙云')]
    const refused = await w.chief(['requests', 'approve', String(filed.request.id), '--json'])
    expectRefused(refused, 4, {rule: 'CLOUD-6', provider: '乙云'})
    expect(refused.json.error.details.shortfalls).toEqual([{resource: 'vcpu', need: 24, free: 16, short: 8}])
    expect(await w.written()).toEqual(before)
    expect([await w.capacity('甲云'), await w.capacity('乙云')]).toEqual(capBefore)
    expect((await w.request(filed.request.id)).state).toBe('applied')
    expect((await w.system('档案系统')).provider).toBe('甲云')
    // The reviewer rejects it, with the reason; the system's history shows that too.
    await w.ok('chief', ['requests', 'reject', String(filed.request.id), '--reason', '乙云容量不足'])
    expect((await w.system('档案系统')).events.at(-1)).toMatchObject({event: 'migration-rejected', requestId: filed.request.id})

    // An exited target: refused by rule at filing and at approval (exit 5, CLOUD-2).
    await w.admit('丙云', 200)
    const toExiting = await w.ok('clerk', ['cloud', 'system', 'migrate', '档案系统', '--to', '丙云', '--reason', '整合'])
    const exit = await w.ok('clerk', ['cloud', 'provider', 'exit', '丙云', '--reason', '停止服务'])
    await w.ok('chief', ['requests', 'approve', String(exit.request.id)])
    const atApproval = await w.written()
    const exited = await w.chief(['requests', 'approve', String(toExiting.request.id), '--json'])
    expectRefused(exited, 5, {rule: 'CLOUD-2'})
    expect(exited.json.error.message).toContain('丙云')
    expect(await w.written()).toEqual(atApproval)
    expect((await w.system('档案系统')).provider).toBe('甲云')
    // Withdrawn by the applicant instead (a migration may be withdrawn until approved).
    const withdrawn = await w.ok('clerk', ['requests', 'withdraw', String(toExiting.request.id), '--reason', '丙云已退出'])
    expect(withdrawn.request).toMatchObject({state: 'withdrawn', terminal: true})
    expect((await w.system('档案系统')).events.at(-1)).toMatchObject({event: 'migration-withdrawn'})
    const atFiling = await w.written()
    expectRefused(await w.clerk(['cloud', 'system', 'migrate', '档案系统', '--to', '丙云', '--reason', '整合', '--json']), 5, {rule: 'CLOUD-2', field: 'to'})
    // Unknown target or system: exit 3 naming which.
    expectRefused(await w.clerk(['cloud', 'system', 'migrate', '档案系统', '--to', '不存在云', '--reason', '整合', '--json']), 3, {field: 'to'})
    expectRefused(await w.clerk(['cloud', 'system', 'migrate', '不存在系统', '--to', '乙云', '--reason', '整合', '--json']), 3, {field: 'SYS'})
    expect(await w.written()).toEqual(atFiling)
    await expectNoOvercommit(w)
  })

  it('refuses bad migration input naming the flag (exit 2): no --reason, an unreadable or empty --plan, no --to — and writes nothing', async () => {
    const before = await w.written()
    const noReason = await w.clerk(['cloud', 'system', 'migrate', '档案系统', '--to', '乙云', '--json'])
    expectRefused(noReason, 2, {field: 'reason'})
    expect(noReason.json.error.message).toContain('reason')
    const blank = await w.clerk(['cloud', 'system', 'migrate', '档案系统', '--to', '乙云', '--reason', '   ', '--json'])
    expectRefused(blank, 2, {field: 'reason'})
    expectRefused(await w.clerk(['cloud', 'system', 'migrate', '档案系统', '--to', '乙云', '--reason', '整合', '--plan', join(dir, 'missing.pdf'), '--json']), 2, {field: 'plan'})
    writeFileSync(join(dir, 'empty.pdf'), '')
    expectRefused(await w.clerk(['cloud', 'system', 'migrate', '档案系统', '--to', '乙云', '--reason', '整合', '--plan', join(dir, 'empty.pdf'), '--json']), 2, {field: 'plan'})
    const noTo = await w.clerk(['cloud', 'system', 'migrate', '档案系统', '--reason', '整合', '--json'])
    expect(noTo.code).toBe(2)
    expect(noTo.stdout + noTo.stderr).toContain('to')
    // A system not yet approved holds nothing to move (exit 4).
    const applied = await w.ok('clerk', [
      'cloud',
      'apply',
      '--unit',
      HR,
      '--system',
      '待审系统',
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
      LETTER,
    ])
    const mid = await w.written()
    expectRefused(await w.clerk(['cloud', 'system', 'migrate', '待审系统', '--to', '乙云', '--reason', '整合', '--json']), 4, {field: 'SYS'})
    expect(await w.written()).toEqual(mid)
    expect(mid[0]).toBe(before[0]! + 1)
    await w.ok('clerk', ['requests', 'withdraw', String(applied.request.id), '--reason', '暂不上云'])
  })

  it('CLOUD-2 (第十一条 退出): a provider leaves once its systems have migrated through approved requests', async () => {
    const refused = await w.clerk(['cloud', 'provider', 'exit', '乙云', '--json'])
    expectRefused(refused, 4, {rule: 'CLOUD-2'})
    const hosted = refused.json.error.details.systems as string[]
    expect([...hosted].sort()).toEqual(['乙云占位系统', '社保业务系统'])
    // 甲云 has room for both.
    for (const system of hosted) {
      const filed = await w.ok('clerk', ['cloud', 'system', 'migrate', system, '--to', '甲云', '--reason', '乙云退出'])
      await w.ok('chief', ['requests', 'approve', String(filed.request.id)])
    }
    expect(await w.capacity('乙云')).toMatchObject({reserved: {vcpu: 0}, inUse: {vcpu: 0}, systems: 0})
    const exit = await w.ok('clerk', ['cloud', 'provider', 'exit', '乙云', '--reason', '合同期满'])
    expect((await w.ok('chief', ['requests', 'approve', String(exit.request.id)])).request.state).toBe('exited')
    // The placeholder was approved, not provisioned: its onboarding names 甲云 now, and it goes live there.
    const placeholder = await w.system('乙云占位系统')
    expect((await w.request(placeholder.requestId)).payload).toMatchObject({plan: {provider: '甲云'}, reserved: {provider: '甲云'}})
    await w.goLive(placeholder.requestId, '乙云占位系统')
    expect(await w.system('乙云占位系统')).toMatchObject({status: 'in-service', provider: '甲云'})
    await expectNoOvercommit(w)
    expect((await w.ok('clerk', ['audit', 'verify'])).ok).toBe(true)
  })
})

describeEachDialect('withdrawal of a request by its applicant (撤回), releasing what it reserved (CLOUD-3 第十二条, CLOUD-4 第十二条(三), CLOUD-6 第五条)', (dialect) => {
  const w = cloudWorld()

  beforeAll(async () => {
    await w.setup(dialect)
    await w.admit('甲云', 100)
  })
  afterAll(async () => {
    await w.cleanup()
  })

  it('CLOUD-3 (第十二条) and CLOUD-6: an approved onboarding withdrawn with a reason frees its vCPU, memory and storage and its extranet block, in the history and the audit trail', async () => {
    const id = await w.approved('社保业务系统', '甲云', {extranetIps: 4})
    expect(await w.capacity('甲云')).toMatchObject({reserved: {vcpu: 8, memoryGib: 32, storageGib: 600, extranetIps: 4}, free: {vcpu: 92}})
    const [block] = (await w.ok('clerk', ['net', 'list'])).allocations
    expect(block).toMatchObject({status: 'reserved', unit: HR})

    // No reason: bad input naming --reason, nothing written.
    const before = await w.written()
    const noReason = await w.clerk(['requests', 'withdraw', String(id), '--json'])
    expectRefused(noReason, 2, {field: 'reason'})
    expect(noReason.json.error.message).toContain('--reason')
    expectRefused(await w.clerk(['requests', 'withdraw', String(id), '--reason', '  ', '--json']), 2, {field: 'reason'})
    expect(await w.written()).toEqual(before)

    const withdrawn = await w.clerk(['requests', 'withdraw', String(id), '--reason', '项目取消', '--json'])
    expect(withdrawn.code, withdrawn.stderr).toBe(0)
    expect(withdrawn.json.request).toMatchObject({state: 'withdrawn', terminal: true, dueOn: null})
    expect(withdrawn.json.request.history.at(-1)).toMatchObject({action: 'withdraw', from: 'approved', to: 'withdrawn', comment: '项目取消', actor: w.tdb.actor('clerk')})
    // Capacity and the block are back.
    expect(await w.capacity('甲云')).toMatchObject({reserved: {vcpu: 0, memoryGib: 0, storageGib: 0, extranetIps: 0}, free: {vcpu: 100, memoryGib: 2000, storageGib: 20480, extranetIps: 64}})
    expect((await w.ok('clerk', ['net', 'list'])).allocations).toEqual([])
    expect((await w.ok('clerk', ['net', 'list', '--all'])).allocations).toEqual([expect.objectContaining({id: block.id, status: 'released'})])
    expect(await w.system('社保业务系统')).toMatchObject({status: 'withdrawn'})
    expect((await w.system('社保业务系统')).events.at(-1)).toMatchObject({event: 'withdrawn', requestId: id})
    const audit = (await w.ok('clerk', ['audit', 'log', '--entity', `request:${id}`])).entries
    // Newest first.
    expect(audit[0]).toMatchObject({action: 'request.withdraw'})
    expect(JSON.stringify(audit[0])).toContain('项目取消')
    expect((await w.ok('clerk', ['audit', 'log', '--entity', `net-allocation:${block.id}`])).entries.map((e: {action: string}) => e.action)).toContain('net.release')
    expect((await w.ok('clerk', ['requests', 'list', '--state', 'withdrawn'])).requests.map((r: {id: number}) => r.id)).toEqual([id])

    // Once withdrawn it cannot be withdrawn again: exit 4 naming its state.
    const again = await w.clerk(['requests', 'withdraw', String(id), '--reason', '再次', '--json'])
    expectRefused(again, 4, {state: 'withdrawn', allowed: []})
    expect(again.json.error.message).toContain('withdrawn')
    // The name is free again: the unit may apply anew.
    const anew = await w.approved('社保业务系统', '甲云')
    expect(anew).toBeGreaterThan(id)
    expect(await w.capacity('甲云')).toMatchObject({reserved: {vcpu: 8}})
  })

  it('CLOUD-3 (第十二条): an agreed onboarding can still be withdrawn; a provisioned one cannot (exit 4 naming its state and what is possible); any request before approval can', async () => {
    const agreedId = await w.approved('医保结算系统', '甲云', {vms: 1})
    await w.ok('clerk', ['cloud', 'agreement', String(agreedId), '--file', AGREEMENT])
    expect(await w.capacity('甲云')).toMatchObject({reserved: {vcpu: 12}})
    expect((await w.ok('clerk', ['requests', 'withdraw', String(agreedId), '--reason', '改由省平台承载'])).request.state).toBe('withdrawn')
    expect(await w.capacity('甲云')).toMatchObject({reserved: {vcpu: 8}})

    // The onboarding filed in the first test goes live; then it can no longer be withdrawn.
    const live = (await w.system('社保业务系统')).requestId as number
    await w.goLive(live, '社保业务系统')
    const before = await w.written()
    const refused = await w.clerk(['requests', 'withdraw', String(live), '--reason', '不要了', '--json'])
    expectRefused(refused, 4, {state: 'provisioned', field: 'ID'})
    expect(refused.json.error.message).toContain('provisioned')
    // The message names the states as people read them; details keep their keys.
    expect(refused.json.error.message).toContain('applied; reviewed, plan awaited; planned, to approve; approved, capacity reserved; agreement signed, to provision')
    expect(refused.json.error.details.withdrawableFrom).toEqual(['applied', 'reviewed', 'planned', 'approved', 'agreed'])
    expect(await w.written()).toEqual(before)
    expect(await w.capacity('甲云')).toMatchObject({inUse: {vcpu: 8}})

    // Before approval: just applied, withdrawn; it never held capacity.
    const applied = await w.ok('clerk', [
      'cloud',
      'apply',
      '--unit',
      HS,
      '--system',
      '医保结算系统',
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
      LETTER,
    ])
    expect((await w.ok('clerk', ['requests', 'withdraw', String(applied.request.id), '--reason', '材料有误，重新申请'])).request.state).toBe('withdrawn')

    // Kinds that declare no withdrawal: exit 4 saying so.
    const provider = (await w.ok('clerk', ['requests', 'list', '--kind', 'cloud-provider'])).requests[0]
    const notKind = await w.clerk(['requests', 'withdraw', String(provider.id), '--reason', 'x', '--json'])
    expectRefused(notKind, 4, {state: 'admitted'})
    expect(notKind.json.error.message).toContain('cannot be withdrawn')
    // Bad and unknown numbers.
    expectRefused(await w.clerk(['requests', 'withdraw', 'abc', '--reason', 'x', '--json']), 2, {field: 'ID'})
    expectRefused(await w.clerk(['requests', 'withdraw', '9999', '--reason', 'x', '--json']), 3, {field: 'ID'})
  })

  it('CLOUD-4 (第十二条(三)): an open scale request is withdrawn and the envelope stays; an approved one cannot be; a release before approval can', async () => {
    const scale = await w.ok('clerk', ['cloud', 'change', '社保业务系统', '--vms', '4', '--reason', '扩容'])
    expect(scale.request).toMatchObject({kind: 'cloud-scale', state: 'applied'})
    const withdrawn = await w.ok('clerk', ['requests', 'withdraw', String(scale.request.id), '--reason', '业务量未达预期'])
    expect(withdrawn.request).toMatchObject({state: 'withdrawn', terminal: true})
    expect(await w.system('社保业务系统')).toMatchObject({envelope: {vcpu: 8}, config: {vms: 2}})
    expect((await w.system('社保业务系统')).events.at(-1)).toMatchObject({event: 'scale-withdrawn', requestId: scale.request.id})
    expect(await w.capacity('甲云')).toMatchObject({inUse: {vcpu: 8}})
    // A new scale request may be filed now, and once approved it can no longer be withdrawn.
    const next = await w.ok('clerk', ['cloud', 'change', '社保业务系统', '--vms', '3'])
    await w.ok('chief', ['requests', 'approve', String(next.request.id)])
    const late = await w.clerk(['requests', 'withdraw', String(next.request.id), '--reason', 'x', '--json'])
    expectRefused(late, 4, {state: 'scaled'})
    expect(await w.capacity('甲云')).toMatchObject({inUse: {vcpu: 12}})
    // A release before approval.
    const release = await w.ok('clerk', ['cloud', 'release', '社保业务系统', '--reason', '整合'])
    expect((await w.ok('clerk', ['requests', 'withdraw', String(release.request.id), '--reason', '继续使用'])).request.state).toBe('withdrawn')
    expect(await w.system('社保业务系统')).toMatchObject({status: 'in-service'})
    expect((await w.ok('clerk', ['audit', 'verify'])).ok).toBe(true)
  })
})

describe('concurrency', () => {
  /**
   * Four processes approve at once four migrations into a target with room for two: exactly
   * two move, the other two are refused (exit 4 naming vCPU); capacity is never negative and no
   * envelope is counted twice (CLOUD-6 第五条).
   */
  describeEachDialect('four processes approving migrations into a target that fits only some (CLOUD-6 第五条, CLOUD-2 第十一条)', (dialect) => {
    const w = cloudWorld()
    const ids: number[] = []

    beforeAll(async () => {
      await w.setup(dialect)
      await w.admit('大云', 400)
      await w.admit('小云', 100)
      for (const n of [1, 2, 3, 4]) {
        await w.inService(`系统${n}`, '大云', {vms: 5, vcpu: 8})
        ids.push((await w.ok('clerk', ['cloud', 'system', 'migrate', `系统${n}`, '--to', '小云', '--reason', '集中部署'])).request.id)
      }
    })
    afterAll(async () => {
      await w.cleanup()
    })

    it('moves exactly the systems that fit; the rest are refused with exit 4; nothing reserved twice', async () => {
      expect(await w.capacity('大云')).toMatchObject({inUse: {vcpu: 160}})
      const results = await Promise.all(ids.map((id) => egov(['requests', 'approve', String(id), '--json'], w.as('chief'))))
      expect(results.map((r) => r.code).sort()).toEqual([0, 0, 4, 4])
      for (const r of results.filter((x) => x.code === 4)) {
        expect(r.json.error.details).toMatchObject({rule: 'CLOUD-6', provider: '小云'})
        expect(r.json.error.details.shortfalls).toEqual([{resource: 'vcpu', need: 40, free: 20, short: 20}])
      }
      expect(await w.capacity('小云')).toMatchObject({inUse: {vcpu: 80}, reserved: {vcpu: 0}, free: {vcpu: 20}, systems: 2})
      expect(await w.capacity('大云')).toMatchObject({inUse: {vcpu: 80}, free: {vcpu: 320}, systems: 2})
      const states = (await w.ok('clerk', ['requests', 'list', '--kind', 'cloud-migration'])).requests.map((r: {state: string}) => r.state).sort()
      expect(states).toEqual(['applied', 'applied', 'migrated', 'migrated'])
      const systems = (await w.ok('clerk', ['cloud', 'system', 'list'])).systems
      expect(systems.filter((s: {provider: string}) => s.provider === '小云')).toHaveLength(2)
      expect(await w.tdb.count('cloud_events', "event = 'migrated'")).toBe(2)
      await expectNoOvercommit(w)
      expect((await w.ok('clerk', ['audit', 'verify'])).ok).toBe(true)
    })
  })

  /**
   * Withdraw and approve raced on one request by four processes: it moves exactly once, and
   * what it held is released (or moved) exactly once.
   */
  describeEachDialect('four processes withdrawing and approving one request at once (X-2, CLOUD-6 第五条)', (dialect) => {
    const w = cloudWorld()

    beforeAll(async () => {
      await w.setup(dialect)
      await w.admit('大云', 400)
      await w.admit('小云', 100)
    })
    afterAll(async () => {
      await w.cleanup()
    })

    const race = (id: number) =>
      Promise.all([
        egov(['requests', 'withdraw', String(id), '--reason', '撤回', '--json'], w.as('clerk')),
        egov(['requests', 'approve', String(id), '--json'], w.as('chief')),
        egov(['requests', 'withdraw', String(id), '--reason', '撤回', '--json'], w.as('clerk')),
        egov(['requests', 'approve', String(id), '--json'], w.as('chief')),
      ])
    const movesFrom = async (id: number, state: string) => (await w.request(id)).history.filter((h: {from: string | null; to: string}) => h.from === state && h.to !== state)

    it('a migration: either withdrawn or migrated, once; capacity counted once', async () => {
      await w.inService('迁移系统', '大云', {vms: 5, vcpu: 8})
      const id = (await w.ok('clerk', ['cloud', 'system', 'migrate', '迁移系统', '--to', '小云', '--reason', '集中部署'])).request.id
      const results = await race(id)
      expect(results.filter((r) => r.code === 0)).toHaveLength(1)
      for (const r of results.filter((x) => x.code !== 0)) expect(r.code, r.stdout).toBe(4)
      const after = await w.request(id)
      expect(['withdrawn', 'migrated']).toContain(after.state)
      expect(await movesFrom(id, 'applied')).toHaveLength(1)
      const moved = after.state === 'migrated'
      expect(await w.capacity('小云')).toMatchObject({inUse: {vcpu: moved ? 40 : 0}})
      expect(await w.capacity('大云')).toMatchObject({inUse: {vcpu: moved ? 0 : 40}})
      await expectNoOvercommit(w)
    })

    it('a scale request: withdrawn or scaled, once', async () => {
      const id = (await w.ok('clerk', ['cloud', 'change', '迁移系统', '--vms', '6', '--reason', '扩容'])).request.id
      const results = await race(id)
      expect(results.filter((r) => r.code === 0)).toHaveLength(1)
      const after = await w.request(id)
      expect(['withdrawn', 'scaled']).toContain(after.state)
      expect(await movesFrom(id, 'applied')).toHaveLength(1)
      const provider = (await w.system('迁移系统')).provider
      expect(await w.capacity(provider)).toMatchObject({inUse: {vcpu: after.state === 'scaled' ? 48 : 40}})
      await expectNoOvercommit(w)
    })

    it('an approved onboarding withdrawn by four processes at once: withdrawn once, its capacity and extranet block released once', async () => {
      const id = await w.approved('撤回系统', '大云', {vms: 2, vcpu: 4, extranetIps: 4})
      const reserved = (await w.capacity('大云')).reserved.vcpu
      expect(reserved).toBe(8)
      const results = await Promise.all([1, 2, 3, 4].map(() => egov(['requests', 'withdraw', String(id), '--reason', '撤回', '--json'], w.as('clerk'))))
      expect(results.map((r) => r.code).sort()).toEqual([0, 4, 4, 4])
      expect(await movesFrom(id, 'approved')).toHaveLength(1)
      expect(await w.capacity('大云')).toMatchObject({reserved: {vcpu: 0, extranetIps: 0}})
      const released = (await w.ok('clerk', ['net', 'list', '--all'])).allocations
      expect(released).toEqual([expect.objectContaining({status: 'released'})])
      const releases = (await w.ok('clerk', ['audit', 'log', '--entity', `net-allocation:${released[0].id}`])).entries.filter((e: {action: string}) => e.action === 'net.release')
      expect(releases).toHaveLength(1)
      await expectNoOvercommit(w)
      expect((await w.ok('clerk', ['audit', 'verify'])).ok).toBe(true)
    })
  })
})
