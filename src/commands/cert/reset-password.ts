import {CertEventCommand, serialArg} from '../../cli/cert.js'
import type {CertRequest} from '../../core/cert/events.js'
import type {WorkflowResult} from '../../core/workflow/index.js'

export default class CertResetPassword extends CertEventCommand<typeof CertResetPassword> {
  static override summary = 'Forgotten password or locked medium: allow one more PKCS#12 under a new password (CERT-3)'
  static override description = `Files a request; on approval the key egov keeps may be exported once more (egov cert export SERIAL --p12 FILE) under a new password. Where the holder made the key (CSR), egov has nothing to re-export: the answer is a re-key, egov cert renew SERIAL --csr NEW.csr (exit 4).`
  static override examples = ['<%= config.bin %> cert reset-password UK-2026-0009']

  static override args = serialArg

  protected readonly event = 'reset-password' as const

  async run(): Promise<WorkflowResult<CertRequest>> {
    return this.fileWith({})
  }
}
