import {readFileSync} from 'node:fs'

import {describe, expect, it} from 'vitest'

import {COMMANDS_ZH, EXAMPLES_ZH, FLAGS_ZH, HELP_HEADINGS_ZH, TOPICS_ZH} from '../../src/cli/help-zh/index.js'
import {wrapCjk} from '../../src/cli/help-zh/wrap.js'
import {displayWidth} from '../../src/core/text.js'

interface ManifestCommand {
  summary?: string
  description?: string
  flags: Record<string, {description?: string; summary?: string; hidden?: boolean}>
  args?: Record<string, {description?: string}>
  examples?: Array<string | {description?: string; command: string}>
}

const manifest = JSON.parse(readFileSync(new URL('../../oclif.manifest.json', import.meta.url), 'utf8')) as {commands: Record<string, ManifestCommand>}
const pjson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {oclif: {topics: Record<string, {description: string}>}}
const commandIds = Object.keys(manifest.commands).sort()
const topicIds = Object.keys(pjson.oclif.topics).sort()
const CJK = /[\u4E00-\u9FFF]/
const RULE = /\b(?:NET|CLOUD|CERT|ITEM|KIOSK|X)-\d+(?:\.\.\d+)?/g

/** The Chinese help cannot drift from the commands (issue 19): every command, topic and flag has its entry, and no entry is stale. */
describe('the Chinese help catalogue', () => {
  it.each(commandIds)('%s has a Chinese summary, and a description when the English has one', (id) => {
    const en = manifest.commands[id]!
    expect(COMMANDS_ZH[id], `src/cli/help-zh has no entry for ${id}`).toBeDefined()
    const zh = COMMANDS_ZH[id]!
    expect(zh.summary).toMatch(CJK)
    if (en.description?.trim()) {
      expect(zh.description, `${id}: description`).toMatch(CJK)
    } else {
      expect(zh.description, `${id}: the English has no description`).toBeUndefined()
    }
    // Rule ids are kept as they are: every one the English names is in the Chinese.
    const english = `${en.summary ?? ''} ${en.description ?? ''}`
    const chinese = `${zh.summary} ${zh.description ?? ''}`
    for (const rule of new Set(english.match(RULE) ?? [])) expect(chinese, `${id}: ${rule}`).toContain(rule)
    // So is every flag the English names: a description that gains a flag (--columns …) and a
    // Chinese one that was not brought up to date fail here.
    for (const flag of new Set(english.match(/--[a-z][a-z0-9-]*/g) ?? [])) expect(chinese, `${id}: ${flag} (the Chinese description is stale)`).toContain(flag)
  })

  it('has no entry for a command that does not exist', () => {
    expect(Object.keys(COMMANDS_ZH).filter((id) => !commandIds.includes(id))).toEqual([])
  })

  it.each(topicIds)('topic %s has a Chinese description', (id) => {
    expect(TOPICS_ZH[id]).toMatch(CJK)
    for (const rule of new Set(pjson.oclif.topics[id]!.description.match(RULE) ?? [])) expect(TOPICS_ZH[id], `${id}: ${rule}`).toContain(rule)
  })

  it('has no entry for a topic that does not exist', () => {
    expect(Object.keys(TOPICS_ZH).filter((id) => !topicIds.includes(id))).toEqual([])
  })

  it('translates every flag and argument description, and keeps no stale ones', () => {
    const used = new Set<string>()
    const missing: string[] = []
    for (const id of commandIds) {
      const command = manifest.commands[id]!
      for (const [name, flag] of Object.entries(command.flags)) {
        for (const text of [flag.description, flag.summary]) {
          if (!text || flag.hidden) continue
          used.add(text)
          if (!Object.hasOwn(FLAGS_ZH, text)) missing.push(`${id} --${name}: ${text}`)
        }
      }
      for (const [name, arg] of Object.entries(command.args ?? {})) {
        if (!arg.description) continue
        used.add(arg.description)
        if (!Object.hasOwn(FLAGS_ZH, arg.description)) missing.push(`${id} ${name.toUpperCase()}: ${arg.description}`)
      }
    }
    expect(missing).toEqual([])
    expect(Object.keys(FLAGS_ZH).filter((text) => !used.has(text))).toEqual([])
  })

  it('translates every example description, and keeps no stale ones', () => {
    const texts = commandIds.flatMap((id) => (manifest.commands[id]!.examples ?? []).flatMap((e) => (typeof e === 'object' && e.description ? [e.description] : [])))
    expect(texts.filter((text) => !Object.hasOwn(EXAMPLES_ZH, text))).toEqual([])
    expect(Object.keys(EXAMPLES_ZH).filter((text) => !texts.includes(text))).toEqual([])
  })

  it('names every section heading oclif prints', () => {
    for (const heading of ['USAGE', 'ARGUMENTS', 'FLAGS', 'GLOBAL FLAGS', 'DESCRIPTION', 'EXAMPLES', 'ALIASES', 'TOPICS', 'COMMANDS', 'ROLES']) {
      expect(HELP_HEADINGS_ZH[heading]).toMatch(CJK)
    }
    expect(HELP_HEADINGS_ZH).toMatchObject({USAGE: '用法', ARGUMENTS: '参数', FLAGS: '参数选项', DESCRIPTION: '说明', EXAMPLES: '示例', TOPICS: '主题', COMMANDS: '命令'})
  })
})

describe('wrapping Chinese help text', () => {
  it('breaks between Chinese characters, never inside a rule id or a flag, never before closing punctuation', () => {
    const text = COMMANDS_ZH['net:request:apply']!.description!
    const wrapped = wrapCjk(text, 40)
    for (const line of wrapped.split('\n')) {
      expect(displayWidth(line)).toBeLessThanOrEqual(40)
      expect(line).not.toMatch(/^[，。、；：）]/)
    }
    const tokens = wrapped.replace(/\n/g, ' ').match(/NET-\d|--[\w-]+/g) ?? []
    expect(tokens).toEqual(expect.arrayContaining(['NET-5', 'NET-3', 'NET-8', '--hosts', '--prefix-length', '--sponsor', '--cost-bearer', '--from-file']))
    // Nothing is lost or added but line breaks.
    expect(wrapped.replace(/\s+/g, '')).toBe(text.replace(/\s+/g, ''))
  })

  it('leaves a line that fits as it is; an indented line keeps its indent when it wraps', () => {
    expect(wrapCjk('键：\n  operator  名称', 40)).toBe('键：\n  operator  名称')
    const wrapped = wrapCjk('键：\n  limit.KIND.STATE  KIND 类申请在 STATE 状态可停留的工作日数，超过即为超期', 30).split('\n')
    expect(wrapped.length).toBeGreaterThan(2)
    for (const line of wrapped.slice(1)) expect(line.startsWith('  ')).toBe(true)
  })
})
