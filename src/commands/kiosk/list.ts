import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {chinaTime} from '../../core/clock.js'
import {type Kiosk, KIOSK_STATUSES, listKiosks} from '../../core/kiosk/index.js'

export default class KioskList extends EgovCommand<typeof KioskList> {
  static override summary = 'List the kiosk registry'
  static override description = `Statuses: pending (verified, its request not yet approved), failed (did not pass verification), active, disconnected, retired.`
  static override examples = ['<%= config.bin %> kiosk list', '<%= config.bin %> kiosk list --unit 市邮政分公司 --status active --json', '<%= config.bin %> kiosk list --site 新华路']

  static override flags = {
    unit: Flags.string({description: 'only this access unit’s kiosks'}),
    site: Flags.string({description: 'only this site: its 编号, or part of its 网点名称'}),
    status: Flags.string({description: 'only this status', options: KIOSK_STATUSES}),
    ...EgovCommand.listFlags,
  }

  async run(): Promise<{kiosks: Kiosk[]}> {
    const store = await this.store()
    const kiosks = await listKiosks(store, this.flags)
    this.table(
      kiosks,
      [
        {header: this.t('kiosk.col.serial'), key: 'serial', get: (k) => k.serial},
        {header: this.t('col.unit'), key: 'unit', get: (k) => k.unit, shrink: true},
        {header: this.t('kiosk.col.site'), key: 'site', get: (k) => `${k.site.no} ${k.site.name}`, shrink: true},
        {header: this.t('kiosk.col.model'), key: 'model', get: (k) => k.model, shrink: true},
        {header: this.t('col.status'), key: 'status', get: (k) => this.t(`kiosk.status.${k.status}`)},
        {header: this.t('kiosk.col.lastSeen'), key: 'last-seen', get: (k) => (k.lastSeen ? chinaTime(k.lastSeen) : '')},
        {header: this.t('kiosk.col.note'), key: 'note', get: (k) => k.note ?? '', shrink: true},
      ],
      this.t('kiosk.none'),
    )
    return {kiosks}
  }
}
