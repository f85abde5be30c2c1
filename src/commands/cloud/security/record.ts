import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../../cli/base.js'
import {recordSecuritySteps, securityLevels, type SecurityRecord} from '../../../core/cloud/index.js'

const date = (description: string) => Flags.string({description: `${description} (YYYY-MM-DD, not after today)`})

export default class CloudSecurityRecord extends EgovCommand<typeof CloudSecurityRecord> {
  static override summary = 'Record a system’s security steps before go-live, its commitment and its assessments (CLOUD-7, 第二十三条)'
  static override description = `Each flag records one step with the day it happened (not after today); give any number of them at once, in one transaction: --security-resources (安全资源申请), --self-check (安全自查), --assessment (检测评估, with --result), --hardening (安全加固), --filing (等保定级备案), --grading (等保测评, with --result), --crypto (密码应用安全性评估, with --result), --commitment (上云安全承诺书). --result pass|fail is the result of every assessment given in the call. --document FILE attaches a document to every step of the call, by reference (path, size, SHA-256). egov cloud provision refuses (exit 5, CLOUD-7) until the steps the system's level requires are on record (templates/cloud-security-levels.json): level 1 the four steps and the commitment; level 2 also the filing; level 3 also a passed 等保测评 and 密评. A failed assessment counts after a later pass. Recording the same again is a no-op.`
  static override examples = [
    '<%= config.bin %> cloud security record 社保业务系统 --security-resources 2026-11-10 --self-check 2026-11-12 --assessment 2026-11-16 --result pass --hardening 2026-11-18 --document fixtures/cloud/安全检测评估报告-社保业务系统.pdf',
    '<%= config.bin %> cloud security record 社保业务系统 --filing 2026-11-19 --grading 2026-11-19 --crypto 2026-11-19 --result pass --commitment 2026-11-20',
    '<%= config.bin %> cloud security record 社保业务系统 --commitment 2026-11-20 --json',
  ]

  static override args = {system: Args.string({description: 'the system (SYS)', required: true})}
  static override flags = {
    'security-resources': date('the date security resources were requested (安全资源申请)'),
    'self-check': date('the date of the security self-check (安全自查)'),
    assessment: date('the date of the testing and assessment (检测评估); needs --result'),
    hardening: date('the date of the security hardening (安全加固)'),
    filing: date('the date of the graded-protection filing (等保定级备案)'),
    grading: date('the date of a graded-protection assessment (等保测评); needs --result'),
    crypto: date('the date of a cryptography assessment (密评); needs --result'),
    commitment: date('the date the security commitment was signed (上云安全承诺书)'),
    result: Flags.string({description: 'the result of the assessments given (检测评估, 等保测评, 密评)', options: ['pass', 'fail']}),
    document: Flags.string({description: 'a document of the steps (report, letter), stored by reference: path, size and SHA-256'}),
  }

  async run(): Promise<{system: string; records: SecurityRecord[]; record: SecurityRecord; unchanged?: boolean}> {
    const f = this.flags as Record<string, string | undefined>
    const steps = securityLevels()
      .steps.filter((s) => f[s.flag] !== undefined)
      .map((s) => ({kind: s.key, on: f[s.flag]!}))
    const store = await this.store()
    const result = await recordSecuritySteps(store, this.args.system, {steps, result: this.flags.result, document: this.flags.document})
    for (const r of result.records) {
      const params = {system: result.system, kind: this.t(`cloud.kind.${r.kind}`), on: r.on, result: r.result ? ` ${r.result}` : ''}
      this.log(r.unchanged ? this.t('cloud.securityUnchanged', params) : this.t('cloud.securityRecorded', params))
    }
    return {system: result.system, records: result.records, record: result.records[0]!, ...(result.unchanged ? {unchanged: true} : {})}
  }
}
