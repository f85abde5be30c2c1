import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {allocationColumns} from '../../cli/net.js'
import {type Allocation, type AllocationStatus, listAllocations} from '../../core/net/index.js'

export default class NetList extends EgovCommand<typeof NetList> {
  static override summary = 'List allocations, by pool, unit or status'
  static override description = `--pool includes the pools below it. Released allocations are the history: shown with --all or --status released.`
  static override examples = [
    '<%= config.bin %> net list',
    '<%= config.bin %> net list --pool 市级 --unit 市人社局',
    '<%= config.bin %> net list --all --json',
    '<%= config.bin %> net list --columns cidr,unit,purpose --output csv',
  ]

  static override flags = {
    pool: Flags.string({description: 'pool name or CIDR (and the pools below it)'}),
    unit: Flags.string({description: 'only this unit'}),
    status: Flags.string({description: 'only this status', options: ['active', 'reserved', 'released']}),
    all: Flags.boolean({description: 'include released allocations'}),
    ...EgovCommand.listFlags,
  }

  async run(): Promise<{allocations: Allocation[]}> {
    const store = await this.store()
    const allocations = await listAllocations(store, {pool: this.flags.pool, unit: this.flags.unit, status: this.flags.status as AllocationStatus | undefined, all: this.flags.all})
    this.table(allocations, allocationColumns(this.locale, this.color), this.t('net.none'))
    return {allocations}
  }
}
