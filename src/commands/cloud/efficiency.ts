import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {forceFlag, readyToWrite} from '../../cli/output-flags.js'
import {type Column, renderTable} from '../../cli/table.js'
import {DEFAULT_DAYS, DEFAULT_THRESHOLD, efficiency, type EfficiencyReport, formatChina, type IssuedOrder, reviewAndIssue, TARGET_UTILISATION, writeEfficiencyWorkbook} from '../../core/cloud/index.js'
import {stateLabel} from '../../core/workflow/index.js'

export default class CloudEfficiency extends EgovCommand<typeof CloudEfficiency> {
  static override summary = 'The efficiency review: under-used in-service systems and a smaller size for each, per unit and provider; systems not reported (CLOUD-8)'
  static override description = `For every in-service system, the 95th percentile of its CPU and of its memory use over the last --days days up to now, from the samples providers report (egov cloud usage import). The percentile is the nearest rank: of n samples in ascending order, the ⌈0.95·n⌉-th — a value actually observed, with at least 95% of the samples at or below it.

A system whose p95 CPU and p95 memory are both under --threshold percent is flagged, with a suggested size per VM: ⌈vCPU × p95 CPU ÷ 70%⌉ vCPU and ⌈GiB × p95 memory ÷ 70%⌉ GiB — the size at which the p95 would sit at 70% — in whole vCPU and GiB, at least 1; disks, bandwidth and addresses stay as they are. The envelope it frees is summed per unit and provider, for the bureau's order to fix (第二十条) and the provider's optimisation advice (第十条(二)).

In-service systems without a sample in the window are listed apart: their provider has not reported. --out writes the review as a workbook (sheets 低效系统, 未报送 and 说明).

--issue-orders --deadline DATE also orders each flagged system's unit to fix it by DATE (整改通知, 第二十条: 责令限期整改), in the same transaction as the review: one request of kind cloud-fix-order per system, with the figures and the suggestion as its finding, due on DATE (egov requests list --overdue once past it). A system that already has an open order keeps it: nothing new is issued for it. With --out the workbook is written before the orders are committed: if it cannot be written (a full disk), no order is issued. See egov cloud fix-order.

--columns and --output (csv, tsv, json, value) give the flagged systems' rows alone for a script (the window line, the per-unit sums and the unreported systems are left out; what --out and --issue-orders did goes to stderr), by key: unit, provider, system, samples, p95Cpu, p95Memory, vcpuPerVm, memoryPerVm.`
  static override examples = [
    '<%= config.bin %> cloud efficiency',
    '<%= config.bin %> cloud efficiency --days 7 --threshold 30 --json',
    '<%= config.bin %> cloud efficiency --out 资源利用评估.xlsx',
    '<%= config.bin %> cloud efficiency --issue-orders --deadline 2027-01-29 --json',
    '<%= config.bin %> cloud efficiency --columns unit,system,p95Cpu,vcpuPerVm --output csv',
  ]

  static override flags = {
    days: Flags.integer({description: `the window: the last DAYS days up to now (1–366) [default: ${DEFAULT_DAYS}]`}),
    threshold: Flags.integer({description: `flag systems whose p95 CPU and p95 memory are both under this percentage (1–100) [default: ${DEFAULT_THRESHOLD}]`}),
    out: Flags.string({description: 'also write the review to this .xlsx workbook'}),
    'issue-orders': Flags.boolean({description: 'issue a fix order (整改通知) to every flagged system, due on --deadline', dependsOn: ['deadline']}),
    deadline: Flags.string({description: 'with --issue-orders: the last day to rectify (YYYY-MM-DD, after today)', dependsOn: ['issue-orders']}),
    force: forceFlag,
    ...EgovCommand.listFlags,
  }

