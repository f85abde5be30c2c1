import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../../cli/base.js'
import type {CalendarWarning} from '../../../core/calendar/index.js'
import {type ProviderReport, providerReportStatus, type ProviderReportStatus} from '../../../core/cloud/index.js'
import {today} from '../../../core/clock.js'

export default class CloudProviderReports extends EgovCommand<typeof CloudProviderReports> {
  static override summary = 'Providers’ operation reports missing or overdue, month by month, per admitted provider (CLOUD-8, 第十条(二))'
  static override description = `Every admitted provider owes a report for each month from the month it was admitted to the last month that has ended, due by the 10th working day of the next month (X-1 calendar); a quarter's report covers its three months. Listed: the months with no report — due (not yet late) or OVERDUE; --overdue only the overdue ones; --all the received ones too (with the report that covers each, and whether it came late). A due date in a year the calendar does not cover carries a warning.

--columns and --output (csv, tsv, json, value) give the rows for a script, by key: provider, month, due, status, report.`
  static override examples = [
    '<%= config.bin %> cloud provider reports',
    '<%= config.bin %> cloud provider reports --overdue --json',
    '<%= config.bin %> cloud provider reports --all',
    '<%= config.bin %> cloud provider reports --all --columns provider,month,status --output csv',
  ]

  static override flags = {
    ...EgovCommand.asOfFlags,
    overdue: Flags.boolean({description: 'only the months past their due date with no report', exclusive: ['all']}),
    all: Flags.boolean({description: 'the received months too', exclusive: ['overdue']}),
    ...EgovCommand.listFlags,
  }

  async run(): Promise<{providers: ProviderReportStatus[]; reports: ProviderReport[]; warnings: CalendarWarning[]}> {
    const store = await this.store()
    const result = await providerReportStatus(store, {overdue: this.flags.overdue, all: this.flags.all, today: today()})
    const rows = result.providers.flatMap((p) => p.months.map((m) => ({provider: p.provider, ...m})))
    this.table(
      rows,
      [
        {header: this.t('cloud.report.col.provider'), key: 'provider', get: (r) => r.provider, shrink: true},
        {header: this.t('cloud.report.col.month'), key: 'month', get: (r) => r.month},
        {header: this.t('cloud.report.col.due'), key: 'due', get: (r) => r.dueOn},
        {header: this.t('cloud.report.col.status'), key: 'status', get: (r) => this.t(`cloud.report.status.${r.status}`), style: (text, r) => (r.status === 'overdue' ? this.color.red(text) : text)},
        {header: this.t('cloud.report.col.report'), key: 'report', get: (r) => (r.period ? `${r.period} ${r.receivedOn}${r.late ? this.t('cloud.report.late') : ''}` : '—')},
      ],
      this.t(this.flags.overdue ? 'cloud.report.noneOverdue' : 'cloud.report.none'),
    )
    this.showWarnings(result.warnings)
    return result
  }
}
