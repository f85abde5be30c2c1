import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {basename} from 'node:path'

import {EgovCommand} from '../../cli/base.js'
import {printNotes, printProblems} from '../../cli/problems.js'
import {EgovError} from '../../core/errors.js'
import {type ImportedForm, importForms, type ImportResult, type SkippedFile} from '../../core/kiosk/index.js'

export default class KioskImport extends EgovCommand<typeof KioskImport> {
  static override summary = 'Check filled kiosk onboarding forms and file one request (kind kiosk) per form'
  static override description = `FORM is a filled 自助终端接入申请表 (.xlsx), several of them, or a folder of them. Fields are found by their labels, wherever they sit: a title of its own, extra rows, labels with spaces or full-width characters, more than six placement rows all read. A workbook that is not the form gets one message naming what is missing.

Checks: 申请单位 in the unit registry (or added with --kind and --level), of a kind KIOSK-1 admits (exit 5 otherwise); 联系电话 a mobile or a landline with its area code; 自助终端数量 a positive whole number; every placement row complete, and their 投放数量 adding up to 自助终端数量 (KIOSK-3). Every problem names its file, cell and rule.

Several forms, or a folder: a result per file, and every file not read as a form named with its reason (an Excel/WPS lock file ~$…, the old .xls format — save it as .xlsx in Excel or WPS, a PDF or picture — a scan, not a form, a workbook with none of the form's labels). Each refused form's reasons are printed in full. Nothing is written unless every form is valid, or --partial files the valid ones, writes an annotated copy of every form with problems (into --report, else FOLDER-批注/ beside the folder) and exits 2 if any form failed. Each valid form files one kiosk request holding its content; the original file is kept by path and SHA-256.

Exit codes: 0 every form read was filed (or valid, with --dry-run; skipped files alone do not fail); 2 a form with problems (with --partial: the valid ones filed all the same), a single named file that is not a form, or a folder with no form in it; 3 an applicant not in the unit registry without --kind; 4 a file already filed; 5 an applicant KIOSK-1 does not admit.`
  static override strict = false
  static override examples = [
    '<%= config.bin %> kiosk import fixtures/kiosk/clean.xlsx --kind service-department --dry-run --report 检查结果.xlsx',
    '<%= config.bin %> kiosk import fixtures/kiosk/moved-fullwidth.xlsx',
    '<%= config.bin %> kiosk import fixtures/kiosk/ten-sites.xlsx --kind bank --level city --json',
  ]

  static override args = {form: Args.string({description: 'FORM.xlsx…, or a folder of forms', required: true})}

  static override flags = {
    'dry-run': Flags.boolean({description: 'check everything, write nothing'}),
    report: Flags.string({
      description:
        'write an annotated copy of the form (.xlsx), problems marked on their cells; for several forms, one per form (FILE-<form>.xlsx); a folder (no .xlsx ending) gets <form>-批注.xlsx for each',
    }),
    partial: Flags.boolean({description: 'several forms: file the valid ones; the forms with problems get annotated copies (in --report, else FOLDER-批注/ beside the folder) and the exit code is 2'}),
    kind: Flags.string({description: 'the unit kind, for an applicant not yet in the unit registry (added on import)'}),
    level: Flags.string({description: 'its level (city, county, township, village)', default: 'city'}),
  }

