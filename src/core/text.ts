/**
 * Display width in a terminal: CJK ideographs, full-width forms and most emoji take two
 * columns, combining marks none. Tables of Chinese unit names line up only with this.
 */
export function displayWidth(text: string): number {
  let width = 0
  for (const ch of stripAnsi(text)) width += charWidth(ch.codePointAt(0)!)
  return width
}

function charWidth(cp: number): number {
  if (cp === 0 || cp < 32 || (cp >= 0x7f && cp < 0xa0)) return 0
  if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0xfe00 && cp <= 0xfe0f)) return 0
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  ) {
    return 2
  }
  return 1
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001B\[[0-9;]*m/g

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '')
}

/** Cuts text to at most `width` columns, marking the cut with an ellipsis. */
export function truncate(text: string, width: number): string {
  if (displayWidth(text) <= width) return text
  if (width <= 1) return width === 1 ? '…' : ''
  let out = ''
  let used = 0
  for (const ch of stripAnsi(text)) {
    const w = charWidth(ch.codePointAt(0)!)
    if (used + w > width - 1) break
    out += ch
    used += w
  }
  return out + '…'
}

export function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)))
}

/**
 * Characters that change what a terminal shows rather than being shown: C0 and C1
 * controls (ESC starts a screen-clearing or title-setting sequence), DEL, bidirectional
 * overrides and isolates (a right-to-left override reverses what follows), and invisible
 * characters (zero-width space and joiners, soft hyphen, word joiner, BOM) that make two
 * different names look identical. Tab and newline are not in it; callers decide on those.
 */
const UNSAFE_CLASS = '\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2064\\u2066-\\u2069\\uFEFF'
const UNSAFE = new RegExp(`[${UNSAFE_CLASS}]`)
const UNSAFE_ALL = new RegExp(`[${UNSAFE_CLASS}]`, 'g')
/** The same, and tab and newline too: for one-line text (names, codes). */
const UNSAFE_ONE_LINE = new RegExp(`[${UNSAFE_CLASS}\\u0009\\u000A]`)

const codePointOf = (ch: string) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`

/** The first character of `text` a terminal would not show as itself, and where. */
export function unsafeCharacter(text: string, allowNewlines = false): {index: number; codePoint: string} | undefined {
  const bad = text.search(allowNewlines ? UNSAFE : UNSAFE_ONE_LINE)
  return bad < 0 ? undefined : {index: bad, codePoint: codePointOf(text[bad]!)}
}

/**
 * Stored text made safe to print: every unsafe character shown as its code point,
 * `<U+001B>`, so a unit named `市\e[2J局` prints as `市<U+001B>[2J局` instead of clearing
 * the screen, and a right-to-left override is seen instead of obeyed. Newlines and tabs
 * stay; the colour sequences egov adds itself are applied after this.
 */
export function printable(text: string): string {
  return UNSAFE.test(text) ? text.replace(UNSAFE_ALL, (ch) => `<${codePointOf(ch)}>`) : text
}

/**
 * Output about to be written, made safe except for egov's own colour (SGR) sequences: an
 * ESC that does not start one is shown as `<U+001B>`. A backstop for lines that did not
 * go through a table or a catalogue message.
 */
export function printableOutput(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .split(/(\u001B\[[0-9;]*m)/)
      .map((part, i) => (i % 2 ? part : printable(part)))
      .join('')
  )
}
