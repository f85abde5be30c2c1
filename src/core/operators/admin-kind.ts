import type {WriteContext} from '../store/index.js'
import {defineKind, type JsonSchema, type KindDefinition} from '../workflow/index.js'
import {checkPermit} from './permit.js'

/**
 * A change the 系统管理员 keep (the roster, deadlines, the calendar: issue 18, X-2, CERT-4), as
 * a request kind: filed, then in effect when another active 系统管理员 approves it (the reviewer
 * of these kinds is system-admin, see reviewRole); rejected with a reason, or withdrawn by a
 * 系统管理员, it changes nothing. `apply` makes the change, inside the approving transaction.
 */
export function adminChangeKind<P>(definition: {
  kind: string
  parsePayload(input: unknown): P
  payloadSchema: JsonSchema
  summary(payload: P): string
  apply(ctx: WriteContext, payload: P, requestId: number): Promise<unknown>
}): KindDefinition<P> {
  return defineKind<P>({
    kind: definition.kind,
    initial: 'submitted',
    states: {
      submitted: {limitDays: 2},
      applied: {terminal: true},
      rejected: {terminal: true},
      withdrawn: {terminal: true},
    },
    transitions: [
      {action: 'approve', from: 'submitted', to: 'applied'},
      {action: 'reject', from: 'submitted', to: 'rejected'},
      {action: 'withdraw', from: 'submitted', to: 'withdrawn'},
    ],
    parsePayload: (input) => definition.parsePayload(input),
    payloadSchema: definition.payloadSchema,
    summary: (payload) => definition.summary(payload),
    async onEnter(ctx, request, state) {
      // Only a 系统管理员 takes back a change the 系统管理员 keep.
      if (state === 'withdrawn') await checkPermit(ctx.db, ctx.actor, ctx.today, ['system-admin'])
      if (state === 'applied') await definition.apply(ctx, request.payload, request.id)
    },
  })
}
