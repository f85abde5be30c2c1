import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {filedLine} from '../../cli/requests.js'
import {applyToRestore, type DecisionRequest} from '../../core/net/index.js'
import {type WorkflowResult} from '../../core/workflow/index.js'

export default class NetRestore extends EgovCommand<typeof NetRestore> {
  static override summary = 'Apply to restore a cut-off unit after rectification (NET-7)'
  static override description = `On approval by a second person the connection is back in service with the addresses held for it, and a 恢复接入通知书 (.docx) is written. Without --plane, the unit's cut-off connection is restored.`
  static override examples = ['<%= config.bin %> net restore 市人力资源和社会保障局 --note "漏洞已修复，复查通过"']

  static override args = {unit: Args.string({description: 'the unit', required: true})}
  static override flags = {
    note: Flags.string({description: 'the rectification (整改情况)'}),
    plane: Flags.string({description: 'which connection, when the unit has one on each plane: 1 or 2', options: ['1', '2']}),
  }

  async run(): Promise<WorkflowResult<DecisionRequest>> {
    const note = await this.need(this.flags.note, 'note', this.t('col.comment'))
    const store = await this.store()
    const result = await applyToRestore(store, this.args.unit, note, {plane: this.flags.plane})
    this.log(filedLine(result.request, this.locale))
    return result
  }
}
