import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../../cli/base.js'
import type {CalendarWarning} from '../../../core/calendar/index.js'
import {type ProviderReport, recordProviderReport} from '../../../core/cloud/index.js'

export default class CloudProviderReport extends EgovCommand<typeof CloudProviderReport> {
  static override summary = 'Record a provider’s periodic operation report: operation, utilisation, optimisation advice (CLOUD-8, 第十条(二))'
  static override description = `--period is a month (2026-11) or a quarter (2026-Q4, covering its three months) that has ended. A month's report is due by the 10th working day of the next month (X-1 calendar); one received later is recorded and marked late. The file is kept by reference: its path, size and SHA-256. Recording the same file for the same period again is a no-op; another file for a period already reported is refused (exit 4). See egov cloud provider reports for the missing and overdue ones.`
  static override examples = ['<%= config.bin %> cloud provider report 电信云 --period 2026-10 --file fixtures/cloud/运行报告-电信云-2026-10.pdf']

  static override args = {provider: Args.string({description: 'the provider (PROVIDER)', required: true})}
  static override flags = {
    period: Flags.string({description: 'the month (YYYY-MM) or quarter (YYYY-Qn) the report covers'}),
    file: Flags.string({description: 'the report, a file (kept by reference)'}),
  }

  async run(): Promise<{report: ProviderReport; unchanged?: boolean; warnings: CalendarWarning[]}> {
    const store = await this.store()
    const result = await recordProviderReport(store, this.args.provider, {period: this.flags.period, file: this.flags.file})
    const r = result.report
    if (result.unchanged) this.log(this.t('cloud.report.unchanged', {provider: r.provider, period: r.period, on: r.receivedOn}))
    else this.log(this.t('cloud.report.recorded', {provider: r.provider, period: r.period, due: r.dueOn, late: r.late ? this.t('cloud.report.late') : '', path: r.path}))
    this.showWarnings(result.warnings)
    return result
  }
}
