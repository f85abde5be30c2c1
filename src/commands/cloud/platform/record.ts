import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../../cli/base.js'
import {type PlatformAssessment, platformDue, recordPlatformAssessment} from '../../../core/cloud/index.js'
import {today} from '../../../core/clock.js'

export default class CloudPlatformRecord extends EgovCommand<typeof CloudPlatformRecord> {
  static override summary = 'Record an assessment of a provider’s cloud platform: 等保测评, 云计算服务安全评估 or 密评 (CLOUD-7, 第十五条, 第二十四条)'
  static override description = `--kind grading (网络安全等级保护测评), cloud-service (云计算服务安全评估) or crypto (密码应用安全性评估), --on the day it was done (not after today), --result pass|fail, --provider the admitted provider whose platform was assessed (第二十四条 puts these assessments on each 政务云服务商), and optionally --document FILE (the report, stored by reference: path, size, SHA-256). The next one falls due a cycle after a pass (12, 36 and 12 months, templates/cloud-security-levels.json) and at once after a failure. Recording the same again is a no-op.`
  static override examples = [
    '<%= config.bin %> cloud platform record --provider 移动云 --kind grading --on 2026-11-10 --result pass --document fixtures/cloud/等保测评报告-移动云.pdf',
    '<%= config.bin %> cloud platform record --provider 移动云 --kind crypto --on 2026-11-12 --result fail --json',
  ]

  static override flags = {
    provider: Flags.string({description: 'the provider whose platform was assessed'}),
    kind: Flags.string({description: 'grading | cloud-service | crypto'}),
    on: Flags.string({description: 'the day of the assessment (YYYY-MM-DD, not after today)'}),
    result: Flags.string({description: 'pass | fail'}),
    document: Flags.string({description: 'the assessment report, stored by reference'}),
  }

  async run(): Promise<{assessment: PlatformAssessment; dueOn: string; unchanged?: boolean}> {
    const f = this.flags
    const store = await this.store()
    const r = await recordPlatformAssessment(store, {provider: f.provider, kind: f.kind, on: f.on, result: f.result, document: f.document})
    const a = r.assessment
    const due = (await platformDue(store, today(), {provider: a.provider})).find((d) => d.kind === a.kind)!
    const params = {provider: a.provider, kind: this.t(`cloud.kind.${a.kind}`), on: a.on, result: a.result, due: due.dueOn}
    this.log(r.unchanged ? this.t('cloud.platformUnchanged', params) : this.t('cloud.platformRecorded', params))
    return {...r, dueOn: due.dueOn}
  }
}
