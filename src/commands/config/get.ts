import * as Args from '@oclif/core/args'

import {EgovCommand} from '../../cli/base.js'
import {type ConfigEntry, listLimits, parseConfigKey, readUserConfig, resolveOperator} from '../../core/config/index.js'
import {NotFound} from '../../core/errors.js'

export default class ConfigGet extends EgovCommand<typeof ConfigGet> {
  static override summary = 'Print one setting'
  static override examples = ['<%= config.bin %> config get operator', '<%= config.bin %> config get limit.ticket.submitted --json']

  static override args = {
    key: Args.string({description: 'operator, notices or limit.KIND.STATE', required: true}),
  }

  async run(): Promise<ConfigEntry> {
    const parsed = parseConfigKey(this.args.key, await this.kinds())
    let entry: ConfigEntry | undefined
    if (parsed.key === 'notices') {
      const configured = readUserConfig(this.config.configDir).notices
      entry = {key: 'notices', value: configured ?? this.defaultNoticesDir(), scope: 'user', isDefault: !configured}
    } else if (parsed.scope === 'user') {
      // On PostgreSQL the login is the operator; ask the store only then (no database is opened otherwise).
      const store = this.postgresUrl() ? await this.store() : undefined
      entry = store
        ? {key: 'operator', value: await store.actor(), scope: 'database-user', isDefault: false}
        : {key: 'operator', value: await resolveOperator(this.config.configDir), scope: 'user', isDefault: false}
    } else {
      entry = (await listLimits(await this.store())).find((e) => e.key === parsed.key)
    }
    if (!entry) throw new NotFound('config.notSet', {key: parsed.key}, {field: 'KEY'})
    this.log(entry.value)
    return entry
  }
}
