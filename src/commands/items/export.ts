import {extname} from 'node:path'

import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {forceFlag, readyToWrite} from '../../cli/output-flags.js'
import {today} from '../../core/clock.js'
import {InvalidInput} from '../../core/errors.js'
import {csvExportFiles, exportForRevision, exportList, type ExportResult} from '../../core/items/index.js'
import {ITEM_STATUSES, type ItemStatus} from '../../core/items/index.js'

export default class ItemsExport extends EgovCommand<typeof ItemsExport> {
  static override summary = 'Export the current list in the template’s layout, for every channel (ITEM-3)'
  static override description = `.xlsx: the three sheets of the template, which import again unchanged. .csv: one file per sheet — FILE.csv (基本信息), FILE-办理流程.csv, FILE-申请材料.csv — in UTF-8 with a BOM (Excel shows the Chinese) or, with --encoding gb18030, for older tools. In a CSV, text cells starting with = + - @ or a tab are written with a leading apostrophe so no spreadsheet runs them as formulas; import takes it off again. An .xlsx has such text as it is, in text cells (a text cell never evaluates). Numbers stay numbers.

--version N writes the list as it was at version N (see "egov items versions"), so an accidental import can be reviewed and undone: import that file again with --replace, and open items go back through change and terminate requests (ITEM-4).

--for-revision UNIT writes that 实施主体's current list in the template's form (.xlsx): required headers marked * as the 填写说明 says, drop-down lists, the instructions sheet. The bureau sends it to the department, which revises it and sends it back for "egov items import" — a proposal like any other file.`
  static override examples = [
    '<%= config.bin %> items export --out 事项清单.xlsx',
    '<%= config.bin %> items export --out 事项清单.csv --encoding gb18030 --unit 嘉峪关市市场监督管理局',
    '<%= config.bin %> items export --version 1 --out 事项清单-v1.xlsx',
    '<%= config.bin %> items export --for-revision 嘉峪关市市场监督管理局 --out 市场监管局-修订.xlsx',
  ]

  static override flags = {
    out: Flags.string({description: '.xlsx or .csv file to write', required: true}),
    encoding: Flags.string({description: 'CSV encoding', options: ['utf8', 'gb18030'], default: 'utf8'}),
    unit: Flags.string({description: 'only items of this 实施主体'}),
    status: Flags.string({description: `only items with this status today: ${ITEM_STATUSES.join(', ')}`}),
    version: Flags.integer({description: 'the list as it was at this version (default: now)', min: 1, exclusive: ['for-revision']}),
    'for-revision': Flags.string({description: 'this 实施主体’s list in the template’s form (.xlsx), to send to the department for revision', exclusive: ['unit', 'status', 'version']}),
    force: forceFlag,
  }

  async run(): Promise<ExportResult> {
    await readyToWrite(
      {out: extname(this.flags.out).toLowerCase() === '.csv' ? csvExportFiles(this.flags.out) : this.flags.out},
      {force: this.flags.force, interactive: this.interactive(), locale: this.locale},
    )
    if (this.flags['for-revision'] !== undefined) {
      const store = await this.store()
      const result = await exportForRevision(store, {unit: this.flags['for-revision'], out: this.flags.out, today: today()})
      this.log(this.t('items.export.revisionWritten', {count: result.items, unit: result.unit, file: this.flags.out}))
      return result
    }
    const status = this.flags.status as ItemStatus | undefined
    if (status && !ITEM_STATUSES.includes(status)) throw new InvalidInput('items.badStatus', {value: status, list: ITEM_STATUSES.join(', ')}, {field: 'status'})
    const store = await this.store()
    const result = await exportList(store, {out: this.flags.out, encoding: this.flags.encoding as 'utf8', body: this.flags.unit, status, today: today(), version: this.flags.version})
    this.log(this.t('items.export.written', {count: result.items, files: result.files.join(', ')}))
    return result
  }
}
