import {defineKind, js, type KindDefinition} from '../workflow/index.js'
import type {ProviderApplication, ProviderExit} from './providers.js'
import type {MigrationRequest} from './migration.js'
import type {OnboardingRequest} from './onboarding.js'
import type {ReleaseRequest} from './release.js'
import type {ScaleRequest} from './scaling.js'

/**
 * The cloud's request kinds as data (CLOUD-2..5). Effects load their modules only when a
 * step runs, so listing requests does not pay for them. Limits are working days (X-1).
 */

const onboarding = () => import('./onboarding.js')
const scaling = () => import('./scaling.js')
const release = () => import('./release.js')
const migration = () => import('./migration.js')
const systemRequests = () => import('./system-requests.js')
const providers = () => import('./providers.js')
// The payloads' schemas (issue 19), from the types in onboarding.ts, scaling.ts, release.ts, migration.ts, providers.ts, exceptions.ts and orders.ts.
const ATTACHMENT = js.object(
  {role: js.line(), path: js.line(), size: js.int(0), sha256: {type: 'string', pattern: '^[0-9a-f]{64}$'}},
  ['role', 'path', 'size', 'sha256'],
  'a file by reference: its path, size and SHA-256',
)
const RESOURCES = ['vcpu', 'memoryGib', 'storageGib', 'bandwidthMbps', 'extranetIps', 'internetIps']
const AMOUNTS = js.object(Object.fromEntries(RESOURCES.map((r) => [r, js.int(0)])), RESOURCES, 'capacity totals (CLOUD-6)')
const CONFIG_FIELDS = ['vms', 'vcpu', 'memoryGib', 'systemDiskGib', 'dataDiskGib', 'bandwidthMbps', 'extranetIps', 'internetIps']
const CONFIGURATION = js.object(Object.fromEntries(CONFIG_FIELDS.map((f) => [f, js.int(f === 'vms' ? 1 : 0)])), CONFIG_FIELDS, 'the configuration: VM count, per-VM compute and disks, network needs')
const SYSTEM = {unit: js.line(), system: js.line(), systemId: js.int(1)}

const ONBOARDING_SCHEMA = js.object(
  {
    ...SYSTEM,
    level: js.int(1, 3, 'graded protection level (CLOUD-1: below 4)'),
    classified: js.bool(),
    os: js.text(),
    config: CONFIGURATION,
    totals: AMOUNTS,
    exceptionId: js.int(1),
    exceptionRef: js.text(),
    securityLetter: ATTACHMENT,
    plan: js.object(
      {provider: js.line(), pool: js.line(), file: ATTACHMENT, proposed: js.bool(), reason: js.text(), at: js.instant(), by: js.line()},
      ['provider', 'file', 'proposed', 'reason', 'at', 'by'],
      '上云方案',
    ),
    reserved: js.object({provider: js.line(), envelope: AMOUNTS, allocation: js.object({id: js.int(1), cidr: js.line(), pool: js.line()}, ['id', 'cidr', 'pool'])}, ['provider', 'envelope']),
    agreement: ATTACHMENT,
    provisionedAt: js.instant(),
  },
  ['unit', 'system', 'systemId', 'level', 'classified', 'os', 'config', 'totals', 'securityLetter'],
)

const gib = (n: number) => (n >= 1024 && n % 1024 === 0 ? `${n / 1024}TiB` : `${n}GiB`)

