import {InvalidInput} from '../errors.js'
import {js} from './payload-schema.js'
import {defineKind} from './registry.js'
import {checkedText} from '../names.js'

export interface TicketPayload {
  subject: string
  detail?: string
}

/**
 * 工单: the general request a unit files with the bureau (a question, a fault, a small
 * change with no area of its own). Submitted → accepted (办理中) → resolved (已办结),
 * or rejected with a reason; each step approved by someone other than the filer.
 */
export const ticketKind = defineKind<TicketPayload>({
  kind: 'ticket',
  initial: 'submitted',
  states: {
    submitted: {limitDays: 2},
    accepted: {limitDays: 5},
    resolved: {terminal: true},
    rejected: {terminal: true},
  },
  transitions: [
    {action: 'approve', from: 'submitted', to: 'accepted'},
    {action: 'approve', from: 'accepted', to: 'resolved'},
    {action: 'reject', from: 'submitted', to: 'rejected'},
    {action: 'reject', from: 'accepted', to: 'rejected'},
  ],
  parsePayload(input) {
    const p = (input ?? {}) as Record<string, unknown>
    const subject = typeof p.subject === 'string' ? checkedText(p.subject, 'subject', 'line') : ''
    if (!subject) throw new InvalidInput('input.empty', {field: 'subject'}, {field: 'subject'})
    if ([...subject].length > 200) throw new InvalidInput('ticket.subjectTooLong', {}, {field: 'subject'})
    const detail = typeof p.detail === 'string' && p.detail.trim() ? checkedText(p.detail, 'detail', 'line', {multiline: true}) : undefined
    return detail ? {subject, detail} : {subject}
  },
  payloadSchema: js.object({subject: {...js.line('one line'), maxLength: 200}, detail: js.line()}, ['subject']),
  summary: (p) => p.subject,
})

/** The kinds of this area (the general 工单), as src/core/kinds.ts lists them for the engine. */
export const WORKFLOW_KINDS = [ticketKind]
