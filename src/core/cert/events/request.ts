import {Conflict} from '../../errors.js'
import type {WriteContext} from '../../store/index.js'
import {type CertEventKind, EVENT_ZH, type MediumReason, REVOKE_REASONS} from '../event-names.js'

export {EVENT_ZH} from '../event-names.js'
import type {Certificate} from '../inventory.js'

/**
 * The life events of a certificate (CERT-3): each is filed as a request of kind `cert` and
 * carried out only when someone other than the applicant approves it. Filing checks
 * everything it can, so a request that cannot be carried out is refused at once; carrying
 * out checks again, since the certificate may have changed in between.
 *
 * The use cases, one module each: filing.ts (apply, fileEvent), carry-out.ts (carryOut, run
 * when the request is approved; issue.ts signs), export.ts (PEM, PKCS#12). This module holds
 * what they share: the request's payload, the wrong-state refusal and the event log.
 */

// The event names and reasons live in ../event-names.ts, which the request kind's schema reads without loading these modules.

/** Days before expiry from which an extension (期满延期) may be asked for. */
export const EXTEND_WINDOW_DAYS = 30

export const DAY = 86_400_000

export interface CertRequest {
  event: CertEventKind
  /** The certificate the event is about (all but apply). */
  serial?: string
  holder: string
  unit: string
  holderId: number
  profile?: string
  medium?: string
  /** PEM of the holder's CSR, when the holder keeps the key. */
  csr?: string
  dns?: string[]
  ips?: string[]
  days?: number
  reason?: (typeof REVOKE_REASONS)[number]
  mediumReason?: MediumReason
  /** Set when carried out. */
  issued?: string
  /** What carrying out did that the operator must hear (a certificate cut short to end with the CA). */
  outcome?: string
  crlNumber?: number
}

export const STATUS_ZH: Record<string, string> = {valid: '有效', hold: '暂停', revoked: '已撤销', expired: '已过期'}
export const MEDIUM_ZH: Record<string, string> = {lost: '丢失', damaged: '损坏', replaced: '更换'}

/** The message names the state and the event in the reader's words (the Chinese text has its own). */
export function wrongState(cert: Certificate, event: string, allowed: Certificate['status'][]): Conflict {
  return new Conflict(
    'cert.wrongState',
    {
      serial: cert.serial,
      status: cert.status,
      event,
      allowed: allowed.join(', '),
      statusZh: STATUS_ZH[cert.status],
      eventZh: EVENT_ZH[event] ?? event,
      allowedZh: allowed.map((a) => STATUS_ZH[a]).join('、'),
    },
    {field: 'SERIAL', details: {status: cert.status}},
  )
}

export async function recordEvent(ctx: WriteContext, serial: string, event: string, requestId: number | null, detail?: Record<string, unknown>): Promise<void> {
  await ctx.db
    .insertInto('cert_events')
    .values({serial, event, at: ctx.at, actor: ctx.actor, request_id: requestId, detail: detail ? JSON.stringify(detail) : null})
    .execute()
}

export async function openRequestFor(ctx: WriteContext, match: (p: CertRequest) => boolean): Promise<number | undefined> {
  const open = await ctx.db.selectFrom('requests').select(['id', 'payload']).where('kind', '=', 'cert').where('state', '=', 'applied').execute()
  return open.map((r) => ({id: Number(r.id), p: JSON.parse(r.payload) as CertRequest})).find((r) => match(r.p))?.id
}
