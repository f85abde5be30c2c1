import {defineKind, js, type KindDefinition} from '../workflow/index.js'
import type {LifecycleRequest} from './lifecycle.js'

/**
 * ITEM-5: after an upstream list changes, the item library is updated within 10 working
 * days. Each import that changes the list files one of these; a second person approves it
 * once the library is updated, and until then it counts down (and shows as overdue).
 */
export interface UpdateRequest {
  version: number
  source: string
  bodies: string[]
  added: number
  changed: number
  removed: number
}

const itemUpdateKind = defineKind<UpdateRequest>({
  kind: 'item-update',
  initial: 'pending',
  states: {pending: {limitDays: 10}, updated: {terminal: true}},
  transitions: [{action: 'approve', from: 'pending', to: 'updated'}],
  parsePayload: (input) => input as UpdateRequest,
  payloadSchema: js.object(
    {version: js.int(1, undefined, 'the list version'), source: js.line('the imported file'), bodies: js.array(js.line()), added: js.int(0), changed: js.int(0), removed: js.int(0)},
    ['version', 'source', 'bodies', 'added', 'changed', 'removed'],
  ),
  summary: (p) => `清单版本 ${p.version}：新增 ${p.added}、变更 ${p.changed}、删除 ${p.removed}`,
})

const VERBS: Record<string, string> = {open: '开通', change: '变更', pause: '暂停', resume: '恢复', terminate: '终止'}

/**
 * ITEM-4: open, change, pause, resume and terminate, each applied for and approved by a
 * second person (X-2); reviewed within 3 working days (ITEM-5's reporting limit). The
 * approval carries the change out from its effective date.
 */
const itemLifecycleKind = defineKind<LifecycleRequest>({
  kind: 'item-lifecycle',
  initial: 'applied',
  states: {applied: {limitDays: 3}, approved: {terminal: true}, rejected: {terminal: true}},
  transitions: [
    {action: 'approve', from: 'applied', to: 'approved'},
    {action: 'reject', from: 'applied', to: 'rejected'},
  ],
  parsePayload: (input) => input as LifecycleRequest,
  payloadSchema: js.object(
    {
      action: js.oneOf(['open', 'change', 'pause', 'resume', 'terminate']),
      code: js.line('the item code'),
      name: js.text(),
      body: js.line('the body that runs the item'),
      effective: js.date('the effective date'),
      reason: js.text(),
      set: js.map(js.text()),
      parts: js.object({steps: js.array(js.array(js.text())), materials: js.array(js.array(js.text()))}, [], "an import's new 办理流程 / 申请材料 rows"),
      source: js.text(),
      proposal: js.text(),
      announcement: js.text(),
      status: js.oneOf(['pending', 'open', 'paused', 'terminated']),
      version: js.int(1),
    },
    ['action', 'code', 'name', 'body', 'effective', 'reason', 'announcement'],
  ),
  summary: (p) => `${VERBS[p.action] ?? p.action} ${p.code} ${p.name}，自 ${p.effective}`,
  onEnter: async (ctx, r, state) => (state === 'approved' ? (await import('./lifecycle.js')).carryOut(ctx, r.id, r.payload) : undefined),
})

/** The kinds of this area, as src/core/kinds.ts lists them for the engine. */
export const ITEM_KINDS: readonly KindDefinition[] = [itemUpdateKind, itemLifecycleKind]
