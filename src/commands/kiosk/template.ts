import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {forceFlag, readyToWrite} from '../../cli/output-flags.js'
import {today} from '../../core/clock.js'
import {filledFormOf, writeKioskTemplate} from '../../core/kiosk/index.js'

export default class KioskTemplate extends EgovCommand<typeof KioskTemplate> {
  static override summary = 'Write the blank kiosk onboarding form (自助终端接入申请表) as on paper'
  static override description = `The form of file 000's annex (KIOSK-3): the title, 申请单位, 联系人 and 联系电话, 主管领导 and 联系电话, 自助终端型号, 自助终端数量, the 投放网点分布 table (编号, 网点名称, 网点位置, 投放数量; six rows as printed, more may be added) and the two opinion boxes, with merged cells, borders and an A4 page setup that prints on one page. The layout is data (templates/kiosk-form.json), shared with the reader. With --request ID, the form of that kiosk request written back: its content, and the opinion boxes filled by the approvals that gave them (the office's review, the leader's approval: the opinion, who, the date).`
  static override examples = ['<%= config.bin %> kiosk template --out 自助终端接入申请表.xlsx']

  static override flags = {
    out: Flags.string({description: 'the .xlsx file to write', required: true}),
    request: Flags.string({description: 'write this kiosk request’s form back, filled: its content and the opinion boxes as its approvals gave them (who, when, the opinion)'}),
    force: forceFlag,
  }

  async run(): Promise<{file: string; sheet: string; requestId?: number}> {
    await readyToWrite({out: this.flags.out}, {force: this.flags.force, interactive: this.interactive(), locale: this.locale})
    if (this.flags.request !== undefined) {
      const store = await this.store()
      const filled = await filledFormOf(store, this.flags.request, today())
      const result = {...(await writeKioskTemplate(this.flags.out, filled)), requestId: filled.requestId}
      this.log(this.t('kiosk.template.written', result))
      return result
    }
    const result = await writeKioskTemplate(this.flags.out)
    this.log(this.t('kiosk.template.written', result))
    return result
  }
}
