import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../../cli/base.js'
import {editAllocation, type EditedAllocation} from '../../../core/net/index.js'

export default class NetAllocEdit extends EgovCommand<typeof NetAllocEdit> {
  static override summary = 'Change an allocation’s purpose, holder or status (active ↔ reserved)'
  static override description = `Only the flags given change; values already so are a no-op (unchanged: true). --unit names a unit in the registry (egov units add). A block of a unit's extranet connection (planned NET-5, in service NET-6, cut off NET-7) changes holder or status only through its request: exit 4 naming the rule and the request; its purpose may be edited. Every change is in the audit trail with before and after.`
  static override examples = ['<%= config.bin %> net alloc edit 10.20.255.0/24 --status active --purpose 数据共享交换平台', '<%= config.bin %> net alloc edit 1 --unit 市医保局 --json']

  static override args = {
    ref: Args.string({name: 'ID|CIDR', description: 'the allocation: its ID or its block', required: true}),
  }

  static override flags = {
    purpose: Flags.string({description: 'what it is for (用途); "" clears it'}),
    unit: Flags.string({description: 'the unit (单位) that holds it, from the registry'}),
    status: Flags.string({description: 'active (已分配) or reserved (预留)'}),
  }

  async run(): Promise<EditedAllocation> {
    const store = await this.store()
    const f = this.flags
    const result = await editAllocation(store, this.args.ref, {purpose: f.purpose, unit: f.unit, status: f.status})
    const {allocation: a} = result
    if (result.unchanged) this.log(this.t('net.allocUnchanged', {cidr: a.cidr, id: a.id}))
    else this.log(this.t('net.allocEdited', {cidr: a.cidr, id: a.id, changes: result.changes.map((c) => `${c.field} ${c.before ?? '—'} → ${c.after ?? '—'}`).join('; ')}))
    return result
  }
}
