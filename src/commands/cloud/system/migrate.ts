import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../../cli/base.js'
import {stepLines} from '../../../cli/cloud.js'
import {migrateSystem, type MigrationRequest, type StepResult} from '../../../core/cloud/index.js'

export default class CloudSystemMigrate extends EgovCommand<typeof CloudSystemMigrate> {
  static override summary = 'Apply to move a system to another provider (迁移, CLOUD-2): a request a second person approves'
  static override description = `Files a cloud-migration request; nothing moves yet. A second person approves it with egov requests approve ID (the filer cannot, X-2): the approval checks the target again and moves the system and its reservation — capacity leaves the source and lands on the target, same envelope — in one transaction, and re-points the system's open requests (the onboarding's plan and reservation, an open scale or release request) to the target, each noted in its history. Refused at filing and at approval: an unknown target (exit 3), a target that is not admitted or has exited (exit 5, CLOUD-2), a target without room for the envelope (exit 4 naming the resource, CLOUD-6), a system that is neither approved nor running (exit 4), a second open migration of the same system (exit 4). --plan stores the migration plan (迁移方案) by reference (path, size, SHA-256). Until approved the applicant may withdraw it (egov requests withdraw ID --reason …), or the reviewer reject it.`
  static override examples = ['<%= config.bin %> cloud system migrate 社保业务系统 --to 移动云 --reason "电信云合同期满" --plan fixtures/cloud/上云方案-社保业务系统.pdf']

  static override args = {system: Args.string({description: 'the system (SYS)', required: true})}
  static override flags = {
    to: Flags.string({description: 'the provider it moves to', required: true}),
    reason: Flags.string({description: 'why it moves (required)'}),
    plan: Flags.string({description: 'the migration plan (迁移方案), a file'}),
  }

  async run(): Promise<StepResult<MigrationRequest>> {
    const store = await this.store()
    const result = await migrateSystem(store, this.args.system, this.flags.to, {reason: this.flags.reason, plan: this.flags.plan})
    const r = result.request
    this.log(result.unchanged ? stepLines(result, this.locale, this.color) : this.t('cloud.migrationFiled', {system: r.payload.system, from: r.payload.from, to: r.payload.to, id: r.id}))
    this.showWarnings(result.warnings)
    return result
  }
}
