import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../../cli/base.js'
import {forceFlag, readyToWrite} from '../../../cli/output-flags.js'
import {writeApplicationTemplate} from '../../../core/net/index.js'

export default class NetRequestTemplate extends EgovCommand<typeof NetRequestTemplate> {
  static override summary = 'Write the blank 电子政务外网接入申请表 for a unit to fill in'
  static override description = `One layout (templates/net-application.json) drives this template and the reader of egov net request apply --from-file, so the two cannot disagree.`
  static override examples = ['<%= config.bin %> net request template --out 申请表.xlsx']

  static override flags = {out: Flags.string({description: 'the .xlsx file to write'}), force: forceFlag}

  async run(): Promise<{path: string}> {
    const out = await this.need(this.flags.out, 'out', 'out')
    await readyToWrite({out}, {force: this.flags.force, interactive: this.interactive(), locale: this.locale})
    await writeApplicationTemplate(out)
    this.log(this.t('netreq.templateWritten', {path: out}))
    return {path: out}
  }
}