// 申请 → 初审 → 上云方案 → 审批 (capacity reserved) → 服务协议 → 开通 (CLOUD-3)
const cloudOnboardingKind = defineKind<OnboardingRequest>({
  kind: 'cloud-onboarding',
  initial: 'applied',
  states: {
    applied: {limitDays: 5},
    reviewed: {limitDays: 10},
    planned: {limitDays: 5},
    approved: {limitDays: 10},
    agreed: {limitDays: 5},
    provisioned: {terminal: true},
    rejected: {terminal: true},
    withdrawn: {terminal: true},
  },
  transitions: [
    {action: 'approve', from: 'applied', to: 'reviewed'},
    {action: 'reject', from: 'applied', to: 'rejected'},
    {action: 'plan', from: 'reviewed', to: 'planned'},
    {action: 'reject', from: 'reviewed', to: 'rejected'},
    {action: 'approve', from: 'planned', to: 'approved'},
    {action: 'reject', from: 'planned', to: 'rejected'},
    {action: 'agreement', from: 'approved', to: 'agreed'},
    {action: 'provision', from: 'agreed', to: 'provisioned'},
    // 撤回 by the applicant, with a reason, until the system is provisioned (issue 16).
    {action: 'withdraw', from: 'applied', to: 'withdrawn'},
    {action: 'withdraw', from: 'reviewed', to: 'withdrawn'},
    {action: 'withdraw', from: 'planned', to: 'withdrawn'},
    {action: 'withdraw', from: 'approved', to: 'withdrawn'},
    {action: 'withdraw', from: 'agreed', to: 'withdrawn'},
  ],
  parsePayload: (input) => input as OnboardingRequest,
  payloadSchema: ONBOARDING_SCHEMA,
  summary: (p) => `上云：${p.system}（等保${p.level}级）${p.config.vms}台 ${p.totals.vcpu}vCPU ${p.totals.memoryGib}GiB ${gib(p.totals.storageGib)}${p.plan ? ` → ${p.plan.provider}` : ''}`,
  onEnter: async (ctx, r, state) => {
    if (state === 'approved') return (await onboarding()).reserveOnApproval(ctx, r.id, r.payload)
    if (state === 'rejected') await (await onboarding()).onOnboardingRejected(ctx, r.id, r.payload)
    if (state === 'withdrawn') await (await onboarding()).onOnboardingWithdrawn(ctx, r.id, r.payload)
  },
})

// 扩容/缩容 beyond the envelope (CLOUD-4): one decision, approved by a second person.
const cloudScaleKind = defineKind<ScaleRequest>({
  kind: 'cloud-scale',
  initial: 'applied',
  states: {applied: {limitDays: 5}, scaled: {terminal: true}, rejected: {terminal: true}, withdrawn: {terminal: true}},
  transitions: [
    {action: 'approve', from: 'applied', to: 'scaled'},
    {action: 'reject', from: 'applied', to: 'rejected'},
    {action: 'withdraw', from: 'applied', to: 'withdrawn'},
  ],
  parsePayload: (input) => input as ScaleRequest,
  payloadSchema: js.object({...SYSTEM, provider: js.line(), config: CONFIGURATION, envelope: AMOUNTS, previousEnvelope: AMOUNTS, direction: js.oneOf(['up', 'down', 'mixed']), reason: js.text()}, [
    'unit',
    'system',
    'systemId',
    'provider',
    'config',
    'envelope',
    'previousEnvelope',
    'direction',
  ]),
  summary: (p) =>
    `${p.direction === 'down' ? '缩容' : p.direction === 'up' ? '扩容' : '调整'}：${p.system} → ${p.envelope.vcpu}vCPU ${p.envelope.memoryGib}GiB ${gib(p.envelope.storageGib)} ${p.envelope.bandwidthMbps}Mbps`,
  onEnter: async (ctx, r, state) => {
    if (state === 'scaled') await (await scaling()).applyScale(ctx, r.id, r.payload)
    if (state === 'withdrawn') await (await systemRequests()).recordRequestEvent(ctx, r.id, r.payload, 'scale-withdrawn')
  },
})

// 释放 (CLOUD-5): approval → 数据清除 recorded → confirmed by another operator → released.
const cloudReleaseKind = defineKind<ReleaseRequest>({
  kind: 'cloud-release',
  initial: 'applied',
  states: {applied: {limitDays: 5}, approved: {limitDays: 10}, wiped: {limitDays: 5}, released: {terminal: true}, rejected: {terminal: true}, withdrawn: {terminal: true}},
  transitions: [
    {action: 'approve', from: 'applied', to: 'approved'},
    {action: 'reject', from: 'applied', to: 'rejected'},
    // Before approval only: once approved the provider may be wiping.
    {action: 'withdraw', from: 'applied', to: 'withdrawn'},
    {action: 'wipe', from: 'approved', to: 'wiped'},
    // The confirmer must differ from whoever recorded the wipe; egov cloud confirm-release checks that (CLOUD-5).
    {action: 'confirm', from: 'wiped', to: 'released'},
  ],
  parsePayload: (input) => input as ReleaseRequest,
  payloadSchema: js.object(
    {
      ...SYSTEM,
      provider: js.line(),
      reason: js.text(),
      wipe: js.object(
        {method: js.oneOf(['overwrite', 'crypto-erase', 'destroy-media']), by: js.line(), recordedBy: js.line(), at: js.instant(), evidence: ATTACHMENT},
        ['method', 'by', 'recordedBy', 'at'],
        '数据清除 (CLOUD-5)',
      ),
      confirmedBy: js.line(),
    },
    ['unit', 'system', 'systemId', 'provider', 'reason'],
  ),
  summary: (p) => `释放：${p.system}（${p.provider}）${p.reason}`,
  onEnter: async (ctx, r, state) => {
    if (state === 'approved') await (await release()).onReleaseApproved(ctx, r.id, r.payload)
    if (state === 'withdrawn') await (await systemRequests()).recordRequestEvent(ctx, r.id, r.payload, 'release-withdrawn')
  },
})

