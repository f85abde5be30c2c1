import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {type Column, renderTable} from '../../cli/table.js'
import {today} from '../../core/clock.js'
import {yearOf} from '../../core/dates.js'
import {itemStats, type ItemStats, latestCaseYear} from '../../core/items/index.js'

export default class ItemsStats extends EgovCommand<typeof ItemsStats> {
  static override summary = 'The published figures per unit: items, cases, share handled online; items under 150 cases a year (ITEM-6, ITEM-7)'
  static override description = `Per 实施主体: the items of the current list that are not terminated, their cases in the year by channel (窗口, 网上, 自助), the share handled online (网上 ÷ all cases, ITEM-7), and how many items had fewer than 150 cases — those go to the comprehensive window (ITEM-6); --low lists them. The year defaults to the latest with case counts.

--columns and --output (csv, tsv, json, value) give one table's rows alone for a script (the year and the summary line are left out): the per-unit figures, by key: body, items, cases, window, online-channel, self-service, online, lowVolume; with --low, the items under 150 cases instead (at a terminal, after the per-unit table), by key: code, itemName, body, cases.`
  static override examples = [
    '<%= config.bin %> items stats --year 2025',
    '<%= config.bin %> items stats --year 2025 --low --json',
    '<%= config.bin %> items stats --year 2025 --columns body,cases,online --output csv',
  ]

  static override flags = {
    year: Flags.integer({description: 'the year (default: the latest with case counts)', min: 2000, max: 2100}),
    unit: Flags.string({description: 'only this 实施主体'}),
    low: Flags.boolean({description: 'list the items with fewer than 150 cases (ITEM-6)'}),
    ...EgovCommand.listFlags,
  }

  async run(): Promise<Omit<ItemStats, 'items'>> {
    const store = await this.store()
    const year = this.flags.year ?? (await latestCaseYear(store)) ?? yearOf(today())
    const stats = await itemStats(store, {year, body: this.flags.unit, today: today()})
    const pct = (share: number | null) => (share === null ? '—' : `${(share * 100).toFixed(1)}%`)
    const unitColumns: Array<Column<(typeof stats.units)[number]>> = [
      {header: this.t('col.body'), get: (u) => u.body, shrink: true},
      {header: this.t('col.items'), get: (u) => String(u.items)},
      {header: this.t('col.cases'), get: (u) => String(u.cases)},
      {header: '窗口', key: 'window', get: (u) => String(u.byChannel.窗口)},
      {header: '网上', key: 'online-channel', get: (u) => String(u.byChannel.网上)},
      {header: '自助', key: 'self-service', get: (u) => String(u.byChannel.自助)},
      {header: this.t('col.online'), get: (u) => pct(u.onlineShare)},
      {header: this.t('col.lowVolume'), get: (u) => String(u.lowVolume)},
    ]
    if (!stats.units.length && !this.rowsOnly()) this.log(this.t('items.stats.none'))
    else {
      this.aside(`${this.t('col.year')}: ${year}`)
      // --columns and --output apply to the list of low-volume items with --low, else to the per-unit figures.
      if (this.flags.low) this.aside(renderTable(stats.units, unitColumns))
      else this.table(stats.units, unitColumns)
      this.aside(this.t('items.stats.flagged', {count: stats.lowVolume.length, year}))
      if (this.flags.low)
        this.table(
          stats.lowVolume,
          [
            {header: this.t('col.code'), get: (i) => i.code},
            {header: this.t('col.itemName'), get: (i) => i.name, shrink: true},
            {header: this.t('col.body'), get: (i) => i.body, shrink: true},
            {header: this.t('col.cases'), get: (i) => String(i.cases)},
          ],
          '',
        )
    }
    const {items: _items, ...figures} = stats
    return figures
  }
}
