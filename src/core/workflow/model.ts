import {type CalendarWarning} from '../calendar/index.js'
import {InvalidInput} from '../errors.js'
import {hasMessage, type Locale, Localized, t} from '../i18n/index.js'
import {allKinds, findKind, type KindDefinition} from './registry.js'

/** What a request is, as the workflow keeps it and lists show it; labels of kinds, states and steps in the reader's language. */
export interface Transition {
  from: string | null
  to: string
  action: string
  actor: string
  at: string
  comment: string | null
}

export interface Request<P = unknown> {
  id: number
  kind: string
  state: string
  terminal: boolean
  applicantUnit: string
  filedBy: string
  payload: P
  summary: string
  filedAt: string
  updatedAt: string
  stateSince: string
  /** Last working day to leave the current state (China date); null when final. */
  dueOn: string | null
  overdue: boolean
}

export interface RequestWithHistory<P = unknown> extends Request<P> {
  history: Transition[]
}

export interface WorkflowResult<P = unknown> {
  request: RequestWithHistory<P>
  warnings: CalendarWarning[]
}

export function stateLabel(kind: string, state: string, locale: Locale): string {
  const key = `kind.${kind}.${state}`
  return hasMessage(key) ? t(key, {}, locale) : state
}

/** A step's name as people read it (批准, 退回, 编制方案 …); the key (approve, plan) where none is catalogued. */
export function actionLabel(action: string, locale: Locale): string {
  const key = `action.${action}`
  return hasMessage(key) ? t(key, {}, locale) : action
}

/** States and actions as message parameters, rendered in the reader's language. */
export const stateParam = (kind: string, state: string) => new Localized((locale) => stateLabel(kind, state, locale))
export const kindParam = (kind: string) => new Localized((locale) => kindLabel(kind, locale))
export const actionParam = (action: string) => new Localized((locale) => actionLabel(action, locale))
export const actionsParam = (actions: string[]) => new Localized((locale) => (actions.length ? actions.map((a) => actionLabel(a, locale)).join(locale === 'zh' ? '、' : '; ') : '—'))

export function kindLabel(kind: string, locale: Locale): string {
  const key = `kind.${kind}`
  return hasMessage(key) ? t(key, {}, locale) : kind
}

/** A kind's one line for a payload; a kind that cannot summarise an odd payload gives ''. */
export function summarize(def: KindDefinition | undefined, payload: unknown): string {
  try {
    return def ? def.summary(payload) : ''
  } catch {
    return ''
  }
}

export function requireKind(kind: string): KindDefinition {
  const def = findKind(kind)
  if (!def) {
    throw new InvalidInput(
      'request.unknownKind',
      {
        kind,
        known: allKinds()
          .map((k) => k.kind)
          .join(', '),
      },
      {field: 'kind'},
    )
  }
  return def
}
