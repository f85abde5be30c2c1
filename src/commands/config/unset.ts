import * as Args from '@oclif/core/args'

import {EgovCommand} from '../../cli/base.js'
import {parseConfigKey, readUserConfig, unsetLimit, writeUserConfig} from '../../core/config/index.js'
import {NotFound} from '../../core/errors.js'
import {changeSettings, changesDeadlines} from '../../core/config/settings-change.js'
import type {Request} from '../../core/workflow/index.js'

export default class ConfigUnset extends EgovCommand<typeof ConfigUnset> {
  static override summary = 'Remove a setting, going back to the default'
  static override description = `Once there is an operator roster, unsetting a working-day limit (limit.KIND.STATE) changes deadlines, so it is a request another system-admin approves (egov requests approve ID; X-2).`
  static override examples = ['<%= config.bin %> config unset limit.ticket.accepted']

  static override args = {
    key: Args.string({description: 'operator, notices or limit.KIND.STATE', required: true}),
  }

  async run(): Promise<{key: string; removed: boolean; pending?: boolean; request?: Request}> {
    const parsed = parseConfigKey(this.args.key, await this.kinds())
    if (parsed.scope === 'user') {
      const current = readUserConfig(this.config.configDir)
      if (!current[parsed.key]) throw new NotFound('config.notSet', {key: parsed.key}, {field: 'KEY'})
      if (parsed.key === 'operator') delete current.operator
      else delete current.notices
      writeUserConfig(this.config.configDir, current)
    } else if (changesDeadlines(parsed.key)) {
      const store = await this.store()
      const result = await changeSettings(store, {op: 'unset', key: parsed.key})
      if (result.pending) {
        this.log(this.t('settings.filed', {id: result.request.id, summary: result.request.summary}))
        return {key: parsed.key, removed: false, pending: true, request: result.request}
      }
    } else {
      const store = await this.store()
      await unsetLimit(store, parsed.key)
    }
    this.log(this.t('config.unset', {key: parsed.key}))
    return {key: parsed.key, removed: true}
  }
}
