import {CertEventCommand, serialArg} from '../../cli/cert.js'
import type {CertRequest} from '../../core/cert/index.js'
import type {WorkflowResult} from '../../core/workflow/index.js'

export default class CertResume extends CertEventCommand<typeof CertResume> {
  static override summary = 'Resume a certificate on hold: valid again, off the next CRL (恢复, CERT-3)'
  static override description = `Files a request; on approval the certificate is valid again and a new CRL without it is made.`
  static override examples = ['<%= config.bin %> cert resume UK-2026-0001']

  static override args = serialArg

  protected readonly event = 'resume' as const

  async run(): Promise<WorkflowResult<CertRequest>> {
    return this.fileWith({})
  }
}
