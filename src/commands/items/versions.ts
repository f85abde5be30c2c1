import {EgovCommand} from '../../cli/base.js'
import {chinaTime} from '../../core/clock.js'
import {listVersions, type ListVersion} from '../../core/items/index.js'

export default class ItemsVersions extends EgovCommand<typeof ItemsVersions> {
  static override summary = 'The versions of the list: each import or approved change, with what it changed'
  static override examples = ['<%= config.bin %> items versions']

  static override flags = {...EgovCommand.listFlags}

  async run(): Promise<{versions: ListVersion[]}> {
    const store = await this.store()
    const versions = await listVersions(store)
    this.table(
      versions,
      [
        {header: this.t('col.version'), get: (v) => String(v.version)},
        {header: this.t('col.at'), get: (v) => chinaTime(v.createdAt)},
        {header: this.t('col.actor'), get: (v) => v.createdBy},
        {header: this.t('col.source'), get: (v) => v.source, shrink: true},
        {header: this.t('col.items'), get: (v) => String(v.items)},
        {header: this.t('col.change'), get: (v) => `+${v.added} ~${v.changed} -${v.removed}`},
        {header: this.t('col.id'), get: (v) => (v.requestId ? String(v.requestId) : '')},
      ],
      this.t('items.noVersions'),
    )
    return {versions}
  }
}
