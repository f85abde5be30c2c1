import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../../cli/base.js'
import {type DueAssessment, dueAssessments} from '../../../core/cloud/index.js'
import {today} from '../../../core/clock.js'
import {parseWholeNumber} from '../../../core/dates.js'

export default class CloudSecurity extends EgovCommand<typeof CloudSecurity> {
  static override summary = 'Systems whose assessments (等保测评, 密评) fall due on their level’s cycle, overdue first (CLOUD-7, 第二十三条)'
  static override description = `The cycle follows the system's graded-protection level (templates/cloud-security-levels.json): level 3: 等保测评 and 密评 every 12 months; level 2: 等保测评 every 24 months, no 密评 cycle; level 1: none. An assessment falls due a cycle after the last one that passed; at once after a failed one (it must be redone); for a system never assessed, on the day it went into service if its level required it before go-live, else a cycle after. Record them with egov cloud security record; the platform's own assessments are in egov cloud platform list.

--columns and --output (csv, tsv, json, value) give the rows for a script, by key: system, unit, level, assessment, last, due, days.`
  static override examples = [
    '<%= config.bin %> cloud security --due 60',
    '<%= config.bin %> cloud security --due 30 --json',
    '<%= config.bin %> cloud security --due 400 --columns system,unit,assessment,due --output csv',
  ]

  static override flags = {...EgovCommand.asOfFlags, due: Flags.string({description: 'within this many days from today (0: overdue and due today)', default: '30'}), ...EgovCommand.listFlags}

  async run(): Promise<{today: string; days: number; due: DueAssessment[]}> {
    const days = parseWholeNumber(this.flags.due, 'due', {min: 0, max: 3660})
    const store = await this.store()
    const day = today()
    const due = await dueAssessments(store, day, days)
    this.table(
      due,
      [
        {header: this.t('cloud.col.system'), key: 'system', get: (d) => d.system, shrink: true},
        {header: this.t('col.unit'), get: (d) => d.unit, shrink: true},
        {header: this.t('cloud.col.level'), key: 'level', get: (d) => String(d.level)},
        {header: this.t('cloud.col.assessment'), key: 'assessment', get: (d) => this.t(`cloud.kind.${d.kind}`)},
        {header: this.t('cloud.col.last'), key: 'last', get: (d) => (d.last ? `${d.last.on} ${d.last.result}` : '—')},
        {header: this.t('col.due'), get: (d) => d.dueOn, style: (text, d) => (d.overdue ? this.color.red(text) : text)},
        {header: this.t('cloud.col.days'), key: 'days', get: (d) => String(d.daysLeft)},
      ],
      this.t('cloud.noneDue', {days}),
    )
    return {today: day, days, due}
  }
}
