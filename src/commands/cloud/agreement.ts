import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {stepLines} from '../../cli/cloud.js'
import {type OnboardingRequest, recordAgreement, type StepResult} from '../../core/cloud/index.js'
import {parseRequestId} from '../../core/workflow/index.js'

export default class CloudAgreement extends EgovCommand<typeof CloudAgreement> {
  static override summary = 'Record the signed service agreement (服务协议, CLOUD-3)'
  static override description = `After the bureau's approval: the provider and the unit sign the service agreement, stored by reference (path, size, SHA-256). The approved resources become the system's envelope: changes inside it need no approval (CLOUD-4). Then egov cloud provision ID.`
  static override examples = ['<%= config.bin %> cloud agreement 3 --file fixtures/cloud/服务协议-社保业务系统.pdf']

  static override args = {id: Args.string({description: 'the onboarding request’s number', required: true})}
  static override flags = {
    file: Flags.string({description: 'the signed service agreement', required: true}),
    comment: Flags.string({description: 'a note for the history'}),
  }

  async run(): Promise<StepResult<OnboardingRequest>> {
    const store = await this.store()
    const result = await recordAgreement(store, parseRequestId(this.args.id), this.flags.file, this.flags.comment)
    this.log(stepLines(result, this.locale, this.color))
    this.showWarnings(result.warnings)
    return result
  }
}
