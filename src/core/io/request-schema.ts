import {InvalidInput} from '../errors.js'
import {nearest} from '../nearest.js'
import type {LabelField, LabelFormLayout} from './label-form.js'

/**
 * The JSON Schema of a request file (JSON or YAML): generated from the form's layout, the
 * same one that draws the workbook template and reads it back, so the published schema
 * (schemas/*.schema.json, checked by a test) cannot drift from what egov reads. Strict:
 * a key the form does not have is refused (a typo such as `isClassified` or `dataDisk`
 * would otherwise leave a rule unchecked), and each value has the type its field takes.
 */
export type JsonSchema = Record<string, unknown>

/** The request files egov reads, by schema name; each is a form layout under templates/. */
export const REQUEST_FILE_FORMS = {
  'cloud-application': 'cloud-application.json',
  'cloud-provider': 'cloud-provider.json',
  'net-application': 'net-application.json',
} as const

export type RequestFileForm = keyof typeof REQUEST_FILE_FORMS

const YES_NO = ['否', '是']

function fieldSchema(field: LabelField): JsonSchema {
  const description = [field.label, field.hint].filter(Boolean).join('：')
  if (field.type === 'integer') {
    return {
      description,
      anyOf: [
        {type: 'integer', minimum: 0},
        {type: 'string', pattern: '^\\s*[0-9]+\\s*$'},
      ],
    }
  }
  if (field.list) {
    const yesNo = field.list.length === 2 && field.list.every((v) => YES_NO.includes(v))
    const numbered = field.list.every((v) => /^\d+$/.test(v)) || field.list.some((v) => /^第.级$/.test(v))
    return {
      description: `${description}（${field.list.join('、')}）`,
      anyOf: [{type: 'string'}, ...(yesNo ? [{type: 'boolean'}] : []), ...(numbered ? [{type: 'integer'}] : [])],
    }
  }
  // Free text; a number typed without quotes in YAML is read as its text. Lists (zones) may be an array.
  return {description, anyOf: [{type: 'string'}, {type: 'number'}, {type: 'array', items: {type: 'string'}}]}
}

/** The published schema of a form's request file. */
export function requestFileSchema(name: RequestFileForm, layout: LabelFormLayout): JsonSchema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `egov:schemas/${name}.schema.json`,
    title: `${layout.form}（${name}）`,
    description: `A request file for --from-file, JSON or YAML, with the keys of the ${layout.form}. Keys the form does not have are refused; required keys may instead be given as flags beside the file.`,
    type: 'object',
    additionalProperties: false,
    required: layout.fields.filter((f) => f.required).map((f) => f.key),
    properties: Object.fromEntries(layout.fields.map((f) => [f.key, fieldSchema(f)])),
  }
}

/**
 * Checks a parsed JSON/YAML request file against its form's schema, before any value is
 * read: an unknown key is exit 2 naming it and the nearest known key; a value of the wrong
 * type names its key. Missing required keys are left to the form's reader, since flags
 * beside the file may give them (it names each one, located).
 */
export async function checkRequestFile(data: Record<string, unknown>, layout: LabelFormLayout, file: string): Promise<void> {
  const keys = layout.fields.map((f) => f.key)
  for (const key of Object.keys(data)) {
    if (keys.includes(key)) continue
    const suggestion =
      nearest(key, keys) ??
      nearest(
        key,
        layout.fields.map((f) => f.label),
      )
    const known = suggestion && !keys.includes(suggestion) ? layout.fields.find((f) => f.label === suggestion)!.key : suggestion
    throw new InvalidInput(
      known ? 'io.unknownKeyNear' : 'io.unknownKey',
      {file, key, suggestion: known, known: keys.join(', ')},
      {field: key, details: {file, property: key, ...(known ? {suggestion: known} : {}), known: keys}},
    )
  }
  const Ajv2020 = await loadAjv()
  const ajv = new Ajv2020({allErrors: true, strict: false})
  const validate = ajv.compile({type: 'object', properties: Object.fromEntries(layout.fields.map((f) => [f.key, fieldSchema(f)]))})
  if (validate(data)) return
  const error = validate.errors!.find((e) => e.instancePath)!
  // A non-empty instance path: '/key'.
  const key = error.instancePath.split('/')[1]!
  const spec = layout.fields.find((f) => f.key === key)!
  const expected = spec.type === 'integer' ? 'integer' : spec.list ? spec.list.join('/') : 'text'
  throw new InvalidInput('io.wrongType', {file, key, label: spec.label, expected, value: JSON.stringify(data[key])}, {field: key, details: {file, property: key, label: spec.label, expected}})
}

/** ajv is CommonJS: its class is the module's default export, under `default` again when loaded from ESM. */
async function loadAjv(): Promise<typeof import('ajv/dist/2020.js').Ajv2020> {
  const mod = (await import('ajv/dist/2020.js')) as unknown as {default: {default?: unknown}}
  return (mod.default.default ?? mod.default) as typeof import('ajv/dist/2020.js').Ajv2020
}
