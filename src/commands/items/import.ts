import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {printNotes, printProblems} from '../../cli/problems.js'
import '../../core/kinds.js'
import {importList, type ItemImportResult} from '../../core/items/import.js'

export default class ItemsImport extends EgovCommand<typeof ItemsImport> {
  static override summary = 'Check and import a service-item list from a workbook or CSV files'
  static override description = `FILE is a workbook of the template's sheets, or CSV files, one sheet each (the basic sheet alone will do); each CSV's sheet is told by its headers, and its encoding is detected (a BOM, else strict UTF-8, else GB18030, which covers GBK). Headers may sit under a title row, in any order, with stray spaces or full-width characters.

Every cell is checked against the layout (ITEM-2): required elements, the lists of 事项类型, 办件类型, 行使层级 and the other enumerations, 是/否, working days (20, 20个工作日, 当场办结; 承诺 ≤ 法定), telephone numbers, well-formed and unique 事项编码, steps and materials that belong to an item of the file, fee details when 是否收费 is 是. Every problem is reported with its sheet, cell, element, rule and value — all of them, never the first only — and nothing is written unless the whole file is valid (exit 2). --report writes your workbook back with each bad cell marked yellow and the reason in its comment, plus a 错误汇总 sheet.

A valid file becomes a new version of the list: the items of its 实施主体 are replaced by the file's (added, changed, removed; other bodies' items stay). A version that changes anything starts the ITEM-5 clock: an item-update request due in 10 working days, approved by a second person once the item library is updated.`
  static override strict = false
  static override examples = [
    '<%= config.bin %> items import fixtures/items/list.xlsx --dry-run',
    '<%= config.bin %> items import fixtures/items/list-messy.xlsx --dry-run --report 检查结果.xlsx',
    '<%= config.bin %> items import fixtures/items/list.xlsx',
    '<%= config.bin %> items import fixtures/items/list-v2-gbk.csv --json',
  ]

  static override args = {file: Args.string({description: '.xlsx, or .csv files (one per sheet)', required: true})}

  static override flags = {
    'dry-run': Flags.boolean({description: 'check everything, write nothing'}),
    report: Flags.string({description: 'write an annotated copy of the workbook (.xlsx), problems marked on their cells'}),
    encoding: Flags.string({description: 'CSV encoding', options: ['auto', 'utf8', 'gb18030'], default: 'auto'}),
  }

  async run(): Promise<ItemImportResult> {
    const files = this.positionals
    const store = await this.store()
    try {
      const result = await importList(store, files, {dryRun: this.flags['dry-run'], report: this.flags.report, encoding: this.flags.encoding as 'auto', locale: this.locale})
      if (!this.jsonEnabled()) printNotes(result.notes, this.locale, this.color, files.length > 1)
      for (const [file, encoding] of Object.entries(result.encodings)) this.log(this.t('items.import.encoding', {file, encoding: encoding === 'utf8' ? 'UTF-8' : 'GB18030'}))
      const counts = {file: files.join(', '), version: result.version, items: result.items, added: result.added, changed: result.changed, removed: result.removed, unchanged: result.unchanged}
      this.log(this.t(result.dryRun ? 'items.import.dryRun' : 'items.import.done', counts))
      if (result.clock) this.log(this.t('items.import.clock', {due: result.clock.dueOn ?? '—', id: result.clock.requestId}))
      if (result.report) this.log(this.t('items.report.written', {file: result.report.file, count: result.report.marked}))
      return result
    } catch (error) {
      if (!this.jsonEnabled()) printProblems(error, this.locale, this.color, files.length > 1)
      throw error
    }
  }
}
