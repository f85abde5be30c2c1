import {EgovCommand} from '../../cli/base.js'
import {type ConfigEntry, listLimits, readUserConfig, resolveOperator} from '../../core/config/index.js'

export default class ConfigList extends EgovCommand<typeof ConfigList> {
  static override summary = 'List every setting, with where it is kept'
  static override examples = ['<%= config.bin %> config list', '<%= config.bin %> config list --json']

  static override flags = {...EgovCommand.listFlags}

  async run(): Promise<{settings: ConfigEntry[]}> {
    const store = await this.store()
    const operator = store.dialect === 'postgres' ? await store.actor() : await resolveOperator(this.config.configDir)
    const notices = readUserConfig(this.config.configDir).notices
    const settings: ConfigEntry[] = [
      {key: 'operator', value: operator, scope: store.dialect === 'postgres' ? 'database-user' : 'user', isDefault: false},
      {key: 'notices', value: notices ?? this.defaultNoticesDir(), scope: 'user', isDefault: !notices},
      ...(await listLimits(store)),
    ]
    this.table(settings, [
      {header: this.t('col.key'), get: (e) => e.key},
      {header: this.t('col.value'), get: (e) => e.value + (e.isDefault ? ` (${this.t('label.default')})` : '')},
      {header: this.t('col.scope'), get: (e) => this.t(e.scope === 'user' ? 'label.userFile' : e.scope === 'database-user' ? 'label.dbUser' : 'label.database')},
    ])
    return {settings}
  }
}
