import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../../cli/base.js'
import {editPool, type EditedPool} from '../../../core/net/index.js'

export default class NetPoolEdit extends EgovCommand<typeof NetPoolEdit> {
  static override summary = 'Rename a pool, change its note, or set its district and level (NET-4)'
  static override description = `Only the flags given change; values already so are a no-op (unchanged: true). The new name is unique (a name in use is exit 4) and must not look like an address; the pool's allocations carry the new name. --note "" clears the note; --district and --level set what net request plan checks (NET-4), "" clears them. Every change is in the audit trail with before and after.`
  static override examples = [
    '<%= config.bin %> net pool edit 市级IPv6 --name 市级-IPv6 --note "IPv6 试点"',
    '<%= config.bin %> net pool edit 市级-IPv6 --note "" --json',
    '<%= config.bin %> net pool edit 市级 --level city',
  ]

  static override args = {
    name: Args.string({description: 'pool name or CIDR', required: true}),
  }

  static override flags = {
    name: Flags.string({description: 'a new name (unique)'}),
    note: Flags.string({description: 'a new note; "" clears it'}),
    district: Flags.string({description: 'the district the pool serves (属地, NET-4); "" clears it'}),
    level: Flags.string({description: 'the level of unit it serves (分级, NET-4): city, county, township or village; "" clears it'}),
  }

  async run(): Promise<EditedPool> {
    const store = await this.store()
    const result = await editPool(store, this.args.name, {name: this.flags.name, note: this.flags.note, district: this.flags.district, level: this.flags.level})
    const {pool} = result
    if (result.unchanged) this.log(this.t('net.poolUnchanged', {name: pool.name, cidr: pool.cidr}))
    else this.log(this.t('net.poolEdited', {name: pool.name, cidr: pool.cidr, changes: result.changes.map((c) => `${c.field} ${c.before ?? '—'} → ${c.after ?? '—'}`).join('; ')}))
    return result
  }
}
