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

/**
 * insertRows, handing back the `returning` columns of every row inserted (both dialects
 * have RETURNING): for rows whose generated ids the caller needs. Match the rows by a
 * natural key the caller returns too, not by position.
 */
export async function insertRowsReturning<R>(ctx: Pick<WriteContext, 'db' | 'dialect'>, table: string, columns: readonly string[], rows: unknown[][], returning: readonly string[]): Promise<R[]> {
  const out: R[] = []
  const perStatement = Math.max(1, Math.floor(30_000 / columns.length))
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.slice(i, i + perStatement)
    const params: unknown[] = []
    for (const r of chunk) for (const v of r) params.push(v)
    const text = `${statement(ctx.dialect, table, columns, chunk.length)} returning ${returning.map(quoteIdent).join(', ')}`
    const result = await ctx.db.executeQuery<R>(CompiledQuery.raw(text, params))
    out.push(...result.rows)
  }
  return out
}
