import type {Kysely} from '#kysely'

import {NotFound} from '../errors.js'
import {nearest} from '../nearest.js'
import type {Database} from '../store/index.js'

/** Does every character of `short` appear in `long`, in order (市人社局 in 市人力资源和社会保障局)? */
function abbreviates(short: string, long: string): boolean {
  let i = 0
  for (const ch of long) if (ch === [...short][i]) i++
  return i === [...short].length && short.length > 1
}

/** The registered name a typed unit name most likely meant: a slip of the keyboard, else the shortest name it abbreviates. */
export function suggestUnit(typed: string, names: string[]): string | undefined {
  const t = typed.trim()
  return nearest(t, names) ?? names.filter((n) => n !== t && abbreviates(t, n)).sort((a, b) => a.length - b.length)[0]
}

export async function registeredNames(db: Kysely<Database>): Promise<string[]> {
  return (await db.selectFrom('units').select('name').execute()).map((r) => r.name)
}

/** A unit an address block is for must be in the registry (egov units); an unknown name is exit 3 with the nearest registered name. */
export async function registeredUnit(db: Kysely<Database>, name: string, field = 'unit', names?: string[]): Promise<string> {
  const t = name.trim()
  const row = await db.selectFrom('units').select('name').where('name', '=', t).executeTakeFirst()
  if (row) return row.name
  throw unitNotRegistered(t, names ?? (await registeredNames(db)), field)
}

export function unitNotRegistered(name: string, names: string[], field: string): NotFound {
  const suggestion = suggestUnit(name, names)
  return suggestion ? new NotFound('net.unitNotRegisteredSuggest', {field, name, suggestion}, {field, details: {suggestion}}) : new NotFound('net.unitNotRegistered', {field, name}, {field})
}