  async run(): Promise<ImportResult> {
    const store = await this.store()
    const opts = {dryRun: this.flags['dry-run'], report: this.flags.report, partial: this.flags.partial, kind: this.flags.kind, level: this.flags.level, locale: this.locale}
    const result = await importForms(store, this.positionals, opts)
    this.printSkipped(result.skipped)
    // Footer and total rows read past (合计, 填表人 …): said, never silent.
    if (!this.jsonEnabled()) for (const f of result.files) printNotes(f.notes, this.locale, this.color, true)
    if (result.files.length > 1 || result.skipped.length) this.resultTable(result.files)
    for (const f of result.files.filter((x) => x.ok)) {
      const params = {file: basename(f.file), unit: f.unit, kiosks: f.kiosks, sites: f.sites, id: f.requestId}
      if (f.unitAdded && !result.dryRun) this.log(this.t('kiosk.import.unitAdded', {unit: f.unit}))
      this.log(this.t(result.dryRun ? 'kiosk.import.dryRun' : 'kiosk.import.done', params))
    }
    this.printRefused(result.files)
    if (result.files.length > 1 || result.skipped.length) this.log(this.t('kiosk.import.summary', {total: result.files.length, imported: result.imported, failed: result.failed}))
    if (result.skipped.length) this.log(this.t('kiosk.import.skippedCount', {count: result.skipped.length}))
    // Copies of refused forms are named with their reasons above; the others (valid forms' copies) here.
    const named = new Set(result.files.filter((f) => !f.ok).map((f) => f.report))
    for (const file of result.reports.filter((r) => !named.has(r))) this.log(this.t('kiosk.report.written', {file}))
    // --partial: the valid forms are filed, but a form that failed is exit 2, so a script notices.
    if (result.failed) {
      if (!this.jsonEnabled()) process.stderr.write(this.t('kiosk.import.partialFailed', {failed: result.failed, total: result.files.length, imported: result.imported}) + '\n')
      process.exitCode = 2
    }
    return result
  }

  /**
   * A failure of several forms carries each form's result (details.files): the files read
   * and skipped, the result table, each refused form's reasons in full, the copies written.
   * A failure of one form is its problems, each named with its file.
   */
  protected override showFailure(error: EgovError): void {
    const details = error.context.details
    const files = details?.files as ImportedForm[] | undefined
    this.printSkipped((details?.skipped as SkippedFile[] | undefined) ?? [])
    if (!files) {
      printProblems(error, this.locale, this.color, true)
      return
    }
    if (!files.length) return
    this.resultTable(files)
    this.printRefused(files)
    const named = new Set(files.filter((f) => !f.ok).map((f) => f.report))
    for (const file of ((details?.reports as string[] | undefined) ?? []).filter((r) => !named.has(r))) this.log(this.t('kiosk.report.written', {file}))
  }

  private printSkipped(skipped: SkippedFile[]): void {
    for (const s of skipped) this.log(s.message)
  }

  /** Each refused form's reasons in full, never cut: its error, then every located problem on a line of its own. */
  private printRefused(files: ImportedForm[]): void {
    if (this.jsonEnabled()) return
    for (const f of files.filter((x) => !x.ok)) {
      this.log(this.color.bold(this.t('kiosk.import.refused', {file: basename(f.file), message: f.error!.message})))
      for (const p of f.problemList ?? []) {
        const at = [p.sheet, p.cell || (p.row ? `${this.t('col.row')} ${p.row}` : '')].filter(Boolean).join('!')
        this.log(`  ${at}${p.value ? ` “${p.value}”` : ''}: ${p.message}`)
      }
      if (f.report) this.log(`  ${this.t('kiosk.import.reportFor', {file: basename(f.file), report: f.report})}`)
    }
  }

  private resultTable(files: ImportedForm[]): void {
    this.table(files, [
      {header: this.t('kiosk.col.file'), get: (f) => basename(f.file), shrink: true},
      {header: this.t('col.unit'), get: (f) => f.unit ?? '', shrink: true},
      {header: this.t('kiosk.col.kiosks'), get: (f) => (f.kiosks === undefined ? '' : String(f.kiosks))},
      {
        header: this.t('kiosk.col.result'),
        get: (f) => (f.ok ? (f.requestId ? `#${f.requestId}` : this.t('kiosk.ok')) : `${f.error!.code}${f.error!.rule ? ` ${f.error!.rule}` : ''}${f.error!.problems ? ` ×${f.error!.problems}` : ''}`),
      },
    ])
  }
}
