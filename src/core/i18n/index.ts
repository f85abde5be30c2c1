import {catalog, type MessageKey} from './catalog.js'

export type Locale = 'en' | 'zh'
export type {MessageKey}

/** zh when the POSIX locale says Chinese (LC_ALL, then LC_MESSAGES, then LANG), else en. */
export function detectLocale(env: NodeJS.ProcessEnv = process.env): Locale {
  const tag = env.LC_ALL || env.LC_MESSAGES || env.LANG || ''
  return /^zh([_.-]|$)/i.test(tag) ? 'zh' : 'en'
}

/** Render a catalogue entry; {name} placeholders take the params. */
export function t(key: MessageKey, params: Record<string, unknown> = {}, locale: Locale = 'en'): string {
  const entry = catalog[key]
  const text = entry ? entry[locale] : key
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole))
}

export function hasMessage(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(catalog, key)
}
