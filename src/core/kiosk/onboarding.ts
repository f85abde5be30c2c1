import {readdirSync, statSync} from 'node:fs'
import {basename, extname, join, resolve} from 'node:path'

import {EgovError, InvalidInput, NotFound, RuleRefused} from '../errors.js'
import {type Locale, t} from '../i18n/index.js'
import type {LocatedProblem} from '../io/form-reader.js'
import {writeReport} from '../io/form-report.js'
import type {Store} from '../store/index.js'
import {addUnit, findUnit, kindOf, type Unit, unitLevels} from '../units/index.js'
import {fileRequestIn} from '../workflow/index.js'
import {type KioskForm, kioskLayout, readKioskForm} from './form.js'

/** What a kiosk onboarding request (kind kiosk, KIOSK-2) holds: the form's content and the original file, by reference. */
export interface KioskRequestPayload {
  form: KioskForm
  source: {path: string; sha256: string}
  /** Set on approval: kiosks admitted into the registry, and those that failed verification. */
  admitted?: number
  failed?: number
  /** The approval's outcome in one line, as `requests approve` prints it. */
  outcome?: string
}

export interface FormCheck {
  file: string
  sha256?: string
  form?: KioskForm
  /** The applicant is not in the registry yet and will be added with --kind/--level. */
  addUnit?: boolean
  problems: LocatedProblem[]
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
}

export interface ImportResult {
  dryRun: boolean
  files: ImportedForm[]
  imported: number
  failed: number
  reports: string[]
}

/** FORM.xlsx…, or a folder of them (its .xlsx files, Excel's ~$ lock files left out). */
export function expandForms(paths: string[]): {files: string[]; folder: boolean} {
  const files: string[] = []
  let folder = false
  for (const p of paths) {
    let dir = false
    try {
      dir = statSync(p).isDirectory()
    } catch {
      dir = false
    }
    if (dir) {
      folder = true
      const found = readdirSync(p).filter((f) => extname(f).toLowerCase() === '.xlsx' && !f.startsWith('~$')).sort()
      if (!found.length) throw new InvalidInput('kiosk.import.emptyFolder', {path: p}, {field: 'FORM'})
      files.push(...found.map((f) => join(p, f)))
    } else files.push(p)
  }
  return {files, folder: folder || files.length > 1}
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
    if (error instanceof EgovError) return {file, problems: [], error}
    throw error
  }
  const check: FormCheck = {file, sha256: read.sha256, problems: read.problems}
  if (read.problems.length) {
    check.error = new InvalidInput('kiosk.form.invalid', {file: basename(file), count: read.problems.length}, {field: 'FORM', rule: 'KIOSK-3', details: {file, problems: read.problems}})
    return check
  }
  const form = read.form!
  const cell = read.cells.unit
  const locate = (rule: string, message: string): LocatedProblem => {
    const m = /^([A-Z]+)(\d+)$/.exec(cell)
    return {file: basename(file), sheet: read.sheet, row: m ? Number(m[2]) : 0, column: m ? m[1] : '', cell, field: '申请单位', rule, value: form.unit, message}
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
      check.error = new NotFound('kiosk.unitUnknown', params, {field: '申请单位', rule: 'KIOSK-1', details: {file, cell, problems: check.problems}})
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
    const level = unitLevels().find((l) => l.key === unit!.level)?.name ?? unit.level
    const params = {file: basename(file), cell, name: form.unit, kind: kind.name, level}
    check.problems.push(locate('KIOSK-1', t('kiosk.notAccessUnit', params, locale)))
    check.error = new RuleRefused('KIOSK-1', 'kiosk.notAccessUnit', params, {field: '申请单位', details: {file, cell, problems: check.problems}})
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
  const {files, folder} = expandForms(paths)
  const checks: FormCheck[] = []
  for (const file of files) {
    const check = await checkForm(store, file, options)
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
  const reports = options.report ? await writeReports(files, checks, options.report, locale) : []
  const failed = checks.filter((c) => c.error)
  if (!folder && failed.length) {
    const error = failed[0].error!
    if (reports.length) error.context.details = {...error.context.details, report: {file: reports[0], marked: failed[0].problems.length}}
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
  }))
  if (failed.length && !options.partial) {
    throw new EgovError(failed.some((c) => c.error!.code === 'invalid_input') ? 'invalid_input' : failed[0].error!.code, 'kiosk.import.someFailed', {failed: failed.length, total: files.length}, {
      field: 'FORM',
      details: {files: results, problems: failed.flatMap((c) => c.problems)},
    })
  }
  const valid = checks.filter((c) => !c.error)
  if (!options.dryRun && valid.length) {
    await store.write(async (ctx) => {
      for (const c of valid) {
        const form = c.form!
        if (c.addUnit) {
          await addUnit(ctx, {name: form.unit, kind: options.kind!, level: options.level ?? 'city', contact: form.contact, phone: /^1\d{10}$|^0\d{2,3}-\d{7,8}(-\d+)?$/.test(form.contactPhone) ? form.contactPhone : null})
        }
        const payload: KioskRequestPayload = {form, source: {path: resolve(c.file), sha256: c.sha256!}}
        const filed = await fileRequestIn(ctx, {kind: 'kiosk', applicantUnit: form.unit, payload})
        results.find((r) => r.file === c.file)!.requestId = filed.request.id
      }
    })
  }
  return {dryRun: Boolean(options.dryRun), files: results, imported: options.dryRun ? 0 : valid.length, failed: failed.length, reports}
}

/** One annotated copy per form that could be opened: FILE for one form, FILE-<form>.xlsx for several. */
async function writeReports(files: string[], checks: FormCheck[], out: string, locale: Locale): Promise<string[]> {
  if (extname(out).toLowerCase() !== '.xlsx') throw new InvalidInput('io.badExtension', {field: 'report', path: out}, {field: 'report'})
  const written: string[] = []
  const layout = {form: kioskLayout().form, sheets: []}
  for (const c of checks) {
    if (!c.sha256) continue // not a workbook: nothing to annotate
    if (c.error && !c.problems.length && c.error.key !== 'kiosk.import.duplicate') continue
    const target = files.length === 1 ? out : out.replace(/\.xlsx$/i, `-${basename(c.file, extname(c.file))}.xlsx`)
    await writeReport(layout, [c.file], [], c.problems, target, locale)
    written.push(target)
  }
  return written
}
