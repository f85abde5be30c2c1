import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../../cli/base.js'
import {confirmFixOrder, type FixOrder} from '../../../core/cloud/index.js'
import {parseRequestId, type RequestWithHistory, stateLabel} from '../../../core/workflow/index.js'

export default class CloudFixOrderConfirm extends EgovCommand<typeof CloudFixOrderConfirm> {
  static override summary = 'Confirm a recorded rectification: the fix order is closed (CLOUD-8, X-2)'
  static override description = `By an operator other than the one who recorded the rectification (else exit 5, X-2). The system may receive a new order afterwards. Confirming a confirmed order is a no-op.`
  static override examples = ['EGOV_OPERATOR=reviewer <%= config.bin %> cloud fix-order confirm 9']

  static override args = {id: Args.string({description: 'the fix order’s request number', required: true})}
  static override flags = {comment: Flags.string({description: 'a note for the history'})}

  async run(): Promise<{request: RequestWithHistory<FixOrder>; unchanged?: boolean}> {
    const store = await this.store()
    const result = await confirmFixOrder(store, parseRequestId(this.args.id), this.flags.comment)
    const r = result.request
    this.log(result.unchanged ? this.t('cloud.order.unchanged', {id: r.id, state: stateLabel(r.kind, r.state, this.locale)}) : this.t('cloud.order.confirmed', {id: r.id, system: r.payload.system}))
    return result
  }
}
