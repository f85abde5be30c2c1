import {InvalidInput} from '../errors.js'
import {hasMessage, Localized, t} from '../i18n/index.js'
import {nearest} from '../nearest.js'

/**
 * The JSON Schema of each request kind's payload (issue 19): declared once, next to the kind
 * (KindDefinition.payloadSchema), published as schemas/requests/KIND.schema.json (written by
 * scripts/schemas.mjs, checked by test/core/payload-schema.test.ts) and used by the engine
 * with ajv whenever a payload is written (filing, a step's effect, what onEnter merges in) and
 * when a stored one is read back (`egov requests show`, `egov db init`). A payload is a closed
 * object: a key its kind does not have is refused, naming the nearest known key.
 */
export type JsonSchema = Record<string, unknown>

/** Small builders, so each kind's schema reads like its TypeScript type. */
export const js = {
  text: (description?: string): JsonSchema => ({type: 'string', ...(description ? {description} : {})}),
  /** Text that must not be empty. */
  line: (description?: string): JsonSchema => ({type: 'string', minLength: 1, ...(description ? {description} : {})}),
  int: (minimum?: number, maximum?: number, description?: string): JsonSchema => ({
    type: 'integer',
    ...(minimum === undefined ? {} : {minimum}),
    ...(maximum === undefined ? {} : {maximum}),
    ...(description ? {description} : {}),
  }),
  number: (minimum?: number): JsonSchema => ({type: 'number', ...(minimum === undefined ? {} : {minimum})}),
  bool: (): JsonSchema => ({type: 'boolean'}),
  /** A calendar date, YYYY-MM-DD. */
  date: (description?: string): JsonSchema => ({type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', ...(description ? {description} : {})}),
  /** An instant, as egov records them (ISO 8601). */
  instant: (): JsonSchema => ({type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T'}),
  oneOf: (values: readonly (string | number)[], description?: string): JsonSchema => ({enum: [...values], ...(description ? {description} : {})}),
  array: (items: JsonSchema): JsonSchema => ({type: 'array', items}),
  nullable: (schema: JsonSchema): JsonSchema => ({anyOf: [schema, {type: 'null'}]}),
  /** A closed object: these keys only, `required` among them. */
  object: (properties: Record<string, JsonSchema>, required: string[] = [], description?: string): JsonSchema => ({
    type: 'object',
    ...(description ? {description} : {}),
    additionalProperties: false,
    required,
    properties,
  }),
  /** An object whose keys are data (a map), each value of one schema. */
  map: (values: JsonSchema): JsonSchema => ({type: 'object', additionalProperties: values}),
}

/** The published form of a kind's payload schema. */
export function publishedPayloadSchema(kind: string, schema: JsonSchema): JsonSchema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `egov:schemas/requests/${kind}.schema.json`,
    title: `${kind} request payload`,
    ...schema,
  }
}

/** One thing wrong with a payload: the field (a dotted path), the rule, and the nearest known key for an unknown one. */
export interface PayloadProblem {
  field: string
  /** The JSON Schema keyword that failed: additionalProperties (an unknown key), required, type, enum, minimum… */
  rule: string
  /** What the rule expects, as the schema says it (a type, allowed values, a limit). */
  expected?: string
  suggestion?: string
}

interface AjvError {
  keyword: string
  instancePath: string
  params: Record<string, unknown>
  parentSchema?: {properties?: Record<string, unknown>}
  message?: string
}
type Validate = ((data: unknown) => boolean) & {errors?: AjvError[] | null}

const compiled = new Map<string, Validate>()
let ajvInstance: {compile(schema: JsonSchema): Validate} | undefined

/** ajv is CommonJS: its class is the module's default export, under `default` again when loaded from ESM. */
async function ajv(): Promise<{compile(schema: JsonSchema): Validate}> {
  if (!ajvInstance) {
    const mod = (await import('ajv/dist/2020.js')) as unknown as {default: {default?: unknown}}
    const Ajv2020 = (mod.default.default ?? mod.default) as new (options: Record<string, unknown>) => {compile(schema: JsonSchema): Validate}
    ajvInstance = new Ajv2020({allErrors: true, strict: false, verbose: true})
  }
  return ajvInstance
}

function fieldOf(path: string): string {
  return path.split('/').slice(1).join('.')
}

function problemOf(error: AjvError): PayloadProblem {
  const at = fieldOf(error.instancePath)
  const join = (key: string) => (at ? `${at}.${key}` : key)
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(error.params.additionalProperty)
      const known = Object.keys(error.parentSchema?.properties ?? {})
      const suggestion = nearest(key, known)
      return {field: join(key), rule: 'additionalProperties', expected: known.join(', '), ...(suggestion ? {suggestion: join(suggestion)} : {})}
    }
    case 'required':
      return {field: join(String(error.params.missingProperty)), rule: 'required'}
    case 'type':
      return {field: at, rule: 'type', expected: String(error.params.type)}
    case 'enum':
      return {field: at, rule: 'enum', expected: (error.params.allowedValues as unknown[]).map(String).join(', ')}
    case 'minimum':
    case 'maximum':
    case 'minLength':
    case 'minItems':
      return {field: at, rule: error.keyword, expected: String(error.params.limit)}
    case 'pattern':
      return {field: at, rule: 'pattern', expected: String(error.params.pattern)}
    default:
      return {field: at, rule: error.keyword, expected: error.message}
  }
}

