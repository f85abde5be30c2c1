// Lines for requests of any kind (the workflow engine's), shared by every area's commands.
import type {ChalkInstance} from 'chalk'

import type {Locale} from '../core/i18n/index.js'
import {t} from '../core/i18n/index.js'
import {kindLabel, type RequestWithHistory, stateLabel} from '../core/workflow/index.js'

/** One line for a request that just moved, with its due date and any notice written. */
export function movedLine(r: RequestWithHistory, locale: Locale, color: ChalkInstance): string {
  const last = r.history.at(-1)!
  const line = t('request.moved', {id: r.id, from: last.from ? stateLabel(r.kind, last.from, locale) : '—', to: stateLabel(r.kind, r.state, locale)}, locale)
  const due = r.dueOn ? `  (${t('col.due', {}, locale)}: ${r.dueOn})` : ''
  const {notice, noticeNumber, outcome} = r.payload as {notice?: string; noticeNumber?: string; outcome?: string}
  const written = noticeNumber ? t('netreq.noticeNumbered', {number: noticeNumber, path: notice}, locale) : t('netreq.notice', {path: notice}, locale)
  // outcome: what a kind's step did, in a line of its own (a kiosk approval: how many kiosks were admitted).
  return `${color.bold(kindLabel(r.kind, locale))} ${line}${due}${notice ? `\n${written}` : ''}${outcome ? `\n${outcome}` : ''}`
}

/** One line for a request just filed. */
export function filedLine(r: RequestWithHistory, locale: Locale): string {
  return t('netreq.filed', {id: r.id, kind: kindLabel(r.kind, locale), unit: r.applicantUnit, state: stateLabel(r.kind, r.state, locale), due: r.dueOn ?? '—'}, locale)
}
