import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {amounts} from '../../cli/cloud.js'
import {type ChangeResult, changeSystem, type ConfigChange} from '../../core/cloud/index.js'
import {parseWholeNumber} from '../../core/dates.js'
import {InvalidInput} from '../../core/errors.js'

export default class CloudChange extends EgovCommand<typeof CloudChange> {
  static override summary = 'Change a system’s configuration: inside its envelope at once, beyond it by a scale request (CLOUD-4)'
  static override description = `Per-VM figures as in apply. A change whose totals stay inside the agreed envelope is made directly with the provider: recorded now, no approval (CLOUD-4). A change beyond it becomes a scale request (扩容) for an envelope that holds it; when a second person approves it (egov requests approve ID) the envelope and the provider's capacity move together, or the approval is refused (exit 4) naming the resource short. --rescale asks for the envelope to become exactly the new totals, smaller ones included (缩容): capacity is freed when that is approved. Extranet addresses are fixed at onboarding.`
  static override examples = ['<%= config.bin %> cloud change 社保业务系统 --vcpu 6', '<%= config.bin %> cloud change 社保业务系统 --vms 6 --reason "参保人数增长" --json']

  static override args = {system: Args.string({description: 'the system (SYS)', required: true})}
  static override flags = {
    vms: Flags.string({description: 'number of VMs'}),
    vcpu: Flags.string({description: 'vCPU per VM'}),
    'memory-gib': Flags.string({description: 'memory per VM, GiB'}),
    'system-disk-gib': Flags.string({description: 'system disk per VM, GiB'}),
    'data-disk-gib': Flags.string({description: 'data disk per VM, GiB'}),
    'bandwidth-mbps': Flags.string({description: 'bandwidth, Mbps'}),
    'internet-ips': Flags.string({description: 'internet addresses'}),
    rescale: Flags.boolean({description: 'ask for the envelope to become exactly the new totals (缩容 included), through approval'}),
    reason: Flags.string({description: 'why (kept with the change or the request)'}),
  }

  async run(): Promise<ChangeResult> {
    const f = this.flags
    const n = (v: string | undefined, field: string, min = 1) => (v === undefined ? undefined : parseWholeNumber(v, field, {min, max: 1_048_576}))
    const change: ConfigChange = {
      vms: n(f.vms, 'vms'),
      vcpu: n(f.vcpu, 'vcpu'),
      memoryGib: n(f['memory-gib'], 'memory-gib'),
      systemDiskGib: n(f['system-disk-gib'], 'system-disk-gib'),
      dataDiskGib: n(f['data-disk-gib'], 'data-disk-gib', 0),
      bandwidthMbps: n(f['bandwidth-mbps'], 'bandwidth-mbps'),
      internetIps: n(f['internet-ips'], 'internet-ips', 0),
    }
    if (Object.values(change).every((v) => v === undefined) && !f.rescale) throw new InvalidInput('cloud.nothingToChange', {}, {field: 'vcpu'})
    const store = await this.store()
    const result = await changeSystem(store, this.args.system, change, {rescale: f.rescale, reason: f.reason})
    if (result.outcome === 'recorded') this.log(this.t('cloud.changed', {system: result.system.name}))
    else if (result.outcome === 'unchanged') this.log(this.t('cloud.changeUnchanged', {system: result.system.name}))
    else {
      const beyond = result.beyond?.length ? result.beyond.map((b) => `${b.resource} ${b.wanted} > ${b.envelope}`).join(', ') : '--rescale'
      this.log(this.t('cloud.scaleFiled', {system: result.system.name, beyond, id: result.request!.id}))
      this.log(`  → ${amounts(result.request!.payload.envelope)}`)
    }
    return result
  }
}
