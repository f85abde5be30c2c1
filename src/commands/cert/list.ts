import * as Flags from '@oclif/core/flags'

import {CertCommand, statusColor, statusText} from '../../cli/cert.js'
import {caWarnings, type Certificate, listCertificates, STATUSES} from '../../core/cert/index.js'

export default class CertList extends CertCommand<typeof CertList> {
  static override summary = 'List certificates: issued here and imported, by status, unit or expiry'
  static override description = `--expiring 30 is the monthly notice list: valid or held certificates that end within 30 days, soonest first. Warns when the current CRL's next update is less than 2 days away or past.`
  static override examples = [
    '<%= config.bin %> cert list',
    '<%= config.bin %> cert list --expiring 30 --json',
    '<%= config.bin %> cert list --status revoked --unit 市人力资源和社会保障局',
    '<%= config.bin %> cert list --expiring 30 --columns serial,holder,expires --output csv',
  ]

  static override flags = {
    ...CertCommand.asOfFlags,
    status: Flags.string({description: 'valid | hold | revoked | expired', options: STATUSES}),
    expiring: Flags.integer({description: 'only certificates ending within this many days', min: 0, max: 3650}),
    unit: Flags.string({description: 'only this unit’s holders'}),
    holder: Flags.string({description: 'only this holder'}),
    ...CertCommand.listFlags,
  }

  async run(): Promise<{certificates: Certificate[]; warnings: Array<{key: string; message: string}>}> {
    const f = this.flags
    const store = await this.store()
    const certificates = await listCertificates(store, {status: f.status as Certificate['status'] | undefined, expiring: f.expiring, unit: f.unit, holder: f.holder})
    const warnings = await caWarnings(store, this.locale)
    this.table(
      certificates,
      [
        {header: this.t('cert.col.serial'), key: 'serial', get: (c) => c.serial},
        {header: this.t('cert.col.holder'), key: 'holder', get: (c) => c.holder.name},
        {header: this.t('cert.col.unit'), key: 'unit', get: (c) => c.holder.unit, shrink: true},
        {header: this.t('cert.col.medium'), key: 'medium', get: (c) => c.medium ?? '—'},
        {header: this.t('cert.col.profile'), key: 'profile', get: (c) => c.profile ?? c.source},
        {header: this.t('cert.col.status'), key: 'status', get: (c) => statusText(c, this.locale), style: (s, c) => statusColor(c, this.color)(s)},
        {header: this.t('cert.col.notAfter'), key: 'expires', get: (c) => c.notAfter.slice(0, 10)},
        {header: this.t('cert.col.daysLeft'), key: 'days', get: (c) => String(c.daysLeft)},
      ],
      this.t('cert.none'),
    )
    this.showWarnings(warnings)
    return {certificates, warnings: warnings.map((w) => ({key: w.key, message: w.message}))}
  }
}
