import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../../cli/base.js'
import {findPool, type Pool, removePool} from '../../../core/net/index.js'

export default class NetPoolRemove extends EgovCommand<typeof NetPoolRemove> {
  static override summary = 'Remove an empty pool; its space goes back to its parent'
  static override description = `Refused (exit 4) while the pool holds allocations or child pools. Released allocations stay in the history (egov net list --all).`
  static override examples = ['<%= config.bin %> net pool remove 城区 --yes']

  static override args = {
    name: Args.string({description: 'pool name or CIDR', required: true}),
  }

  static override flags = {
    yes: Flags.boolean({description: 'do not ask for confirmation'}),
  }

  async run(): Promise<{removed: Pool; parent: string | null}> {
    const store = await this.store()
    const pool = await findPool(store.db, this.args.name)
    await this.confirm(this.t('net.removeConfirm', {name: pool.name, cidr: pool.cidr}), this.flags.yes)
    const result = await store.write((ctx) => removePool(ctx, pool.name))
    this.log(this.t('net.poolRemoved', {name: pool.name, cidr: pool.cidr, parent: result.parent ?? this.t('net.top')}))
    return {removed: result.pool, parent: result.parent}
  }
}
