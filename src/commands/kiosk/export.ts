import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {forceFlag, readyToWrite} from '../../cli/output-flags.js'
import {exportKiosks} from '../../core/kiosk/index.js'

export default class KioskExport extends EgovCommand<typeof KioskExport> {
  static override summary = 'Export the kiosk registry as a workbook or CSV'
  static override description = `The same rules as "egov items export": .xlsx, or .csv in UTF-8 with a BOM so that Excel shows the Chinese; in a CSV, a text cell starting with =, +, -, @, a tab or a carriage return is written with a leading apostrophe, so no spreadsheet runs it as a formula; an .xlsx has the text as it is, a text cell.`
  static override examples = ['<%= config.bin %> kiosk export --out 自助终端登记.xlsx', '<%= config.bin %> kiosk export --out 自助终端登记.csv --json']

  static override flags = {out: Flags.string({description: 'the .xlsx or .csv file to write', required: true}), force: forceFlag}

  async run(): Promise<{file: string; kiosks: number}> {
    await readyToWrite({out: this.flags.out}, {force: this.flags.force, interactive: this.interactive(), locale: this.locale})
    const store = await this.store()
    const result = await exportKiosks(store, this.flags.out)
    this.log(this.t('kiosk.export.written', {file: result.file, count: result.kiosks}))
    return result
  }
}
