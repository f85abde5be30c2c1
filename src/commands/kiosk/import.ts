import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {basename} from 'node:path'

import {EgovCommand} from '../../cli/base.js'
import {printProblems} from '../../cli/problems.js'
import {EgovError} from '../../core/errors.js'
import '../../core/kinds.js'
import {type ImportedForm, importForms, type ImportResult} from '../../core/kiosk/onboarding.js'

export default class KioskImport extends EgovCommand<typeof KioskImport> {
  static override summary = 'Check filled kiosk onboarding forms and file one request (kind kiosk) per form'
  static override description = `FORM is a filled 自助终端接入申请表 (.xlsx), several of them, or a folder of them. Fields are found by their labels, wherever they sit: a title of its own, extra rows, labels with spaces or full-width characters, more than six placement rows all read. A workbook that is not the form gets one message naming what is missing.

Checks: 申请单位 in the unit registry (or added with --kind and --level), of a kind KIOSK-1 admits (exit 5 otherwise); 联系电话 a mobile or a landline with its area code; 自助终端数量 a positive whole number; every placement row complete, and their 投放数量 adding up to 自助终端数量 (KIOSK-3). Every problem names its file, cell and rule.

Several forms: a result per file; nothing is written unless every form is valid, or --partial files the valid ones. Each valid form files one kiosk request holding its content; the original file is kept by path and SHA-256.`
  static override strict = false
  static override examples = [
    '<%= config.bin %> kiosk import fixtures/kiosk/clean.xlsx --kind service-department --dry-run --report 检查结果.xlsx',
    '<%= config.bin %> kiosk import fixtures/kiosk/moved-fullwidth.xlsx',
    '<%= config.bin %> kiosk import fixtures/kiosk/ten-sites.xlsx --kind bank --level city --json',
  ]

  static override args = {form: Args.string({description: 'FORM.xlsx…, or a folder of forms', required: true})}

  static override flags = {
    'dry-run': Flags.boolean({description: 'check everything, write nothing'}),
    report: Flags.string({description: 'write an annotated copy of the form (.xlsx), problems marked on their cells; for several forms, one per form (FILE-<form>.xlsx)'}),
    partial: Flags.boolean({description: 'several forms: file the valid ones even if others have problems'}),
    kind: Flags.string({description: 'the unit kind, for an applicant not yet in the unit registry (added on import)'}),
    level: Flags.string({description: 'its level (city, county, township, village)', default: 'city'}),
  }

  async run(): Promise<ImportResult> {
    const store = await this.store()
    const opts = {dryRun: this.flags['dry-run'], report: this.flags.report, partial: this.flags.partial, kind: this.flags.kind, level: this.flags.level, locale: this.locale}
    try {
      const result = await importForms(store, this.positionals, opts)
      if (result.files.length > 1) this.resultTable(result.files)
      for (const f of result.files.filter((x) => x.ok)) {
        const params = {file: basename(f.file), unit: f.unit, kiosks: f.kiosks, sites: f.sites, id: f.requestId}
        if (f.unitAdded && !result.dryRun) this.log(this.t('kiosk.import.unitAdded', {unit: f.unit}))
        this.log(this.t(result.dryRun ? 'kiosk.import.dryRun' : 'kiosk.import.done', params))
      }
      if (result.files.length > 1) this.log(this.t('kiosk.import.summary', {total: result.files.length, imported: result.imported, failed: result.failed}))
      for (const file of result.reports) this.log(this.t('kiosk.report.written', {file}))
      return result
    } catch (error) {
      if (!this.jsonEnabled()) {
        const files = error instanceof EgovError ? (error.context.details?.files as ImportedForm[] | undefined) : undefined
        if (files) this.resultTable(files)
        printProblems(error, this.locale, this.color, true)
      }
      throw error
    }
  }

  private resultTable(files: ImportedForm[]): void {
    process.stderr.write('')
    this.table(files, [
      {header: this.t('kiosk.col.file'), get: (f) => basename(f.file), shrink: true},
      {header: this.t('col.unit'), get: (f) => f.unit ?? '', shrink: true},
      {header: this.t('kiosk.col.kiosks'), get: (f) => (f.kiosks === undefined ? '' : String(f.kiosks))},
      {header: this.t('kiosk.col.result'), get: (f) => (f.ok ? (f.requestId ? `#${f.requestId}` : this.t('kiosk.ok')) : `${f.error!.code}${f.error!.rule ? ` ${f.error!.rule}` : ''}`)},
      {header: this.t('col.problem'), get: (f) => f.error?.message ?? '', shrink: true},
    ])
  }
}
