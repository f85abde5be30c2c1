import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../../cli/base.js'
import {filedLine} from '../../../cli/requests.js'
import {applyToCutOff, type DecisionRequest} from '../../../core/net/index.js'
import {type WorkflowResult} from '../../../core/workflow/index.js'

export default class NetCutoffAdd extends EgovCommand<typeof NetCutoffAdd> {
  static override summary = 'Propose cutting off a unit that has not fixed a security problem (NET-7)'
  static override description = `On approval by a second person (egov requests approve ID) the link is cut, the unit keeps its addresses (held for it, not in service), its change requests are refused until it is restored, and a 断网整改通知书 (.docx) with the rectification deadline is written; the approving command prints its path. With a connection on each plane, --plane says which is cut off.`
  static override examples = ['<%= config.bin %> net cutoff add 市人力资源和社会保障局 --reason "终端存在高危漏洞，逾期未修复" --rectify-by 2026-12-31']

  static override args = {unit: Args.string({description: 'the unit', required: true})}
  static override flags = {
    reason: Flags.string({description: 'the security problem'}),
    'rectify-by': Flags.string({description: 'deadline to rectify, YYYY-MM-DD'}),
    plane: Flags.string({description: 'which connection, when the unit has one on each plane: 1 or 2', options: ['1', '2']}),
  }

  async run(): Promise<WorkflowResult<DecisionRequest>> {
    const reason = await this.need(this.flags.reason, 'reason', this.t('col.comment'))
    const by = await this.need(this.flags['rectify-by'], 'rectify-by', 'rectify-by')
    const store = await this.store()
    const result = await applyToCutOff(store, this.args.unit, reason, by, {plane: this.flags.plane})
    this.log(filedLine(result.request, this.locale))
    return result
  }
}
