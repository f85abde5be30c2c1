import {closeSync, mkdirSync, openSync, readSync, readdirSync, statSync} from 'node:fs'
import {basename, dirname, extname, join, resolve} from 'node:path'

import {EgovError, InvalidInput, NotFound, RuleRefused} from '../errors.js'
import {type Locale, t} from '../i18n/index.js'
import {hashFile} from '../io/file-hash.js'
import type {FormNote, LocatedProblem} from '../io/index.js'
import {writeReport} from '../io/form-report.js'
import type {Store} from '../store/index.js'
import {addUnitIn, findUnit, kindOf, type Unit, unitLevels} from '../units/index.js'
import {fileRequestIn} from '../workflow/index.js'
import {type KioskForm, kioskLayout} from './form.js'
import {readKioskForm} from './form-read.js'
import type {Opinions} from './opinions.js'

/** What a kiosk onboarding request (kind kiosk, KIOSK-2) holds: the form's content and the original file, by reference. */
export interface KioskRequestPayload {
  form: KioskForm
  source: {path: string; sha256: string}
  /** Set on approval: kiosks admitted into the registry, and those that failed verification. */
  admitted?: number
  failed?: number
  /** The approval's outcome in one line, as `requests approve` prints it. */
  outcome?: string
  /** The form's opinion boxes, as the approvals gave them (KIOSK-3): the office's review, then the leader's approval. */
  opinions?: Opinions
}

export interface FormCheck {
  file: string
  sha256?: string
  form?: KioskForm
  /** The applicant is not in the registry yet and will be added with --kind/--level. */
  addUnit?: boolean
  problems: LocatedProblem[]
  /** Rows read past without refusing: footer and total lines (合计, 填表人 …). */
  notes?: FormNote[]
  error?: EgovError
}

export interface ImportOptions {
  dryRun?: boolean
  report?: string
  partial?: boolean
  /** Kind and level for an applicant that is not in the unit registry yet. */
  kind?: string
  level?: string
  locale?: Locale
}

export interface ImportedForm {
  file: string
  unit?: string
  kiosks?: number
  sites?: number
  ok: boolean
  requestId?: number
  unitAdded?: boolean
  error?: {code: string; message: string; rule?: string; problems?: number}
  /** Every located problem of a form that failed, in full (text mode prints them all). */
  problemList?: LocatedProblem[]
  /** The annotated copy written for this form (--report, or --partial's default place). */
  report?: string
  /** Rows read past without refusing: footer and total lines (合计, 填表人 …), each with where and why. */
  notes?: FormNote[]
}

/**
 * A file of a folder (or named on the command line) that is not read as a form, and why:
 * an Excel/WPS lock file (~$…), a hidden file, the old .xls format (save it as .xlsx), a
 * scan (.pdf, a picture), another kind of file, a sub-folder, or a workbook none of whose
 * sheets is the form.
 */
export type SkipReason = 'lock' | 'hidden' | 'xls' | 'scan' | 'other' | 'folder' | 'not-a-form'
export interface SkippedFile {
  file: string
  reason: SkipReason
  message: string
}

export interface ImportResult {
  dryRun: boolean
  files: ImportedForm[]
  imported: number
  failed: number
  reports: string[]
  /** Files not read as forms, each with its reason. */
  skipped: SkippedFile[]
}

const OLE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])

