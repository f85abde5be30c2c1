import {InvalidInput} from '../errors.js'
import {type Locale, t} from '../i18n/index.js'
import type {Problem} from '../io/index.js'
import {type LabelField, type LabelFormLayout, readLabelForm, writeLabelForm} from '../io/label-form.js'
import {readTemplate} from '../templates.js'
import type {ApplyInput} from './requests/filing.js'

/**
 * The 电子政务外网接入申请表 (NET-5 申请) as a workbook a unit fills in: one layout
 * (templates/net-application.json) drives the blank template and the reader, so the two
 * cannot disagree. Request files may also be JSON or YAML with the same field keys.
 */
type FormField = LabelField & {key: keyof ApplyInput}

export function applicationLayout(): LabelFormLayout & {fields: FormField[]} {
  return readTemplate<LabelFormLayout & {fields: FormField[]}>('net-application.json')
}

/** A problem of the form: the one located-problem type, with its cell (or the request file's key) and the field's label; the rule is NET-5 (申请). */
export type FormProblem = Problem & {cell: string}

/** Writes the blank form: title, label/value rows with hints, drop-downs for listed values. */
export async function writeApplicationTemplate(path: string): Promise<void> {
  await writeLabelForm(path, applicationLayout())
}

/** Reads a filled form (xlsx), or a JSON/YAML request file, into apply input with every problem located. */
export async function readApplication(path: string, locale: Locale = 'en'): Promise<{input: ApplyInput; cells: Partial<Record<keyof ApplyInput, string>>}> {
  const layout = applicationLayout()
  const {values, cells} = await readLabelForm(path, layout)
  return {input: checkFields(values, (key) => cells[key] ?? layout.fields.find((f) => f.key === key)!.label, locale), cells}
}

function checkFields(values: Record<string, string>, where: (key: string) => string, locale: Locale): ApplyInput {
  const layout = applicationLayout()
  const problems: FormProblem[] = []
  const problem = (key: string, field: string, message: string): FormProblem => ({cell: where(key), field, label: field, rule: 'NET-5', message})
  const out: Record<string, unknown> = {}
  for (const f of layout.fields) {
    const v = (values[f.key] ?? '').trim()
    if (!v) {
      if (f.required) problems.push(problem(f.key, f.label, t('netreq.form.required', {field: f.label}, locale)))
      continue
    }
    if (f.type === 'integer') {
      const n = Number(v.replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)))
      if (!Number.isInteger(n) || n < 1) problems.push(problem(f.key, f.label, t('netreq.form.integer', {field: f.label, value: v}, locale)))
      else out[f.key] = n
      continue
    }
    if (f.list && !f.list.includes(v) && !(f.key === 'accessMode' && ['fiber', 'mstp', 'vpn', 'wireless'].includes(v)) && !(f.key === 'costBearer' && ['bureau', 'unit'].includes(v))) {
      problems.push(problem(f.key, f.label, t('netreq.form.oneOf', {field: f.label, value: v, allowed: f.list.join(', ')}, locale)))
      continue
    }
    out[f.key] = v
  }
  if (out.hosts === undefined && out.prefixLength === undefined && !problems.some((p) => p.label?.startsWith('地址需求'))) {
    problems.push(problem('hosts', '地址需求', t('netreq.form.needOne', {}, locale)))
  }
  if (out.hosts !== undefined && out.prefixLength !== undefined) {
    problems.push(problem('prefixLength', '地址需求（前缀长度）', t('netreq.form.notBoth', {}, locale)))
  }
  if (problems.length) throw new InvalidInput('netreq.formInvalid', {count: problems.length}, {field: 'from-file', details: {problems}})
  return out as unknown as ApplyInput
}
