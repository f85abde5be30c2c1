import * as Flags from '@oclif/core/flags'

import {CertCommand} from '../../../cli/cert.js'
import {type CaInfo, caInfo, caWarnings, rootInfo, type RootInfo} from '../../../core/cert/index.js'

export default class CertCaShow extends CertCommand<typeof CertCaShow> {
  static override summary = 'Show the CA: subject, validity, fingerprint and the current CRL'
  static override description =
    'Warns when the current CRL’s next update is less than 2 days away, or past: relying parties reject every certificate once it has lapsed; and when an offline root’s CRL runs out within 30 days. Under a root it shows the chain (the root, its CRL) and any CAs a rollover retired.'
  // --root and --chain need the hierarchy (an offline root), which the examples' database does not have: the README shows them.
  static override examples = ['<%= config.bin %> cert ca show', '<%= config.bin %> cert ca show --pem > ca.pem']

  static override flags = {
    ...CertCommand.asOfFlags,
    pem: Flags.boolean({description: 'print the CA certificate as PEM (to give to relying parties)'}),
    chain: Flags.boolean({description: 'print the CA certificate and the root’s above it as PEM (the chain a server or client sends)', exclusive: ['pem', 'root']}),
    root: Flags.boolean({description: 'print the offline root’s certificate as PEM (the trust anchor relying parties install)', exclusive: ['pem']}),
  }

  async run(): Promise<(CaInfo & {warnings: Array<{key: string; message: string}>}) | RootInfo> {
    const store = await this.store()
    if (this.flags.root) {
      // The root alone: there may be no issuing CA yet.
      const root = await rootInfo(store, {pem: true})
      this.show(() => root.pem!.trimEnd())
      return root
    }
    const info = await caInfo(store, {pem: this.flags.pem || this.flags.chain})
    const warnings = await caWarnings(store, this.locale)
    const rootPem = info.root ? (await rootInfo(store, {pem: true})).pem! : ''
    if (this.flags.pem) {
      this.show(() => info.pem!.trimEnd())
    } else if (this.flags.chain) {
      this.show(() => (info.pem! + rootPem).trimEnd())
    } else {
      const l = (k: Parameters<typeof this.t>[0]) => this.t(k)
      this.show(() =>
        [
          `${this.color.bold(l('cert.label.ca'))}  ${info.name}`,
          `${l('cert.label.subject')}: ${info.subject}`,
          `${l('cert.label.key')}: ${info.keySpec}   ${l('cert.label.validity')}: ${info.notBefore.slice(0, 10)} – ${info.notAfter.slice(0, 10)}`,
          `${l('cert.label.fingerprint')}: SHA-256 ${info.fingerprint}`,
          ...(info.crlUrl ? [`${l('cert.col.crl')}: ${info.crlUrl}`] : []),
          info.crl
            ? `${l('cert.label.crl')}: #${info.crl.number}, ${this.t('cert.label.entries', {count: info.crl.entries})}, ${info.crl.thisUpdate} → ${info.crl.nextUpdate}`
            : `${l('cert.label.crl')}: —`,
          ...(info.caUrl ? [`AIA caIssuers: ${info.caUrl}`] : []),
          ...(info.root
            ? [
                `${this.color.bold(l('cert.label.root'))}  ${info.root.name}   ${info.root.notBefore.slice(0, 10)} – ${info.root.notAfter.slice(0, 10)}   SHA-256 ${info.root.fingerprint}`,
                info.root.crl ? `  ${l('cert.label.crl')}: #${info.root.crl.number}, ${info.root.crl.thisUpdate} → ${info.root.crl.nextUpdate}` : `  ${l('cert.label.crl')}: —`,
              ]
            : []),
          ...(info.retired ?? []).map(
            (r) => `${l('cert.label.retired')}  ${r.name}   ${r.notBefore.slice(0, 10)} – ${r.notAfter.slice(0, 10)}   ${r.retiredAt?.slice(0, 10) ?? ''}   SHA-256 ${r.fingerprint}`,
          ),
        ].join('\n'),
      )
    }
    this.showWarnings(warnings)
    return {...info, warnings: warnings.map((w) => ({key: w.key, message: w.message}))}
  }
}
