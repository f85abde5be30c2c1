import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {movedLine} from '../../cli/requests.js'
import {actOnRequest, parseRequestId, type WorkflowResult} from '../../core/workflow/index.js'

export default class RequestsReject extends EgovCommand<typeof RequestsReject> {
  static override summary = 'Reject a request, with the reason the applicant is told'
  static override description = `A reason is required: it is kept in the history and told to the applicant. The operator who filed a request cannot reject it either (X-2, exit 5). A rejected extranet application (onboarding or change) is answered in writing (NET-5): a 不予批准通知书 with the reason and its own document number goes to the notices folder, and its number and path are printed (notice, noticeNumber with --json).`
  static override examples = ['EGOV_OPERATOR=reviewer <%= config.bin %> requests reject 1 --reason "缺少申请依据"']

  static override args = {
    id: Args.string({description: 'request number', required: true}),
  }

  static override flags = {
    expect: Flags.string({description: 'act only if the request is in this state now (e.g. submitted); exit 4 if it has moved. Without it, the state as this command reads it'}),
    reason: Flags.string({description: 'why (required; prompted for on a terminal)'}),
  }

  async run(): Promise<WorkflowResult> {
    const store = await this.store()
    const id = parseRequestId(this.args.id)
    const reason = await this.need(this.flags.reason, 'reason', this.t('col.comment'))
    const result = await actOnRequest(store, id, 'reject', reason, {expect: this.flags.expect})
    this.log(movedLine(result.request, this.locale, this.color))
    return result
  }
}
