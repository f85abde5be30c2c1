import {type Kysely, sql} from '#kysely'

import type {Database} from './schema.js'

/** An SQL identifier, double-quoted (both dialects). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

/** The database's tables, by name: SQLite's own left out; on PostgreSQL those of the current schema. */
export async function tablesOf(db: Kysely<Database>, dialect: 'sqlite' | 'postgres'): Promise<string[]> {
  const rows =
    dialect === 'sqlite'
      ? (await sql<{name: string}>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`.execute(db)).rows
      : (await sql<{name: string}>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`.execute(db)).rows
  return rows.map((r) => r.name)
}
