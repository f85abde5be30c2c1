import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {diffVersions, type ListDiff} from '../../core/items/diff.js'

export default class ItemsDiff extends EgovCommand<typeof ItemsDiff> {
  static override summary = 'What changed between two versions of the list, element by element'
  static override description = `Default: the latest version against the one before it; version 0 is the empty list before the first import. Items are added, removed or changed; a changed item lists each element (基本信息 column, or a step or material by its name) with its value before and after. See the versions with "egov items versions".`
  static override examples = ['<%= config.bin %> items diff', '<%= config.bin %> items diff --from 1 --to 2 --json']

  static override flags = {
    from: Flags.integer({description: 'the older version (default: the one before --to)', min: 0}),
    to: Flags.integer({description: 'the newer version (default: the latest)', min: 0}),
  }

  async run(): Promise<ListDiff> {
    const store = await this.store()
    const diff = await diffVersions(store.db, {from: this.flags.from, to: this.flags.to})
    this.show(() => {
      if (!diff.items.length) return this.t('items.diff.none', {from: diff.from, to: diff.to})
      const lines = [this.t('items.diff.header', {...diff})]
      const mark = {added: this.color.green('+'), removed: this.color.red('-'), changed: this.color.yellow('~')}
      for (const item of diff.items) {
        lines.push(`${mark[item.change]} ${this.color.bold(item.code)} ${item.name}  ${item.body}  (${this.t(`label.${item.change}`)})`)
        for (const e of item.elements) {
          const what = [e.sheet, e.entry, e.element].filter(Boolean).join(' › ')
          if (e.before === null) lines.push(`    ${this.color.green('+')} ${what}: ${e.after}`)
          else if (e.after === null) lines.push(`    ${this.color.red('-')} ${what}: ${e.before}`)
          else lines.push(`    ${what}: ${e.before || '∅'} → ${e.after || '∅'}`)
        }
      }
      return lines.join('\n')
    })
    return diff
  }
}
