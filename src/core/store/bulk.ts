import {CompiledQuery} from '#kysely'

import type {WriteContext} from './index.js'
import {quoteIdent} from './tables.js'

const texts = new Map<string, string>()

/**
 * Many rows into one table, as few statements as the parameter limits allow (SQLite
 * 32,766, PostgreSQL 65,535), without building a query tree per value: a large import
 * writes a hundred thousand rows, and Kysely's builder would spend more time than the
 * database. Values are parameters, never spliced into the SQL text.
 */
export async function insertRows(ctx: Pick<WriteContext, 'db' | 'dialect'>, table: string, columns: readonly string[], rows: unknown[][]): Promise<void> {
  if (!rows.length) return
  const perStatement = Math.max(1, Math.floor(30_000 / columns.length))
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.slice(i, i + perStatement)
    const params: unknown[] = []
    for (const r of chunk) for (const v of r) params.push(v)
    await ctx.db.executeQuery(CompiledQuery.raw(statement(ctx.dialect, table, columns, chunk.length), params))
  }
}

function statement(dialect: 'sqlite' | 'postgres', table: string, columns: readonly string[], count: number): string {
  const key = `${dialect}\u0000${table}\u0000${columns.join(',')}\u0000${count}`
  let text = texts.get(key)
  if (text) return text
  const tuples: string[] = []
  let n = 0
  for (let r = 0; r < count; r++) tuples.push(`(${columns.map(() => (dialect === 'postgres' ? `$${++n}` : '?')).join(', ')})`)
  text = `insert into ${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')}) values ${tuples.join(', ')}`
  texts.set(key, text)
  return text
}
