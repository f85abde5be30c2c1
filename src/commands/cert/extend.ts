import {CertEventCommand, daysFlag, serialArg} from '../../cli/cert.js'
import type {CertRequest} from '../../core/cert/index.js'
import type {WorkflowResult} from '../../core/workflow/index.js'

export default class CertExtend extends CertEventCommand<typeof CertExtend> {
  static override summary = 'Extend a certificate at expiry: same key, new validity (期满延期, CERT-3)'
  static override description = `Only within the last 30 days before the certificate ends, or up to 30 days after (exit 5 earlier). Files a request; on approval a new certificate for the same key is issued and the old one revoked as superseded.`
  static override examples = ['EGOV_NOW=2028-11-15T10:00:00+08:00 <%= config.bin %> cert extend UK-2026-0001 --days 365']

  static override args = serialArg
  static override flags = {
    days: daysFlag,
  }

  protected readonly event = 'extend' as const

  async run(): Promise<WorkflowResult<CertRequest>> {
    return this.fileWith({days: this.flags.days})
  }
}
