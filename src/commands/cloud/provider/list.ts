import {EgovCommand} from '../../../cli/base.js'
import {size} from '../../../cli/cloud.js'
import {type ProviderView, providerViews} from '../../../core/cloud/index.js'

export default class CloudProviderList extends EgovCommand<typeof CloudProviderList> {
  static override summary = 'List providers with their capacity figures (CLOUD-2, CLOUD-6)'
  static override examples = ['<%= config.bin %> cloud provider list', '<%= config.bin %> cloud provider list --json']

  static override flags = {...EgovCommand.listFlags}

  async run(): Promise<{providers: ProviderView[]}> {
    const store = await this.store()
    const providers = await providerViews(store)
    this.table(
      providers,
      [
        {header: this.t('cloud.col.provider'), get: (p) => p.name},
        {header: this.t('col.status'), get: (p) => p.status},
        {header: this.t('cloud.col.admitted'), get: (p) => p.admittedOn},
        {header: this.t('cloud.col.systems'), get: (p) => String(p.capacity.systems)},
        {header: this.t('cloud.col.vcpuFree'), get: (p) => `${p.capacity.free.vcpu}/${p.offered.vcpu}`},
        {header: this.t('cloud.col.memoryFree'), get: (p) => `${size(p.capacity.free.memoryGib)}/${size(p.offered.memoryGib)}`},
        {header: this.t('cloud.col.storageFree'), get: (p) => `${size(p.capacity.free.storageGib)}/${size(p.offered.storageGib)}`},
      ],
      this.t('cloud.noProviders'),
    )
    return {providers}
  }
}
