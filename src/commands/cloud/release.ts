import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {stepLines} from '../../cli/cloud.js'
import {applyToRelease, type ReleaseRequest, type StepResult} from '../../core/cloud/index.js'

export default class CloudRelease extends EgovCommand<typeof CloudRelease> {
  static override summary = 'Apply to release a system’s resources (释放, CLOUD-5)'
  static override description = `The unit applies; a second person approves (egov requests approve ID); the provider wipes the system's data and it is recorded (egov cloud wipe SYS); another operator confirms the wipe (egov cloud confirm-release SYS). Capacity goes back to the provider only at that confirmation (CLOUD-5). Applying again while a release is open prints it.`
  static override examples = ['<%= config.bin %> cloud release 社保业务系统 --reason "系统整合至省平台"']

  static override args = {system: Args.string({description: 'the system (SYS)', required: true})}
  static override flags = {reason: Flags.string({description: 'why the system is released'})}

  async run(): Promise<StepResult<ReleaseRequest>> {
    const reason = await this.need(this.flags.reason, 'reason', '释放原因')
    const store = await this.store()
    const result = await applyToRelease(store, this.args.system, reason)
    this.log(stepLines(result, this.locale, this.color, true))
    this.showWarnings(result.warnings)
    return result
  }
}
