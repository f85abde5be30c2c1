import * as Flags from '@oclif/core/flags'

import {CertEventCommand, serialArg} from '../../cli/cert.js'
import type {CertRequest} from '../../core/cert/events.js'
import type {WorkflowResult} from '../../core/workflow/index.js'

export default class CertRevoke extends CertEventCommand<typeof CertRevoke> {
  static override summary = 'Revoke a certificate (撤销, CERT-3)'
  static override description = `Files a request; on approval the certificate is revoked with the reason given and a new CRL is made. A certificate reported lost whose medium is not found is revoked with --reason keyCompromise.`
  static override examples = ['<%= config.bin %> cert revoke UK-2026-0002 --reason keyCompromise']

  static override args = serialArg
  static override flags = {
    reason: Flags.string({description: 'keyCompromise | affiliationChanged | superseded | cessationOfOperation | unspecified', required: true}),
  }

  protected readonly event = 'revoke' as const

  async run(): Promise<WorkflowResult<CertRequest>> {
    return this.fileWith({reason: this.flags.reason})
  }
}
