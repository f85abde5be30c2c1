import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../../cli/base.js'
import type {CloudSystem} from '../../../core/cloud/model.js'
import {migrateSystem} from '../../../core/cloud/systems.js'

export default class CloudSystemMigrate extends EgovCommand<typeof CloudSystemMigrate> {
  static override summary = 'Move a system to another provider (迁移, CLOUD-2)'
  static override description = `Capacity is checked on the target (exit 4 naming the resource short) and freed on the source, in one transaction. An exited provider takes no systems. --plan stores the migration plan (迁移方案) by reference.`
  static override examples = ['<%= config.bin %> cloud system migrate 社保业务系统 --to 移动云 --plan fixtures/cloud/上云方案-社保业务系统.pdf']

  static override args = {system: Args.string({description: 'the system (SYS)', required: true})}
  static override flags = {
    to: Flags.string({description: 'the provider it moves to', required: true}),
    plan: Flags.string({description: 'the migration plan (迁移方案), a file'}),
    note: Flags.string({description: 'a note for the history'}),
  }

  async run(): Promise<{system: CloudSystem; from: string | null; unchanged?: boolean}> {
    const store = await this.store()
    const result = await migrateSystem(store, this.args.system, this.flags.to, {plan: this.flags.plan, note: this.flags.note})
    this.log(result.unchanged ? this.t('cloud.migrateUnchanged', {system: result.system.name, to: this.flags.to}) : this.t('cloud.migrated', {system: result.system.name, from: result.from ?? '—', to: result.system.provider}))
    return result
  }
}
