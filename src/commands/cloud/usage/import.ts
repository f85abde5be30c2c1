import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../../cli/base.js'
import {formatChina, importUsage, type UsageImportResult} from '../../../core/cloud/index.js'

const ENCODING_NAMES: Record<string, string> = {utf8: 'UTF-8', gb18030: 'GB18030', utf16le: 'UTF-16LE', utf16be: 'UTF-16BE'}

export default class CloudUsageImport extends EgovCommand<typeof CloudUsageImport> {
  static override summary = 'Import providers’ utilisation reports: CPU, memory and disk use per system and time (CLOUD-8)'
  static override description = `FILE is a CSV (UTF-8 or GB18030/GBK, or UTF-16 by its BOM, detected; commas or tabs, told from the header) or an .xlsx workbook, read as a stream: one row per system and sampling time, under the headers 系统名称, 采集时间, CPU使用率, 内存使用率, 磁盘使用率 (or system, time, cpu, memory, disk), in any order, under any title rows.

采集时间: 2026-11-01 08:00[:00] or 2026/11/1 8:00 (China time), ISO 8601 with an offset (2026-11-01T08:00:00+08:00), or a date cell of the workbook; never later than now. Percentages: 0 to 100, with or without %, decimals allowed (kept to one decimal); a workbook cell formatted as a percentage reads as it shows. 系统名称: a system of the government cloud (not a rejected one). The sample goes to the system that had that name at its time — in service from its provisioning (egov cloud provision) to its wipe (egov cloud wipe) or, without one on record, its confirmed release — so a provider's late report of a released system lands on it even after a new system took the name; a sample for a time when no system of that name was in service is a problem, located like any other.

Every bad row is reported with its file, row, cell, field, rule and value — all of them — and nothing is written unless every row is good (exit 2). A sample already recorded for the same system and time is skipped and counted, never overwritten, so importing the same file again changes nothing; the same system and time twice in the files is recorded once when the values agree and reported when they differ.`
  static override strict = false
  static override examples = [
    'EGOV_NOW=2026-12-01T10:00:00+08:00 <%= config.bin %> cloud usage import fixtures/cloud/usage-2026-11.csv --dry-run',
    'EGOV_NOW=2026-12-01T10:00:00+08:00 <%= config.bin %> cloud usage import fixtures/cloud/usage-2026-11.csv',
    'EGOV_NOW=2026-12-01T10:00:00+08:00 <%= config.bin %> cloud usage import fixtures/cloud/usage-2026-11.csv --json',
  ]

  static override args = {file: Args.string({description: '.csv or .xlsx files, one or more', required: true})}

  static override flags = {
    'dry-run': Flags.boolean({description: 'check everything and count what would be added, write nothing'}),
    encoding: Flags.string({description: 'CSV encoding', options: ['auto', 'utf8', 'gb18030'], default: 'auto'}),
  }

  async run(): Promise<UsageImportResult> {
    const files = this.positionals
    const store = await this.store()
    const progress = this.progress(this.t('cloud.usage.progress'))
    const result = await importUsage(store, files, {dryRun: this.flags['dry-run'], encoding: this.flags.encoding as 'auto', locale: this.locale, onProgress: (n) => progress.update(n)})
    progress.stop()
    for (const f of result.files) if (f.encoding) this.log(this.t('cloud.usage.encoding', {file: f.file, encoding: ENCODING_NAMES[f.encoding]}))
    const china = (iso: string | null) => (iso ? formatChina(Date.parse(iso) / 1000).slice(0, 16) : '—')
    const counts = {
      file: files.join(', '),
      read: result.read,
      added: result.added,
      already: result.alreadyRecorded,
      repeated: result.repeated,
      systems: result.systems,
      from: china(result.from),
      to: china(result.to),
    }
    this.log(this.t(result.dryRun ? 'cloud.usage.dryRun' : result.added ? 'cloud.usage.done' : 'cloud.usage.nothingNew', counts))
    return result
  }
}
