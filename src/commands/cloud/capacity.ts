import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {RESOURCE_LABEL as LABEL, size} from '../../cli/cloud.js'
import type {Column} from '../../cli/table.js'
import {type Capacity, providerViews, type Resource, RESOURCES} from '../../core/cloud/index.js'

export default class CloudCapacity extends EgovCommand<typeof CloudCapacity> {
  static override summary = 'Capacity per provider: offered, reserved, in use, free (CLOUD-6)'
  static override description = `Per resource (vCPU, memory, storage, bandwidth, extranet and internet addresses). Reserved: the envelopes of approved requests not yet provisioned — requests in flight count, so two approvals cannot over-commit. In use: systems in service, and released ones until their wipe is confirmed (CLOUD-5). Free: offered minus both.

With --columns or --output (csv, tsv, json, value) the figures are one table, a row per provider and resource, for a script: keys provider, status, resource, offered, reserved, inUse, free, usedShare.`
  static override examples = [
    '<%= config.bin %> cloud capacity',
    '<%= config.bin %> cloud capacity --provider 电信云 --json',
    '<%= config.bin %> cloud capacity --columns provider,resource,free --output csv',
  ]

  static override flags = {provider: Flags.string({description: 'only this provider'}), ...EgovCommand.listFlags}

  async run(): Promise<{providers: Capacity[]}> {
    const store = await this.store()
    const views = await providerViews(store, this.flags.provider)
    const providers = views.map((v) => v.capacity)
    const fmt = (r: Resource, n: number) => (r === 'memoryGib' || r === 'storageGib' ? size(n) : String(n))
    const figures: Array<Column<{r: Resource; c: Capacity}>> = [
      {header: this.t('cloud.col.offered'), key: 'offered', get: ({r, c}) => fmt(r, c.offered[r])},
      {header: this.t('cloud.col.reserved'), key: 'reserved', get: ({r, c}) => fmt(r, c.reserved[r])},
      {header: this.t('cloud.col.inUse'), key: 'inUse', get: ({r, c}) => fmt(r, c.inUse[r])},
      {header: this.t('col.free'), get: ({r, c}) => fmt(r, c.free[r]), style: (text, {r, c}) => (c.free[r] < 0 ? this.color.red(text) : text)},
      {header: this.t('cloud.col.usedShare'), key: 'usedShare', get: ({r, c}) => (c.offered[r] ? `${Math.round(((c.reserved[r] + c.inUse[r]) / c.offered[r]) * 1000) / 10}%` : '—')},
    ]
    const {columns, output} = this.flags
    if (columns !== undefined || output !== undefined) {
      // For a script: one table, a row per provider and resource.
      this.table(
        providers.flatMap((c) => RESOURCES.map((r) => ({r, c}))),
        [
          {header: this.t('cloud.col.provider'), key: 'provider', get: ({c}) => c.provider, shrink: true},
          {header: this.t('col.status'), get: ({c}) => c.status},
          {header: this.t('cloud.col.resource'), key: 'resource', get: ({r}) => LABEL[r]},
          ...figures,
        ],
        this.t('cloud.noProviders'),
      )
      return {providers}
    }
    for (const c of providers) {
      this.show(() => `${this.color.bold(c.provider)}${c.status === 'exited' ? ` (${c.status})` : ''}  ${this.t('cloud.col.systems')} ${c.systems}`)
      this.table(
        RESOURCES.map((r) => ({r, c})),
        [{header: '', get: ({r}) => LABEL[r]}, ...figures],
      )
    }
    if (!providers.length) this.log(this.t('cloud.noProviders'))
    return {providers}
  }
}
