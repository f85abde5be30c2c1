import {registerKind} from '../workflow/registry.js'
import type {SwitchRequest} from './disconnect.js'
import type {KioskRequestPayload} from './onboarding.js'

/**
 * KIOSK-2 (第十一条): the unit applies with the form → the bureau verifies (核验) each
 * delivered kiosk at its site (`egov kiosk verify`, recorded on the request without moving
 * it) → the “政银通办” working-group office reviews it once every placed kiosk is verified
 * (`requests approve`, the form's office opinion box) → the leader in charge approves
 * (`requests approve` again, the leader's box), which admits the kiosks that passed. Each
 * step is a second person's (X-2): not the filer, and the leader not the office reviewer.
 * Reviewed within 10 working days, approved within 5 (limit.kiosk.applied, limit.kiosk.reviewed).
 */
registerKind<KioskRequestPayload>({
  kind: 'kiosk',
  initial: 'applied',
  states: {applied: {limitDays: 10}, reviewed: {limitDays: 5}, approved: {terminal: true}, rejected: {terminal: true}},
  transitions: [
    {action: 'approve', from: 'applied', to: 'reviewed'},
    {action: 'reject', from: 'applied', to: 'rejected'},
    {action: 'approve', from: 'reviewed', to: 'approved'},
    {action: 'reject', from: 'reviewed', to: 'rejected'},
  ],
  parsePayload: (input) => input as KioskRequestPayload,
  summary: (p) =>
    `${p.form.unit}：${p.form.model} ${p.form.count} 台，${p.form.placements.length} 个网点` + (p.admitted === undefined ? '' : `；准入 ${p.admitted} 台${p.failed ? `，${p.failed} 台未通过核验` : ''}`),
  onEnter: async (ctx, r, state) => {
    if (state === 'applied') return undefined
    const registry = await import('./registry.js')
    const {opinionOfStep, OPINION_LABELS} = await import('./opinions.js')
    const {box, opinions} = await opinionOfStep(ctx, r.id, r.payload)
    if (state === 'reviewed') {
      // The office reviews what was verified: every placed kiosk first (KIOSK-2).
      await registry.requireVerified(ctx, r.id, r.payload)
      return {opinions, outcome: `${OPINION_LABELS.office}：${opinions.office!.text}；待主管领导审批（KIOSK-2）`}
    }
    if (state === 'approved') return {opinions, ...(await registry.admitKiosks(ctx, r.id, r.payload))}
    if (state === 'rejected') {
      await registry.dropKiosks(ctx, r.id)
      return {opinions, outcome: `${OPINION_LABELS[box]}：不同意：${opinions[box]!.text}`}
    }
    return undefined
  },
})

/**
 * KIOSK-4: disconnection on approval by a second person, or at once in an emergency
 * (the `emergency` step, which the filer takes) and reviewed after: approve confirms,
 * reject overrules and reconnects.
 */
registerKind<SwitchRequest>({
  kind: 'kiosk-disconnect',
  initial: 'applied',
  states: {applied: {limitDays: 3}, review: {limitDays: 3}, disconnected: {terminal: true}, rejected: {terminal: true}, overruled: {terminal: true}},
  transitions: [
    {action: 'approve', from: 'applied', to: 'disconnected'},
    {action: 'reject', from: 'applied', to: 'rejected'},
    {action: 'emergency', from: 'applied', to: 'review', fourEyes: false},
    {action: 'approve', from: 'review', to: 'disconnected'},
    {action: 'reject', from: 'review', to: 'overruled'},
  ],
  parsePayload: (input) => input as SwitchRequest,
  summary: (p) => `${p.emergency ? '紧急' : ''}中断 ${p.target}（${p.serials.length} 台）：${p.reason}`,
  onEnter: async (ctx, r, state) => {
    const {switchKiosks} = await import('./disconnect.js')
    if (state === 'review' || state === 'disconnected') await switchKiosks(ctx, r.id, r.payload, 'active', 'disconnected', r.payload.emergency ? 'emergency-disconnect' : 'disconnect')
    if (state === 'overruled') await switchKiosks(ctx, r.id, r.payload, 'disconnected', 'active', 'reconnect')
    return undefined
  },
})

registerKind<SwitchRequest>({
  kind: 'kiosk-reconnect',
  initial: 'applied',
  states: {applied: {limitDays: 3}, reconnected: {terminal: true}, rejected: {terminal: true}},
  transitions: [
    {action: 'approve', from: 'applied', to: 'reconnected'},
    {action: 'reject', from: 'applied', to: 'rejected'},
  ],
  parsePayload: (input) => input as SwitchRequest,
  summary: (p) => `恢复连接 ${p.target}（${p.serials.length} 台）：${p.reason}`,
  onEnter: async (ctx, r, state) => {
    if (state !== 'reconnected') return undefined
    const {switchKiosks} = await import('./disconnect.js')
    await switchKiosks(ctx, r.id, r.payload, 'disconnected', 'active', 'reconnect')
    return undefined
  },
})
