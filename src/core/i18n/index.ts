import {printable} from '../text.js'
import {columnHeaders, type MessageKey, messagesIn} from './catalog.js'

export type Locale = 'en' | 'zh'
export type {MessageKey}

/** zh when the POSIX locale says Chinese (LC_ALL, then LC_MESSAGES, then LANG), else en. */
export function detectLocale(env: NodeJS.ProcessEnv = process.env): Locale {
  const tag = env.LC_ALL || env.LC_MESSAGES || env.LANG || ''
  return /^zh([_.-]|$)/i.test(tag) ? 'zh' : 'en'
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z$/

/** `2026-12-03 21:51 (UTC+8)`, as clock.ts's chinaTime (not imported: the clock's errors import this module). */
function shownTime(iso: string): string {
  return `${new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ')} (UTC+8)`
}

/** Render a catalogue entry; {name} placeholders take the params; an instant (UTC ISO) is shown in China time. */
export function t(key: MessageKey, params: Record<string, unknown> = {}, locale: Locale = 'en'): string {
  const text = messagesIn(locale)[key] ?? key
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    if (!(name in params)) return whole
    const value = params[name]
    // An instant is shown as people in China read it, labelled (issue 19); JSON details keep the UTC string.
    if (typeof value === 'string' && ISO_INSTANT.test(value)) return shownTime(value)
    // Stored text (a unit's name, a ticket's subject) is shown, never obeyed: see printable().
    return value instanceof Localized ? value.render(locale) : printable(String(value))
  })
}

/**
 * A message parameter that depends on the reader's language (a state's or an action's
 * label): core code raises errors before it knows the locale; the CLI renders them in
 * the user's. As a string (a library caller's `message`), it is the English text.
 */
export class Localized {
  constructor(readonly render: (locale: Locale) => string) {}

  toString(): string {
    return this.render('en')
  }

  toJSON(): string {
    return this.render('en')
  }
}

export function hasMessage(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(messagesIn('en'), key)
}

/**
 * The stable key of a table column from its header in either language: `col.filedBy` →
 * `filedBy`, whether the header reads FILED BY or 提交人; a header from no catalogue
 * entry (IPv4) is its own key, lower-cased. Scripts name columns by these keys.
 */
export function columnKey(header: string): string {
  return columnHeaders().get(header) ?? header.trim().toLowerCase().replace(/\s+/g, '-')
}
