import {EgovCommand} from '../../../cli/base.js'
import {today} from '../../../core/clock.js'
import {type CutOffEntry, cutOffList} from '../../../core/net/index.js'

export default class NetCutoffList extends EgovCommand<typeof NetCutoffList> {
  static override summary = 'Units cut off for rectification, those past their deadline first (NET-7)'
  static override examples = ['<%= config.bin %> net cutoff list', '<%= config.bin %> net cutoff list --json']

  static override flags = {...EgovCommand.asOfFlags, ...EgovCommand.listFlags}

  async run(): Promise<{units: CutOffEntry[]}> {
    const store = await this.store()
    const units = await cutOffList(store, today())
    this.table(
      units,
      [
        {header: this.t('col.unit'), get: (u) => u.unit, shrink: true},
        {header: this.t('col.due'), get: (u) => `${u.rectifyBy ?? '—'}${u.overdue ? ' !' : ''}`, style: (s, u) => (u.overdue ? this.color.red(s) : s)},
        {header: this.t('col.cidr'), get: (u) => u.addresses.join(', '), shrink: true},
      ],
      this.t('netreq.noCutOffs'),
    )
    return {units}
  }
}
