import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {forceFlag, readyToWrite} from '../../cli/output-flags.js'
import {writeTemplate} from '../../core/items/index.js'

export default class ItemsTemplate extends EgovCommand<typeof ItemsTemplate> {
  static override summary = 'Write the blank service-item list (政务服务事项清单) a clerk fills in'
  static override description = `Three sheets — 基本信息 (one row per item), 办理流程 (one row per step), 申请材料 (one row per material) — with the ITEM-2 element names as headers (required ones in red), frozen header rows, drop-down lists for every enumeration, and a 填写说明 sheet. The same layout (templates/items-list.json) drives import, validation and export (ITEM-3).`
  static override examples = ['<%= config.bin %> items template --out 事项清单模板.xlsx']

  static override flags = {out: Flags.string({description: 'the .xlsx file to write', required: true}), force: forceFlag}

  async run(): Promise<{file: string; sheets: string[]}> {
    await readyToWrite({out: this.flags.out}, {force: this.flags.force, interactive: this.interactive(), locale: this.locale})
    const result = await writeTemplate(this.flags.out)
    this.log(this.t('items.template.written', {file: result.file, sheets: result.sheets.join('、')}))
    return result
  }
}
