import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../../cli/base.js'
import {findPool, liftPool, type Pool, poolContents, removePool} from '../../../core/net/index.js'

export default class NetPoolRemove extends EgovCommand<typeof NetPoolRemove> {
  static override summary = 'Remove a pool; its space goes back to its parent'
  static override description = `Without --lift, refused (exit 4) while the pool holds allocations or child pools. With --lift (a pool added by mistake, e.g. an aggregate around district pools), its child pools and allocations move up to its parent, or the child pools to the top level; a top-level pool that holds allocations itself is refused (NET-1). Released allocations stay in the history (egov net list --all).`
  static override examples = [
    '<%= config.bin %> net pool remove 城区 --yes',
    '<%= config.bin %> net pool add 10.20.0.0/15 --name 误加汇总 --plane 1 && <%= config.bin %> net pool remove 误加汇总 --lift --yes --json',
  ]

  static override args = {
    name: Args.string({description: 'pool name or CIDR', required: true}),
  }

  static override flags = {
    yes: Flags.boolean({description: 'do not ask for confirmation'}),
    lift: Flags.boolean({description: 'move its child pools and allocations up to its parent'}),
  }

  async run(): Promise<{removed: Pool; parent: string | null; movedPools?: string[]; movedAllocations?: string[]}> {
    const store = await this.store()
    if (this.flags.lift) {
      const c = await poolContents(store, this.args.name)
      const parent = c.parent?.name ?? this.t('net.top')
      await this.confirm(this.t('net.liftConfirm', {name: c.pool.name, cidr: c.pool.cidr, pools: c.pools.length, allocations: c.allocations.length, parent}), this.flags.yes)
      const result = await liftPool(store, c.pool.name)
      this.log(
        this.t('net.poolLifted', {
          name: result.pool.name,
          cidr: result.pool.cidr,
          pools: result.movedPools.length,
          allocations: result.movedAllocations.length,
          parent: result.parent ?? this.t('net.top'),
        }),
      )
      return {removed: result.pool, parent: result.parent, movedPools: result.movedPools, movedAllocations: result.movedAllocations}
    }
    const pool = await findPool(store, this.args.name)
    await this.confirm(this.t('net.removeConfirm', {name: pool.name, cidr: pool.cidr}), this.flags.yes)
    const result = await removePool(store, pool.name)
    this.log(this.t('net.poolRemoved', {name: pool.name, cidr: pool.cidr, parent: result.parent ?? this.t('net.top')}))
    return {removed: result.pool, parent: result.parent}
  }
}
