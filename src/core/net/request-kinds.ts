import type {WriteContext} from '../store/index.js'
import {readTemplate} from '../templates.js'
import {registerKind} from '../workflow/registry.js'
import type {ConnectionRequest, DecisionRequest} from './requests.js'

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

const ops = () => import('./requests.js')

/** Summaries use the official Chinese terms, as the forms do (access modes are data in templates/). */
function modeName(key: string | undefined): string {
  if (!key) return ''
  return readTemplate<{modes: Array<{key: string; name: string}>}>('access-modes.json').modes.find((m) => m.key === key)?.name ?? key
}

registerKind<ConnectionRequest>({
  kind: 'net-onboarding',
  initial: 'applied',
  states: CONNECTION_STATES,
  transitions: CONNECTION_STEPS,
  parsePayload: connectionPayload,
  summary: (p) => `${modeName(p.accessMode)} ${p.plan?.cidr ?? (p.hosts ? `${p.hosts}台主机` : p.prefixLength ? `/${p.prefixLength}` : '')} ${p.basis}`.trim(),
  onEnter: async (ctx, r, state) => {
    if (state === 'rejected') return (await ops()).rejectionReply(ctx, r.id, r.payload, 'onboarding', r.comment ?? '')
    return state === 'in-service' ? (await ops()).putInService(ctx, r.id, r.payload, 'onboarding') : undefined
  },
})

registerKind<ConnectionRequest>({
  kind: 'net-change',
  initial: 'applied',
  states: CONNECTION_STATES,
  transitions: CONNECTION_STEPS,
  parsePayload: connectionPayload,
  summary: (p) => `变更：${p.basis}`,
  onEnter: async (ctx, r, state) => {
    // A change moves only while the connection is in service: not once it is cut off (NET-7) or closed (NET-6).
    // NET-5: a rejected change is answered in writing, with the reason.
    if (state === 'rejected') return (await ops()).rejectionReply(ctx, r.id, r.payload, 'change', r.comment ?? '')
    await (await ops()).requireInService(ctx, r.payload.unit)
    return state === 'in-service' ? (await ops()).putInService(ctx, r.id, r.payload, 'change') : undefined
  },
})

const decision = (kind: string, done: string, summary: (p: DecisionRequest) => string, carry: (ctx: WriteContext, id: number, p: DecisionRequest) => Promise<Partial<DecisionRequest>>) =>
  registerKind<DecisionRequest>({
    kind,
    initial: 'applied',
    states: {applied: {limitDays: 3}, [done]: {terminal: true}, rejected: {terminal: true}},
    transitions: [
      {action: 'approve', from: 'applied', to: done},
      {action: 'reject', from: 'applied', to: 'rejected'},
    ],
    parsePayload: (input) => input as DecisionRequest,
    summary,
    onEnter: async (ctx, r, state) => (state === done ? carry(ctx, r.id, r.payload) : undefined),
  })

decision('net-close', 'closed', (p) => `关闭：${p.reason ?? ''}`, async (ctx, id, p) => (await ops()).closeConnection(ctx, id, p))
decision('net-cutoff', 'cut-off', (p) => `整改期限 ${p.rectifyBy}：${p.reason ?? ''}`, async (ctx, id, p) => (await ops()).cutOff(ctx, id, p))
decision('net-restore', 'restored', (p) => `恢复：${p.note ?? ''}`, async (ctx, id, p) => (await ops()).restore(ctx, id, p))

