import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../../cli/base.js'
import {poolColumns} from '../../../cli/net.js'
import {parsePlane, type PoolUsage, usage} from '../../../core/net/index.js'

export default class NetPoolList extends EgovCommand<typeof NetPoolList> {
  static override summary = 'List the pools as a tree, with used and free figures'
  static override description = `--columns and --output (csv, tsv, json, value) give the pools for a script, by key: name, cidr, plane, size, used, free — names unindented, counts as plain numbers.`
  static override examples = ['<%= config.bin %> net pool list', '<%= config.bin %> net pool list --plane 1 --json', '<%= config.bin %> net pool list --columns name,cidr,free --output csv']

  static override flags = {
    plane: Flags.string({description: 'only this plane (1 China Telecom, 2 China Mobile)', options: ['1', '2']}),
    ...EgovCommand.listFlags,
  }

  async run(): Promise<{pools: PoolUsage[]}> {
    const store = await this.store()
    const plane = this.flags.plane ? parsePlane(this.flags.plane) : undefined
    const pools = (await usage(store)).pools.filter((p) => !plane || p.plane === plane)
    this.table(pools, poolColumns(this.locale, this.color, {forScript: this.rowsOnly()}), this.t('net.noPools'))
    return {pools}
  }
}
