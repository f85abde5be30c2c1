import {resolve} from 'node:path'

import * as Args from '@oclif/core/args'

import {EgovCommand} from '../../cli/base.js'
import {parseConfigKey, readUserConfig, setLimit, validateConfigValue, writeUserConfig} from '../../core/config/index.js'
import {changeSettings, changesDeadlines} from '../../core/config/settings-change.js'
import type {Request} from '../../core/workflow/index.js'

export default class ConfigSet extends EgovCommand<typeof ConfigSet> {
  static override summary = 'Set your operator name, or a request step’s working-day limit'
  static override description = `Keys:
  operator            your name as recorded on what you do (your own config file). EGOV_OPERATOR overrides it; on PostgreSQL the database user is recorded instead.
  notices             the folder written notices (.docx) go to (your own config file); default notices/ in the data folder.
  limit.KIND.STATE    working days a request of KIND may stay in STATE before it is overdue (the database: shared by the team, audited). "egov config list" shows them all. Once there is an operator roster, a limit changes deadlines, so it takes a second person: the change is a request (settings-change), in effect when another system-admin approves it (egov requests approve ID; X-2).
  items.code-pattern  the regular expression 事项编码 must match in service-item lists (the database, audited); default: the national forms, letter-and-digit groups joined by -.
  notices.prefix      the issuing office's code (机关代字) heading written notices' document numbers (the database, audited): 甘数 gives 甘数〔2026〕3号; 1–16 characters, no control characters. Unset: 〔2026〕第3号.
  area-code           the bureau's telephone area code (0826; the database, audited): the example a message gives for a landline typed without one. Unset, the example says 0XXX.`
  static override examples = [
    '<%= config.bin %> config set operator 张三',
    '<%= config.bin %> config set limit.ticket.accepted 3',
    '<%= config.bin %> config set notices ./notices',
    `<%= config.bin %> config set items.code-pattern '^[0-9A-Z]+(-[0-9A-Z]+)+$'`,
    '<%= config.bin %> config set area-code 0826',
    '<%= config.bin %> config set notices.prefix 甘数',
  ]

  static override args = {
    key: Args.string({description: 'operator, notices, notices.prefix, limit.KIND.STATE, items.code-pattern, area-code, cert.organization, cert.publish or cert.escrow', required: true}),
    value: Args.string({description: 'the value', required: true}),
  }

  async run(): Promise<{key: string; value: string; scope: string; pending?: boolean; request?: Request}> {
    const parsed = parseConfigKey(this.args.key, await this.kinds())
    const value = validateConfigValue(parsed, this.args.value)
    if (parsed.scope === 'user') {
      const stored = parsed.key === 'notices' ? resolve(value) : value
      writeUserConfig(this.config.configDir, {...readUserConfig(this.config.configDir), [parsed.key]: stored})
    } else if (changesDeadlines(parsed.key)) {
      const store = await this.store()
      const result = await changeSettings(store, {op: 'set', key: parsed.key, value})
      if (result.pending) {
        this.log(this.t('settings.filed', {id: result.request.id, summary: result.request.summary}))
        return {key: parsed.key, value, scope: parsed.scope, pending: true, request: result.request}
      }
    } else {
      const store = await this.store()
      await setLimit(store, parsed.key, value)
    }
    this.log(this.t('config.set', {key: parsed.key, value}))
    return {key: parsed.key, value, scope: parsed.scope}
  }
}
