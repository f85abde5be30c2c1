import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {movedLine} from '../../cli/requests.js'
import {actOnRequest, parseRequestId, type WorkflowResult} from '../../core/workflow/index.js'

export default class RequestsApprove extends EgovCommand<typeof RequestsApprove> {
  static override summary = 'Approve a request: move it to its next step'
  static override description = `The request moves along its kind's approve transition, and the next step's due date is set in working days. The operator who filed a request can never approve it (X-2, exit 5). It acts on the state the request is in when the command reads it, or the one --expect names: if someone moved it meanwhile, nothing happens and the exit code is 4, so two reviewers approving at once move a request one step, never two; a script that may retry gives --expect.`
  static override examples = ['EGOV_OPERATOR=reviewer <%= config.bin %> requests approve 1 --comment "材料齐全，同意受理"', 'EGOV_OPERATOR=reviewer <%= config.bin %> requests approve 2 --json']

  static override args = {
    id: Args.string({description: 'request number', required: true}),
  }

  static override flags = {
    expect: Flags.string({description: 'act only if the request is in this state now (e.g. submitted); exit 4 if it has moved. Without it, the state as this command reads it'}),
    comment: Flags.string({description: 'the reviewer’s opinion, kept in the history'}),
  }

  async run(): Promise<WorkflowResult> {
    const store = await this.store()
    const result = await actOnRequest(store, parseRequestId(this.args.id), 'approve', this.flags.comment, {expect: this.flags.expect})
    this.log(movedLine(result.request, this.locale, this.color))
    this.showWarnings(result.warnings)
    return result
  }
}
