import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../../cli/base.js'
import {type FixOrder, returnFixOrder} from '../../../core/cloud/index.js'
import {parseRequestId, type RequestWithHistory} from '../../../core/workflow/index.js'

export default class CloudFixOrderReturn extends EgovCommand<typeof CloudFixOrderReturn> {
  static override summary = 'Return a rectification found wanting: the order is issued again, due on its deadline (CLOUD-8)'
  static override examples = ['<%= config.bin %> cloud fix-order return 9 --reason "内存未缩容"']

  static override args = {id: Args.string({description: 'the fix order’s request number', required: true})}
  static override flags = {reason: Flags.string({description: 'what is still to fix'})}

  async run(): Promise<{request: RequestWithHistory<FixOrder>}> {
    const store = await this.store()
    const result = await returnFixOrder(store, parseRequestId(this.args.id), this.flags.reason)
    const r = result.request
    this.log(this.t('cloud.order.returned', {id: r.id, unit: r.applicantUnit, deadline: r.payload.deadline}))
    return result
  }
}
