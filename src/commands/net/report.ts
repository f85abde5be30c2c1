import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {forceFlag, readyToWrite} from '../../cli/output-flags.js'
import {formatCount} from '../../cli/net.js'
import {parseWholeNumber} from '../../core/dates.js'
import {writeYearReport, yearReport, type YearReport} from '../../core/net/index.js'

export default class NetReport extends EgovCommand<typeof NetReport> {
  static override summary = 'The yearly report of the extranet’s operation (NET-9)'
  static override description = `Units onboarded, changed, closed, cut off and restored in the year; addresses held per plane and pool at the year's end; requests still open then, and the overdue ones; who pays the lines (NET-8). Built from the recorded history, so a past year's report reads the same whenever it is run. --out writes it as a workbook.

--columns and --output (csv, tsv, json, value) give the addresses held per plane and pool alone for a script (the counts, open requests and cost lines are left out), by key: plane, pool, allocations, addresses (a plain number).`
  static override examples = [
    '<%= config.bin %> net report --year 2026',
    '<%= config.bin %> net report --year 2026 --out 2026年电子政务外网运行报告.xlsx --json',
    '<%= config.bin %> net report --year 2026 --columns plane,pool,addresses --output csv',
  ]

  static override flags = {
    year: Flags.string({description: 'the year'}),
    out: Flags.string({description: 'also write the report as .xlsx'}),
    force: forceFlag,
    ...EgovCommand.listFlags,
  }

  async run(): Promise<YearReport & {path?: string}> {
    await readyToWrite({out: this.flags.out}, {force: this.flags.force, interactive: this.interactive(), locale: this.locale})
    const year = parseWholeNumber(await this.need(this.flags.year, 'year', 'year'), 'year', {min: 2000, max: 2100})
    const store = await this.store()
    const report = await yearReport(store, year)
    const c = report.counts
    this.aside(this.t('netreq.report.counts', {year, ...c}))
    this.table(
      report.addresses,
      [
        {header: this.t('col.plane'), get: (a) => String(a.plane)},
        {header: this.t('col.pool'), get: (a) => a.pool, shrink: true},
        {header: this.t('col.allocations'), get: (a) => String(a.blocks)},
        {header: this.t('col.addresses'), get: (a) => (this.rowsOnly() ? String(a.addresses) : formatCount(a.addresses))},
      ],
      '',
    )
    this.aside(this.t('netreq.report.open', {open: report.openRequests.length, overdue: report.openRequests.filter((r) => r.overdue).length}))
    for (const b of report.costBearers) this.aside(this.t('netreq.report.cost', {bearer: this.t(`netreq.bearer.${b.costBearer}`), units: b.units}))
    if (this.flags.out) {
      await writeYearReport(this.flags.out, report)
      this.logToStderr(this.t('netreq.reportWritten', {path: this.flags.out}))
      return {...report, path: this.flags.out}
    }
    return report
  }
}
