import {CertEventCommand, serialArg} from '../../cli/cert.js'
import type {CertRequest} from '../../core/cert/index.js'
import type {WorkflowResult} from '../../core/workflow/index.js'

export default class CertResetPassword extends CertEventCommand<typeof CertResetPassword> {
  static override summary = 'Before a key is delivered: its one PKCS#12 under a new password (CERT-3)'
  static override description = `Files a request; on approval (no CA passphrase needed: nothing is signed) the key egov holds for the certificate may be delivered once (egov cert export SERIAL --p12 FILE) under a new password. A key egov made is destroyed when it is delivered, so after the delivery there is nothing to re-export: a forgotten password or a locked medium needs a new key, egov cert renew SERIAL (exit 4, CERT-3). Where the holder made the key (CSR), egov never had it: egov cert renew SERIAL --csr NEW.csr (exit 4).`
  static override examples = ['<%= config.bin %> cert reset-password UK-2026-0009']

  static override args = serialArg

  protected readonly event = 'reset-password' as const

  async run(): Promise<WorkflowResult<CertRequest>> {
    return this.fileWith({})
  }
}
