import {registerKind} from '../workflow/registry.js'
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
