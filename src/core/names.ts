import {InvalidInput} from './errors.js'
import {unsafeCharacter} from './text.js'

/**
 * Text people give egov (names, codes, subjects) checked once, the same on SQLite and
 * PostgreSQL, before anything is written: no control characters, bidirectional overrides
 * or invisible characters (a name that clears the screen when listed, or looks exactly
 * like another unit's), and no more characters than the field holds. The limits are the
 * columns' on PostgreSQL, documented in the README; SQLite would store anything.
 */
export const TEXT_LIMITS = {
  /** A unit's, pool's, system's or provider's name; a person's name; a login. */
  name: 255,
  /** A contact, a phone number, a short code. */
  short: 64,
  /** A subject or a one-line description. */
  line: 1000,
} as const

export type TextLimit = keyof typeof TEXT_LIMITS

/**
 * The value trimmed, or exit 2 naming the field: an unsafe character (by code point and
 * position) or a value over its limit. Newlines only where `multiline`.
 */
export function checkedText(value: string, field: string, limit: TextLimit = 'name', options: {multiline?: boolean} = {}): string {
  const text = value.trim()
  const bad = unsafeCharacter(text, options.multiline)
  if (bad) throw new InvalidInput('input.unsafeCharacter', {field, codePoint: bad.codePoint, position: bad.index + 1}, {field, details: {codePoint: bad.codePoint, position: bad.index + 1}})
  const length = [...text].length
  const max = TEXT_LIMITS[limit]
  if (length > max) throw new InvalidInput('input.tooLong', {field, length, max}, {field, details: {length, max}})
  return text
}

/**
 * An object named by the id a command printed: `#12` always; a bare `12` when nothing
 * has that as its name (the caller looks up the name first). Undefined when the text is
 * no id.
 */
export function idReference(text: string): {id: number; explicit: boolean} | undefined {
  const match = /^\s*(#?)(\d{1,15})\s*$/.exec(text)
  if (!match) return undefined
  return {id: Number(match[2]), explicit: match[1] === '#'}
}