  async run(): Promise<EfficiencyReport & {out?: string; orders?: IssuedOrder[]}> {
    await readyToWrite({out: this.flags.out}, {force: this.flags.force, interactive: this.interactive(), locale: this.locale})
    const pct = (v: number) => `${v.toFixed(1)}%`
    const size = (now: number, then: number) => (now === then ? String(now) : `${now}→${then}`)
    const flaggedColumns: Array<Column<EfficiencyReport['flagged'][number]>> = [
      {header: this.t('cloud.efficiency.col.unit'), key: 'unit', get: (f) => f.unit, shrink: true},
      {header: this.t('cloud.efficiency.col.provider'), key: 'provider', get: (f) => f.provider ?? '—', shrink: true},
      {header: this.t('cloud.efficiency.col.system'), key: 'system', get: (f) => f.system, shrink: true},
      {header: this.t('cloud.efficiency.col.samples'), key: 'samples', get: (f) => String(f.samples)},
      {header: this.t('cloud.efficiency.col.p95Cpu'), key: 'p95Cpu', get: (f) => pct(f.p95Cpu)},
      {header: this.t('cloud.efficiency.col.p95Memory'), key: 'p95Memory', get: (f) => pct(f.p95Memory)},
      {header: this.t('cloud.efficiency.col.vcpuPerVm'), key: 'vcpuPerVm', get: (f) => size(f.perVm.vcpu, f.suggestedPerVm.vcpu)},
      {header: this.t('cloud.efficiency.col.memoryPerVm'), key: 'memoryPerVm', get: (f) => size(f.perVm.memoryGib, f.suggestedPerVm.memoryGib)},
    ]
    this.checkColumns(flaggedColumns)
    const store = await this.store()
    const options = {days: this.flags.days, threshold: this.flags.threshold}
    let orders: IssuedOrder[] | undefined
    let report: EfficiencyReport
    // With --issue-orders the workbook is written inside the orders' transaction, before it commits.
    if (this.flags['issue-orders']) ({report, orders} = await reviewAndIssue(store, {...options, deadline: this.flags.deadline, out: this.flags.out}))
    else {
      report = await efficiency(store, options)
      if (this.flags.out) await writeEfficiencyWorkbook(this.flags.out, report)
    }
    const china = (iso: string) => formatChina(Date.parse(iso) / 1000).slice(0, 16)
    // With --output csv|tsv|json|value only the flagged systems' rows are on stdout; what was written or issued goes to stderr.
    const done = (message: string) => (this.rowsOnly() ? this.logToStderr(message) : this.log(message))
    this.aside(this.t('cloud.efficiency.window', {from: china(report.from), to: china(report.to), days: report.days, reviewed: report.reviewed, samples: report.samples, threshold: report.threshold}))
    if (report.flagged.length) {
      this.aside('')
      this.aside(this.t('cloud.efficiency.flagged', {count: report.flagged.length, target: TARGET_UTILISATION}))
    }
    this.table(report.flagged, flaggedColumns, this.t('cloud.efficiency.noneFlagged', {threshold: report.threshold}))
    if (report.flagged.length) {
      this.aside('')
      this.aside(this.t('cloud.efficiency.byUnit'))
      this.aside(
        renderTable(report.byUnitProvider, [
          {header: this.t('cloud.efficiency.col.unit'), get: (s) => s.unit, shrink: true},
          {header: this.t('cloud.efficiency.col.provider'), get: (s) => s.provider ?? '—', shrink: true},
          {header: this.t('cloud.efficiency.col.systems'), get: (s) => String(s.systems)},
          {header: this.t('cloud.efficiency.col.vcpuTotal'), get: (s) => size(s.envelope.vcpu, s.suggestedEnvelope.vcpu)},
          {header: this.t('cloud.efficiency.col.memoryTotal'), get: (s) => size(s.envelope.memoryGib, s.suggestedEnvelope.memoryGib)},
        ]),
      )
    }
    this.aside('')
    if (report.unreported.length) {
      this.aside(this.t('cloud.efficiency.unreported', {count: report.unreported.length}))
      this.aside(
        renderTable(report.unreported, [
          {header: this.t('cloud.efficiency.col.unit'), get: (u) => u.unit, shrink: true},
          {header: this.t('cloud.efficiency.col.provider'), get: (u) => u.provider ?? '—', shrink: true},
          {header: this.t('cloud.efficiency.col.system'), get: (u) => u.system, shrink: true},
          {header: this.t('cloud.efficiency.col.lastSample'), get: (u) => (u.lastSample ? china(u.lastSample) : '—')},
        ]),
      )
    } else {
      this.aside(this.t('cloud.efficiency.allReported'))
    }
    if (this.flags.out) done(this.t('cloud.efficiency.written', {file: this.flags.out}))
    if (orders) {
      this.aside('')
      if (!orders.length) done(this.t('cloud.order.noneFlagged'))
      for (const o of orders) {
        const r = o.request
        done(
          o.unchanged
            ? this.t('cloud.order.alreadyOpen', {system: o.system, id: r.id, state: stateLabel(r.kind, r.state, this.locale), due: r.dueOn ?? '—'})
            : this.t('cloud.order.issued', {id: r.id, unit: r.applicantUnit, system: o.system, deadline: r.payload.deadline}),
        )
      }
    }
    return {...report, ...(this.flags.out ? {out: this.flags.out} : {}), ...(orders ? {orders} : {})}
  }
}
