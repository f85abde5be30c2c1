import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {forceFlag, readyToWrite} from '../../cli/output-flags.js'
import {exportPlan} from '../../core/net/index.js'

export default class NetExport extends EgovCommand<typeof NetExport> {
  static override summary = 'Take the address plan out as a workbook or CSV'
  static override description = `.xlsx: two sheets, 地址池 and 地址分配, in the layout egov net import reads back; .csv: the allocations (UTF-8 with a BOM, for Excel). Released allocations are left out unless --all.`
  static override examples = ['<%= config.bin %> net export --out plan.xlsx', '<%= config.bin %> net export --out allocations.csv --all']

  static override flags = {
    out: Flags.string({description: 'the file to write (.xlsx or .csv)'}),
    all: Flags.boolean({description: 'include released allocations'}),
    force: forceFlag,
  }

  async run(): Promise<{path: string; pools: number; allocations: number}> {
    const out = await this.need(this.flags.out, 'out', 'out')
    await readyToWrite({out}, {force: this.flags.force, interactive: this.interactive(), locale: this.locale})
    const store = await this.store()
    const result = await exportPlan(store, out, {all: this.flags.all})
    this.log(this.t('net.exported', {count: result.allocations, s: result.allocations === 1 ? '' : 's', path: out}))
    return {path: out, ...result}
  }
}
