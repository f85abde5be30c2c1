import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {poolTree, unitTable} from '../../cli/net.js'
import {usage, type UsageReport} from '../../core/net/index.js'

export default class NetUsage extends EgovCommand<typeof NetUsage> {
  static override summary = 'Utilisation per pool (a tree) and per unit'
  static override description = `A pool's figures include the pools below it. On a terminal each pool gets a percentage bar; in colour, 75% and more shows yellow, 90% and more red.`
  static override examples = ['<%= config.bin %> net usage', '<%= config.bin %> net usage --pool 市级 --json']

  static override flags = {
    pool: Flags.string({description: 'only this pool and the pools below it'}),
  }

  async run(): Promise<UsageReport> {
    const store = await this.store()
    const report = await usage(store.db, this.flags.pool)
    if (!report.pools.length) {
      this.log(this.t('net.noPools'))
      return report
    }
    this.show(() => poolTree(report.pools, this.locale, this.color, Boolean(process.stdout.isTTY)) + (report.units.length ? '\n\n' + unitTable(report.units, this.locale) : ''))
    return report
  }
}
