import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../../cli/base.js'
import {filedLine} from '../../../cli/requests.js'
import {parseWholeNumber} from '../../../core/dates.js'
import {applyForChange, type ConnectionRequest} from '../../../core/net/index.js'
import {type WorkflowResult} from '../../../core/workflow/index.js'

export default class NetRequestChange extends EgovCommand<typeof NetRequestChange> {
  static override summary = 'Apply to change a connection in service (NET-5)'
  static override description = `Runs the same steps as onboarding: approve → plan → implement → test. A new address need is allocated at plan time and added to the unit's blocks when the change goes in service (release old ones with egov net release). A cut-off unit cannot change until it is restored (exit 4, NET-7). A unit holds one connection per plane: with one on each, --plane says which changes (exit 2 without it); a connection moves to the other carrier by an onboarding there (net request apply --plane) and a close here.`
  static override examples = ['<%= config.bin %> net request change 市人力资源和社会保障局 --basis "新增业务系统" --bandwidth 200 --hosts 20']

  static override args = {unit: Args.string({description: 'the unit', required: true})}

  static override flags = {
    basis: Flags.string({description: 'the basis of the change (申请依据)'}),
    hosts: Flags.string({description: 'additional address need: usable hosts'}),
    'prefix-length': Flags.string({description: 'additional address need: prefix length'}),
    'prefix-length-v6': Flags.string({description: 'dual stack: an IPv6 block of this prefix length too, e.g. 64'}),
    bandwidth: Flags.string({description: 'new bandwidth in Mbps'}),
    plane: Flags.string({description: 'which connection, when the unit has one on each plane: 1 or 2', options: ['1', '2']}),
    'access-mode': Flags.string({description: 'new access mode: fiber | mstp | vpn | wireless'}),
  }

  async run(): Promise<WorkflowResult<ConnectionRequest>> {
    const f = this.flags
    const int = (v: string | undefined, field: string) => (v === undefined ? undefined : parseWholeNumber(v, field, {min: 1, max: 1_000_000}))
    const basis = await this.need(f.basis, 'basis', '申请依据')
    const store = await this.store()
    const result = await applyForChange(store, {
      unit: this.args.unit,
      basis,
      hosts: int(f.hosts, 'hosts'),
      prefixLength: int(f['prefix-length'], 'prefix-length'),
      prefixLengthV6: int(f['prefix-length-v6'], 'prefix-length-v6'),
      bandwidthMbps: int(f.bandwidth, 'bandwidth'),
      plane: f.plane,
      accessMode: f['access-mode'],
    })
    this.log(filedLine(result.request, this.locale))
    return result
  }
}
