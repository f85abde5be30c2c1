import * as Flags from '@oclif/core/flags'

import {CertCommand} from '../../../cli/cert.js'
import {type CaInfo, caInfo, caWarnings} from '../../../core/cert/ca.js'

export default class CertCaShow extends CertCommand<typeof CertCaShow> {
  static override summary = 'Show the CA: subject, validity, fingerprint and the current CRL'
  static override description = 'Warns when the current CRL’s next update is less than 2 days away, or past: relying parties reject every certificate once it has lapsed.'
  static override examples = ['<%= config.bin %> cert ca show', '<%= config.bin %> cert ca show --pem > ca.pem']

  static override flags = {
    ...CertCommand.asOfFlags,
    pem: Flags.boolean({description: 'print the CA certificate as PEM (to give to relying parties)'}),
  }

  async run(): Promise<CaInfo & {warnings: Array<{key: string; message: string}>}> {
    const store = await this.store()
    const info = await caInfo(store.db, {pem: this.flags.pem})
    const warnings = await caWarnings(store.db, this.locale)
    if (this.flags.pem) {
      this.show(() => info.pem!.trimEnd())
    } else {
      const l = (k: Parameters<typeof this.t>[0]) => this.t(k)
      this.show(() =>
        [
          `${this.color.bold(l('cert.label.ca'))}  ${info.name}`,
          `${l('cert.label.subject')}: ${info.subject}`,
          `${l('cert.label.key')}: ${info.keySpec}   ${l('cert.label.validity')}: ${info.notBefore.slice(0, 10)} – ${info.notAfter.slice(0, 10)}`,
          `${l('cert.label.fingerprint')}: SHA-256 ${info.fingerprint}`,
          ...(info.crlUrl ? [`${l('cert.col.crl')}: ${info.crlUrl}`] : []),
          info.crl ? `${l('cert.label.crl')}: #${info.crl.number}, ${this.t('cert.label.entries', {count: info.crl.entries})}, ${info.crl.thisUpdate} → ${info.crl.nextUpdate}` : `${l('cert.label.crl')}: —`,
        ].join('\n'),
      )
    }
    this.showWarnings(warnings)
    return {...info, warnings: warnings.map((w) => ({key: w.key, message: w.message}))}
  }
}
