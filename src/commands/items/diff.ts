import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {forceFlag, readyToWrite} from '../../cli/output-flags.js'
import {diffVersions, type ListDiff, writeDiffWorkbook} from '../../core/items/index.js'

export default class ItemsDiff extends EgovCommand<typeof ItemsDiff> {
  static override summary = 'What changed between two versions of the list, element by element'
  static override description = `Default: the latest version against the one before it; version 0 is the empty list before the first import. Items are added, removed or changed; a changed item lists each element (基本信息 column, or a step or material by its name) with its value before and after. See the versions with "egov items versions".

--out FILE.xlsx writes the differences as a workbook, one sheet per part (基本信息, 办理流程, 申请材料) in the template's columns after a first column 变更 (新增, 删除, 变更): each changed element is marked yellow with its old value in the cell's comment. To undo an accidental import, export the version before it (egov items export --version N) and import that with --replace: open items go back through change and terminate requests (ITEM-4).`
  static override examples = ['<%= config.bin %> items diff', '<%= config.bin %> items diff --from 1 --to 2 --json', '<%= config.bin %> items diff --from 1 --to 2 --out 差异.xlsx']

  static override flags = {
    from: Flags.integer({description: 'the older version (default: the one before --to)', min: 0}),
    to: Flags.integer({description: 'the newer version (default: the latest)', min: 0}),
    out: Flags.string({description: 'also write the differences to this .xlsx workbook, changed elements marked'}),
    force: forceFlag,
  }

  async run(): Promise<ListDiff & {out?: string}> {
    await readyToWrite({out: this.flags.out}, {force: this.flags.force, interactive: this.interactive(), locale: this.locale})
    const store = await this.store()
    const diff = await diffVersions(store, {from: this.flags.from, to: this.flags.to})
    if (this.flags.out) {
      const written = await writeDiffWorkbook(store, diff, this.flags.out)
      this.log(this.t('items.diff.written', {from: diff.from, to: diff.to, file: written.file, count: written.items}))
      return {...diff, out: written.file}
    }
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
