/**
 * Line-wrapping for Chinese help text. oclif wraps at spaces only (wrap-ansi), so a Chinese
 * sentence is one long "word" that it cuts anywhere — inside NET-5 or a flag name. Here a
 * line may break between two Chinese characters or at a space, never inside a run of
 * Latin letters, digits and signs, never before closing punctuation (，。）…) nor after
 * opening punctuation (（“…), as Chinese typesetting has it (避头尾).
 */
const WIDE = /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/
const NO_LINE_START = /^[，。、；：？！）》」』】〕’”…—·%]/
const NO_LINE_END = /[（《「『【〔‘“]$/

const widthOf = (text: string) => [...text].reduce((w, ch) => w + (WIDE.test(ch) ? 2 : 1), 0)

/** Tokens a line may break between: a Chinese character, a run of other non-space characters, or spaces. */
function tokens(line: string): string[] {
  const out: string[] = []
  for (const part of line.match(/\s+|[^\s]/gu) ?? []) {
    const last = out.at(-1)
    const joinLatin = last !== undefined && !/\s/.test(part) && !WIDE.test(part) && !/\s$/.test(last) && !WIDE.test(last.at(-1) ?? '')
    const joinPunct = last !== undefined && (NO_LINE_START.test(part) || NO_LINE_END.test(last)) && !/\s/.test(part) && !/\s$/.test(last)
    if (joinLatin || joinPunct) out[out.length - 1] = last + part
    else out.push(part)
  }
  return out
}

export function wrapCjk(text: string, width: number): string {
  return text
    .replace(/^\s+/, '')
    .split('\n')
    .map((line) => {
      if (widthOf(line) <= width) return line
      // An indented line (a list under "键：") keeps its indent on the lines it wraps to.
      const indent = /^ */.exec(line)![0]
      const lines: string[] = []
      let current = ''
      for (const token of tokens(line.slice(indent.length))) {
        const room = width - indent.length
        if (/^\s+$/.test(token)) {
          if (current && widthOf(current + token) <= room) current += token
          else if (current) {
            lines.push(current.trimEnd())
            current = ''
          }
          continue
        }
        if (current.trim() && widthOf(current + token) > room) {
          lines.push(current.trimEnd())
          current = ''
        }
        current += token
      }
      if (current.trim()) lines.push(current.trimEnd())
      return lines.map((l) => indent + l).join('\n')
    })
    .join('\n')
}
