import {type Command, CommandHelp, Help, type Interfaces} from '@oclif/core'

import {detectLocale, type Locale} from '../core/i18n/index.js'
import {permitFor, ROLES, type Role} from '../core/operators/roles.js'
import {wrapCjk} from './help-zh/wrap.js'
import {HELP_HEADINGS_ZH, HELP_ROOT_ZH, helpCommandZh, helpExampleZh, helpTextZh, helpTopicZh} from './help-zh/index.js'

const named = (role: Role) => `${role} (${ROLES[role].zh})`
const namedZh = (role: Role) => `${ROLES[role].zh}（${role}）`

/**
 * The role each command needs (issue 18, X-2), as a ROLES section of its --help: what
 * permitFor knows, so the help and the check never disagree. Reading needs no role.
 */
export function rolesHelp(commandId: string, locale: Locale = 'en'): string {
  const review = commandId === 'requests:approve' || commandId === 'requests:reject'
  const roles = permitFor(commandId)
  if (locale === 'zh') {
    if (review) {
      return '申请所属领域的审核角色：review-net、review-cloud、review-cert、review-items、review-kiosk、review-ticket；操作员名册变更（roster-change）和设置变更（settings-change）申请由系统管理员（system-admin）审核（须为另一人，不能是提交人，X-2）'
    }
    const who = roles === null ? '名册上任一在岗操作员' : roles.map(namedZh).join('或')
    return `${who}（命令有改动时，且已建立操作员名册后）；只读不需要角色（egov operators roles；X-2）`
  }
  if (review) {
    return 'the reviewer role of the request’s area: review-net, review-cloud, review-cert, review-items, review-kiosk, review-ticket; system-admin (系统管理员) for roster-change and settings-change requests (a second one: never the filer, X-2)'
  }
  const who = roles === null ? 'any active operator on the roster' : roles.map(named).join(' or ')
  return `${who}, when it changes something, once there is an operator roster; reading needs no role (egov operators roles; X-2)`
}

type SectionBody = Parameters<Help['section']>[1]

/** A section heading in the reader's language: USAGE → 用法, GLOBAL FLAGS → 全局参数选项. */
function heading(header: string, locale: Locale): string {
  return locale === 'zh' ? (HELP_HEADINGS_ZH[header] ?? header) : header
}

/** oclif's own words inside a flag's line: (required), [default: …], <options: …>. */
function flagWordsZh(text: string): string {
  return text
    .replace('(required)', '（必填）')
    .replace(/\[default: /g, '[默认值：')
    .replace(/\benv: /g, '环境变量：')
    .replace('<options: ', '<可选值：')
}

/** A command with its summary, description, flags' and arguments' descriptions in Chinese where the catalogue has them. */
function localizedCommand<C extends Command.Loadable | Command.Cached>(command: C): C {
  const id = command.id.replaceAll(' ', ':')
  const zh = helpCommandZh(id)
  const flags: Record<string, Command.Flag.Cached> = {}
  for (const [name, flag] of Object.entries(command.flags ?? {})) {
    flags[name] = {...flag, description: helpTextZh(flag.description), summary: helpTextZh(flag.summary)}
  }
  const args: Record<string, Command.Arg.Cached> = {}
  for (const [name, arg] of Object.entries(command.args ?? {})) args[name] = {...arg, description: helpTextZh(arg.description)}
  return {
    ...command,
    summary: zh?.summary ?? command.summary,
    description: zh?.description ?? command.description,
    flags,
    args,
    examples: command.examples?.map((example) => helpExampleZh(example)),
  }
}

/** Both help classes wrap Chinese text themselves (oclif breaks only at spaces); undefined: leave it to oclif. */
function zhWrap(locale: Locale, text: string, width: number): string | undefined {
  return locale !== 'zh' || text.includes('\u001B') ? undefined : wrapCjk(text, width)
}

class EgovCommandHelp extends CommandHelp {
  private readonly locale = detectLocale()

  override section(header: string, body: SectionBody): string {
    return super.section(heading(header, this.locale), body)
  }

  override wrap(body: string, spacing = this.indentSpacing): string {
    return zhWrap(this.locale, this.render(body), this.opts.maxWidth - spacing) ?? super.wrap(body, spacing)
  }

  protected override flags(flags: Array<Command.Flag.Any>): [string, string | undefined][] | undefined {
    const rows = super.flags(flags)
    if (this.locale !== 'zh' || !rows) return rows
    return rows.map(([left, right]) => [left, right === undefined ? right : flagWordsZh(right)])
  }
}

export default class EgovHelp extends Help {
  protected override CommandHelpClass = EgovCommandHelp
  private readonly locale = detectLocale()

  override section(header: string, body: SectionBody): string {
    return super.section(heading(header, this.locale), body)
  }

  override wrap(body: string, spacing = this.indentSpacing): string {
    return zhWrap(this.locale, this.render(body), this.opts.maxWidth - spacing) ?? super.wrap(body, spacing)
  }

  /**
   * `egov cloud nosuch --help` fails as `egov cloud nosuch` does (issue 19): through the
   * command_not_found hook — exit 2, the user's language, the nearest command, the hint
   * once, the envelope with --json — not oclif's English "Command … not found.".
   */
  override async showHelp(argv: string[]): Promise<void> {
    try {
      await super.showHelp(argv)
    } catch (error) {
      const unknown = /^Command (\S+) not found\.?$/.exec(error instanceof Error ? error.message : '')
      if (!unknown) throw error
      await this.config.runHook('command_not_found', {id: unknown[1]!, argv: argv.filter((arg) => arg !== '--help' && arg !== '-h')})
    }
  }

  override async showCommandHelp(command: Command.Loadable): Promise<void> {
    return super.showCommandHelp(this.locale === 'zh' ? localizedCommand(command) : command)
  }

  protected override formatCommand(command: Command.Loadable): string {
    const text = super.formatCommand(command)
    return `${text}\n\n${this.section('ROLES', this.wrap(rolesHelp(command.id.replaceAll(' ', ':'), this.locale)))}`
  }

  protected override formatCommands(commands: Array<Command.Loadable>): string {
    return super.formatCommands(this.locale === 'zh' ? commands.map((command) => localizedCommand(command)) : commands)
  }

  protected override formatTopic(topic: Interfaces.Topic): string {
    return super.formatTopic(this.locale === 'zh' ? {...topic, description: helpTopicZh(topic.name.replaceAll(' ', ':')) ?? topic.description} : topic)
  }

  protected override formatTopics(topics: Interfaces.Topic[]): string {
    if (this.locale !== 'zh') return super.formatTopics(topics)
    return super.formatTopics(topics.map((topic) => ({...topic, description: helpTopicZh(topic.name.replaceAll(' ', ':')) ?? topic.description})))
  }

  override formatRoot(): string {
    if (this.locale !== 'zh') return super.formatRoot()
    return [HELP_ROOT_ZH, this.section('VERSION', this.wrap(this.config.userAgent)), this.section('USAGE', this.wrap(`$ ${this.config.bin} [COMMAND]`))].join('\n\n')
  }
}
