import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../../cli/base.js'
import {size} from '../../../cli/cloud.js'
import {type CloudSystem, listSystems} from '../../../core/cloud/index.js'

export default class CloudSystemList extends EgovCommand<typeof CloudSystemList> {
  static override summary = 'List tenant systems: who runs what, where, within which envelope'
  static override description = `Statuses: applying, approved (capacity reserved), agreed, in-service, releasing, wiped (awaiting confirmation), released, rejected.`
  static override examples = ['<%= config.bin %> cloud system list', '<%= config.bin %> cloud system list --unit 市人力资源和社会保障局 --status in-service --json']

  static override flags = {
    unit: Flags.string({description: 'only this unit’s systems'}),
    provider: Flags.string({description: 'only this provider’s'}),
    status: Flags.string({description: 'only this status', options: ['applying', 'approved', 'agreed', 'in-service', 'releasing', 'wiped', 'released', 'rejected']}),
    ...EgovCommand.listFlags,
  }

  async run(): Promise<{systems: CloudSystem[]}> {
    const store = await this.store()
    const systems = await listSystems(store, this.flags)
    this.table(systems, [
      {header: this.t('cloud.col.system'), get: (s) => s.name, shrink: true},
      {header: this.t('col.unit'), get: (s) => s.unit, shrink: true},
      {header: this.t('col.level'), get: (s) => String(s.level)},
      {header: this.t('cloud.col.provider'), get: (s) => s.provider ?? '—'},
      {header: this.t('col.status'), get: (s) => s.status},
      {header: this.t('cloud.col.vms'), get: (s) => String(s.config.vms)},
      {header: this.t('cloud.col.vcpu'), get: (s) => `${s.config.vms * s.config.vcpu}${s.envelope ? `/${s.envelope.vcpu}` : ''}`},
      {header: this.t('cloud.col.memory'), get: (s) => `${size(s.config.vms * s.config.memoryGib)}${s.envelope ? `/${size(s.envelope.memoryGib)}` : ''}`},
    ])
    return {systems}
  }
}
