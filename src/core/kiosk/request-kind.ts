import {registerKind} from '../workflow/registry.js'
import type {SwitchRequest} from './disconnect.js'
import type {KioskRequestPayload} from './onboarding.js'

/**
 * KIOSK-2 (第十一条): the unit applies with the form → the bureau verifies (核验) each
 * delivered kiosk at its site (`egov kiosk verify`, recorded on the request without moving
 * it) → a second person approves (X-2) once every placed kiosk is verified, which admits
 * those that passed. Reviewed within 10 working days (limit.kiosk.applied to change).
 */
registerKind<KioskRequestPayload>({
  kind: 'kiosk',
  initial: 'applied',
  states: {applied: {limitDays: 10}, approved: {terminal: true}, rejected: {terminal: true}},
  transitions: [
    {action: 'approve', from: 'applied', to: 'approved'},
    {action: 'reject', from: 'applied', to: 'rejected'},
  ],
  parsePayload: (input) => input as KioskRequestPayload,
  summary: (p) =>
    `${p.form.unit}：${p.form.model} ${p.form.count} 台，${p.form.placements.length} 个网点` + (p.admitted === undefined ? '' : `；准入 ${p.admitted} 台${p.failed ? `，${p.failed} 台未通过核验` : ''}`),
  onEnter: async (ctx, r, state) => {
    const registry = await import('./registry.js')
    if (state === 'approved') return registry.admitKiosks(ctx, r.id, r.payload)
    if (state === 'rejected') await registry.dropKiosks(ctx, r.id)
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
