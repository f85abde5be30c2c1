import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {requestColumns} from '../../cli/render.js'
import type {CalendarWarning} from '../../core/calendar/index.js'
import {dueDateWarnings} from '../../core/workflow/due-dates.js'
import {type ListedRequest, listRequests} from '../../core/workflow/index.js'

export default class RequestsList extends EgovCommand<typeof RequestsList> {
  static override summary = 'List requests of every area, overdue ones first'
  static override description = `Overdue requests (past their due date in working days, X-1) come first, the longest overdue at the top; then open requests by due date; then finished ones, newest first.`
  static override examples = [
    '<%= config.bin %> requests list',
    '<%= config.bin %> requests list --kind ticket --state submitted',
    '<%= config.bin %> requests list --overdue --json',
    '<%= config.bin %> requests list --overdue --as-of 2027-01-15',
    '<%= config.bin %> requests list --unit 市数据局',
    '<%= config.bin %> requests list --state submitted --columns id --output value',
  ]

  static override flags = {
    ...EgovCommand.asOfFlags,
    kind: Flags.string({description: 'only requests of this kind (e.g. ticket)'}),
    state: Flags.string({description: 'only requests in this state (e.g. submitted)'}),
    overdue: Flags.boolean({description: 'only requests past their due date'}),
    unit: Flags.string({description: 'only requests of this applicant unit'}),
    ...EgovCommand.listFlags,
  }

  async run(): Promise<{requests: ListedRequest[]; warnings: CalendarWarning[]}> {
    // An empty list reads no request kind: they are loaded only for rows or a filter to check (start-up, issue 17).
    const store = await this.store({kindsOnDemand: true})
    const requests = await listRequests(store, {kind: this.flags.kind, state: this.flags.state, overdue: this.flags.overdue, unit: this.flags.unit})
    this.table(requests, requestColumns(this.locale, this.color), this.t('request.none'))
    // Due dates in a year nobody has published may still move: said here, and in --json.
    const warnings = await dueDateWarnings(
      store,
      requests.filter((r) => !r.terminal),
      this.locale,
    )
    this.showWarnings(warnings)
    // A list carries each request's summary; its full content is one `requests show ID` away.
    return {requests, warnings}
  }
}
