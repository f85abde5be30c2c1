import {defineKind, js, type KindDefinition} from '../workflow/index.js'
import {EVENT_ZH, EVENTS, MEDIUM_REASONS, REVOKE_REASONS} from './event-names.js'
import type {CertRequest} from './events/request.js'

/**
 * The certificate request kind (CERT-3): every life event — application, renewal,
 * extension, revocation, report of loss, suspension, resumption, new medium, password
 * reset — waits for the approving office's consent, given by someone other than the
 * applicant (X-2), and is carried out in the same transaction as the approval.
 */

const certKind = defineKind<CertRequest>({
  kind: 'cert',
  initial: 'applied',
  states: {applied: {limitDays: 3}, done: {terminal: true}, rejected: {terminal: true}},
  transitions: [
    {action: 'approve', from: 'applied', to: 'done'},
    {action: 'reject', from: 'applied', to: 'rejected'},
  ],
  parsePayload: (input) => input as CertRequest,
  payloadSchema: js.object(
    {
      event: js.oneOf(EVENTS),
      serial: js.line('the certificate the event is about'),
      holder: js.line(),
      unit: js.line(),
      holderId: js.int(1),
      profile: js.line(),
      medium: js.line(),
      csr: js.line("PEM of the holder's CSR"),
      dns: js.array(js.line()),
      ips: js.array(js.line()),
      days: js.int(1),
      reason: js.oneOf(REVOKE_REASONS),
      mediumReason: js.oneOf(MEDIUM_REASONS),
      issued: js.line('the serial issued, once carried out'),
      outcome: js.text(),
      crlNumber: js.int(0),
    },
    ['event', 'holder', 'unit', 'holderId'],
  ),
  summary: (p) =>
    `${EVENT_ZH[p.event] ?? p.event}：${p.holder}${p.profile ? ` ${p.profile}` : ''}${p.medium ? ` ${p.medium}` : ''}${p.serial ? ` ${p.serial.slice(0, 12)}` : ''}${p.issued ? ` → ${p.issued.slice(0, 12)}` : ''}`,
  onEnter: async (ctx, r, state) => (state === 'done' ? (await import('./events/carry-out.js')).carryOut(ctx, r.id, r.payload) : undefined),
})

/** The kinds of this area, as src/core/kinds.ts lists them for the engine. */
export const CERT_KINDS: readonly KindDefinition[] = [certKind]