// 纳管 (CLOUD-2): application → expert review → admission test → admitted, reported to the province.
const cloudProviderKind = defineKind<ProviderApplication>({
  kind: 'cloud-provider',
  initial: 'applied',
  states: {applied: {limitDays: 10}, reviewed: {limitDays: 20}, admitted: {terminal: true}, rejected: {terminal: true}},
  transitions: [
    {action: 'approve', from: 'applied', to: 'reviewed'},
    {action: 'reject', from: 'applied', to: 'rejected'},
    {action: 'admit', from: 'reviewed', to: 'admitted'},
    {action: 'reject', from: 'reviewed', to: 'rejected'},
  ],
  parsePayload: (input) => input as ProviderApplication,
  payloadSchema: js.object(
    {
      name: js.line(),
      vcpu: js.int(1),
      memoryGib: js.int(1),
      storageGib: js.number(0),
      bandwidthMbps: js.int(1),
      extranetIps: js.int(0),
      internetIps: js.int(0),
      zones: js.array(js.line()),
      tests: js.array(js.object({at: js.instant(), by: js.line(), result: js.oneOf(['pass', 'fail']), note: js.text()}, ['at', 'by', 'result', 'note'])),
      reportedOn: js.date('reported to the provincial big-data centre on'),
    },
    ['name', 'vcpu', 'memoryGib', 'storageGib', 'bandwidthMbps', 'extranetIps', 'internetIps', 'zones'],
  ),
  summary: (p) => `纳管：${p.name} ${p.vcpu}vCPU ${p.memoryGib}GiB ${gib(p.storageGib)} ${p.bandwidthMbps}Mbps`,
  onEnter: async (ctx, r, state) => {
    if (state === 'admitted') await (await providers()).admitProvider(ctx, r.id, r.payload)
  },
})

// 退出 (CLOUD-2): refused while the provider hosts systems; they migrate first.
const cloudProviderExitKind = defineKind<ProviderExit>({
  kind: 'cloud-provider-exit',
  initial: 'applied',
  states: {applied: {limitDays: 10}, exited: {terminal: true}, rejected: {terminal: true}},
  transitions: [
    {action: 'approve', from: 'applied', to: 'exited'},
    {action: 'reject', from: 'applied', to: 'rejected'},
  ],
  parsePayload: (input) => input as ProviderExit,
  payloadSchema: js.object({name: js.line(), reason: js.text()}, ['name']),
  summary: (p) => `退出：${p.name}${p.reason ? ` ${p.reason}` : ''}`,
  onEnter: async (ctx, r, state) => {
    if (state === 'exited') await (await providers()).exitProvider(ctx, r.id, r.payload)
  },
})

// CLOUD-9 例外审批 (第十三条): the bureau files an exception letting the cloud serve an enterprise or a person; a second person approves it (X-2).
const cloudExceptionKind = defineKind<import('./exceptions.js').CloudException>({
  kind: 'cloud-exception',
  initial: 'applied',
  states: {applied: {limitDays: 5}, approved: {terminal: true}, rejected: {terminal: true}},
  transitions: [
    {action: 'approve', from: 'applied', to: 'approved'},
    {action: 'reject', from: 'applied', to: 'rejected'},
  ],
  parsePayload: (input) => input as import('./exceptions.js').CloudException,
  payloadSchema: js.object(
    {
      unit: js.line(),
      unitKind: js.line(),
      basis: {...js.line("the decision's grounds"), maxLength: 2000},
      documentNo: js.line('文号'),
      systems: js.array(js.line()),
      approvedBy: js.line(),
      approvedAt: js.instant(),
    },
    ['unit', 'unitKind', 'basis', 'documentNo'],
  ),
  summary: (p) => `例外：${p.unit} ${p.documentNo}${p.systems?.length ? `（${p.systems.join('、')}）` : '（全部系统）'}`,
  onEnter: async (ctx, _r, state) => {
    if (state === 'approved') return (await import('./exceptions.js')).onExceptionApproved(ctx)
  },
})

