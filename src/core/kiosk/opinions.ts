import type {Kysely} from '#kysely'

import {chinaMinute} from '../clock.js'
import {RuleRefused} from '../errors.js'
import type {Database, WriteContext} from '../store/index.js'
import type {KioskRequestPayload} from './onboarding.js'

/**
 * The opinion boxes of the form (KIOSK-3, file 000's annex): the “政银通办” working-group
 * office's opinion, then the leader in charge's. They are not filled by the applicant: each
 * is given by the approval that decides it — the office's review (`requests approve` of an
 * `applied` kiosk request) and the leader's approval after it (`requests approve` of a
 * `reviewed` one) — with who gave it, when, and the opinion text (the approval's --comment,
 * 同意 when none is given; a rejection's reason).
 */
export type OpinionBox = 'office' | 'leader'

export interface Opinion {
  /** The operator who gave it. */
  by: string
  /** When (ISO instant). */
  at: string
  text: string
  decision: 'approve' | 'reject'
}

export type Opinions = Partial<Record<OpinionBox, Opinion>>

/** The boxes' labels, as printed on the form (templates/kiosk-form.json). */
export const OPINION_LABELS: Record<OpinionBox, string> = {office: '“政银通办”工作领导小组办公室意见', leader: '主管领导意见'}

/** The opinion text an approval gives when its comment is empty. */
export const DEFAULT_OPINION = '同意'

/** The step just taken on a request (its last history row): who, when, the comment. */
async function lastStep(db: Kysely<Database>, requestId: number): Promise<{actor: string; at: string; comment: string | null; action: string; from: string | null}> {
  const row = await db
    .selectFrom('request_transitions')
    .select(['actor', 'at', 'comment', 'action', 'from_state'])
    .where('request_id', '=', requestId)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow()
  return {actor: row.actor, at: row.at, comment: row.comment, action: row.action, from: row.from_state}
}

/** The opinion the step just taken gives, in the box of the state it was taken from (applied: the office; reviewed: the leader). */
export async function opinionOfStep(ctx: WriteContext, requestId: number, payload: KioskRequestPayload): Promise<{box: OpinionBox; opinions: Opinions}> {
  const step = await lastStep(ctx.db, requestId)
  const box: OpinionBox = step.from === 'reviewed' ? 'leader' : 'office'
  const decision = step.action === 'reject' ? 'reject' : 'approve'
  const opinion: Opinion = {by: step.actor, at: step.at, text: step.comment?.trim() || DEFAULT_OPINION, decision}
  // X-2 for the two boxes: the leader's approval is a second person's after the office's, not the same one's again.
  if (box === 'leader' && payload.opinions?.office?.by === ctx.actor) {
    throw new RuleRefused('X-2', 'kiosk.opinion.sameReviewer', {id: requestId, actor: ctx.actor}, {field: 'operator'})
  }
  return {box, opinions: {...payload.opinions, [box]: opinion}}
}

/** One line per box, for `kiosk show` and the export: the text, who and when; empty boxes say so. */
export function opinionLine(o: Opinion | undefined): string {
  if (!o) return ''
  return `${o.decision === 'reject' ? '不同意：' : ''}${o.text}（${o.by}，${chinaMinute(o.at)}）`
}
