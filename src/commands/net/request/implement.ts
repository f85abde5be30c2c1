import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../../cli/base.js'
import {movedLine} from '../../../cli/requests.js'
import {type ConnectionRequest, implementRequest} from '../../../core/net/index.js'
import {parseRequestId, type WorkflowResult} from '../../../core/workflow/index.js'

export default class NetRequestImplement extends EgovCommand<typeof NetRequestImplement> {
  static override summary = 'Record that the line and configuration are in place (实施, NET-5)'
  static override examples = ['<%= config.bin %> net request implement 3 --note "光纤已熔接，路由已下发"']

  static override args = {id: Args.string({description: 'request number', required: true})}
  static override flags = {note: Flags.string({description: 'what was done'})}

  async run(): Promise<WorkflowResult<ConnectionRequest>> {
    const store = await this.store()
    const result = await implementRequest(store, parseRequestId(this.args.id), this.flags.note)
    this.log(movedLine(result.request, this.locale, this.color))
    return result
  }
}
