#!/usr/bin/env node
// docs/commands.md, the command reference, generated from oclif.manifest.json (what
// `npm run build` writes from the command classes) and package.json's topics: every command
// with its summary, description, usage, arguments, flags (defaults, options, environment)
// and examples. Usage: `npm run docs:commands` (after `npm run build`). A test
// (test/core/commands-doc.test.ts) renders it again and fails when the committed file differs.
//
// Not `oclif readme`: its usage lines carry the version and the machine
// (egov/0.1.0 linux-x64 node-v20…), and it wants markers in the file; this is deterministic.
import {readFileSync, writeFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))

/** @typedef {import('@oclif/core').Interfaces.Manifest} Manifest */
/** @typedef {import('@oclif/core').Command.Cached} CachedCommand */
/** @typedef {import('@oclif/core').Command.Flag.Cached} CachedFlag */
/** @typedef {import('@oclif/core').Command.Arg.Cached} CachedArg */
/** @typedef {{name: string, oclif?: {bin?: string, topics?: Record<string, {description?: string}>}}} PJson */
export const outputPath = 'docs/commands.md'

/** GitHub's anchor for a heading (as test/core/readme.test.ts computes it). */
const anchorOf = (/** @type {string} */ heading) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\- _]/gu, '')
    .replaceAll(' ', '-')

const bin = (/** @type {PJson} */ pjson) => pjson.oclif?.bin ?? pjson.name
const fill = (/** @type {string | undefined} */ text, /** @type {PJson} */ pjson) => String(text ?? '').replaceAll('<%= config.bin %>', bin(pjson))
const spaced = (/** @type {string} */ id) => id.replaceAll(':', ' ')

/** @param {CachedFlag} flag */
function flagValue(flag) {
  if (flag.type === 'boolean') return ''
  if (flag.options?.length) return ` ${flag.options.join('|')}`
  return flag.helpValue ? ` ${String(flag.helpValue)}` : ' <value>'
}

/** @param {CachedFlag} flag */
function flagName(flag) {
  const name = flag.char ? `-${flag.char}, --${flag.name}` : `--${flag.name}`
  return flag.type === 'boolean' && flag.allowNo ? `${name}, --no-${flag.name}` : name
}

/** @param {CachedCommand} command @param {PJson} pjson */
function usage(command, pjson) {
  const parts = [bin(pjson), spaced(command.id)]
  for (const arg of Object.values(command.args ?? {})) {
    parts.push(arg.required ? arg.name.toUpperCase() : `[${arg.name.toUpperCase()}]`)
  }
  if (command.strict === false) parts.push('...')
  for (const flag of Object.values(command.flags ?? {})) {
    if (flag.hidden) continue
    const text = `--${flag.name}${flagValue(flag)}${flag.type === 'option' && flag.multiple ? '...' : ''}`
    parts.push(flag.required ? text : `[${text}]`)
  }
  return parts.join(' ')
}

/** @param {CachedFlag} flag */
function flagLine(flag) {
  const notes = []
  if (flag.required) notes.push('required')
  if (flag.default !== undefined) notes.push(`default: \`${flag.default}\``)
  if (flag.type === 'option' && flag.multiple) notes.push('may be given more than once')
  if (flag.env) notes.push(`environment: \`${flag.env}\``)
  if (flag.exclusive?.length) notes.push(`not with ${flag.exclusive.map((f) => `\`--${f}\``).join(', ')}`)
  if (flag.dependsOn?.length) notes.push(`needs ${flag.dependsOn.map((f) => `\`--${f}\``).join(', ')}`)
  const text = oneLine(flag.description ?? flag.summary ?? '')
  return `- \`${flagName(flag)}${flagValue(flag)}\`${text ? ` ${text}` : ''}${notes.length ? ` (${notes.join('; ')})` : ''}`
}

/** @param {CachedArg} arg */
function argLine(arg) {
  const notes = [arg.required ? 'required' : 'optional']
  if (arg.default !== undefined) notes.push(`default: \`${arg.default}\``)
  if (arg.options?.length) notes.push(`one of: ${arg.options.map((o) => `\`${o}\``).join(', ')}`)
  const text = oneLine(arg.description ?? '')
  return `- \`${arg.name.toUpperCase()}\`${text ? ` ${text}` : ''} (${notes.join('; ')})`
}

/** A description on one list line: its own line breaks become spaces. */
const oneLine = (/** @type {unknown} */ text) =>
  String(text)
    .replace(/\s*\n\s*/g, ' ')
    .trim()

/** Examples as oclif shows them: a description line (as a shell comment) above its command. * @param {CachedCommand} command
 * @param {PJson} pjson
 */
