import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {stepLines} from '../../cli/cloud.js'
import {type OnboardingRequest, provision, type StepResult} from '../../core/cloud/index.js'
import {parseRequestId} from '../../core/workflow/index.js'

export default class CloudProvision extends EgovCommand<typeof CloudProvision> {
  static override summary = 'Open the resources: the system goes into service (开通, CLOUD-3, CLOUD-7)'
  static override description = `The last step of CLOUD-3. Refused (exit 5, CLOUD-7, 第二十三条) until the steps the system's level requires before go-live are recorded with egov cloud security record (templates/cloud-security-levels.json): for every level 安全资源申请, 安全自查, 检测评估 (passed), 安全加固 and the 上云安全承诺书; for levels 2 and 3 also the 等保定级备案; for level 3 also a passed 等保测评 and 密评. The refusal names each missing step. The reserved capacity becomes capacity in use, and reserved extranet addresses become active.`
  static override examples = ['<%= config.bin %> cloud provision 3']

  static override args = {id: Args.string({description: 'the onboarding request’s number', required: true})}
  static override flags = {comment: Flags.string({description: 'a note for the history'})}

  async run(): Promise<StepResult<OnboardingRequest>> {
    const store = await this.store()
    const result = await provision(store, parseRequestId(this.args.id), this.flags.comment)
    this.log(stepLines(result, this.locale, this.color))
    this.showWarnings(result.warnings)
    return result
  }
}