function firstBytes(path: string, n = 8): Buffer {
  let fd: number | undefined
  try {
    fd = openSync(path, 'r')
    const buf = Buffer.alloc(n)
    const read = readSync(fd, buf, 0, n, 0)
    return buf.subarray(0, read)
  } catch {
    return Buffer.alloc(0)
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

/** Why a file is not read as a form, from its name and first bytes; undefined for an .xlsx workbook to read. */
export function skipReason(path: string): SkipReason | undefined {
  const name = basename(path)
  if (name.startsWith('~$')) return 'lock'
  if (name.startsWith('.')) return 'hidden'
  const ext = extname(name).toLowerCase()
  const head = firstBytes(path)
  // By content first: an old workbook or a PDF renamed to .xlsx is still what it is.
  if (head.length >= 8 && head.subarray(0, 8).equals(OLE)) return ext === '.xlsx' || ext === '.xls' || ext === '.et' ? 'xls' : 'other'
  if (head.subarray(0, 4).toString('latin1') === '%PDF') return 'scan'
  if (ext === '.xlsx') return undefined
  if (ext === '.xls' || ext === '.et') return 'xls'
  if (['.pdf', '.jpg', '.jpeg', '.png', '.tif', '.tiff', '.bmp', '.ofd'].includes(ext)) return 'scan'
  return 'other'
}

export function skipMessage(file: string, reason: SkipReason, locale: Locale, detail = ''): string {
  return t(`kiosk.skip.${reason === 'not-a-form' ? 'notAForm' : reason}`, {file, detail, ext: extname(file) || '—'}, locale)
}

/** FORM.xlsx…, or a folder of them; every other file of a folder is named in `skipped` with its reason. */
export function expandForms(paths: string[], locale: Locale = 'en'): {files: string[]; folder: boolean; skipped: SkippedFile[]} {
  const files: string[] = []
  const skipped: SkippedFile[] = []
  let folder = false
  const consider = (path: string) => {
    const reason = skipReason(path)
    if (reason) skipped.push({file: path, reason, message: skipMessage(basename(path), reason, locale)})
    else files.push(path)
  }
  for (const p of paths) {
    let dir: boolean
    try {
      dir = statSync(p).isDirectory()
    } catch {
      dir = false
    }
    if (dir) {
      folder = true
      const entries = readdirSync(p).sort()
      if (!entries.length) throw new InvalidInput('kiosk.import.emptyFolder', {path: p}, {field: 'FORM'})
      for (const name of entries) {
        const path = join(p, name)
        let sub: boolean
        try {
          sub = statSync(path).isDirectory()
        } catch {
          sub = false
        }
        if (sub) skipped.push({file: path, reason: 'folder', message: skipMessage(name, 'folder', locale)})
        else consider(path)
      }
    } else if (paths.length === 1) {
      // One file named: a file that is not a form is refused, saying why (exit 2).
      const reason = statExists(p) ? skipReason(p) : undefined
      if (reason && reason !== 'lock' && reason !== 'hidden') {
        throw new InvalidInput(
          `kiosk.skip.${reason === 'not-a-form' ? 'notAForm' : reason}`,
          {file: basename(p), detail: '', ext: extname(p) || '—'},
          {field: 'FORM', rule: 'KIOSK-3', details: {file: p, reason}},
        )
      }
      files.push(p)
    } else if (statExists(p)) consider(p)
    else files.push(p)
  }
  return {files, folder: folder || paths.length > 1, skipped}
}

function statExists(p: string): boolean {
  try {
    statSync(p)
    return true
  } catch {
    return false
  }
}

/**
 * KIOSK-3 and KIOSK-1 for one filled form: its content read and checked, then its
 * applicant looked up in the unit registry (or to be added with its kind) and checked
 * against the kinds of body KIOSK-1 admits.
 */
export async function checkForm(store: Store, file: string, options: ImportOptions = {}): Promise<FormCheck> {
  const locale = options.locale ?? 'en'
  let read
  try {
    read = await readKioskForm(file, locale)
  } catch (error) {
    if (!(error instanceof EgovError)) throw error
    // Labels missing: the workbook can still be annotated, the reason on A1 of the sheet read.
    const sheet = error.context.details?.sheet as string | undefined
    if (error.key === 'kiosk.form.missingLabels' && sheet) {
      const problem: LocatedProblem = {file: basename(file), sheet, row: 1, column: 'A', cell: 'A1', field: 'FORM', rule: 'KIOSK-3', value: '', message: error.localized(locale)}
      return {file, sha256: await hashFile(file), problems: [problem], error}
    }
    return {file, problems: [], error}
  }
  const check: FormCheck = {file, sha256: read.sha256, problems: read.problems, ...(read.notes.length ? {notes: read.notes} : {})}
  if (read.problems.length) {
    check.error = new InvalidInput('kiosk.form.invalid', {file: basename(file), count: read.problems.length}, {field: 'FORM', rule: 'KIOSK-3', details: {file, problems: read.problems}})
    return check
  }
  const form = read.form!
  const cell = read.cells.unit ?? ''
  const locate = (rule: string, message: string): LocatedProblem => {
    const m = /^([A-Z]+)(\d+)$/.exec(cell)
    return {file: basename(file), sheet: read.sheet, row: m ? Number(m[2]) : 0, column: m ? m[1]! : '', cell, field: 'unit', label: '申请单位', rule, value: form.unit, message}
  }
  let unit: Pick<Unit, 'kind' | 'level'> | undefined
  try {
    unit = await findUnit(store.db, form.unit, '申请单位')
  } catch (error) {
    if (!(error instanceof NotFound)) throw error
  }
  if (!unit) {
    if (!options.kind) {
      const params = {file: basename(file), cell, name: form.unit}
      check.problems.push(locate('KIOSK-1', t('kiosk.unitUnknown', params, locale)))
      check.error = new NotFound('kiosk.unitUnknown', params, {field: 'unit', rule: 'KIOSK-1', details: {file, cell, label: '申请单位', problems: check.problems}})
      return check
    }
    const level = options.level ?? 'city'
    try {
      unit = {kind: kindOf(options.kind).key, level: (unitLevels().find((l) => l.key === level || l.name === level)?.key ?? level) as Unit['level']}
    } catch (error) {
      if (error instanceof EgovError) return {...check, error}
      throw error
    }
    check.addUnit = true
  }
  const kind = kindOf(unit.kind)
  // KIOSK-1 (第二条(二)): government service departments at city, county and township
  // level, and state enterprises (post offices, banks) — the kinds flagged kiosk in
  // templates/unit-kinds.json. The level bound applies to the service departments.
  const levelOk = kind.key !== 'service-department' || ['city', 'county', 'township'].includes(unit.level)
  if (!kind.kiosk || !levelOk) {
    const level = unitLevels().find((l) => l.key === unit.level)?.name ?? unit.level
    const params = {file: basename(file), cell, name: form.unit, kind: kind.name, level}
    check.problems.push(locate('KIOSK-1', t('kiosk.notAccessUnit', params, locale)))
    check.error = new RuleRefused('KIOSK-1', 'kiosk.notAccessUnit', params, {field: 'unit', details: {file, cell, label: '申请单位', problems: check.problems}})
    return check
  }
  check.form = form
  return check
}

/**
 * Imports filled forms: each valid one files one onboarding request (kind kiosk) holding
 * its content and the original file by path and SHA-256. All or nothing by default; with
 * `partial`, the valid forms of a folder are filed and the others reported.
 */
export async function importForms(store: Store, paths: string[], options: ImportOptions = {}): Promise<ImportResult> {
  const locale = options.locale ?? 'en'
  const expanded = expandForms(paths, locale)
  const {folder, skipped} = expanded
  const checks = await checkForms(store, expanded, options)
  skipped.sort((a, b) => a.file.localeCompare(b.file))
  const files = checks.map((c) => c.file)
  if (!checks.length) {
    throw new InvalidInput('kiosk.import.noForms', {path: paths.join(' '), skipped: skipped.length}, {field: 'FORM', rule: 'KIOSK-3', details: {skipped, files: []}})
  }
  const failed = checks.filter((c) => c.error)
  // Annotated copies: --report FILE.xlsx or DIR; with --partial and no --report, the forms with problems go to the documented place.
  const reportTarget = options.report ?? (options.partial && failed.length ? defaultReportDir(paths) : undefined)
  const reports = reportTarget ? await writeReports(checks, reportTarget, locale, {onlyProblems: !options.report, folder}) : []
  if (!folder && failed.length) {
    const first = failed[0]!
    const error = first.error!
    if (reports.length) error.context.details = {...error.context.details, report: {file: reports[0]!.file, marked: first.problems.length}}
    throw error
  }
  const results: ImportedForm[] = checks.map((c) => ({
    file: c.file,
    unit: c.form?.unit,
    kiosks: c.form?.count,
    sites: c.form?.placements.length,
    ok: !c.error,
    unitAdded: c.addUnit || undefined,
    error: c.error ? {code: c.error.code, message: c.error.localized(locale), rule: c.error.context.rule, problems: c.problems.length || undefined} : undefined,
    problemList: c.error && c.problems.length ? c.problems : undefined,
    report: reports.find((r) => r.form === c.file)?.file,
    notes: c.notes,
  }))
  if (failed.length && !options.partial) {
    throw new EgovError(
      failed.some((c) => c.error!.code === 'invalid_input') ? 'invalid_input' : failed[0]!.error!.code,
      'kiosk.import.someFailed',
      {failed: failed.length, total: files.length},
      {
        field: 'FORM',
        details: {files: results, skipped, reports: reports.map((r) => r.file), problems: failed.flatMap((c) => c.problems)},
      },
    )
  }
  const valid = checks.filter((c) => !c.error)
  if (!options.dryRun && valid.length) await fileForms(store, valid, results, options)
  return {dryRun: Boolean(options.dryRun), files: results, imported: options.dryRun ? 0 : valid.length, failed: failed.length, reports: reports.map((r) => r.file), skipped}
}

/** Each form checked (checkForm), and one already filed (the same file, by its SHA-256, in a request not rejected) refused; in a folder, a workbook that is not the form is skipped, said in `expanded.skipped`. */
async function checkForms(store: Store, expanded: {files: string[]; folder: boolean; skipped: SkippedFile[]}, options: ImportOptions): Promise<FormCheck[]> {
  const locale = options.locale ?? 'en'
  const checks: FormCheck[] = []
  for (const file of expanded.files) {
    const check = await checkForm(store, file, options)
    // In a folder, a workbook none of whose sheets is the form is skipped, saying which labels it lacks.
    if (expanded.folder && check.error?.key === 'kiosk.form.notAForm') {
      const d = check.error.context.details ?? {}
      const detail = t('kiosk.skip.notAFormDetail', {sheets: ((d.sheets as string[] | undefined) ?? []).join('、') || '—', missing: ((d.missing as string[] | undefined) ?? []).join('、')}, locale)
      expanded.skipped.push({file, reason: 'not-a-form', message: skipMessage(basename(file), 'not-a-form', locale, detail)})
      continue
    }
    if (!check.error && check.sha256) {
      const existing = await store.db
        .selectFrom('requests')
        .select(['id'])
        .where('kind', '=', 'kiosk')
        .where('state', '!=', 'rejected')
        .where('payload', 'like', `%"sha256":"${check.sha256}"%`)
        .executeTakeFirst()
      if (existing) check.error = new EgovError('conflict', 'kiosk.import.duplicate', {file: basename(file), id: Number(existing.id)}, {field: 'FORM', details: {file, requestId: Number(existing.id)}})
    }
    checks.push(check)
  }
  return checks
}

/** In one write transaction, each valid form's onboarding request filed (its applicant added to the registry first when new); the request ids set on `results`. */
async function fileForms(store: Store, valid: FormCheck[], results: ImportedForm[], options: ImportOptions): Promise<void> {
  await store.write(async (ctx) => {
    for (const c of valid) {
      const form = c.form!
      if (c.addUnit) {
        await addUnitIn(ctx, {
          name: form.unit,
          kind: options.kind!,
          level: options.level ?? 'city',
          contact: form.contact,
          phone: /^1\d{10}$|^0\d{2,3}-\d{7,8}(-\d+)?$/.test(form.contactPhone) ? form.contactPhone : null,
        })
      }
      const payload: KioskRequestPayload = {form, source: {path: resolve(c.file), sha256: c.sha256!}}
      const filed = await fileRequestIn(ctx, {kind: 'kiosk', applicantUnit: form.unit, payload})
      results.find((r) => r.file === c.file)!.requestId = filed.request.id
    }
  })
}

/** Where --partial puts the annotated copies when --report is not given: FOLDER-批注/ beside the folder (never inside it, so a second import does not read them as forms). */
export function defaultReportDir(paths: string[]): string {
  // Called when some form failed, so with one path at least; none would read as the working folder.
  const first = resolve(paths[0] ?? '.')
  let dir: boolean
  try {
    dir = statSync(first).isDirectory()
  } catch {
    dir = false
  }
  return dir ? `${first.replace(/[\\/]+$/, '')}-批注` : join(dirname(first), '自助终端申请表-批注')
}

/**
 * Annotated copies of the forms that could be opened. OUT ending in .xlsx: OUT for one form,
 * OUT-<form>.xlsx for several; any other OUT is a folder (made if need be) holding
 * <form>-批注.xlsx for each. `onlyProblems`: only the forms with problems.
 */
async function writeReports(checks: FormCheck[], out: string, locale: Locale, opts: {onlyProblems: boolean; folder: boolean}): Promise<Array<{form: string; file: string}>> {
  const toFile = extname(out).toLowerCase() === '.xlsx'
  if (!toFile && extname(out) && !statExists(out)) throw new InvalidInput('io.badExtension', {field: 'report', path: out}, {field: 'report'})
  if (!toFile) mkdirSync(out, {recursive: true})
  const written: Array<{form: string; file: string}> = []
  const layout = {form: kioskLayout().form, sheets: []}
  for (const c of checks) {
    if (!c.sha256) continue // not a workbook: nothing to annotate
    if (c.error && !c.problems.length && c.error.key !== 'kiosk.import.duplicate') continue
    if (opts.onlyProblems && !c.error) continue
    const stem = basename(c.file, extname(c.file))
    const target = toFile ? (opts.folder ? out.replace(/\.xlsx$/i, `-${stem}.xlsx`) : out) : join(out, `${stem}-批注.xlsx`)
    await writeReport(layout, [c.file], [], c.problems, target, locale)
    written.push({form: c.file, file: target})
  }
  return written
}
