import * as Flags from '@oclif/core/flags'

import {CertEventCommand, serialArg} from '../../cli/cert.js'
import type {CertRequest} from '../../core/cert/index.js'
import type {WorkflowResult} from '../../core/workflow/index.js'

export default class CertRevoke extends CertEventCommand<typeof CertRevoke> {
  static override summary = 'Revoke a certificate (撤销, CERT-3)'
  static override description = `Files a request; on approval the certificate is revoked with the reason given and a new CRL is made. A certificate reported lost whose medium is not found is revoked with --reason keyCompromise: its key then goes on the blocklist, and no certificate is ever issued on it again (a new application, renewal or new medium with that key is refused, exit 5, CERT-3). A revoked certificate's key, where egov generated it, is destroyed.`
  static override examples = ['<%= config.bin %> cert revoke UK-2026-0002 --reason keyCompromise']

  static override args = serialArg
  static override flags = {
    reason: Flags.string({description: 'keyCompromise | affiliationChanged | superseded | cessationOfOperation | privilegeWithdrawn | unspecified (asked for on a terminal)'}),
  }

  protected readonly event = 'revoke' as const

  async run(): Promise<WorkflowResult<CertRequest>> {
    return this.fileWith({reason: await this.need(this.flags.reason, 'reason', 'revocation reason (撤销原因)')})
  }
}
