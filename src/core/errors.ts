import {type Locale, type MessageKey, t} from './i18n/index.js'

/** The stable error categories; each has one exit code, documented in the README. */
export type ErrorCode = 'invalid_input' | 'not_found' | 'conflict' | 'refused' | 'internal'

export const EXIT_CODES: Record<ErrorCode, number> = {
  internal: 1,
  invalid_input: 2,
  not_found: 3,
  conflict: 4,
  refused: 5,
}

export interface ErrorContext {
  /** The input field (flag, column, cell) at fault. */
  field?: string
  /** The DOMAIN.md rule that decided, e.g. X-2. */
  rule?: string
  /** Anything else a script may want: located errors, conflicting ids. */
  details?: Record<string, unknown>
}

/**
 * A domain error: a category (and so an exit code), a catalogue message with its
 * parameters, and the field and rule at fault. The CLI renders it in the user's
 * language; a library caller gets the English text as `message`.
 */
export class EgovError extends Error {
  readonly code: ErrorCode
  readonly key: MessageKey
  readonly params: Record<string, unknown>
  readonly context: ErrorContext

  constructor(code: ErrorCode, key: MessageKey, params: Record<string, unknown> = {}, context: ErrorContext = {}) {
    super(t(key, params, 'en'))
    this.name = new.target.name
    this.code = code
    this.key = key
    this.params = params
    this.context = context
  }

  get exitCode(): number {
    return EXIT_CODES[this.code]
  }

  localized(locale: Locale): string {
    return t(this.key, this.params, locale)
  }

  toJSON(locale: Locale = 'en'): {code: ErrorCode; message: string; details: Record<string, unknown>} {
    const details: Record<string, unknown> = {key: this.key}
    if (this.context.field) details.field = this.context.field
    if (this.context.rule) details.rule = this.context.rule
    Object.assign(details, this.context.details)
    return {code: this.code, message: this.localized(locale), details}
  }
}

export class InvalidInput extends EgovError {
  constructor(key: MessageKey, params: Record<string, unknown> = {}, context: ErrorContext = {}) {
    super('invalid_input', key, params, context)
  }
}

export class NotFound extends EgovError {
  constructor(key: MessageKey, params: Record<string, unknown> = {}, context: ErrorContext = {}) {
    super('not_found', key, params, context)
  }
}

/** Overlap, no space left, or a state that does not allow the action. */
export class Conflict extends EgovError {
  constructor(key: MessageKey, params: Record<string, unknown> = {}, context: ErrorContext = {}) {
    super('conflict', key, params, context)
  }
}

/** Refused by a DOMAIN.md rule (four-eyes, eligibility, a deadline); always names the rule. */
export class RuleRefused extends EgovError {
  constructor(rule: string, key: MessageKey, params: Record<string, unknown> = {}, context: ErrorContext = {}) {
    super('refused', key, params, {...context, rule})
  }
}
