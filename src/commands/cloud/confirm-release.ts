import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {stepLines} from '../../cli/cloud.js'
import {confirmRelease, type ReleaseRequest, type StepResult} from '../../core/cloud/index.js'

export default class CloudConfirmRelease extends EgovCommand<typeof CloudConfirmRelease> {
  static override summary = 'Confirm a recorded wipe: the release completes and capacity returns (CLOUD-5)'
  static override description = `By an operator other than the one who ran egov cloud wipe (else exit 5, CLOUD-5). The system's capacity goes back to its provider and its extranet addresses to their pool.`
  static override examples = ['EGOV_OPERATOR=reviewer <%= config.bin %> cloud confirm-release 社保业务系统']

  static override args = {system: Args.string({description: 'the system (SYS)', required: true})}
  static override flags = {comment: Flags.string({description: 'a note for the history'})}

  async run(): Promise<StepResult<ReleaseRequest>> {
    const store = await this.store()
    const result = await confirmRelease(store, this.args.system, this.flags.comment)
    if (result.unchanged) this.log(stepLines(result, this.locale, this.color))
    else this.log(this.t('cloud.released', {system: result.request.payload.system, provider: result.request.payload.provider}))
    return result
  }
}
