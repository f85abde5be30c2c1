import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import type {Column} from '../../cli/table.js'
import {probeKiosks, type ProbeRun} from '../../core/kiosk/index.js'

export default class KioskProbe extends EgovCommand<typeof KioskProbe> {
  static override summary = 'Check every active kiosk’s heartbeat URL and record what answered'
  static override description = `One GET per kiosk (undici, one shared agent, at most --concurrency at a time, --timeout seconds per request, no retries). Outcomes: up (answered below 400 within the timeout), slow (no answer within the timeout), wrong status (answered 400 or more), down (refused, reset, unresolvable). Each probe is recorded for the availability figures (KIOSK-5); an up kiosk's last-seen time is set. A progress bar shows on a terminal. --columns and --output (csv, tsv, json, value) give the probes alone for a script (the summary line is left out), by key: serial, unit, status, http, ms, problem.`
  static override examples = [
    '<%= config.bin %> kiosk probe --timeout 1',
    '<%= config.bin %> kiosk probe --unit 市邮政分公司 --concurrency 4 --timeout 2 --json',
    '<%= config.bin %> kiosk probe --timeout 1 --columns serial,unit,status --output csv',
  ]

  static override flags = {
    unit: Flags.string({description: 'only this access unit’s kiosks'}),
    concurrency: Flags.integer({description: 'probes in flight at once', default: 8}),
    timeout: Flags.string({description: 'seconds per request', default: '5'}),
    ...EgovCommand.listFlags,
  }

  async run(): Promise<ProbeRun> {
    const columns: Array<Column<ProbeRun['heartbeats'][number]>> = [
      {header: this.t('kiosk.col.serial'), key: 'serial', get: (h) => h.serial},
      {header: this.t('col.unit'), get: (h) => h.unit, shrink: true},
      {header: this.t('col.status'), get: (h) => this.t(`kiosk.outcome.${h.outcome}`)},
      {header: 'HTTP', get: (h) => (h.status === undefined ? '' : String(h.status))},
      {header: 'ms', get: (h) => String(Math.round(h.latencyMs))},
      {header: this.t('col.problem'), get: (h) => h.error ?? '', shrink: true},
    ]
    // Checked before any probe is made or any status recorded: a typo in a column does nothing.
    this.checkColumns(columns)
    const store = await this.store()
    const progress = this.progress(this.t('kiosk.probe.label'))
    let run: ProbeRun
    try {
      run = await probeKiosks(store, {unit: this.flags.unit, concurrency: this.flags.concurrency, timeout: Number(this.flags.timeout), onResult: (done, total) => progress.update(done, total)})
    } finally {
      progress.stop()
    }
    this.table(run.heartbeats, columns)
    this.aside(this.t('kiosk.probe.summary', run.summary))
    return run
  }
}
