import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../../cli/base.js'
import {filedLine} from '../../../cli/requests.js'
import {applyToClose, type DecisionRequest} from '../../../core/net/index.js'
import {type WorkflowResult} from '../../../core/workflow/index.js'

export default class NetRequestClose extends EgovCommand<typeof NetRequestClose> {
  static override summary = 'Apply to close a unit’s connection (NET-6)'
  static override description = `On approval (egov requests approve ID, by someone else) the link is closed, every address the unit holds goes back to its pool (the history stays), and a 关闭通知书 (.docx) is written to the notices folder; the approving command prints its path. A closed unit comes back only through a new application with its basis. A unit holds one connection per plane: with one on each, --plane says which closes (only its addresses, those on that plane, go back).`
  static override examples = ['<%= config.bin %> net request close 市人力资源和社会保障局 --reason "机构撤并，不再使用"']

  static override args = {unit: Args.string({description: 'the unit', required: true})}
  static override flags = {
    reason: Flags.string({description: 'why it closes'}),
    plane: Flags.string({description: 'which connection, when the unit has one on each plane: 1 or 2', options: ['1', '2']}),
  }

  async run(): Promise<WorkflowResult<DecisionRequest>> {
    const reason = await this.need(this.flags.reason, 'reason', this.t('col.comment'))
    const store = await this.store()
    const result = await applyToClose(store, this.args.unit, reason, {plane: this.flags.plane})
    this.log(filedLine(result.request, this.locale))
    return result
  }
}
