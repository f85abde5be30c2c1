import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../../cli/base.js'
import {recordSecurity, type SecurityKind, type SecurityRecord} from '../../../core/cloud/security.js'
import {InvalidInput} from '../../../core/errors.js'

export default class CloudSecurityRecord extends EgovCommand<typeof CloudSecurityRecord> {
  static override summary = 'Record a system’s security commitment, graded-protection or cryptography assessment (CLOUD-7)'
  static override description = `One at a time: --commitment DATE (上云安全承诺书; needed before egov cloud provision), --grading DATE --result pass|fail (等保测评), or --crypto DATE --result pass|fail (密码应用安全性评估). Dates are the day it happened (not after today). Recording the same again is a no-op.`
  static override examples = [
    '<%= config.bin %> cloud security record 社保业务系统 --commitment 2026-11-20',
    '<%= config.bin %> cloud security record 社保业务系统 --grading 2026-11-21 --result pass',
    '<%= config.bin %> cloud security record 社保业务系统 --crypto 2026-11-21 --result fail --json',
  ]

  static override args = {system: Args.string({description: 'the system (SYS)', required: true})}
  static override flags = {
    commitment: Flags.string({description: 'the date the security commitment was signed (YYYY-MM-DD)', exclusive: ['grading', 'crypto']}),
    grading: Flags.string({description: 'the date of a graded-protection assessment', exclusive: ['commitment', 'crypto']}),
    crypto: Flags.string({description: 'the date of a cryptography assessment', exclusive: ['commitment', 'grading']}),
    result: Flags.string({description: 'the assessment’s result', options: ['pass', 'fail']}),
  }

  async run(): Promise<{system: string; record: SecurityRecord; unchanged?: boolean}> {
    const f = this.flags
    const kind: SecurityKind | undefined = f.commitment ? 'commitment' : f.grading ? 'grading' : f.crypto ? 'crypto' : undefined
    if (!kind) throw new InvalidInput('cloud.securityOne', {}, {field: 'commitment'})
    const store = await this.store()
    const result = await recordSecurity(store, this.args.system, {kind, on: (f.commitment ?? f.grading ?? f.crypto)!, result: f.result})
    const params = {system: result.system, kind: this.t(`cloud.kind.${kind}`), on: result.record.on, result: result.record.result ? ` ${result.record.result}` : ''}
    this.log(result.unchanged ? this.t('cloud.securityUnchanged', params) : this.t('cloud.securityRecorded', params))
    return result
  }
}
