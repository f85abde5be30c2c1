import {CertEventCommand, csrFlag, daysFlag, readCsrFile, serialArg} from '../../cli/cert.js'
import type {CertRequest} from '../../core/cert/index.js'
import type {WorkflowResult} from '../../core/workflow/index.js'

export default class CertRenew extends CertEventCommand<typeof CertRenew> {
  static override summary = 'Renew a certificate: new key, new certificate; the old one is revoked as superseded (更新, CERT-3)'
  static override description = `Files a request; when another operator approves it, a new key and certificate are made (same holder, medium and profile) and the old certificate is revoked with reason superseded at once and put on a new CRL, so a renewal never leaves two valid certificates. For a certificate whose key the holder keeps (issued from a CSR), give the new request with --csr.`
  static override examples = ['<%= config.bin %> cert renew UK-2026-0001']

  static override args = serialArg
  static override flags = {
    csr: csrFlag,
    days: daysFlag,
  }

  protected readonly event = 'renew' as const

  async run(): Promise<WorkflowResult<CertRequest>> {
    return this.fileWith({csr: await readCsrFile(this.flags.csr), days: this.flags.days})
  }
}
