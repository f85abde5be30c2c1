import type {WriteContext} from '../store/index.js'
import {readTemplate} from '../templates.js'
import {type AnyKind, defineKind, js} from '../workflow/index.js'
import type {AdoptRequest} from './adopt.js'
import type {ConnectionRequest, DecisionRequest} from './requests/index.js'

/**
 * The extranet request kinds as data (NET-5, NET-6, NET-7): onboarding and change run
 * 申请 → 审核 → 制定方案 → 实施 → 业务测试 → in service; closing, cut-off and restore are
 * one decision each, approved by a second person. Effects load requests.ts when they run.
 */

const CONNECTION_STATES = {
  applied: {limitDays: 5},
  reviewed: {limitDays: 5},
  planned: {limitDays: 10},
  implemented: {limitDays: 5},
  'in-service': {terminal: true},
  rejected: {terminal: true},
}
const CONNECTION_STEPS = [
  {action: 'approve', from: 'applied', to: 'reviewed'},
  {action: 'reject', from: 'applied', to: 'rejected'},
  {action: 'reject', from: 'reviewed', to: 'rejected'},
  {action: 'plan', from: 'reviewed', to: 'planned'},
  {action: 'implement', from: 'planned', to: 'implemented'},
  {action: 'test', from: 'implemented', to: 'in-service'},
]

function connectionPayload(input: unknown): ConnectionRequest {
  return input as ConnectionRequest
}

const ops = () => import('./requests/index.js')

/** Written replies and notices: the file's path and its document number (发文字号). */
const NOTICE = {notice: js.line('path of the written notice or reply'), noticeNumber: js.line('its document number (发文字号)')}
const PLANE = js.oneOf([1, 2], 'network plane: 1 or 2')
const COST_BEARER = js.oneOf(['bureau', 'unit'], 'who bears the cost (NET-8)')

/** A block a plan reserved (PlannedBlock in requests.ts). */
const PLANNED_BLOCK = {allocationId: js.int(1), cidr: js.line(), pool: js.line(), at: js.instant(), by: js.line()}

/** NET-4 waived for a plan (Net4Override in districts.ts): the reason given and what differed. */
const NET4_OVERRIDE = js.object(
  {
    rule: js.oneOf(['NET-4']),
    reason: js.line('why the pool of another district or level'),
    pool: js.line(),
    mismatches: js.array(js.object({kind: js.oneOf(['district', 'unit-district', 'level']), poolDistrict: js.line(), unitDistrict: js.line(), poolLevel: js.line(), unitLevel: js.line()}, ['kind'])),
  },
  ['rule', 'reason', 'pool', 'mismatches'],
  'NET-4 (属地接入、分级接入) waived for this block, with the reason recorded',
)

/** The schema of ConnectionRequest (requests.ts): what onboarding and change carry, and what their steps add. */
const CONNECTION_SCHEMA = js.object(
  {
    unit: js.line(),
    category: js.oneOf([1, 2, 3, 4], 'NET-3 category of the unit'),
    basis: js.line('the basis of the application'),
    accessMode: js.line(),
    scope: js.text(),
    hosts: js.int(1),
    prefixLength: js.int(8, 128),
    prefixLengthV6: js.int(16, 128),
    plane: PLANE,
    bandwidthMbps: js.int(1),
    business: js.text(),
    sponsor: js.line('归口部门 (category 4)'),
    costBearer: COST_BEARER,
    plan: js.object({...PLANNED_BLOCK, override: NET4_OVERRIDE}, ['allocationId', 'cidr', 'pool', 'at', 'by'], 'the technical plan: the block reserved'),
    planV6: js.object({...PLANNED_BLOCK, override: NET4_OVERRIDE}, ['allocationId', 'cidr', 'pool', 'at', 'by'], 'dual stack: the IPv6 block reserved in the same plan'),
    implementNote: js.text(),
    tests: js.array(
      js.object(
        {
          at: js.instant(),
          by: js.line(),
          passed: js.bool(),
          method: js.oneOf(['probe', 'manual']),
          probes: js.array(js.object({target: js.text(), ok: js.bool(), status: js.int(0), latencyMs: js.number(0), error: js.text(), errorCode: js.text()}, ['target', 'ok'])),
          note: js.text(),
        },
        ['at', 'by', 'passed', 'method'],
      ),
    ),
    previous: js.object(
      {
        unit: js.line(),
        status: js.oneOf(['in-service', 'cut-off', 'closed']),
        plane: PLANE,
        accessMode: js.text(),
        bandwidthMbps: js.int(0),
        costBearer: COST_BEARER,
        sponsor: js.nullable(js.text()),
        requestId: js.int(1),
        since: js.text(),
        rectifyBy: js.nullable(js.text()),
        addresses: js.array(js.text()),
      },
      ['unit', 'status'],
      'for a change: the connection before it',
    ),
    ...NOTICE,
  },
  ['unit', 'category', 'basis', 'plane'],
)

/** The schema of DecisionRequest (requests.ts): closing, cut-off, restore. */
const DECISION_SCHEMA = js.object(
  {unit: js.line(), plane: PLANE, reason: js.text(), rectifyBy: js.date('the last day to rectify (NET-7)'), note: js.text(), ...NOTICE, addresses: js.array(js.text())},
  ['unit'],
)

/** Summaries use the official Chinese terms, as the forms do (access modes are data in templates/). */
function modeName(key: string | undefined): string {
  if (!key) return ''
  return readTemplate<{modes: Array<{key: string; name: string}>}>('access-modes.json').modes.find((m) => m.key === key)?.name ?? key
}

