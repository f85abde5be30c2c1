import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {stepLines} from '../../cli/cloud.js'
import {recordWipe, type ReleaseRequest, type StepResult, WIPE_METHODS} from '../../core/cloud/index.js'

export default class CloudWipe extends EgovCommand<typeof CloudWipe> {
  static override summary = 'Record the provider’s wipe of a released system’s data (数据清除, CLOUD-5)'
  static override description = `After the release is approved. --by is who wiped at the provider; --evidence (a wipe report, a certificate of destruction) is stored by reference. From here the system never goes back to service. Another operator then confirms: egov cloud confirm-release SYS.`
  static override examples = ['<%= config.bin %> cloud wipe 社保业务系统 --method crypto-erase --by "电信云 运维 王工" --evidence fixtures/cloud/数据清除报告-社保业务系统.pdf']

  static override args = {system: Args.string({description: 'the system (SYS)', required: true})}
  static override flags = {
    method: Flags.string({description: 'how the data was wiped', options: WIPE_METHODS, required: true}),
    by: Flags.string({description: 'who wiped it at the provider', required: true}),
    evidence: Flags.string({description: 'the wipe report or certificate, a file'}),
  }

  async run(): Promise<StepResult<ReleaseRequest>> {
    const store = await this.store()
    const result = await recordWipe(store, this.args.system, {method: this.flags.method, by: this.flags.by, evidence: this.flags.evidence})
    if (result.unchanged) this.log(stepLines(result, this.locale, this.color))
    else this.log(this.t('cloud.wiped', {system: result.request.payload.system, method: this.flags.method, by: this.flags.by}))
    return result
  }
}
