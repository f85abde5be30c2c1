import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../../cli/base.js'
import {type IssuedOrder, issueFixOrder} from '../../../core/cloud/index.js'
import {stateLabel} from '../../../core/workflow/index.js'

export default class CloudFixOrderIssue extends EgovCommand<typeof CloudFixOrderIssue> {
  static override summary = 'Order a unit to fix an in-service system by a deadline (整改通知, CLOUD-8, 第二十条)'
  static override description = `Files a fix order (a request of kind cloud-fix-order) for the system's unit, with the bureau's finding; it is due on --deadline (a date after today) and listed by egov requests list --overdue once past it. A system has at most one open order: issuing again while one is open is a no-op that names it. egov cloud efficiency --issue-orders --deadline DATE issues one for every flagged system.`
  static override examples = ['<%= config.bin %> cloud fix-order issue 医保结算系统 --deadline 2026-12-31 --finding "CPU、内存使用率 P95 均低于 20%，请缩容至每台 1 vCPU、4 GiB"']

  static override args = {system: Args.string({description: 'the system (SYS)', required: true})}
  static override flags = {
    deadline: Flags.string({description: 'the last day to rectify (YYYY-MM-DD, after today)'}),
    finding: Flags.string({description: 'what the bureau found and asks to be fixed'}),
  }

  async run(): Promise<IssuedOrder> {
    const store = await this.store()
    const result = await issueFixOrder(store, this.args.system, {deadline: this.flags.deadline, finding: this.flags.finding})
    const r = result.request
    if (result.unchanged) this.log(this.t('cloud.order.alreadyOpen', {system: result.system, id: r.id, state: stateLabel(r.kind, r.state, this.locale), due: r.dueOn ?? '—'}))
    else this.log(this.t('cloud.order.issued', {id: r.id, unit: r.applicantUnit, system: result.system, deadline: r.payload.deadline}))
    return result
  }
}
