/**
 * Flags' and arguments' descriptions in Chinese, keyed by their English text: one text, one
 * translation, wherever a flag or argument uses it (--json, --db, --columns … are shared).
 */
export const FLAGS_ZH: Record<string, string> = {
}
