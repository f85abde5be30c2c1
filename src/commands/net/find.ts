import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {allocationTable} from '../../cli/net.js'
import {chinaTime} from '../../core/clock.js'
import {InvalidInput} from '../../core/errors.js'
import {find, findAt, findByText, type FindResult, type HistoryResult, looksLikeAddressQuery as looksLikeAddress, parseAt, type TextSearchResult} from '../../core/net/index.js'

export default class NetFind extends EgovCommand<typeof NetFind> {
  static override summary = 'Which pool and allocation hold an address or block, and for which unit; or search units and purposes'
  static override description = `Given an IP address or a CIDR block: the pools and allocations that hold it, on both planes; exit 3 when it is in no pool. With --at DATE: who held it then (the blocks allocated by then and not yet released, each with the unit, purpose and status it had, from the audit trail of its edits); exit 3 when nobody did.

Given any other text: the blocks in use whose unit or purpose contains it (part of a name is enough, any letter case); --all adds released blocks. Exit 3 when none does.`
  static override examples = [
    '<%= config.bin %> net find 10.20.0.5',
    '<%= config.bin %> net find 10.20.0.0/24 --json',
    '<%= config.bin %> net find 社保',
    '<%= config.bin %> net find 社保业务 --all',
    '<%= config.bin %> net find 10.20.0.5 --at 2026-12-31',
  ]

  static override args = {
    query: Args.string({description: 'an IP address or a CIDR block; or part of a unit’s name or of a purpose', required: true}),
  }

  static override flags = {
    at: Flags.string({description: 'who held the address at this time (YYYY-MM-DD: the end of that day, China time; or an ISO date-time)', helpValue: 'DATE'}),
    all: Flags.boolean({description: 'a text search: released blocks too'}),
  }

  async run(): Promise<FindResult | HistoryResult | TextSearchResult> {
    const store = await this.store()
    const query = this.args.query
    if (!looksLikeAddress(query)) {
      if (this.flags.at !== undefined) throw new InvalidInput('net.find.textOnly', {value: query}, {field: 'at'})
      const result = await findByText(store, query, {all: this.flags.all})
      this.log(allocationTable(result.allocations, this.locale, this.color))
      return result
    }
    if (this.flags.at !== undefined) {
      const result = await findAt(store, query, parseAt(this.flags.at))
      this.log(this.color.bold(this.t('net.find.asOf', {at: chinaTime(result.at)})))
      this.log(allocationTable(result.allocations, this.locale, this.color))
      return result
    }
    const result = await find(store, query)
    for (const m of result.matches) {
      this.log(`${this.color.bold(this.t(m.plane === 1 ? 'net.plane.1' : 'net.plane.2'))}: ${m.pools.map((p) => `${p.name} (${p.cidr})`).join(' › ') || '—'}`)
      if (m.allocations.length) this.log(allocationTable(m.allocations, this.locale, this.color))
    }
    return result
  }
}
