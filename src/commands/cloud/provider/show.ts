import * as Args from '@oclif/core/args'

import {EgovCommand} from '../../../cli/base.js'
import {amounts} from '../../../cli/cloud.js'
import {chinaTime} from '../../../core/clock.js'
import {listSystems, type ProviderView, providerViews} from '../../../core/cloud/index.js'

export default class CloudProviderShow extends EgovCommand<typeof CloudProviderShow> {
  static override summary = 'One provider: its admission, capacity and the systems it hosts'
  static override examples = ['<%= config.bin %> cloud provider show 电信云']

  static override args = {name: Args.string({description: 'the provider’s name', required: true})}

  async run(): Promise<ProviderView & {systems: Array<{name: string; unit: string; status: string}>}> {
    const store = await this.store()
    // With a name, providerViews finds that one provider or throws: the list has exactly one entry.
    const p = (await providerViews(store, this.args.name))[0]!
    const systems = (await listSystems(store, {provider: p.name})).filter((s) => s.status !== 'released' && s.status !== 'rejected').map((s) => ({name: s.name, unit: s.unit, status: s.status}))
    this.show(() =>
      [
        `${p.name}  ${p.status}  (request ${p.requestId})`,
        `admitted ${p.admittedOn}, reported to the provincial centre ${p.reportedOn}${p.exitedAt ? `, exited ${chinaTime(p.exitedAt)}` : ''}`,
        `zones:    ${p.zones.join(', ') || '—'}`,
        `offered:  ${amounts(p.capacity.offered)}`,
        `reserved: ${amounts(p.capacity.reserved)}`,
        `in use:   ${amounts(p.capacity.inUse)}`,
        `free:     ${amounts(p.capacity.free)}`,
        `systems:  ${systems.map((s) => `${s.name} (${s.unit}, ${s.status})`).join('; ') || '—'}`,
      ].join('\n'),
    )
    return {...p, systems}
  }
}
