import * as Args from '@oclif/core/args'

import {EgovCommand} from '../../cli/base.js'
import {type CalendarWarning, WorkCalendar} from '../../core/calendar/index.js'
import {parseIsoDate, parseWholeNumber} from '../../core/dates.js'

export default class CalendarAddWorkdays extends EgovCommand<typeof CalendarAddWorkdays> {
  static override summary = 'The date N working days after DATE'
  static override description = `Counts working days on the official calendar (X-1): weekends and statutory holidays are skipped, make-up working days (调休) count. DATE itself is not counted. N = 0 gives DATE if it is a working day, else the next one; a negative N (after --) counts back. A year whose arrangement is not known gives a warning.`
  static override examples = [
    {description: '1–7 October are the National Day holiday and Saturday 10 October is a make-up day:', command: '<%= config.bin %> calendar add-workdays 2026-09-30 3'},
    '<%= config.bin %> calendar add-workdays 2026-12-25 10 --json',
  ]

  static override args = {
    date: Args.string({description: 'start date, YYYY-MM-DD', required: true}),
    n: Args.string({description: 'number of working days', required: true}),
  }

  async run(): Promise<{start: string; days: number; date: string; warnings: CalendarWarning[]}> {
    const start = parseIsoDate(this.args.date, 'DATE')
    const days = parseWholeNumber(this.args.n, 'N', {min: -3660, max: 3660})
    const store = await this.store()
    const calendar = await WorkCalendar.fromDatabase(store)
    const {date, warnings} = calendar.addWorkdays(start, days, this.locale)
    this.log(date)
    this.showWarnings(warnings)
    return {start, days, date, warnings}
  }
}
