import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {dirname, join, normalize, relative} from 'node:path'
import {fileURLToPath} from 'node:url'

import {describe, expect, it} from 'vitest'

/**
 * The manual stands on its own (issue 17): README.md's contents list is every `##` section in
 * order; every link in README.md and docs/ reaches a file of the repository, and an anchor a
 * heading of that file; nothing points outside the repository (a clone must carry what the
 * manual names, such as the rules in docs/rules.md).
 */
const root = fileURLToPath(new URL('../..', import.meta.url))
const manuals = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
]

/** The text outside fenced code blocks, line by line. */
function prose(text: string): string[] {
  let fence = false
  return text.split('\n').filter((line) => {
    if (line.startsWith('```')) fence = !fence
    return !fence && !line.startsWith('```')
  })
}

/** GitHub's anchor for a heading: lower case, punctuation dropped (letters of any script kept), spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\- _]/gu, '')
    .replaceAll(' ', '-')
}

function anchors(file: string): Set<string> {
  return new Set(
    prose(readFileSync(join(root, file), 'utf8'))
      .filter((l) => /^#{1,6} /.test(l))
      .map((l) => anchorOf(l.replace(/^#+ /, ''))),
  )
}

describe('the manual (README.md and docs/)', () => {
  it('README.md lists every ## section, in order, under Contents', () => {
    const lines = prose(readFileSync(join(root, 'README.md'), 'utf8'))
    const sections = lines.filter((l) => l.startsWith('## ') && l !== '## Contents').map((l) => l.slice(3))
    const start = lines.indexOf('## Contents')
    expect(start, 'a ## Contents section').toBeGreaterThan(-1)
    const listed = lines
      .slice(start + 1)
      .filter((l) => l.startsWith('- ['))
      .slice(0, sections.length)
    expect(listed).toEqual(sections.map((h) => `- [${h}](#${anchorOf(h)})`))
  })

  it.each(manuals)('%s: every link reaches a file of the repository, and its anchor a heading there', (file) => {
    const text = prose(readFileSync(join(root, file), 'utf8')).join('\n')
    const problems: string[] = []
    for (const link of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = link[1]!
      if (/^(https?|mailto):/.test(target)) continue
      const [path, anchor] = target.split('#')
      const resolved = path ? normalize(join(dirname(file), path)) : file
      if (relative(root, join(root, resolved)).startsWith('..')) problems.push(`${target}: outside the repository`)
      else if (!existsSync(join(root, resolved))) problems.push(`${target}: no such file`)
      else if (anchor && resolved.endsWith('.md') && !anchors(resolved).has(decodeURIComponent(anchor))) problems.push(`${target}: no such heading in ${resolved}`)
    }
    expect(problems).toEqual([])
  })

  it('names nothing outside the repository (../shared, ../seeds)', () => {
    for (const file of manuals) expect(readFileSync(join(root, file), 'utf8'), file).not.toMatch(/\.\.\/(shared|seeds)\b/)
  })
})
