import {dirname, isAbsolute, join} from 'node:path'

import {InvalidInput} from '../errors.js'
import {type Locale, type MessageKey, t} from '../i18n/index.js'
import type {Problem} from '../io/index.js'
import {type LabelField, type LabelFormLayout, readLabelForm, writeLabelForm} from '../io/label-form.js'
import {toHalfWidth} from '../io/values.js'
import {readTemplate} from '../templates.js'
import type {Configuration} from './model.js'

/**
 * The cloud's forms: the 政务云资源申请表 (CLOUD-3) and the provider's admission form
 * (CLOUD-2). One layout each in templates/ drives the blank template, the reader, the
 * checks and the filled export. Flags go through the same checks, so a value is judged the
 * same whether it came from a cell, a JSON/YAML request file or the command line.
 */

export type FormName = 'application' | 'provider'

export function formLayout(name: FormName): LabelFormLayout {
  return readTemplate<LabelFormLayout>(name === 'application' ? 'cloud-application.json' : 'cloud-provider.json')
}

/** The rule each form's fields answer to: the application CLOUD-3 (its exception number CLOUD-9), the provider's admission CLOUD-2. */
const FORM_RULE: Record<FormName, string> = {application: 'CLOUD-3', provider: 'CLOUD-2'}
const FIELD_RULE: Record<string, string> = {approvedException: 'CLOUD-9'}

/**
 * A form's problem (the one located-problem type: cell, field, label, rule, message) with
 * its message's catalogue key beside it, for the flag case (exit 2 with the key); the key
 * stays in core: throwProblems publishes the problem without it.
 */
export type FormProblem = Problem & {cell: string; key: MessageKey; params: Record<string, unknown>}

/** camelCase field key → its flag (memoryGib → memory-gib). */
export function flagOf(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)
}

const LIMITS: Record<string, {min: number; max: number}> = {
  vms: {min: 1, max: 10_000},
  vcpu: {min: 1, max: 1024},
  memoryGib: {min: 1, max: 65_536},
  systemDiskGib: {min: 1, max: 1_048_576},
  dataDiskGib: {min: 0, max: 1_048_576},
  bandwidthMbps: {min: 1, max: 1_000_000},
  extranetIps: {min: 0, max: 65_536},
  internetIps: {min: 0, max: 65_536},
}

function wholeNumber(text: string, min: number, max: number): number | undefined {
  const v = toHalfWidth(text).replace(/[,，\s]/g, '')
  if (!/^\d+$/.test(v)) return undefined
  const n = Number(v)
  return n >= min && n <= max ? n : undefined
}

const LEVELS: Record<string, number> = {一: 1, 二: 2, 三: 3, 四: 4, 五: 5}

/** 等保级别 as written: 3, 三级, 第三级, 等保三级. Levels 1–5 exist; CLOUD-1 decides which may come. */
export function parseLevel(text: string): number | undefined {
  const v = text.trim().replace(/^等保/, '').replace(/^第/, '').replace(/级$/, '')
  const n = /^[1-5]$/.test(v) ? Number(v) : LEVELS[v]
  return n
}

export function parseYesNo(text: string): boolean | undefined {
  const v = text.trim().toLowerCase()
  if (['是', 'yes', 'y', 'true', '1', '涉密'].includes(v)) return true
  if (['否', 'no', 'n', 'false', '0', '不涉密', '非涉密'].includes(v)) return false
  return undefined
}

export interface ApplicationValues {
  unit: string
  system: string
  level: number
  classified: boolean
  config: Configuration
  os: string
  securityLetter: string
  /** CLOUD-9: the number of the approved exception (egov cloud exception) the unit applies under. */
  approvedException?: number
}

function problem(name: FormName, cell: string, field: LabelField, key: MessageKey, params: Record<string, unknown>, locale: Locale): FormProblem {
  return {cell, field: field.label, label: field.label, rule: FIELD_RULE[field.key] ?? FORM_RULE[name], message: t(key, params, locale), key, params}
}

/** A field's own reading: its value, or the message of what is wrong with it. */
type Reader = (text: string, field: LabelField) => {value: unknown} | {key: MessageKey; params: Record<string, unknown>}

/**
 * Reads every field of a form's layout from text values: required fields present, whole
 * numbers within their limits, fields with a reader of their own read by it, the rest kept
 * as text. Every problem is kept, located by `where`.
 */
function readFields(
  name: FormName,
  values: Record<string, string | undefined>,
  where: (key: string) => string,
  locale: Locale,
  limits: Record<string, {min: number; max: number}>,
  readers: Record<string, Reader>,
): {out: Record<string, unknown>; problems: FormProblem[]} {
  const problems: FormProblem[] = []
  const out: Record<string, unknown> = {}
  for (const f of formLayout(name).fields) {
    const v = (values[f.key] ?? '').trim()
    if (!v) {
      if (f.required) problems.push(problem(name, where(f.key), f, 'value.required', {column: f.label}, locale))
      continue
    }
    const read: Reader | undefined =
      readers[f.key] ??
      (f.type === 'integer'
        ? (text) => {
            const limit = limits[f.key]
            if (!limit) throw new Error(`cloud form: integer field ${f.key} has no limits`)
            const {min, max} = limit
            const n = wholeNumber(text, min, max)
            return n === undefined ? {key: 'cloud.form.badNumber', params: {column: f.label, value: text, min, max}} : {value: n}
          }
        : undefined)
    if (!read) {
      out[f.key] = v
      continue
    }
    const r = read(v, f)
    if ('key' in r) problems.push(problem(name, where(f.key), f, r.key, r.params, locale))
    else out[f.key] = r.value
  }
  return {out, problems}
}

