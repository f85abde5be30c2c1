import {EgovCommand} from '../../cli/base.js'
import {type CoveredYear, WorkCalendar} from '../../core/calendar/index.js'

export default class CalendarYears extends EgovCommand<typeof CalendarYears> {
  static override summary = 'The years whose official holiday arrangement egov knows'
  static override description = `Years come from the chinese-days package, or were loaded by an administrator with "egov calendar load" (a loaded year replaces the package's). Working days in any other year are counted on weekends alone, with a warning (X-1).`
  static override examples = ['<%= config.bin %> calendar years']

  static override flags = {...EgovCommand.listFlags}

  async run(): Promise<{years: CoveredYear[]}> {
    const store = await this.store()
    const years = (await WorkCalendar.fromDatabase(store)).coveredYears()
    this.table(years, [
      {header: this.t('col.year'), get: (y) => String(y.year)},
      {header: this.t('col.source'), get: (y) => y.detail, shrink: true},
    ])
    return {years}
  }
}
