import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {RESOURCE_LABEL as LABEL, size} from '../../cli/cloud.js'
import {type Capacity, RESOURCES, type Resource} from '../../core/cloud/model.js'
import {providerViews} from '../../core/cloud/providers.js'

export default class CloudCapacity extends EgovCommand<typeof CloudCapacity> {
  static override summary = 'Capacity per provider: offered, reserved, in use, free (CLOUD-6)'
  static override description = `Per resource (vCPU, memory, storage, bandwidth, extranet and internet addresses). Reserved: the envelopes of approved requests not yet provisioned — requests in flight count, so two approvals cannot over-commit. In use: systems in service, and released ones until their wipe is confirmed (CLOUD-5). Free: offered minus both.`
  static override examples = ['<%= config.bin %> cloud capacity', '<%= config.bin %> cloud capacity --provider 电信云 --json']

  static override flags = {provider: Flags.string({description: 'only this provider'})}

  async run(): Promise<{providers: Capacity[]}> {
    const store = await this.store()
    const views = await providerViews(store, this.flags.provider)
    const providers = views.map((v) => v.capacity)
    const fmt = (r: Resource, n: number) => (r === 'memoryGib' || r === 'storageGib' ? size(n) : String(n))
    for (const c of providers) {
      this.show(() => `${this.color.bold(c.provider)}${c.status === 'exited' ? ` (${c.status})` : ''}  ${this.t('cloud.col.systems')} ${c.systems}`)
      this.table(
        RESOURCES.map((r) => ({r, c})),
        [
          {header: '', get: ({r}) => LABEL[r]},
          {header: this.t('cloud.col.offered'), get: ({r, c}) => fmt(r, c.offered[r])},
          {header: this.t('cloud.col.reserved'), get: ({r, c}) => fmt(r, c.reserved[r])},
          {header: this.t('cloud.col.inUse'), get: ({r, c}) => fmt(r, c.inUse[r])},
          {header: this.t('col.free'), get: ({r, c}) => (c.free[r] < 0 ? this.color.red(fmt(r, c.free[r])) : fmt(r, c.free[r]))},
          {header: this.t('cloud.col.usedShare'), get: ({r, c}) => (c.offered[r] ? `${Math.round(((c.reserved[r] + c.inUse[r]) / c.offered[r]) * 1000) / 10}%` : '—')},
        ],
      )
    }
    if (!providers.length) this.log(this.t('cloud.noProviders'))
    return {providers}
  }
}