/**
 * Checks an application's values (text by field key) and returns them typed, or every
 * problem located. `where` names the cell, flag or key of a field; `base` is the folder a
 * relative security-letter path is read from (the workbook's).
 */
export function checkApplication(values: Record<string, string | undefined>, where: (key: string) => string, locale: Locale, base?: string): {values?: ApplicationValues; problems: FormProblem[]} {
  const {out, problems} = readFields('application', values, where, locale, LIMITS, {
    level: (text, f) => {
      const n = parseLevel(text)
      return n === undefined ? {key: 'value.notInList', params: {column: f.label, value: text, list: '1–5（第一级…第五级）'}} : {value: n}
    },
    classified: (text, f) => {
      const b = parseYesNo(text)
      return b === undefined ? {key: 'value.badYesNo', params: {column: f.label, value: text}} : {value: b}
    },
    securityLetter: (text) => ({value: base && !isAbsolute(text) ? join(base, text) : text}),
    // CLOUD-9: the exception is named by its request number (12, #12, 例外12); the approval itself is checked when filing.
    approvedException: (text, f) => {
      const v = toHalfWidth(text)
        .trim()
        .replace(/^(#|No\.?|例外|第)\s*/i, '')
        .replace(/号$/, '')
      const n = /^\d{1,12}$/.test(v) ? Number(v) : 0
      return n >= 1 ? {value: n} : {key: 'cloud.form.badException', params: {column: f.label, value: text}}
    },
  })
  if (problems.length) return {problems}
  const num = (k: string) => (out[k] as number | undefined) ?? 0
  return {
    problems,
    values: {
      unit: out.unit as string,
      system: out.system as string,
      level: out.level as number,
      classified: out.classified as boolean,
      config: {
        vms: num('vms'),
        vcpu: num('vcpu'),
        memoryGib: num('memoryGib'),
        systemDiskGib: num('systemDiskGib'),
        dataDiskGib: num('dataDiskGib'),
        bandwidthMbps: num('bandwidthMbps'),
        extranetIps: num('extranetIps'),
        internetIps: num('internetIps'),
      },
      os: out.os as string,
      securityLetter: out.securityLetter as string,
      ...(out.approvedException ? {approvedException: out.approvedException as number} : {}),
    },
  }
}

export interface ProviderValues {
  name: string
  vcpu: number
  memoryGib: number
  storageGib: number
  bandwidthMbps: number
  extranetIps: number
  internetIps: number
  zones: string[]
}

const PROVIDER_LIMITS: Record<string, {min: number; max: number}> = {
  vcpu: {min: 1, max: 10_000_000},
  memoryGib: {min: 1, max: 100_000_000},
  bandwidthMbps: {min: 1, max: 100_000_000},
  extranetIps: {min: 0, max: 16_777_216},
  internetIps: {min: 0, max: 16_777_216},
}

export function checkProvider(values: Record<string, string | undefined>, where: (key: string) => string, locale: Locale): {values?: ProviderValues; problems: FormProblem[]} {
  const {out, problems} = readFields('provider', values, where, locale, PROVIDER_LIMITS, {
    storageTib: (text, f) => {
      const n = Number(toHalfWidth(text))
      const gib = Math.round(n * 1024)
      const whole = Number.isFinite(n) && n > 0 && Math.abs(n * 1024 - gib) <= 1e-6 && gib <= 1_073_741_824
      return whole ? {value: gib} : {key: 'cloud.form.badTib', params: {column: f.label, value: text}}
    },
    zones: (text) => ({
      value: text
        .split(/[,，、;；\s]+/)
        .map((z) => z.trim())
        .filter(Boolean),
    }),
  })
  if (problems.length) return {problems}
  return {
    problems,
    values: {
      name: out.name as string,
      vcpu: out.vcpu as number,
      memoryGib: out.memoryGib as number,
      storageGib: out.storageTib as number,
      bandwidthMbps: out.bandwidthMbps as number,
      extranetIps: (out.extranetIps as number | undefined) ?? 0,
      internetIps: (out.internetIps as number | undefined) ?? 0,
      zones: [...new Set((out.zones as string[] | undefined) ?? [])],
    },
  }
}

/**
 * Problems found in flags stop at the first, named by its flag (exit 2); problems in a
 * file are all reported, each located by its cell.
 */
export function throwProblems(problems: FormProblem[], fromFile: string | undefined): never {
  if (!fromFile) {
    const [first] = problems
    if (!first) throw new Error('throwProblems: no problem to report')
    throw new InvalidInput(first.key, first.params, {field: first.cell})
  }
  throw new InvalidInput(
    'cloud.form.invalid',
    {file: fromFile, count: problems.length},
    {field: 'from-file', details: {problems: problems.map(({key: _key, params: _params, ...p}) => p satisfies Problem)}},
  )
}

/** Reads a filled form or a JSON/YAML request file as text values, with where each one is. */
export async function readCloudForm(name: FormName, path: string): Promise<{values: Record<string, string>; where: (key: string) => string; base: string}> {
  const layout = formLayout(name)
  const {values, cells} = await readLabelForm(path, layout)
  const labels = new Map(layout.fields.map((f) => [f.key, f.label]))
  return {values, where: (key) => cells[key] ?? (Object.keys(cells).length ? labels.get(key)! : key), base: dirname(path)}
}

export async function writeCloudForm(name: FormName, path: string, values: Record<string, string | number | undefined> = {}): Promise<void> {
  await writeLabelForm(path, formLayout(name), values)
}
