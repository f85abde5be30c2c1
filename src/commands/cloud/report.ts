import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {forceFlag, readyToWrite} from '../../cli/output-flags.js'
import {amounts} from '../../cli/cloud.js'
import {type CloudYearReport, cloudYearReport, RESOURCES, type Resource} from '../../core/cloud/index.js'
import {today} from '../../core/clock.js'
import {parseWholeNumber} from '../../core/dates.js'
import {InvalidInput} from '../../core/errors.js'
import {writeSheets} from '../../core/io/tables.js'

export default class CloudReport extends EgovCommand<typeof CloudReport> {
  static override summary = 'The yearly cloud report: onboarded, scaled, released; capacity at year end; assessments (CLOUD-3..8)'
  static override description = `Built from the recorded history, so a past year reads the same whenever it is run. Capacity per provider is as it stood at the year's end; assessments overdue are as of 31 December. --out writes it as a workbook.`
  static override examples = ['<%= config.bin %> cloud report --year 2026', '<%= config.bin %> cloud report --year 2026 --out 政务云年度报告-2026.xlsx']

  static override flags = {
    year: Flags.string({description: 'the year (default: this year)'}),
    out: Flags.string({description: 'also write the report as an .xlsx workbook'}),
    force: forceFlag,
  }

  async run(): Promise<CloudYearReport> {
    await readyToWrite({out: this.flags.out}, {force: this.flags.force, interactive: this.interactive(), locale: this.locale})
    const year = this.flags.year ? parseWholeNumber(this.flags.year, 'year', {min: 2000, max: 2100}) : Number(today().slice(0, 4))
    if (this.flags.out && !this.flags.out.toLowerCase().endsWith('.xlsx')) throw new InvalidInput('io.badExtension', {field: 'out', path: this.flags.out}, {field: 'out'})
    const store = await this.store()
    const report = await cloudYearReport(store, year)
    const c = report.counts
    this.show(() =>
      [
        `${year}: onboarded ${c.onboarded}, scaled ${c.scaled} (changes inside envelopes ${c.changedInside}), migrated ${c.migrated}, released ${c.released}`,
        'capacity at year end:',
        ...report.providers.map(
          (p) => `  ${p.provider} (${p.systems} systems)\n    offered  ${amounts(p.offered)}\n    reserved ${amounts(p.reserved)}\n    in use   ${amounts(p.inUse)}\n    free     ${amounts(p.free)}`,
        ),
        `assessments done: ${report.assessments.done.map((d) => `${this.t(`cloud.kind.${d.kind}` as 'cloud.kind.grading')} pass ${d.pass}, fail ${d.fail}`).join('; ') || '—'}`,
        `overdue at year end: ${report.assessments.overdue.map((d) => `${d.system} ${this.t(`cloud.kind.${d.kind}`)} (due ${d.dueOn})`).join('; ') || '—'}`,
      ].join('\n'),
    )
    if (this.flags.out) {
      const headers: Record<Resource, string> = {vcpu: 'vCPU', memoryGib: '内存GiB', storageGib: '存储GiB', bandwidthMbps: '带宽Mbps', extranetIps: '外网IP', internetIps: '互联网IP'}
      const cols = (...headers: string[]) => headers.map((header) => ({header}))
      await writeSheets(this.flags.out, [
        {name: '概况', columns: cols('年度', '上云系统', '扩缩容', '协议内变更', '迁移', '释放'), rows: [[year, c.onboarded, c.scaled, c.changedInside, c.migrated, c.released]]},
        {
          name: '年末容量',
          columns: cols('服务商', '系统数', '资源', '提供', '预留', '在用', '可用'),
          rows: report.providers.flatMap((p) => RESOURCES.map((r) => [p.provider, p.systems, headers[r], p.offered[r], p.reserved[r], p.inUse[r], p.free[r]])),
        },
        {name: '测评', columns: cols('类别', '通过', '未通过'), rows: report.assessments.done.map((d) => [this.t(`cloud.kind.${d.kind}` as 'cloud.kind.grading'), d.pass, d.fail])},
        {name: '年末逾期测评', columns: cols('系统', '单位', '类别', '应测日期'), rows: report.assessments.overdue.map((d) => [d.system, d.unit, this.t(`cloud.kind.${d.kind}`), d.dueOn])},
      ])
    }
    return report
  }
}
