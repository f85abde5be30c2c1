/** Text as a cell holds it (half-width, trimmed, no control characters) and as egov's writers guard it against formula injection. */

/** Full-width ASCII (digits, letters, punctuation) and the ideographic space to half-width. */
const FULL_WIDTH = /[\uFF01-\uFF5E\u3000]/

export function toHalfWidth(text: string): string {
  if (!FULL_WIDTH.test(text)) return text
  return text.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ')
}

const SPACE = /[\s\u3000]/
// Control characters cannot be in a workbook's XML, and egov packs stored rows with two of them.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g

/** Trims ASCII and ideographic spaces, unifies line breaks, drops control characters. */
export function trimText(text: string): string {
  if (text === '') return text
  let t = text
  if (t.includes('\r')) t = t.replace(/\r\n?/g, '\n')
  CONTROL.lastIndex = 0
  if (CONTROL.test(t)) t = t.replace(CONTROL, '')
  if (SPACE.test(t[0] ?? '') || SPACE.test(t[t.length - 1] ?? '')) t = t.replace(/^[\s\u3000]+|[\s\u3000]+$/g, '')
  return t
}

/**
 * Text a spreadsheet program takes for a formula (or a DDE command) when it opens a CSV:
 * =…, +…, -…, @…, or a tab or carriage return first. A plain number (-5, +3.5) is a number, not a formula.
 */
const DANGEROUS_START = /^[=+\-@\t\r]/
const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?$/

export function looksLikeFormula(text: string): boolean {
  return DANGEROUS_START.test(text) && !PLAIN_NUMBER.test(text)
}

/**
 * The formula-injection guard, for CSV only (every CSV egov writes goes through here): a
 * leading apostrophe, which Excel and WPS show as text and import takes off again. An xlsx
 * text cell never evaluates, so workbooks get the text as it is (see xlsxText).
 */
export function guardCsvCell(text: string): string {
  return looksLikeFormula(text) ? `'${text}` : text
}

/**
 * One CSV field as every CSV egov writes it (exports, reports, --output csv): the guard,
 * then RFC 4180 quotes when the field holds a comma, a quote or a line break, starts or ends
 * with a space, or was guarded (so the apostrophe is plainly part of the text).
 */
export function csvField(text: string): string {
  const guarded = guardCsvCell(text)
  return guarded !== text || /[",\r\n]|^\s|\s$/.test(guarded) ? `"${guarded.replaceAll('"', '""')}"` : guarded
}

/**
 * A text value for a workbook written without shared strings (the streaming export), where
 * exceljs would write a plain string as t="str", the type of a formula's result: text that
 * looks like a formula goes as an inline string (t="inlineStr"), unmistakably text, with no
 * apostrophe. Other text stays a plain string (smaller, and just as safe).
 */
export function xlsxText(text: string): string | {richText: Array<{text: string}>} {
  return DANGEROUS_START.test(text) ? {richText: [{text}]} : text
}

/** Takes off the apostrophe a CSV guard (or an older egov's xlsx export) put in front of formula-looking text. */
export function unneutralise(text: string): string {
  return text.startsWith("'") && DANGEROUS_START.test(text.slice(1)) ? text.slice(1) : text
}
