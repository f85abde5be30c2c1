import * as Flags from '@oclif/core/flags'

import {CertEventCommand, csrFlag, readCsrFile, serialArg} from '../../cli/cert.js'
import type {CertRequest} from '../../core/cert/index.js'
import type {WorkflowResult} from '../../core/workflow/index.js'

export default class CertReplaceMedium extends CertEventCommand<typeof CertReplaceMedium> {
  static override summary = 'Move a holder to a new medium: revoke and reissue (介质丢失、损坏、更换, CERT-3)'
  static override description = `Files a request; on approval a new key and certificate are made for the new medium and the old certificate is revoked: keyCompromise when the medium was lost, superseded otherwise. The new medium must not belong to anyone else (CERT-1).`
  static override examples = ['<%= config.bin %> cert replace-medium UK-2026-0001 --medium UK-2026-0009 --reason damaged']

  static override args = serialArg
  static override flags = {
    medium: Flags.string({description: 'serial of the new medium', required: true}),
    reason: Flags.string({description: 'lost | damaged | replaced', default: 'replaced'}),
    csr: csrFlag,
  }

  protected readonly event = 'replace-medium' as const

  async run(): Promise<WorkflowResult<CertRequest>> {
    return this.fileWith({medium: this.flags.medium, mediumReason: this.flags.reason, csr: await readCsrFile(this.flags.csr)})
  }
}
