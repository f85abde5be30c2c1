import {CertEventCommand, serialArg} from '../../cli/cert.js'
import type {CertRequest} from '../../core/cert/index.js'
import type {WorkflowResult} from '../../core/workflow/index.js'

export default class CertReportLost extends CertEventCommand<typeof CertReportLost> {
  static override summary = 'Report a medium lost: the certificate goes on hold (挂失, CERT-3)'
  static override description = `Files a request; on approval the certificate is put on hold (CRL reason certificateHold) and a new CRL is made. If the medium is found: egov cert resume; if not: egov cert revoke --reason keyCompromise, or egov cert replace-medium --reason lost.`
  static override examples = ['<%= config.bin %> cert report-lost UK-2026-0002']

  static override args = serialArg

  protected readonly event = 'report-lost' as const

  async run(): Promise<WorkflowResult<CertRequest>> {
    return this.fileWith({})
  }
}
