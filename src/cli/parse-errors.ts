import {type Locale, type MessageKey, t} from '../core/i18n/index.js'
import {nearest} from '../core/nearest.js'

/**
 * oclif's parse errors (unknown flag, missing argument, bad option value, flag relationships)
 * as catalogue messages in the user's language, with details.field naming what was wrong:
 * the base command's exit 2 for input oclif refuses before egov sees it.
 */

type ParseError = Error & {args?: Array<{name?: string}> | string[]; flags?: string[]}

interface Report {
  message: string
  details: Record<string, unknown>
}

/** What the failing command declares: its flags (by name), its arguments, and the reader's language. */
interface CommandShape {
  locale: Locale
  flags: Record<string, unknown>
  args: Record<string, {name: string; options?: readonly string[]}>
}

/** An oclif parse error as a catalogue message with details.field; oclif's own English text only where nothing better is known. */
export function parseErrorReport(err: ParseError, command: CommandShape): Report {
  const tr = (key: MessageKey, params: Record<string, unknown>) => t(key, params, command.locale)
  const kind = err.constructor.name
  // oclif dims its list of failed flags on a terminal: the text is read without the colour codes
  // eslint-disable-next-line no-control-regex
  const raw = err.message.replace(/\n?See more help with --help\s*$/, '').replaceAll(/\u001B\[[0-9;]*m/g, '')
  const known = () => Object.keys({...command.flags, json: true}).map((f) => `--${f}`)
  if (kind === 'NonExistentFlagsError' && err.flags?.length) {
    const flag = err.flags[0]!.split('=')[0]!
    const suggestion = nearest(flag, known())
    return {
      message: tr(suggestion ? 'input.unknownFlagNear' : 'input.unknownFlag', {flag, suggestion}),
      details: {key: 'input.unknownFlag', field: flag.replace(/^-+/, ''), flags: err.flags, ...(suggestion ? {suggestion} : {})},
    }
  }
  if (kind === 'RequiredArgsError' && Array.isArray(err.args)) {
    const names = (err.args as Array<{name?: string}>).map((a) => a.name?.toUpperCase()).filter(Boolean) as string[]
    return {message: tr('input.missingArg', {names: names.join(', ')}), details: {key: 'input.missingArg', field: names[0]}}
  }
  if (kind === 'UnexpectedArgsError' && Array.isArray(err.args)) {
    return {message: tr('input.unexpectedArgs', {args: (err.args as string[]).join(', ')}), details: {key: 'input.unexpectedArgs', field: 'ARGS', args: err.args}}
  }
  const noOption = /^Flag --([\w-]+) expects one of these values: (.*)$/s.exec(raw)
  if (noOption) return {message: tr('input.flagNeedsOption', {flag: noOption[1], options: noOption[2]}), details: {key: 'input.flagNeedsOption', field: noOption[1], options: noOption[2]!.split(', ')}}
  const parsing = /^Parsing --([\w-]+)\s*\n\s*Expected an integer (?:(greater|less) than or equal to (-?\d+) )?but received: (.*)$/s.exec(raw)
  if (parsing) {
    const [, flag, side, limit, value] = parsing
    const key = side === 'greater' ? 'input.flagIntegerMin' : side === 'less' ? 'input.flagIntegerMax' : 'input.flagInteger'
    return {message: tr(key, {flag, value, limit}), details: {key, field: flag, value, ...(limit === undefined ? {} : {limit: Number(limit)})}}
  }
  // oclif's flag-relationship checks (exclusive, exactlyOne, dependsOn, required): every reason, each in the user's language.
  // eslint-disable-next-line no-control-regex
  const failed = /^The following errors? occurred:\n([\s\S]*)$/.exec(raw.replace(/\u001B\[[0-9;]*m/g, ''))
  if (failed) {
    const parts = [
      ...new Set(
        failed[1]!
          .split('\n')
          .map((line) => line.trim())
          .filter(Boolean),
      ),
    ].map((line) => flagReason(line, command.locale))
    const message = parts.map((part) => part.message).join(command.locale === 'zh' ? '；' : '; ')
    return {message, details: parts.length === 1 ? parts[0]!.details : {...parts[0]?.details, problems: parts.map((part) => part.details)}}
  }
  const option = /^Expected --([\w-]+)=(.*) to be one of: (.*)$/s.exec(raw)
  if (option) {
    const [, flag, value, options] = option
    return {message: tr('input.flagOption', {flag, value, options}), details: {key: 'input.flagOption', field: flag, value, options: options!.split(', ')}}
  }
  // An argument's value outside its options (oclif's message does not name the argument: the one with these options does).
  const argOption = /^Expected (.*) to be one of: (.*)$/s.exec(raw)
  if (argOption) {
    const [, value, options] = argOption
    const arg = Object.values(command.args).find((a) => (a.options ?? []).join(', ') === options)
    const name = arg?.name.toUpperCase()
    if (name) return {message: tr('input.argOption', {arg: name, value, options}), details: {key: 'input.argOption', field: name, value, options: options!.split(', ')}}
  }
  const needsValue = /^Flag --([\w-]+) expects a value/.exec(raw)
  if (needsValue) return {message: tr('input.flagNeedsValue', {flag: needsValue[1]}), details: {key: 'input.flagNeedsValue', field: needsValue[1]}}
  // "Missing required flag --x", or in oclif's list of failed flags "Missing required flag x" (the first one named; all in details.flags).
  const missing = [...raw.matchAll(/Missing required flag:?\s*(?:-\w, )?(?:--)?([\w-]+)/g)].map((m) => m[1])
  if (missing.length) return {message: tr('input.missingFlagParse', {flag: missing[0]}), details: {key: 'input.missingFlagParse', field: missing[0], ...(missing.length > 1 ? {flags: missing} : {})}}
  const anyFlag = /--([\w-]+)/.exec(raw)
  return {message: raw, details: anyFlag ? {field: anyFlag[1]} : {}}
}

/** One reason of oclif's flag validation, as a catalogue message naming the field. */
function flagReason(line: string, locale: Locale): Report {
  const tr = (key: MessageKey, params: Record<string, unknown>) => t(key, params, locale)
  const list = (text: string) =>
    text
      .split(/,\s*/)
      .map((f) => f.trim())
      .filter(Boolean)
  const flagsOf = (text: string) =>
    list(text)
      .map((f) => (f.startsWith('-') ? f : `--${f}`))
      .join(', ')
  let m = /^Missing required flag:?\s*(?:-\w, )?-{0,2}([\w-]+)$/.exec(line)
  if (m) return {message: tr('input.missingFlagParse', {flag: m[1]}), details: {key: 'input.missingFlagParse', field: m[1]}}
  m = /^--([\w-]+)(?:=.*)? cannot also be provided when using --([\w-]+)$/s.exec(line)
  if (m) return {message: tr('input.flagExclusive', {flag: m[1], other: m[2]}), details: {key: 'input.flagExclusive', field: m[1], other: m[2]}}
  m = /^Exactly one of the following must be provided: (.*)$/.exec(line)
  if (m) return {message: tr('input.flagOneOf', {flags: flagsOf(m[1]!)}), details: {key: 'input.flagOneOf', field: list(m[1]!)[0]?.replace(/^-+/, ''), flags: list(m[1]!)}}
  m = /^At least one of the following must be provided: (.*)$/.exec(line)
  if (m) return {message: tr('input.flagAtLeastOne', {flags: flagsOf(m[1]!)}), details: {key: 'input.flagAtLeastOne', field: list(m[1]!)[0]?.replace(/^-+/, ''), flags: list(m[1]!)}}
  m = /^(?:All|One) of the following must be provided when using --([\w-]+): (.*)$/.exec(line)
  if (m) return {message: tr('input.flagDependsOn', {flag: m[1], flags: flagsOf(m[2]!)}), details: {key: 'input.flagDependsOn', field: m[1], flags: list(m[2]!)}}
  const anyFlag = /--([\w-]+)/.exec(line)
  return {message: line, details: anyFlag ? {field: anyFlag[1]} : {}}
}