/** An unknown key first (the likeliest slip), then the deepest problem: anyOf's own line says less than its branches. */
function rank(p: PayloadProblem): number {
  return p.rule === 'additionalProperties' ? 0 : p.rule === 'anyOf' || p.rule === 'oneOf' ? 2 : 1
}

/** What is wrong with a payload by its kind's schema; none when it matches. */
export async function payloadProblems(kind: string, schema: JsonSchema, payload: unknown): Promise<PayloadProblem[]> {
  let validate = compiled.get(kind)
  if (!validate) {
    validate = (await ajv()).compile(publishedPayloadSchema(kind, schema))
    compiled.set(kind, validate)
  }
  if (validate(payload)) return []
  const seen = new Set<string>()
  const problems: PayloadProblem[] = []
  for (const p of (validate.errors ?? []).map(problemOf).sort((a, b) => rank(a) - rank(b))) {
    const key = `${p.field} ${p.rule}`
    if (seen.has(key)) continue
    seen.add(key)
    problems.push(p)
  }
  return problems
}

/** The rule broken, in the reader's language. */
export function ruleText(p: PayloadProblem): Localized {
  const key = `request.payloadRule.${p.rule}`
  return new Localized((locale) => (hasMessage(key) ? t(key, {expected: p.expected ?? ''}, locale) : `${p.rule}: ${p.expected ?? ''}`))
}

/** A payload as it would be stored: JSON, so keys left undefined are not there. */
export function asStored(payload: unknown): unknown {
  return payload === undefined ? undefined : JSON.parse(JSON.stringify(payload))
}

/**
 * Refuses a payload its kind's schema does not accept (exit 2), naming the field and the rule:
 * an unknown key with the nearest known key, a wrong type, a value out of range.
 */
export async function requireValidPayload(kind: string, schema: JsonSchema, payload: unknown): Promise<void> {
  const [first] = await payloadProblems(kind, schema, asStored(payload))
  if (!first) return
  const known = first.rule === 'additionalProperties'
  throw new InvalidInput(
    known ? (first.suggestion ? 'request.payloadUnknownKeyNear' : 'request.payloadUnknownKey') : 'request.payloadInvalid',
    {kind, field: first.field, suggestion: first.suggestion ?? '', known: first.expected ?? '', rule: ruleText(first)},
    {field: first.field, details: {kind, property: first.field, rule: first.rule, ...(first.expected ? {expected: first.expected} : {}), ...(first.suggestion ? {suggestion: first.suggestion} : {})}},
  )
}
