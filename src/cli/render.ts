import type {ChalkInstance} from 'chalk'

import type {Locale} from '../core/i18n/index.js'
import {t} from '../core/i18n/index.js'
import {chinaTime} from '../core/clock.js'
import {actionLabel, kindLabel, type ListedRequest, type RequestWithHistory, stateLabel} from '../core/workflow/index.js'
import {type Column, renderTable} from './table.js'

/** Request lists and details as people read them, shared by every command that shows requests. */
/** The columns of a request list (requests list, and the requests of a unit or an item). */
export function requestColumns(locale: Locale, color: ChalkInstance): Column<ListedRequest>[] {
  return [
    {header: t('col.id', {}, locale), get: (r) => String(r.id)},
    {header: t('col.kind', {}, locale), get: (r) => kindLabel(r.kind, locale)},
    {header: t('col.state', {}, locale), get: (r) => stateLabel(r.kind, r.state, locale)},
    {header: t('col.unit', {}, locale), get: (r) => r.applicantUnit, shrink: true},
    {
      header: t('col.due', {}, locale),
      get: (r) => (r.dueOn ? (r.overdue ? `${r.dueOn} !` : r.dueOn) : '—'),
      style: (text, r) => (r.overdue ? color.red(text) : text),
    },
    {header: t('col.summary', {}, locale), get: (r) => r.summary, shrink: true},
  ]
}

export function requestTable(requests: ListedRequest[], locale: Locale, color: ChalkInstance): string {
  return renderTable(requests, requestColumns(locale, color))
}

export function requestDetail(r: RequestWithHistory, locale: Locale, color: ChalkInstance): string {
  const label = (key: Parameters<typeof t>[0]) => t(key, {}, locale)
  const lines = [
    `${color.bold(`#${r.id}`)}  ${kindLabel(r.kind, locale)}  ${stateLabel(r.kind, r.state, locale)}`,
    `${label('col.unit')}: ${r.applicantUnit}`,
    `${label('col.filedBy')}: ${r.filedBy}   ${label('col.filedAt')}: ${chinaTime(r.filedAt)}`,
    `${label('col.due')}: ${r.dueOn ?? '—'}${r.overdue ? ' ' + color.red(t('request.overdue', {}, locale)) : ''}`,
    '',
    color.bold(label('label.payload')),
    // A stored payload that is not an object (not JSON, written around egov) is shown as it reads; egov warns of it (issue 19).
    ...(r.payload && typeof r.payload === 'object' && !Array.isArray(r.payload)
      ? Object.entries(r.payload as Record<string, unknown>).map(([k, v]) => `  ${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
      : [`  ${JSON.stringify(r.payload)}`]),
    '',
    color.bold(label('label.history')),
    renderTable(r.history, [
      {header: label('col.at'), get: (h) => chinaTime(h.at)},
      {header: label('col.action'), get: (h) => actionLabel(h.action, locale)},
      {header: label('col.from'), get: (h) => (h.from ? stateLabel(r.kind, h.from, locale) : '—')},
      {header: label('col.to'), get: (h) => stateLabel(r.kind, h.to, locale)},
      {header: label('col.actor'), get: (h) => h.actor, shrink: true},
      {header: label('col.comment'), get: (h) => h.comment ?? '', shrink: true},
    ]),
  ]
  return lines.join('\n')
}