function examples(command, pjson) {
  const lines = []
  for (const example of command.examples ?? []) {
    if (typeof example === 'string') lines.push(fill(example, pjson))
    else {
      for (const line of fill(example.description, pjson).split('\n')) lines.push(`# ${line}`)
      lines.push(fill(example.command, pjson))
    }
  }
  return lines
}

/**
 * The reference as Markdown, from the manifest's commands and package.json's oclif topics.
 * Pure (no file, clock or machine in it): the test calls it on the same inputs.
 * @param {Manifest} manifest
 * @param {PJson} pjson
 */
export function commandsMarkdown(manifest, pjson) {
  const commands = Object.values(manifest.commands)
    .filter((c) => !c.hidden)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  const topics = pjson.oclif?.topics ?? {}
  /** @type {Map<string, CachedCommand[]>} */
  const groups = new Map()
  for (const command of commands) {
    const top = /** @type {string} */ (command.id.split(':')[0])
    if (!groups.has(top)) groups.set(top, [])
    groups.get(top)?.push(command)
  }
  const global = Object.values(commands[0]?.flags ?? {}).filter((f) => f.helpGroup === 'GLOBAL' && !f.hidden)
  const isGlobal = (/** @type {CachedFlag} */ flag) => flag.helpGroup === 'GLOBAL' && global.some((g) => g.name === flag.name)

  const out = []
  out.push('# Command reference')
  out.push('')
  out.push(
    `Every \`${bin(pjson)}\` command: its summary, usage, arguments, flags and examples. Generated from the commands by ` +
      '`npm run docs:commands` (scripts/commands-md.mjs, after `npm run build`); do not edit it by hand: ' +
      'test/core/commands-doc.test.ts fails when it is not current. The manual is the [README](../README.md); ' +
      `\`${bin(pjson)} COMMAND --help\` shows the same text in the terminal (in Chinese with \`LANG=zh_CN.UTF-8\`).`,
  )
  out.push('')
  if (global.length > 0) {
    out.push('Flags every command takes:')
    out.push('')
    for (const flag of global) out.push(flagLine(flag))
    out.push('')
  }
  out.push('## Contents')
  out.push('')
  for (const [top, list] of groups) {
    const heading = `${bin(pjson)} ${top}`
    const topic = topics[top]?.description
    out.push(`- [\`${heading}\`](#${anchorOf(heading)})${topic ? `: ${oneLine(topic)}` : ''}`)
    for (const command of list) {
      if (command.id === top) continue
      const title = `${bin(pjson)} ${spaced(command.id)}`
      out.push(`  - [\`${title}\`](#${anchorOf(title)})`)
    }
  }
  for (const [top, list] of groups) {
    out.push('')
    out.push(`## \`${bin(pjson)} ${top}\``)
    const topic = topics[top]?.description
    if (topic && !(list.length === 1 && list[0]?.id === top)) {
      out.push('')
      out.push(oneLine(topic))
    }
    for (const command of list) {
      const heading = command.id === top ? null : `### \`${bin(pjson)} ${spaced(command.id)}\``
      out.push('')
      if (heading) {
        out.push(heading)
        out.push('')
      }
      if (command.summary) out.push(oneLine(fill(command.summary, pjson)), '')
      if (command.description) out.push(fill(command.description, pjson).trim(), '')
      out.push('```')
      out.push(usage(command, pjson))
      out.push('```')
      const args = Object.values(command.args ?? {})
      if (args.length > 0) {
        out.push('', 'Arguments:', '')
        for (const arg of args) out.push(argLine(arg))
      }
      const flags = Object.values(command.flags ?? {}).filter((f) => !f.hidden && !isGlobal(f))
      if (flags.length > 0) {
        out.push('', 'Flags:', '')
        for (const flag of flags) out.push(flagLine(flag))
      }
      const lines = examples(command, pjson)
      if (lines.length > 0) {
        out.push('', 'Examples:', '', '```sh', ...lines, '```')
      }
    }
  }
  out.push('')
  return out.join('\n')
}

export function readInputs(dir = root) {
  let manifest
  try {
    manifest = JSON.parse(readFileSync(`${dir}/oclif.manifest.json`, 'utf8'))
  } catch {
    throw new Error('oclif.manifest.json is missing: run `npm run build` first')
  }
  return {manifest, pjson: JSON.parse(readFileSync(`${dir}/package.json`, 'utf8'))}
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const {manifest, pjson} = readInputs()
  writeFileSync(`${root}/${outputPath}`, commandsMarkdown(manifest, pjson))
  console.log(`wrote ${outputPath} (${Object.keys(manifest.commands).length} commands)`)
}
