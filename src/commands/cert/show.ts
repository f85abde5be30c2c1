import {CertCommand, serialArg, statusColor, statusText} from '../../cli/cert.js'
import {type CertEvent, type Certificate, certificateHistory, findCertificate} from '../../core/cert/index.js'
import type {MessageKey} from '../../core/i18n/index.js'

export default class CertShow extends CertCommand<typeof CertShow> {
  static override summary = 'Show one certificate: holder, medium, status and its history'
  static override examples = ['<%= config.bin %> cert show UK-2026-0001', '<%= config.bin %> cert show UK-2026-0001 --json']

  static override flags = {...CertCommand.asOfFlags}

  static override args = serialArg

  async run(): Promise<Certificate & {history: CertEvent[]}> {
    const store = await this.store()
    const cert = await findCertificate(store, this.args.serial)
    const history = await certificateHistory(store, cert.serial)
    const l = (k: string) => this.t(k as MessageKey)
    this.show(() =>
      [
        `${this.color.bold(cert.serial)}  ${statusColor(cert, this.color)(statusText(cert, this.locale))}${cert.reason ? ` (${cert.reason})` : ''}`,
        `${l('cert.label.holder')}: ${cert.holder.name}, ${cert.holder.unit}   ${l('cert.label.idNumber')}: ${cert.holder.idNumber}`,
        `${l('cert.col.medium')}: ${cert.medium ?? '—'}   ${l('cert.col.profile')}: ${cert.profile ?? '—'}`,
        `${l('cert.label.subject')}: ${cert.subject}`,
        `${l('cert.label.issuer')}: ${cert.issuer}${cert.serialNumber ? `   (${cert.serialNumber}@${cert.issuerTag})` : ''}`,
        `${l('cert.label.validity')}: ${cert.notBefore.slice(0, 10)} – ${cert.notAfter.slice(0, 10)} (${cert.daysLeft})`,
        `${l('cert.label.key')}: ${cert.keySpec ?? '—'}, ${l(`cert.label.keyOrigin.${cert.keyOrigin}`)}${cert.keyOrigin === 'generated' ? `   ${l('cert.label.exportsLeft')}: ${cert.exportsLeft}` : ''}`,
        ...(cert.replaces ? [`${l('cert.label.replaces')}: ${cert.replaces}`] : []),
        ...(cert.replacedBy ? [`${l('cert.label.replacedBy')}: ${cert.replacedBy}`] : []),
        ...(cert.crlUrl ? [`${l('cert.col.crl')}: ${cert.crlUrl}`] : []),
        this.color.bold(l('label.history')),
        ...history.map((h) => `  ${h.at}  ${h.event}  ${h.actor}${h.requestId ? `  #${h.requestId}` : ''}${h.detail ? `  ${JSON.stringify(h.detail)}` : ''}`),
      ].join('\n'),
    )
    return {...cert, history}
  }
}
