import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {fileRequest, kindLabel, stateLabel, type WorkflowResult} from '../../core/workflow/index.js'

export default class TicketOpen extends EgovCommand<typeof TicketOpen> {
  static override summary = 'File a work ticket (工单) for a unit'
  static override description = `A ticket is the general request a unit files with the bureau. It is accepted (2 working days allowed), then resolved (5 working days allowed) or rejected, each step by someone other than the filer (X-2). The limits can be changed with "egov config set limit.ticket.STATE N".`
  static override examples = [
    '<%= config.bin %> ticket open --unit 市数据局 --subject "政务外网接入点光纤中断"',
    '<%= config.bin %> ticket open --unit 市人社局 --subject "申请开通 VPN 账号" --detail "新入职 2 人" --json',
  ]

  static override flags = {
    unit: Flags.string({description: 'the applicant unit (申请单位)'}),
    subject: Flags.string({description: 'what it is about, at most 200 characters'}),
    detail: Flags.string({description: 'more detail'}),
  }

  async run(): Promise<WorkflowResult> {
    const unit = await this.need(this.flags.unit, 'unit', this.t('col.unit'))
    const subject = await this.need(this.flags.subject, 'subject', this.t('col.summary'))
    const store = await this.store()
    const result = await fileRequest(store, {kind: 'ticket', applicantUnit: unit, payload: {subject, detail: this.flags.detail}})
    const {request} = result
    this.log(this.t('request.filed', {id: request.id, kind: kindLabel('ticket', this.locale), state: stateLabel('ticket', request.state, this.locale), due: request.dueOn ?? '—'}))
    this.showWarnings(result.warnings)
    return result
  }
}
