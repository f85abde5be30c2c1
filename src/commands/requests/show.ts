import * as Args from '@oclif/core/args'

import {EgovCommand} from '../../cli/base.js'
import {requestDetail} from '../../cli/render.js'
import type {CalendarWarning} from '../../core/calendar/index.js'
import {dueDateWarnings} from '../../core/workflow/due-dates.js'
import {loadRequest, parseRequestId, requestPayloadProblems, type RequestWithHistory} from '../../core/workflow/index.js'

export default class RequestsShow extends EgovCommand<typeof RequestsShow> {
  static override summary = 'Show one request with its history of transitions'
  static override examples = ['<%= config.bin %> requests show 1', '<%= config.bin %> requests show 1 --json']

  static override flags = {...EgovCommand.asOfFlags}

  static override args = {
    id: Args.string({description: 'request number', required: true}),
  }

  async run(): Promise<RequestWithHistory & {warnings: Array<CalendarWarning | {message: string; field: string; rule: string}>}> {
    const store = await this.store()
    const request = await loadRequest(store, parseRequestId(this.args.id))
    this.log(requestDetail(request, this.locale, this.color))
    // A stored payload its kind's schema does not accept (written around egov, or by an older one) is shown, and named (issue 19).
    const payload = (await requestPayloadProblems(store, request.id)).map((p) => ({message: p.message.render(this.locale), field: p.field, rule: p.rule}))
    const warnings = [...(await dueDateWarnings(store, [request], this.locale)), ...payload]
    this.showWarnings(warnings)
    return {...request, warnings}
  }
}
