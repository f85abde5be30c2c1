import {CertEventCommand, serialArg} from '../../cli/cert.js'
import type {CertRequest} from '../../core/cert/index.js'
import type {WorkflowResult} from '../../core/workflow/index.js'

export default class CertSuspend extends CertEventCommand<typeof CertSuspend> {
  static override summary = 'Suspend a certificate: on hold until resumed (停用, CERT-3)'
  static override description = `Files a request; on approval the certificate is put on hold (CRL reason certificateHold; the history tells it apart from a report of loss) and a new CRL is made.`
  static override examples = ['<%= config.bin %> cert suspend UK-2026-0001']

  static override args = serialArg

  protected readonly event = 'suspend' as const

  async run(): Promise<WorkflowResult<CertRequest>> {
    return this.fileWith({})
  }
}
