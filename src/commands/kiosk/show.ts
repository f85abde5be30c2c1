import * as Args from '@oclif/core/args'

import {EgovCommand} from '../../cli/base.js'
import {type Kiosk, type KioskEvent, type Opinion, OPINION_LABELS, opinionLine, showKiosk} from '../../core/kiosk/index.js'

export default class KioskShow extends EgovCommand<typeof KioskShow> {
  static override summary = 'Show one kiosk, with its history and the opinions its onboarding approvals gave (KIOSK-3)'
  static override examples = ['<%= config.bin %> kiosk show YZ-0001', '<%= config.bin %> kiosk show YZ-0001 --json']

  static override args = {serial: Args.string({description: 'the kiosk’s serial number', required: true})}

  async run(): Promise<Kiosk & {opinions: {office: Opinion | null; leader: Opinion | null}; history: KioskEvent[]}> {
    const store = await this.store()
    const kiosk = await showKiosk(store, this.args.serial)
    this.show(() =>
      [
        `${kiosk.serial}  ${this.t(`kiosk.status.${kiosk.status}`)}`,
        `${this.t('col.unit')}: ${kiosk.unit}`,
        `${this.t('kiosk.col.site')}: ${kiosk.site.no} ${kiosk.site.name}（${kiosk.site.location}）`,
        `${this.t('kiosk.col.model')}: ${kiosk.model}`,
        `${this.t('kiosk.col.request')}: ${kiosk.requestId}`,
        `heartbeat: ${kiosk.heartbeatUrl ?? '—'}`,
        `${this.t('kiosk.col.lastSeen')}: ${kiosk.lastSeen ?? '—'}`,
        ...(kiosk.note ? [`${this.t('kiosk.col.note')}: ${kiosk.note}`] : []),
        // The form's opinion boxes, as the approvals of its request gave them (KIOSK-3).
        `${OPINION_LABELS.office}: ${opinionLine(kiosk.opinions.office ?? undefined) || this.t('kiosk.opinion.none')}`,
        `${OPINION_LABELS.leader}: ${opinionLine(kiosk.opinions.leader ?? undefined) || this.t('kiosk.opinion.none')}`,
        '',
      ].join('\n'),
    )
    this.table(kiosk.history, [
      {header: this.t('col.at'), get: (e) => e.at},
      {header: this.t('col.action'), get: (e) => e.event},
      {header: this.t('col.from'), get: (e) => e.from ?? ''},
      {header: this.t('col.to'), get: (e) => e.to},
      {header: this.t('col.actor'), get: (e) => e.actor},
      {header: this.t('col.comment'), get: (e) => e.note ?? '', shrink: true},
    ])
    return kiosk
  }
}
