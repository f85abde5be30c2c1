import {readFileSync} from 'node:fs'
import {basename} from 'node:path'

import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {loadedYearExists, validateArrangement} from '../../core/calendar/index.js'
import {changeSettings} from '../../core/config/settings-change.js'
import type {DueDateChange, Request} from '../../core/workflow/index.js'
import {InvalidInput} from '../../core/errors.js'

export default class CalendarLoad extends EgovCommand<typeof CalendarLoad> {
  static override summary = 'Load a year’s official holiday arrangement (X-1)'
  static override description = `For a year the chinese-days package does not carry yet, write the State Council notice as JSON:
  {"year": 2027, "source": "国办发明电〔2026〕X号",
   "holidays": [{"name": "元旦", "from": "2027-01-01", "to": "2027-01-03"}, …],
   "workdays": [{"name": "春节调休", "date": "2027-02-07"}, …]}
Days may also be plain "YYYY-MM-DD" strings. Make-up working days must fall on a weekend. Loading a year replaces that year's arrangement (package or loaded); replacing a loaded year asks for confirmation (--yes).
In the same transaction, every open request whose due date fell in or past that year gets its due date counted again on the new arrangement (the same number of working days from the day its step began); each change is in the request's history (action recompute-due) and the audit trail.
Once there is an operator roster, loading a year changes deadlines, so it takes a second person: it is a request (settings-change) that loads the year when another system-admin approves it (egov requests approve ID; X-2), checked now and loaded as filed.`
  static override examples = ['<%= config.bin %> calendar load fixtures/calendar/example-2027.json --yes']

  static override args = {
    file: Args.string({description: 'JSON file with the year’s arrangement', required: true}),
  }

  static override flags = {
    yes: Flags.boolean({description: 'replace an already loaded year without asking'}),
  }

  async run(): Promise<{year: number; source: string; holidays: number; workdays: number; replaced: boolean; recomputed: DueDateChange[]; pending: boolean; request?: Request}> {
    let text: string
    try {
      text = readFileSync(this.args.file, 'utf8')
    } catch (error) {
      throw new InvalidInput('input.badFile', {field: 'FILE', path: this.args.file, reason: (error as Error).message}, {field: 'FILE'})
    }
    let data: unknown
    try {
      data = JSON.parse(text.replace(/^\uFEFF/, ''))
    } catch (error) {
      throw new InvalidInput('input.badJson', {field: 'FILE', path: this.args.file, reason: (error as Error).message}, {field: 'FILE'})
    }
    const arrangement = validateArrangement(data, basename(this.args.file))
    const store = await this.store()
    if (await loadedYearExists(store, arrangement.year)) await this.confirm(this.t('calendar.replaceYear', {year: arrangement.year}), this.flags.yes)
    const result = await changeSettings(store, {op: 'calendar', arrangement})
    if (result.pending) {
      this.log(this.t('settings.filed', {id: result.request.id, summary: result.request.summary}))
      return {
        year: arrangement.year,
        source: arrangement.source,
        holidays: arrangement.holidays.length,
        workdays: arrangement.workdays.length,
        replaced: false,
        recomputed: [],
        pending: true,
        request: result.request,
      }
    }
    const replaced = result.replaced ?? false
    const recomputed = result.recomputed ?? []
    const summary = {year: arrangement.year, source: arrangement.source, holidays: arrangement.holidays.length, workdays: arrangement.workdays.length, replaced}
    this.log(this.t('calendar.loaded', summary))
    if (recomputed.length) {
      this.log(this.t('calendar.recomputed', {count: recomputed.length}))
      for (const c of recomputed) this.log(`  #${c.id}  ${c.from} → ${c.to}`)
    }
    return {...summary, recomputed, pending: false}
  }
}
