import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import type {Column} from '../../cli/table.js'
import {CertCommand} from '../../cli/cert.js'
import type {MessageKey} from '../../core/i18n/index.js'
import {checkCertificates, type CheckResult} from '../../core/cert/index.js'

export default class CertCheck extends CertCommand<typeof CertCheck> {
  static override summary = 'Check imported certificates against their issuers’ CRLs'
  static override description = `Tries the certificate's CRL distribution points in order (http or https; other schemes are skipped with a note; time limit, 20 MB size limit) until one gives a CRL its issuer signed (when the issuer's certificate is known) that has not passed its next update, and keeps that CRL until its next update (--refresh fetches again). Revoked certificates are marked revoked in the inventory, ones on hold (certificateHold) held, and released again when the issuer releases them. Without SERIAL: every imported certificate. No usable CRL gives result unknown (an expired one: "CRL expired") and exit 0; a revoked certificate exits 0 too: scripts read --json, where tried lists every distribution point and what became of it. --columns and --output (csv, tsv, json, value) give the results for a script, by key: serial, holder, result, crl.`
  static override examples = ['<%= config.bin %> cert check', '<%= config.bin %> cert check --refresh --json', '<%= config.bin %> cert check --columns serial,holder,result --output csv']
  static override strict = false

  static override args = {
    serial: Args.string({description: 'serial numbers (hex) or media; default: all imported certificates'}),
  }

  static override flags = {
    timeout: Flags.integer({description: 'seconds to wait for each CRL', default: 10, min: 1, max: 120}),
    refresh: Flags.boolean({description: 'fetch every CRL again, even one cached until its next update'}),
    ...EgovCommand.listFlags,
  }

  async run(): Promise<{results: CheckResult[]}> {
    const {argv} = await this.parse(CertCheck)
    const refs = argv.map(String)
    const columns: Array<Column<CheckResult>> = [
      {header: this.t('cert.col.serial'), key: 'serial', get: (r) => r.serial},
      {header: this.t('cert.col.holder'), key: 'holder', get: (r) => r.holder},
      {
        header: this.t('cert.col.result'),
        key: 'result',
        get: (r) => this.t(`cert.check.${r.result}` as MessageKey) + (r.reason ? ` (${r.reason})` : ''),
        style: (s, r) => (r.result === 'revoked' ? this.color.red(s) : r.result === 'good' ? this.color.green(s) : this.color.yellow(s)),
      },
      {header: this.t('cert.col.crl'), key: 'crl', get: (r) => (r.errorKey ? this.t(r.errorKey) : (r.error ?? r.crlUrl ?? '—')), shrink: true},
    ]
    // Checked before any probe is made or any status recorded: a typo in a column does nothing.
    this.checkColumns(columns)
    const store = await this.store()
    const results = await checkCertificates(store, refs, {timeoutMs: this.flags.timeout * 1000, refresh: this.flags.refresh})
    this.table(results, columns)
    return {results}
  }
}
