import * as Args from '@oclif/core/args'

import {EgovCommand} from '../../cli/base.js'
import {allocationTable} from '../../cli/net.js'
import {find, type FindResult} from '../../core/net/index.js'

export default class NetFind extends EgovCommand<typeof NetFind> {
  static override summary = 'Which pool and allocation hold an address or block, and for which unit'
  static override description = `Looks on both planes. Exit 3 when the address is in no pool.`
  static override examples = ['<%= config.bin %> net find 10.20.0.5', '<%= config.bin %> net find 10.20.0.0/24 --json']

  static override args = {
    address: Args.string({description: 'an IP address or a CIDR block', required: true}),
  }

  async run(): Promise<FindResult> {
    const store = await this.store()
    const result = await find(store.db, this.args.address)
    for (const m of result.matches) {
      this.log(`${this.color.bold(this.t(m.plane === 1 ? 'net.plane.1' : 'net.plane.2'))}: ${m.pools.map((p) => `${p.name} (${p.cidr})`).join(' › ') || '—'}`)
      if (m.allocations.length) this.log(allocationTable(m.allocations, this.locale, this.color))
    }
    return result
  }
}
