/**
 * The Chinese --help (issue 19): every command's summary and description by command id,
 * every topic's description by topic id, oclif's section headings, and the flags' and
 * arguments' descriptions by their English text (one text, one translation, wherever it
 * is used). EgovHelp reads these under a Chinese locale; test/core/help-zh.test.ts keeps
 * them complete against oclif.manifest.json and package.json.
 */
import {COMMANDS_ZH_A} from './commands-a.js'
import {COMMANDS_ZH_B} from './commands-b.js'
import {COMMANDS_ZH_C} from './commands-c.js'
import {FLAGS_ZH} from './flags.js'
import {TOPICS_ZH} from './topics.js'

export interface CommandZh {
  summary: string
  description?: string
}

export const COMMANDS_ZH: Record<string, CommandZh> = {...COMMANDS_ZH_A, ...COMMANDS_ZH_B, ...COMMANDS_ZH_C}
export {FLAGS_ZH, TOPICS_ZH}

export const HELP_ROOT_ZH = 'egov——市数据局电子政务管理工具：电子政务外网、政务云、数字证书、政务服务事项、自助终端'

export const HELP_HEADINGS_ZH: Record<string, string> = {
  USAGE: '用法',
  ARGUMENTS: '参数',
  FLAGS: '参数选项',
  'GLOBAL FLAGS': '全局参数选项',
  'OUTPUT FLAGS': '输出参数选项',
  'FLAG DESCRIPTIONS': '参数选项说明',
  DESCRIPTION: '说明',
  EXAMPLES: '示例',
  ALIASES: '别名',
  TOPICS: '主题',
  COMMANDS: '命令',
  VERSION: '版本',
  ROLES: '所需角色',
}

export function helpCommandZh(id: string): CommandZh | undefined {
  return Object.hasOwn(COMMANDS_ZH, id) ? COMMANDS_ZH[id] : undefined
}

export function helpTopicZh(id: string): string | undefined {
  return Object.hasOwn(TOPICS_ZH, id) ? TOPICS_ZH[id] : undefined
}

/** The descriptions some examples carry, by their English text. */
export const EXAMPLES_ZH: Record<string, string> = {
  '1–7 October are the National Day holiday and Saturday 10 October is a make-up day:': '10 月 1 日至 7 日为国庆节假期，10 月 10 日（星期六）为调休上班日：',
}

/** A flag's or an argument's description in Chinese, or the English where the catalogue has none. */
export function helpTextZh<T extends string | undefined>(english: T): T {
  if (english === undefined) return english
  return (Object.hasOwn(FLAGS_ZH, english) ? FLAGS_ZH[english] : english) as T
}

/** An example's description in Chinese; the command itself is never changed. */
export function helpExampleZh<T>(example: T): T {
  if (example && typeof example === 'object' && 'description' in example && typeof example.description === 'string' && Object.hasOwn(EXAMPLES_ZH, example.description)) {
    return {...example, description: EXAMPLES_ZH[example.description]}
  }
  return example
}
