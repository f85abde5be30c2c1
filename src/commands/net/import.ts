import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {importPlan, type ImportResult, netPlanLayout} from '../../core/net/index.js'

export default class NetImport extends EgovCommand<typeof NetImport> {
  static override summary = 'Bring an address plan in from a workbook or CSV'
  static override description = `A workbook may have a sheet 地址池 (地址段, 名称, 平面, 备注), whose pools are created outermost first, and a sheet 地址分配 (地址段, 平面, 地址池, 单位, 用途, 状态) of allocations; a CSV holds allocations alone. Headers may sit under a title row, in any order, with full-width characters. 地址池 may be left empty: the deepest pool holding the block is used. 状态 is 已分配 (default) or 预留.

Every row is checked before anything is written — malformed blocks, host bits set (the network address is suggested), unknown planes, blocks outside every pool, overlaps with existing allocations or with other rows of the file — and every problem is reported with its sheet, row and column. Nothing is written unless the whole file is valid (exit 2 otherwise). A row already recorded exactly so is left as it is, so importing the same file twice is harmless. A row over a recorded allocation of the very same block and plane edits its 用途, 状态 and 单位 where they differ (an empty cell leaves the value), audited before and after; --dry-run prints that diff. A block of a unit's connection changes holder or status only through its request (NET-5, NET-6, NET-7). Rows of released blocks (状态 已收回, as net export --all writes them) are history: carried over, never placed. A sheet 存量接入 (单位, 地址段, 平面, 接入方式, 带宽（Mbps）, 接入日期, 依据, 归口部门, 线路费用承担) brings connections in service before egov: each row is filed as net request adopt would file it (several blocks in one 地址段 cell, separated by 、 or spaces), in the same all-or-nothing transaction, each for a second person to approve. CSV files may be UTF-8 or GBK/GB18030 (detected).`
  static override examples = [
    'for u in 市公安局 市教育局 市卫健委 市税务局; do <%= config.bin %> units add $u --kind party-government --level city; done',
    '<%= config.bin %> units add 市邮政分公司 --kind post-office --level city --phone 13912345678',
    '<%= config.bin %> net import fixtures/net/plan.xlsx --dry-run',
    '<%= config.bin %> net import fixtures/net/plan.xlsx',
    '<%= config.bin %> net import fixtures/net/allocations-gbk.csv --json',
  ]

  static override args = {
    file: Args.string({description: '.xlsx or .csv file', required: true}),
  }

  static override flags = {
    'dry-run': Flags.boolean({description: 'check everything, write nothing'}),
    encoding: Flags.string({description: 'CSV encoding', options: ['auto', 'utf8', 'gb18030'], default: 'auto'}),
  }

  async run(): Promise<ImportResult> {
    const store = await this.store()
    const result = await importPlan(store, this.args.file, {dryRun: this.flags['dry-run'], encoding: this.flags.encoding as 'auto', locale: this.locale})
    this.log(
      this.t(result.dryRun ? 'net.import.dryRun' : 'net.import.done', {
        file: result.file,
        count: result.allocations,
        updated: result.updated,
        unchanged: result.alreadyRecorded,
        history: result.history,
        s: result.allocations === 1 ? '' : 's',
      }),
    )
    // The diff: each edited row, field by field, before → after.
    // Named as the file's columns are (the layout's headers: 用途, 单位, 状态).
    const columns = netPlanLayout().sheets.find((sheet) => sheet.key === 'allocations')!.columns
    const label = Object.fromEntries(columns.map((c) => [c.key, c.header])) as Record<string, string>
    for (const u of result.updates) {
      const changes = u.changes.map((c) => `${label[c.field] ?? c.field} ${c.before ?? '—'} → ${c.after ?? '—'}`).join('; ')
      this.log(this.t('net.import.diff', {sheet: u.sheet, row: u.row, cidr: u.cidr, changes}))
    }
    if (result.connections.length) {
      this.log(this.t(result.dryRun ? 'net.import.connectionsDry' : 'net.import.connections', {count: result.connections.length, ids: result.connections.map((c) => c.requestId).join(', ')}))
    }
    return result
  }
}
