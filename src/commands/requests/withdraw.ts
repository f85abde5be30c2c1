import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {movedLine} from '../../cli/requests.js'
import {parseRequestId, type WorkflowResult, withdrawRequest} from '../../core/workflow/index.js'

export default class RequestsWithdraw extends EgovCommand<typeof RequestsWithdraw> {
  static override summary = 'Withdraw a request (撤回) on the applicant’s behalf, with the reason'
  static override description = `The request moves to its kind's terminal withdrawn state and gives back what it held, in one transaction, with the reason in its history and the audit trail. A kind says from which states it can be withdrawn: a cloud onboarding until it is provisioned (applied, reviewed, planned, and approved or agreed — then its reserved vCPU, memory and storage go back to the provider and its reserved extranet block to its pool); a cloud scale, release or migration request until it is approved. Anything else is refused (exit 4) naming the request's state and what is possible; a missing --reason is bad input (exit 2). Withdrawing is the applicant's decision, not a review: any operator may record it, the filer included.`
  static override examples = ['<%= config.bin %> requests withdraw 5 --reason "改为协议内调整，不再扩容"']

  static override args = {
    id: Args.string({description: 'request number', required: true}),
  }

  static override flags = {
    reason: Flags.string({description: 'why it is withdrawn (required; prompted for on a terminal)'}),
  }

  async run(): Promise<WorkflowResult> {
    const store = await this.store()
    const id = parseRequestId(this.args.id)
    const reason = await this.need(this.flags.reason, 'reason', this.t('col.comment'))
    const result = await withdrawRequest(store, id, reason)
    this.log(movedLine(result.request, this.locale, this.color))
    return result
  }
}
