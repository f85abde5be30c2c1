import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {forceFlag, readyToWrite} from '../../cli/output-flags.js'
import {today} from '../../core/clock.js'
import {type KioskFigures, kioskStats, writeKioskStats} from '../../core/kiosk/index.js'

export default class KioskStats extends EgovCommand<typeof KioskStats> {
  static override summary = 'The yearly assessment figures per access unit (KIOSK-5, ITEM-7, ITEM-8)'
  static override description = `Per access unit (第二十条), as of the year's end (31 December, or today for the year under way) by the dates in each kiosk's history — not today's registry: kiosks active and disconnected then and their sites, the kiosks admitted, retired and disconnected during the year, availability (up probes ÷ all heartbeat probes in the year), the unit's items offered on kiosks (items with 自助 cases in the year) and their kiosk cases, all its cases and the share handled online (ITEM-7, from "egov items cases import"), and its high-frequency items (150 cases or more in the year) with no kiosk case yet (ITEM-8). An item belongs to the access unit whose registry name is its 实施主体. The year defaults to the latest with case counts. --out writes the assessment workbook.

--columns and --output (csv, tsv, json, value) give the per-unit rows alone for a script (the as-of line is left out), by key: unit, kiosks, disconnected, sites, moves, availability, kioskItems, kioskCases, cases, online, notOnKiosk.`
  static override examples = [
    '<%= config.bin %> kiosk stats',
    '<%= config.bin %> kiosk stats --year 2025 --out 自助终端年度考核.xlsx',
    '<%= config.bin %> kiosk stats --year 2025 --columns unit,kiosks,availability --output csv',
  ]

  static override flags = {
    year: Flags.integer({description: 'the year (default: the latest with case counts)'}),
    out: Flags.string({description: 'write the assessment sheet (.xlsx)'}),
    force: forceFlag,
    ...EgovCommand.listFlags,
  }

  async run(): Promise<KioskFigures & {file?: string}> {
    await readyToWrite({out: this.flags.out}, {force: this.flags.force, interactive: this.interactive(), locale: this.locale})
    const store = await this.store()
    const figures = await kioskStats(store, {year: this.flags.year, today: today()})
    const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`)
    this.table(figures.units, [
      {header: this.t('col.unit'), get: (u) => u.unit, shrink: true},
      {header: this.t('kiosk.col.kiosks'), key: 'kiosks', get: (u) => String(u.kiosks)},
      {header: this.t('kiosk.col.disconnected'), key: 'disconnected', get: (u) => String(u.disconnected)},
      {header: this.t('kiosk.col.sites'), key: 'sites', get: (u) => String(u.sites)},
      {header: this.t('kiosk.col.movesInYear'), key: 'moves', get: (u) => `+${u.admittedInYear} −${u.retiredInYear} ⏸${u.disconnectionsInYear}`},
      {header: this.t('kiosk.col.availability'), key: 'availability', get: (u) => pct(u.availability)},
      {header: this.t('kiosk.col.kioskItems'), key: 'kioskItems', get: (u) => `${u.kioskItems}/${u.items}`},
      {header: this.t('kiosk.col.kioskCases'), key: 'kioskCases', get: (u) => String(u.kioskCases)},
      {header: this.t('kiosk.col.cases'), key: 'cases', get: (u) => String(u.cases)},
      {header: this.t('kiosk.col.online'), key: 'online', get: (u) => pct(u.onlineShare)},
      {header: this.t('kiosk.col.notOnKiosk'), key: 'notOnKiosk', get: (u) => u.notOnKiosk.map((i) => i.name).join('、'), shrink: true},
    ])
    this.aside(this.t('kiosk.stats.asOf', {year: figures.year, date: figures.asOf}))
    if (this.flags.out) {
      await writeKioskStats(this.flags.out, figures)
      const written = this.t('kiosk.stats.written', {file: this.flags.out, year: figures.year})
      if (this.rowsOnly()) this.logToStderr(written)
      else this.log(written)
      return {...figures, file: this.flags.out}
    }
    return figures
  }
}
