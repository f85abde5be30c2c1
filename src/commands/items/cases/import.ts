import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../../cli/base.js'
import {type CasesImportResult, importCases} from '../../../core/items/index.js'

export default class ItemsCasesImport extends EgovCommand<typeof ItemsCasesImport> {
  static override summary = 'Import case counts per item, year and channel (窗口/网上/自助) for the figures (ITEM-6, ITEM-7)'
  static override description = `A workbook or CSV with the columns 事项编码, 年度, 渠道 (窗口, 网上 or 自助) and 办件量, one row per item, year and channel. Every code must be an item of the current list. A count given again for the same item, year and channel replaces the earlier one. Every problem is reported with its cell; nothing is written unless the whole file is valid.`
  static override examples = ['<%= config.bin %> items cases import fixtures/items/cases-2025.csv']

  static override args = {file: Args.string({description: '.xlsx or .csv file', required: true})}
  static override flags = {encoding: Flags.string({description: 'CSV encoding', options: ['auto', 'utf8', 'gb18030'], default: 'auto'})}

  async run(): Promise<CasesImportResult> {
    const store = await this.store()
    const result = await importCases(store, this.args.file, {encoding: this.flags.encoding as 'auto', locale: this.locale})
    this.log(this.t('items.cases.done', {rows: result.rows, items: result.items, years: result.years.join(', ')}))
    return result
  }
}
