import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {type Allocation, findAllocation, refuseIfProtected, releaseByHand} from '../../core/net/index.js'

export default class NetRelease extends EgovCommand<typeof NetRelease> {
  static override summary = 'Release an allocation: its block goes back to free space'
  static override description = `Name the allocation by its CIDR or its ID (an ID is needed when the same CIDR is held on both planes). The allocation stays in the history as released (egov net list --all). A block of a unit's extranet connection (planned, in service or cut off) is refused: it goes back only through the unit's request, close or change (NET-6, NET-7). Asks for confirmation on a terminal; give --yes in scripts.`
  static override examples = ['<%= config.bin %> net release 10.20.255.0/24 --yes', '<%= config.bin %> net release 3 --yes --json']

  static override args = {
    allocation: Args.string({description: 'CIDR or allocation ID', required: true}),
  }

  static override flags = {
    yes: Flags.boolean({description: 'do not ask for confirmation'}),
  }

  async run(): Promise<Allocation> {
    const store = await this.store()
    const target = await findAllocation(store, this.args.allocation)
    // Refused before the question: a block of a unit's connection goes back only through its request (NET-6, NET-7).
    if (target.status !== 'released') await refuseIfProtected(store, target, 'CIDR|ID')
    if (target.status !== 'released') await this.confirm(this.t('net.releaseConfirm', {cidr: target.cidr, unit: target.unit}), this.flags.yes)
    const released = await releaseByHand(store, String(target.id))
    this.log(this.t('net.released', {cidr: released.cidr, unit: released.unit, pool: released.pool}))
    return released
  }
}
