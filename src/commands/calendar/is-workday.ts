import * as Args from '@oclif/core/args'

import {EgovCommand} from '../../cli/base.js'
import {type CalendarWarning, type DayInfo, WorkCalendar} from '../../core/calendar/index.js'
import {yearOf} from '../../core/dates.js'
import {parseIsoDate} from '../../core/dates.js'

export default class CalendarIsWorkday extends EgovCommand<typeof CalendarIsWorkday> {
  static override summary = 'Whether DATE is a working day on the official calendar'
  static override examples = ['<%= config.bin %> calendar is-workday 2026-10-10', '<%= config.bin %> calendar is-workday 2026-10-01 --json']

  static override args = {
    date: Args.string({description: 'YYYY-MM-DD', required: true}),
  }

  async run(): Promise<DayInfo & {warnings: CalendarWarning[]}> {
    const date = parseIsoDate(this.args.date, 'DATE')
    const store = await this.store()
    const calendar = await WorkCalendar.fromDatabase(store)
    const day = calendar.day(date)
    const warnings = day.covered ? [] : calendar.warningsFor([yearOf(date)], this.locale)
    const kind = this.t(day.kind === 'makeup' ? 'calendar.makeup' : day.kind === 'holiday' ? 'calendar.holiday' : day.kind === 'weekend' ? 'calendar.weekend' : 'calendar.weekday')
    this.log(`${date}  ${day.workday ? this.t('label.yes') : this.t('label.no')}  ${kind}${day.name ? ` (${day.name})` : ''}`)
    this.showWarnings(warnings)
    return {...day, warnings}
  }
}
