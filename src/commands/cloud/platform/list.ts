import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../../cli/base.js'
import {type PlatformDue, platformDue} from '../../../core/cloud/index.js'
import {today} from '../../../core/clock.js'
import {parseWholeNumber} from '../../../core/dates.js'

export default class CloudPlatformList extends EgovCommand<typeof CloudPlatformList> {
  static override summary = 'The platform’s own assessments per provider with their due dates, overdue first (CLOUD-7, 第十五条, 第二十四条)'
  static override description = `For every admitted provider, its 等保测评 (every 12 months), 云计算服务安全评估 (every 36 months) and 密码应用安全性评估 (every 12 months): the last one, when the next falls due (a cycle after a pass, at once after a failure, on the day of admission when none is on record), overdue first. --overdue keeps the overdue ones; --due DAYS those due within DAYS days. For scripts: --json carries "overdue", the number overdue, beside the list.`
  static override examples = ['<%= config.bin %> cloud platform list', '<%= config.bin %> cloud platform list --overdue --json']

  static override flags = {
    ...EgovCommand.asOfFlags,
    provider: Flags.string({description: 'only this provider'}),
    overdue: Flags.boolean({description: 'only the overdue ones'}),
    due: Flags.string({description: 'only those due within this many days from today'}),
    ...EgovCommand.listFlags,
  }

  async run(): Promise<{today: string; overdue: number; assessments: PlatformDue[]}> {
    const f = this.flags
    const days = f.due === undefined ? undefined : parseWholeNumber(f.due, 'due', {min: 0, max: 3660})
    const store = await this.store()
    const day = today()
    const assessments = await platformDue(store, day, {provider: f.provider, overdueOnly: f.overdue, days})
    const overdue = assessments.filter((a) => a.overdue).length
    if (!assessments.length) {
      const what = f.overdue ? this.t('cloud.platformNone.overdue') : days === undefined ? this.t('cloud.platformNone.providers') : this.t('cloud.platformNone.due', {days})
      this.log(this.t('cloud.platformNone', {what}))
    } else {
      this.table(assessments, [
        {header: this.t('cloud.col.provider'), get: (a) => a.provider, shrink: true},
        {header: this.t('cloud.col.assessment'), get: (a) => this.t(`cloud.kind.${a.kind}`)},
        {header: this.t('cloud.col.cycle'), get: (a) => `${a.months}m`},
        {header: this.t('cloud.col.last'), get: (a) => (a.last ? `${a.last.on} ${a.last.result}` : '—')},
        {header: this.t('col.due'), get: (a) => (a.overdue ? this.color.red(a.dueOn) : a.dueOn)},
        {header: this.t('cloud.col.days'), get: (a) => String(a.daysLeft)},
      ])
      if (overdue) this.log(this.t('cloud.platformOverdue', {count: overdue}))
    }
    return {today: day, overdue, assessments}
  }
}
