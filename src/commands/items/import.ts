import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {compactHeap} from '../../cli/heap.js'
import {printNotes} from '../../cli/problems.js'
import {EgovError} from '../../core/errors.js'
import {importList, type ItemImportOptions, type ItemImportResult} from '../../core/items/index.js'

/** How the import names the encoding a CSV was read in. */
const ENCODING_NAMES: Record<string, string> = {utf8: 'UTF-8', gb18030: 'GB18030', utf16le: 'UTF-16LE', utf16be: 'UTF-16BE'}

export default class ItemsImport extends EgovCommand<typeof ItemsImport> {
  static override summary = 'Check and import a service-item list from a workbook or CSV files'
  static override description = `FILE is a workbook of the template's sheets, or CSV files, one sheet each (the basic sheet alone will do); each CSV's sheet is told by its headers, and its encoding is detected (a BOM: UTF-8 or UTF-16, as Excel's "Unicode 文本" saves; else strict UTF-8, else GB18030, which covers GBK), and so is its delimiter (comma or tab): .csv, .tsv and .txt files are read so. An old .xls workbook is refused with what to do (save it as .xlsx). Headers may sit under a title row, in any order, with stray spaces or full-width characters.

Every cell is checked against the layout (ITEM-2): required elements, the lists of 事项类型, 办件类型, 行使层级 and the other enumerations, 是/否, working days (20, 20个工作日, 当场办结; 承诺 ≤ 法定), telephone numbers, well-formed and unique 事项编码, steps and materials that belong to an item of the file, fee details when 是否收费 is 是. Every problem is reported with its sheet, cell, element, rule and value — all of them, never the first only — and nothing is written unless the whole file is valid (exit 2). --report writes your workbook back with each bad cell marked yellow and the reason in its comment, plus a 错误汇总 sheet.

A valid file is a proposal against the current list (ITEM-4, ITEM-5):
- Items not yet open (pending) are added and changed directly; what changes the list becomes a new version and starts the ITEM-5 clock (an item-update request due in 10 working days, approved by a second person once the item library is updated). A file identical to the list records no version and says so ("unchanged": true).
- An open item (open, paused, or scheduled to open) is not changed by the file: a change of its elements files an "items change" request, and its removal an "items terminate" request, each with its announcement, taking effect --effective (default: the earliest the 3-working-day notice allows) once a second person approves it (egov requests approve ID, X-2). The import lists the requests it filed. With --refuse-open the import is refused instead (exit 5, ITEM-4, naming the items) and nothing is written.
- A file that lists only some of a body's items changes those; the body's other items stay. With --replace the file is the whole list of its 实施主体: their items it does not list are removed (open ones by a terminate request). Removing more than 3 items asks on a terminal, and needs --yes off one (exit 2 otherwise, nothing written).`
  static override strict = false
  static override examples = [
    '<%= config.bin %> items import fixtures/items/list.xlsx --dry-run',
    '<%= config.bin %> items import fixtures/items/list-messy.xlsx --dry-run --report 检查结果.xlsx',
    '<%= config.bin %> items import fixtures/items/list.xlsx',
    '<%= config.bin %> items import fixtures/items/list-v2-gbk.csv --json',
    '<%= config.bin %> items import fixtures/items/list-v2-gbk.csv --replace --dry-run',
  ]

  static override args = {file: Args.string({description: '.xlsx, or .csv files (one per sheet)', required: true})}

  static override flags = {
    'dry-run': Flags.boolean({description: 'check everything, write nothing'}),
    report: Flags.string({description: 'write an annotated copy of the workbook (.xlsx), problems marked on their cells'}),
    encoding: Flags.string({description: 'CSV encoding', options: ['auto', 'utf8', 'gb18030'], default: 'auto'}),
    replace: Flags.boolean({description: 'the file is the whole list of its 实施主体: remove their items it does not list'}),
    yes: Flags.boolean({description: 'confirm removing more than 3 items (needed off a terminal)'}),
    'refuse-open': Flags.boolean({description: 'refuse the import (exit 5, ITEM-4) instead of filing change/terminate requests for open items'}),
    effective: Flags.string({description: 'the date the filed requests take effect (default: the earliest the 3-working-day notice allows)'}),
    reason: Flags.string({description: 'the reason given in the filed requests and their announcements'}),
  }

  async run(): Promise<ItemImportResult> {
    const files = this.positionals
    const store = await this.store()
    const options: ItemImportOptions = {
      dryRun: this.flags['dry-run'],
      report: this.flags.report,
      encoding: this.flags.encoding as 'auto',
      locale: this.locale,
      replace: this.flags.replace,
      confirmed: this.flags.yes,
      refuseOpen: this.flags['refuse-open'],
      effective: this.flags.effective,
      reason: this.flags.reason,
    }
    let result: ItemImportResult
    // A large list is read and written in one pass: its heap is kept compact while it runs.
    const stopCompacting = compactHeap()
    try {
      result = await importList(store, files, options)
    } catch (error) {
      // More than 3 removals: asked on a terminal (nothing was written yet), then imported again as confirmed.
      if (!(error instanceof EgovError && error.key === 'items.import.confirmRemovals') || !this.interactive()) throw error
      const removing = (error.context.details?.removing ?? []) as string[]
      await this.confirm(
        this.t('items.import.confirmPrompt', {count: removing.length, bodies: String(error.params.bodies), codes: removing.slice(0, 5).join(', ') + (removing.length > 5 ? ' …' : '')}),
        false,
      )
      result = await importList(store, files, {...options, confirmed: true})
    } finally {
      stopCompacting()
    }
    if (!this.jsonEnabled()) printNotes(result.notes, this.locale, this.color, files.length > 1)
    for (const [file, encoding] of Object.entries(result.encodings)) this.log(this.t('items.import.encoding', {file, encoding: ENCODING_NAMES[encoding] ?? encoding}))
    const counts = {file: files.join(', '), version: result.version, items: result.items, added: result.added, changed: result.changed, removed: result.removed, unchanged: result.same}
    const summary = result.dryRun ? 'items.import.dryRun' : result.unchanged ? 'items.import.unchanged' : result.version === null ? 'items.import.proposed' : 'items.import.done'
    this.log(this.t(summary, counts))
    if (result.kept) this.log(this.t('items.import.kept', {count: result.kept}))
    for (const r of result.requests) {
      const values = {id: r.id ?? '', action: this.t(`items.action.${r.action}`), code: r.code, name: r.name, effective: r.effective ?? ''}
      this.log(this.t(result.dryRun ? 'items.import.wouldRequest' : 'items.import.request', values))
    }
    for (const r of result.awaiting) this.log(this.t('items.import.awaiting', {id: r.id ?? '', action: this.t(`items.action.${r.action}`), code: r.code}))
    if (result.clock) this.log(this.t('items.import.clock', {due: result.clock.dueOn ?? '—', id: result.clock.requestId}))
    if (result.report) this.log(this.t('items.report.written', {file: result.report.file, count: result.report.marked}))
    return result
  }
}