// 整改通知 (CLOUD-8, 第二十条: 责令限期整改): issued with a deadline (its due date) → the unit
// reports what it did → the bureau confirms, by an operator other than the one who recorded the
// rectification (X-2), or returns it. Only `egov cloud fix-order …` moves it.
const orders = () => import('./orders.js')
const cloudFixOrderKind = defineKind<import('./orders.js').FixOrder>({
  kind: 'cloud-fix-order',
  initial: 'issued',
  // issued: no working-day limit, the deadline is the due date (set on entering it).
  states: {issued: {}, rectified: {limitDays: 5}, confirmed: {terminal: true}},
  transitions: [
    {action: 'rectify', from: 'issued', to: 'rectified'},
    {action: 'confirm', from: 'rectified', to: 'confirmed'},
    {action: 'return', from: 'rectified', to: 'issued'},
  ],
  parsePayload: (input) => input as import('./orders.js').FixOrder,
  payloadSchema: js.object(
    {
      systemId: js.int(1),
      system: js.line(),
      unit: js.line(),
      provider: js.nullable(js.line()),
      finding: js.line(),
      deadline: js.date('the last day to rectify'),
      measures: js.text(),
      rectifiedBy: js.line(),
      rectifiedAt: js.instant(),
      confirmedBy: js.line(),
    },
    ['systemId', 'system', 'unit', 'provider', 'finding', 'deadline'],
  ),
  summary: (p) => `整改通知：${p.system}（${p.provider ?? '—'}）限 ${p.deadline} 前整改`,
  onEnter: async (ctx, r, state) => {
    if (state === 'issued') await (await orders()).dueOnDeadline(ctx, r.id, r.payload)
  },
})

// 迁移 (CLOUD-2, CLOUD-3 迁移方案, CLOUD-6): filed with egov cloud system migrate; a second person
// approves (X-2), which moves the system and its reservation to the target in one transaction
// and re-points the system's open requests. Withdrawn by the applicant before approval.
const cloudMigrationKind = defineKind<MigrationRequest>({
  kind: 'cloud-migration',
  initial: 'applied',
  states: {applied: {limitDays: 5}, migrated: {terminal: true}, rejected: {terminal: true}, withdrawn: {terminal: true}},
  transitions: [
    {action: 'approve', from: 'applied', to: 'migrated'},
    {action: 'reject', from: 'applied', to: 'rejected'},
    {action: 'withdraw', from: 'applied', to: 'withdrawn'},
  ],
  parsePayload: (input) => input as MigrationRequest,
  payloadSchema: js.object({...SYSTEM, from: js.line(), to: js.line(), reason: js.text(), envelope: AMOUNTS, plan: ATTACHMENT, migratedAt: js.instant(), repointed: js.array(js.int(1))}, [
    'unit',
    'system',
    'systemId',
    'from',
    'to',
    'reason',
    'envelope',
  ]),
  summary: (p) => `迁移：${p.system} ${p.from} → ${p.to}（${p.envelope.vcpu}vCPU ${p.envelope.memoryGib}GiB ${gib(p.envelope.storageGib)}）${p.reason}`,
  onEnter: async (ctx, r, state) => {
    if (state === 'migrated') return (await migration()).applyMigration(ctx, r.id, r.payload)
    if (state === 'rejected' || state === 'withdrawn') await (await systemRequests()).recordRequestEvent(ctx, r.id, r.payload, `migration-${state}`)
  },
})

/** The kinds of this area, as src/core/kinds.ts lists them for the engine. */
export const CLOUD_KINDS: readonly KindDefinition[] = [
  cloudOnboardingKind,
  cloudScaleKind,
  cloudReleaseKind,
  cloudProviderKind,
  cloudProviderExitKind,
  cloudExceptionKind,
  cloudFixOrderKind,
  cloudMigrationKind,
]
