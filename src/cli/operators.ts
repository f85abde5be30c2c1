import type {Locale} from '../core/i18n/index.js'
import {t} from '../core/i18n/index.js'
import {type Operator, type RosterResult, roleLabel} from '../core/operators/index.js'

/** The roles of a person as the reader says them. */
export function rolesText(operator: Operator, locale: Locale): string {
  return operator.roles.map((r) => roleLabel(r, locale)).join(locale === 'zh' ? '、' : ', ')
}

export function statusText(operator: Operator, locale: Locale): string {
  return t(operator.retiredAt ? 'operators.status.retired' : operator.active ? 'operators.status.active' : 'operators.status.inactive', {}, locale)
}

export function datesText(operator: Operator): string {
  return `${operator.activeFrom} – ${operator.activeTo ?? ''}`.trimEnd()
}

/** The line a roster command prints: what it changed at once, or the request it filed for a second 系统管理员. */
export function rosterLine(result: RosterResult, locale: Locale, applied: (operator: Operator & {unchanged?: true}) => string): string {
  if (result.pending) return t('operators.filed', {id: result.request.id, summary: result.request.summary}, locale)
  return result.unchanged ? t('operators.unchanged', {login: result.login}, locale) : applied(result)
}
