import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../../cli/base.js'
import {stepLines} from '../../../cli/cloud.js'
import {applyToExit, type ProviderExit, type StepResult} from '../../../core/cloud/index.js'

export default class CloudProviderExit extends EgovCommand<typeof CloudProviderExit> {
  static override summary = 'A provider applies to leave the city cloud (退出, CLOUD-2)'
  static override description = `Refused (exit 4) while the provider hosts systems — running, approved or awaiting their release's confirmation — naming them: move them first with egov cloud system migrate SYS --to PROVIDER. A second person approves the exit (egov requests approve ID); an exited provider takes no new systems.`
  static override examples = ['<%= config.bin %> cloud provider exit 移动云 --reason "合同期满"']

  static override args = {name: Args.string({description: 'the provider’s name', required: true})}
  static override flags = {reason: Flags.string({description: 'why it leaves'})}

  async run(): Promise<StepResult<ProviderExit>> {
    const store = await this.store()
    const result = await applyToExit(store, this.args.name, this.flags.reason)
    this.log(stepLines(result, this.locale, this.color, true))
    return result
  }
}
