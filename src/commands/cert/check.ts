import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {CertCommand} from '../../cli/cert.js'
import type {MessageKey} from '../../core/i18n/index.js'
import {type CheckResult, checkCertificates} from '../../core/cert/outside.js'

export default class CertCheck extends CertCommand<typeof CertCheck> {
  static override summary = 'Check imported certificates against their issuers’ CRLs'
  static override description = `Fetches each CRL from the certificate's CRL distribution point (http or https; time limit, 20 MB size limit), keeps it until its next update, and reports the revoked ones; they are marked revoked in the inventory. Without SERIAL: every imported certificate. A CRL that cannot be fetched gives result unknown and exit 0; a revoked certificate exits 0 too: scripts read --json.`
  static override examples = ['<%= config.bin %> cert check', '<%= config.bin %> cert check --json']
  static override strict = false

  static override args = {
    serial: Args.string({description: 'serial numbers (hex) or media; default: all imported certificates'}),
  }

  static override flags = {
    timeout: Flags.integer({description: 'seconds to wait for each CRL', default: 10, min: 1, max: 120}),
  }

  async run(): Promise<{results: CheckResult[]}> {
    const {argv} = await this.parse(CertCheck)
    const refs = argv.map(String)
    const store = await this.store()
    const results = await checkCertificates(store, refs, {timeoutMs: this.flags.timeout * 1000})
    this.table(results, [
      {header: this.t('cert.col.serial'), get: (r) => r.serial},
      {header: this.t('cert.col.holder'), get: (r) => r.holder},
      {header: this.t('cert.col.result'), get: (r) => this.t(`cert.check.${r.result}` as MessageKey) + (r.reason ? ` (${r.reason})` : ''), style: (s, r) => (r.result === 'revoked' ? this.color.red(s) : r.result === 'good' ? this.color.green(s) : this.color.yellow(s))},
      {header: this.t('cert.col.crl'), get: (r) => (r.errorKey ? this.t(r.errorKey) : (r.error ?? r.crlUrl ?? '—')), shrink: true},
    ])
    return {results}
  }
}