const netOnboardingKind = defineKind<ConnectionRequest>({
  kind: 'net-onboarding',
  initial: 'applied',
  states: CONNECTION_STATES,
  transitions: CONNECTION_STEPS,
  parsePayload: connectionPayload,
  payloadSchema: CONNECTION_SCHEMA,
  summary: (p) =>
    `${modeName(p.accessMode)} ${p.plan?.cidr ?? (p.hosts ? `${p.hosts}台主机` : p.prefixLength ? `/${p.prefixLength}` : '')}${p.planV6 ? ` ${p.planV6.cidr}` : p.prefixLengthV6 ? ` IPv6 /${p.prefixLengthV6}` : ''} ${p.basis}`.trim(),
  onEnter: async (ctx, r, state) => {
    if (state === 'rejected') return (await ops()).rejectionReply(ctx, r.id, r.payload, 'onboarding', r.comment ?? '')
    return state === 'in-service' ? (await ops()).putInService(ctx, r.id, r.payload, 'onboarding') : undefined
  },
})

const netChangeKind = defineKind<ConnectionRequest>({
  kind: 'net-change',
  initial: 'applied',
  states: CONNECTION_STATES,
  transitions: CONNECTION_STEPS,
  parsePayload: connectionPayload,
  payloadSchema: CONNECTION_SCHEMA,
  summary: (p) => `变更：${p.basis}`,
  onEnter: async (ctx, r, state) => {
    // A change moves only while the connection is in service: not once it is cut off (NET-7) or closed (NET-6).
    // NET-5: a rejected change is answered in writing, with the reason.
    if (state === 'rejected') return (await ops()).rejectionReply(ctx, r.id, r.payload, 'change', r.comment ?? '')
    await (await ops()).requireInService(ctx, r.payload.unit, r.payload.plane)
    return state === 'in-service' ? (await ops()).putInService(ctx, r.id, r.payload, 'change') : undefined
  },
})

const decision = (kind: string, done: string, summary: (p: DecisionRequest) => string, carry: (ctx: WriteContext, id: number, p: DecisionRequest) => Promise<Partial<DecisionRequest>>) =>
  defineKind<DecisionRequest>({
    kind,
    initial: 'applied',
    states: {applied: {limitDays: 3}, [done]: {terminal: true}, rejected: {terminal: true}},
    transitions: [
      {action: 'approve', from: 'applied', to: done},
      {action: 'reject', from: 'applied', to: 'rejected'},
    ],
    parsePayload: (input) => input as DecisionRequest,
    payloadSchema: DECISION_SCHEMA,
    summary,
    onEnter: async (ctx, r, state) => (state === done ? carry(ctx, r.id, r.payload) : undefined),
  })

const netCloseKind = decision(
  'net-close',
  'closed',
  (p) => `关闭：${p.reason ?? ''}`,
  async (ctx, id, p) => (await ops()).closeConnection(ctx, id, p),
)
const netCutoffKind = decision(
  'net-cutoff',
  'cut-off',
  (p) => `整改期限 ${p.rectifyBy}：${p.reason ?? ''}`,
  async (ctx, id, p) => (await ops()).cutOff(ctx, id, p),
)
const netRestoreKind = decision(
  'net-restore',
  'restored',
  (p) => `恢复：${p.note ?? ''}`,
  async (ctx, id, p) => (await ops()).restore(ctx, id, p),
)

/** 存量接入 (issue 15): a connection in service before egov, recorded with its blocks once a second person approves. */
const ADOPT_SCHEMA = js.object(
  {
    unit: js.line(),
    category: js.oneOf([1, 2, 3, 4], 'NET-3 category of the unit'),
    basis: js.line('the basis: the original approval or contract'),
    accessMode: js.line(),
    plane: PLANE,
    bandwidthMbps: js.int(1),
    since: js.date('the day the connection went into service'),
    cidrs: {...js.array(js.line()), description: 'the blocks the connection has'},
    sponsor: js.line('归口部门 (category 4)'),
    costBearer: COST_BEARER,
    allocations: {...js.array(js.int(1)), description: 'after approval: the allocations that are its blocks'},
  },
  ['unit', 'category', 'basis', 'accessMode', 'plane', 'bandwidthMbps', 'since', 'cidrs', 'costBearer'],
)

const netAdoptKind = defineKind<AdoptRequest>({
  kind: 'net-adopt',
  initial: 'applied',
  states: {applied: {limitDays: 5}, adopted: {terminal: true}, rejected: {terminal: true}},
  transitions: [
    {action: 'approve', from: 'applied', to: 'adopted'},
    {action: 'reject', from: 'applied', to: 'rejected'},
  ],
  parsePayload: (input) => input as AdoptRequest,
  payloadSchema: ADOPT_SCHEMA,
  summary: (p) => `存量接入：${modeName(p.accessMode)} ${p.cidrs.join('、')}（${p.since} 起）`,
  onEnter: async (ctx, r, state) => (state === 'adopted' ? (await import('./adopt.js')).adoptConnection(ctx, r.id, r.payload) : undefined),
})

/** The kinds of this area, as src/core/kinds.ts lists them for the engine. */
export const NET_KINDS: readonly AnyKind[] = [netOnboardingKind, netChangeKind, netCloseKind, netCutoffKind, netRestoreKind, netAdoptKind]
