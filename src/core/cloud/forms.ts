import {dirname, isAbsolute, join} from 'node:path'

import {InvalidInput} from '../errors.js'
import {type Locale, type MessageKey, t} from '../i18n/index.js'
import {type LabelField, type LabelFormLayout, readLabelForm, writeLabelForm} from '../io/label-form.js'
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

export interface FormProblem {
  /** the cell (B7), or the flag or key when the values did not come from a workbook */
  cell: string
  field: string
  message: string
  key: MessageKey
  params: Record<string, unknown>
}

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
  const v = text.replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/[,，\s]/g, '')
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
  approvedException?: string
}

function problem(cell: string, field: LabelField, key: MessageKey, params: Record<string, unknown>, locale: Locale): FormProblem {
  return {cell, field: field.label, message: t(key, params, locale), key, params}
}

/**
 * Checks an application's values (text by field key) and returns them typed, or every
 * problem located. `where` names the cell, flag or key of a field; `base` is the folder a
 * relative security-letter path is read from (the workbook's).
 */
export function checkApplication(values: Record<string, string | undefined>, where: (key: string) => string, locale: Locale, base?: string): {values?: ApplicationValues; problems: FormProblem[]} {
  const layout = formLayout('application')
  const problems: FormProblem[] = []
  const out: Record<string, unknown> = {}
  for (const f of layout.fields) {
    const v = (values[f.key] ?? '').trim()
    if (!v) {
      if (f.required) problems.push(problem(where(f.key), f, 'value.required', {column: f.label}, locale))
      continue
    }
    if (f.type === 'integer') {
      const limit = LIMITS[f.key]
      const n = wholeNumber(v, limit.min, limit.max)
      if (n === undefined) problems.push(problem(where(f.key), f, 'cloud.form.badNumber', {column: f.label, value: v, min: limit.min, max: limit.max}, locale))
      else out[f.key] = n
      continue
    }
    if (f.key === 'level') {
      const n = parseLevel(v)
      if (n === undefined) problems.push(problem(where(f.key), f, 'value.notInList', {column: f.label, value: v, list: '1–5（第一级…第五级）'}, locale))
      else out.level = n
      continue
    }
    if (f.key === 'classified') {
      const b = parseYesNo(v)
      if (b === undefined) problems.push(problem(where(f.key), f, 'value.badYesNo', {column: f.label, value: v}, locale))
      else out.classified = b
      continue
    }
    if (f.key === 'securityLetter') {
      out.securityLetter = base && !isAbsolute(v) ? join(base, v) : v
      continue
    }
    out[f.key] = v
  }
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
      ...(out.approvedException ? {approvedException: out.approvedException as string} : {}),
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
  const layout = formLayout('provider')
  const problems: FormProblem[] = []
  const out: Record<string, unknown> = {}
  for (const f of layout.fields) {
    const v = (values[f.key] ?? '').trim()
    if (!v) {
      if (f.required) problems.push(problem(where(f.key), f, 'value.required', {column: f.label}, locale))
      continue
    }
    if (f.type === 'integer') {
      const limit = PROVIDER_LIMITS[f.key]
      const n = wholeNumber(v, limit.min, limit.max)
      if (n === undefined) problems.push(problem(where(f.key), f, 'cloud.form.badNumber', {column: f.label, value: v, min: limit.min, max: limit.max}, locale))
      else out[f.key] = n
      continue
    }
    if (f.key === 'storageTib') {
      const n = Number(v.replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)))
      const gib = Math.round(n * 1024)
      if (!Number.isFinite(n) || n <= 0 || Math.abs(n * 1024 - gib) > 1e-6 || gib > 1_073_741_824) {
        problems.push(problem(where(f.key), f, 'cloud.form.badTib', {column: f.label, value: v}, locale))
      } else out.storageGib = gib
      continue
    }
    if (f.key === 'zones') {
      out.zones = v.split(/[,，、;；\s]+/).map((z) => z.trim()).filter(Boolean)
      continue
    }
    out[f.key] = v
  }
  if (problems.length) return {problems}
  return {
    problems,
    values: {
      name: out.name as string,
      vcpu: out.vcpu as number,
      memoryGib: out.memoryGib as number,
      storageGib: out.storageGib as number,
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
    throw new InvalidInput(first.key, first.params, {field: first.cell})
  }
  throw new InvalidInput('cloud.form.invalid', {file: fromFile, count: problems.length}, {field: 'from-file', details: {problems: problems.map(({cell, field, message}) => ({cell, field, message}))}})
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
