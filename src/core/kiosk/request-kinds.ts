import {defineKind, js, type KindDefinition} from '../workflow/index.js'
import type {SwitchRequest} from './disconnect.js'
import type {KioskRequestPayload} from './onboarding.js'

const OPINION = js.object({by: js.line(), at: js.instant(), text: js.text(), decision: js.oneOf(['approve', 'reject'])}, ['by', 'at', 'text', 'decision'])

/** The schema of KioskRequestPayload (onboarding.ts): the form as read, its file, and what approvals add. */
const KIOSK_SCHEMA = js.object(
  {
    form: js.object(
      {
        unit: js.line(),
        contact: js.text(),
        contactPhone: js.text(),
        leader: js.text(),
        leaderPhone: js.text(),
        model: js.text(),
        count: js.int(0),
        placements: js.array(js.object({no: js.int(0), name: js.text(), location: js.text(), quantity: js.int(0)}, ['no', 'name', 'location', 'quantity'])),
        officeOpinion: js.text(),
        leaderOpinion: js.text(),
      },
      ['unit', 'model', 'count', 'placements'],
      'the filled form (自助终端接入申请表)',
    ),
    source: js.object({path: js.line(), sha256: {type: 'string', pattern: '^[0-9a-f]{64}$'}}, ['path', 'sha256'], 'the form file filed'),
    admitted: js.int(0),
    failed: js.int(0),
    outcome: js.text(),
    opinions: js.object({office: OPINION, leader: OPINION}, [], "the form's opinion boxes (KIOSK-3)"),
  },
  ['form', 'source'],
)

/** The schema of SwitchRequest (disconnect.ts): KIOSK-4 disconnection and reconnection. */
const SWITCH_SCHEMA = js.object({target: js.line("a unit, or one kiosk's serial"), unit: js.line(), serials: js.array(js.line()), reason: js.text(), emergency: js.bool()}, [
  'target',
  'unit',
  'serials',
  'reason',
])

/**
 * KIOSK-2 (第十一条): the unit applies with the form → the bureau verifies (核验) each
 * delivered kiosk at its site (`egov kiosk verify`, recorded on the request without moving
 * it) → the “政银通办” working-group office reviews it once every placed kiosk is verified
 * (`requests approve`, the form's office opinion box) → the leader in charge approves
 * (`requests approve` again, the leader's box), which admits the kiosks that passed. Each
 * step is a second person's (X-2): not the filer, and the leader not the office reviewer.
 * Reviewed within 10 working days, approved within 5 (limit.kiosk.applied, limit.kiosk.reviewed).
 */
const kioskKind = defineKind<KioskRequestPayload>({
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
  payloadSchema: KIOSK_SCHEMA,
  summary: (p) =>
    `${p.form.unit}：${p.form.model} ${p.form.count} 台，${p.form.placements.length} 个网点` +
    (p.admitted === undefined ? '' : `；准入 ${p.admitted} 台${p.failed ? `，${p.failed} 台未通过核验` : ''}`),
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
const kioskDisconnectKind = defineKind<SwitchRequest>({
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
  payloadSchema: SWITCH_SCHEMA,
  summary: (p) => `${p.emergency ? '紧急' : ''}中断 ${p.target}（${p.serials.length} 台）：${p.reason}`,
  onEnter: async (ctx, r, state) => {
    const {switchKiosks} = await import('./disconnect.js')
    if (state === 'review' || state === 'disconnected') await switchKiosks(ctx, r.id, r.payload, 'active', 'disconnected', r.payload.emergency ? 'emergency-disconnect' : 'disconnect')
    if (state === 'overruled') await switchKiosks(ctx, r.id, r.payload, 'disconnected', 'active', 'reconnect')
    return undefined
  },
})

const kioskReconnectKind = defineKind<SwitchRequest>({
  kind: 'kiosk-reconnect',
  initial: 'applied',
  states: {applied: {limitDays: 3}, reconnected: {terminal: true}, rejected: {terminal: true}},
  transitions: [
    {action: 'approve', from: 'applied', to: 'reconnected'},
    {action: 'reject', from: 'applied', to: 'rejected'},
  ],
  parsePayload: (input) => input as SwitchRequest,
  payloadSchema: SWITCH_SCHEMA,
  summary: (p) => `恢复连接 ${p.target}（${p.serials.length} 台）：${p.reason}`,
  onEnter: async (ctx, r, state) => {
    if (state !== 'reconnected') return undefined
    const {switchKiosks} = await import('./disconnect.js')
    await switchKiosks(ctx, r.id, r.payload, 'disconnected', 'active', 'reconnect')
    return undefined
  },
})

/** The kinds of this area, as src/core/kinds.ts lists them for the engine. */
export const KIOSK_KINDS: readonly KindDefinition[] = [kioskKind, kioskDisconnectKind, kioskReconnectKind]
