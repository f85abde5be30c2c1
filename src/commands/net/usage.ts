import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {districtTable, poolColumns, unitTable} from '../../cli/net.js'
import {usage, type UsageReport} from '../../core/net/index.js'

/** The exit code of a check that found what it looks for (README, Exit codes): a pool at or above --above. */
export const OVER_THRESHOLD_EXIT = 6

export default class NetUsage extends EgovCommand<typeof NetUsage> {
  static override summary = 'Utilisation per pool (a tree) and per unit'
  static override description = `A pool's figures include the pools below it. On a terminal each pool gets a percentage bar; in colour, 75% and more shows yellow, 90% and more red.

--above PCT is the check for cron: only the pools used PCT % or more are listed, and the exit code is 6 when there is any (0 when none is), so "egov net usage --above 90 || mail …" warns before a pool runs out.

When pools record their district (net pool add/edit --district, NET-4), a district column is shown and, after the pools, a table per district, plane and family: every pool counted under its own district, its child pools under theirs (JSON: districts). --district NAME keeps only that district's pools.

--columns and --output (csv, tsv, json, value) give the pools alone for a script (the per-unit table is left out), by key: name, cidr, plane, district, size, used, free — names unindented, counts as plain numbers, no bars; --above still sets exit 6.`
  static override examples = [
    '<%= config.bin %> net usage',
    '<%= config.bin %> net usage --pool 市级 --json',
    '<%= config.bin %> net usage --above 90',
    '<%= config.bin %> net usage --district 甘州区',
    '<%= config.bin %> net usage --columns name,used --output csv',
  ]

  static override flags = {
    pool: Flags.string({description: 'only this pool and the pools below it'}),
    district: Flags.string({description: 'only the pools of this district (属地, NET-4)'}),
    above: Flags.integer({description: 'only pools used this many percent or more; exit 6 when any is', min: 0, max: 100}),
    ...EgovCommand.listFlags,
  }

  async run(): Promise<UsageReport & {above?: number}> {
    const store = await this.store()
    const report = await usage(store, this.flags.pool, {district: this.flags.district})
    const columns = poolColumns(this.locale, this.color, {bars: Boolean(process.stdout.isTTY) && !this.rowsOnly(), forScript: this.rowsOnly(), districts: report.districts.length > 0})
    if (!report.pools.length) {
      this.table([], columns, this.t('net.noPools'))
      return report
    }
    if (this.flags.above !== undefined) {
      const above = this.flags.above
      // Pools at or above the threshold, each shown on its own (depth 0): a flat list for mail and grep.
      const over = report.pools.filter((p) => p.usedPercent >= above)
      this.table(
        over.map((p) => ({...p, depth: 0})),
        columns,
        this.t('net.noneAbove', {percent: above}),
      )
      if (over.length) process.exitCode = OVER_THRESHOLD_EXIT
      return {pools: over, units: [], districts: [], above}
    }
    this.table(report.pools, columns)
    if (report.districts.length) this.aside(`\n${this.t('net.byDistrict')}\n${districtTable(report.districts, this.locale, this.color)}`)
    if (report.units.length) this.aside('\n' + unitTable(report.units, this.locale))
    return report
  }
}
