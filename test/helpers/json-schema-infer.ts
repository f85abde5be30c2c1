/**
 * A JSON Schema (draft 2020-12) inferred from sample documents: the published output schemas
 * of schemas/output/ are made by this from each command's real --json output (see
 * test/e2e/json-contract.test.ts), so they cannot drift from the code.
 *
 * - an object: its keys as properties, required = the keys every sample has, no other keys
 *   (additionalProperties: false); an object keyed by data rather than by names (a unit's
 *   name, a date, a CIDR) is a map: any key, each value of the merged shape;
 * - an array: its items, merged over every element of every sample;
 * - a value seen as null and as something else: both types;
 * - numbers are "number" (an integer in a sample may be a fraction elsewhere);
 * - an array only ever empty, or an object only ever {}, in the samples: anything in it; a value only
 *   ever null: any value; each said in $comment.
 */

type JsonType = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object'
const TYPE_ORDER: JsonType[] = ['object', 'array', 'string', 'number', 'boolean', 'null']

interface Shape {
  types: Set<JsonType>
  /** How many object samples were seen, and each key's shape and count. */
  objects: number
  props: Map<string, {shape: Shape; count: number}>
  /** Some object sample was keyed by data (see isName). */
  map: boolean
  /** The shape of every array element seen; undefined when no element was. */
  items?: Shape
}

export type Schema = Record<string, unknown>

/** A key that names a field (camelCase, snake_case): anything else makes the object a map. */
const isName = (key: string) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) && !/^\d/.test(key)

const empty = (): Shape => ({types: new Set(), objects: 0, props: new Map(), map: false})

function shapeOf(value: unknown): Shape {
  const s = empty()
  if (value === null) s.types.add('null')
  else if (Array.isArray(value)) {
    s.types.add('array')
    for (const v of value) s.items = s.items ? merge(s.items, shapeOf(v)) : shapeOf(v)
  } else if (typeof value === 'object') {
    s.types.add('object')
    s.objects = 1
    for (const [k, v] of Object.entries(value)) {
      s.props.set(k, {shape: shapeOf(v), count: 1})
      if (!isName(k)) s.map = true
    }
  } else if (typeof value === 'number') s.types.add('number')
  else if (typeof value === 'string') s.types.add('string')
  else if (typeof value === 'boolean') s.types.add('boolean')
  else throw new Error(`not JSON: ${typeof value}`)
  return s
}

function merge(a: Shape, b: Shape): Shape {
  const s: Shape = {types: new Set([...a.types, ...b.types]), objects: a.objects + b.objects, props: new Map(), map: a.map || b.map}
  for (const [k, p] of a.props) s.props.set(k, {...p})
  for (const [k, p] of b.props) {
    const q = s.props.get(k)
    s.props.set(k, q ? {shape: merge(q.shape, p.shape), count: q.count + p.count} : {...p})
  }
  s.items = a.items && b.items ? merge(a.items, b.items) : (a.items ?? b.items)
  return s
}

function emit(s: Shape): Schema {
  // A field only ever null (a comment nobody wrote) holds something else elsewhere: its type is not known.
  if (s.types.size === 1 && s.types.has('null')) return {$comment: 'only ever null in the samples: its type otherwise is not constrained'}
  const types = TYPE_ORDER.filter((t) => s.types.has(t))
  const out: Schema = {type: types.length === 1 ? types[0] : types}
  if (s.types.has('object')) {
    if (s.props.size === 0) {
      out.$comment = 'only ever {} in the samples: its keys are not constrained'
    } else if (s.map) {
      out.additionalProperties = emit([...s.props.values()].map((p) => p.shape).reduce(merge))
    } else {
      const keys = [...s.props.keys()].sort()
      out.properties = Object.fromEntries(keys.map((k) => [k, emit(s.props.get(k)!.shape)]))
      out.required = keys.filter((k) => s.props.get(k)!.count === s.objects)
      out.additionalProperties = false
    }
  }
  if (s.types.has('array')) {
    if (s.items) out.items = emit(s.items)
    else out.$comment = 'only ever empty in the samples: its items are not constrained'
  }
  return out
}

/** The schema of every sample given (at least one). */
export function inferSchema(samples: unknown[]): Schema {
  if (!samples.length) throw new Error('no sample to infer a schema from')
  return emit(samples.map(shapeOf).reduce(merge))
}
