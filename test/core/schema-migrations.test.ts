import {readFileSync} from 'node:fs'

import ts from 'typescript'
import {afterAll, beforeAll, expect, it} from 'vitest'

import type {Store} from '../../src/core/store/index.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

/**
 * `src/core/store/schema.ts` is written by hand beside the migrations (issue 17): this test
 * reads its `Database` interface with the TypeScript compiler and compares it with what the
 * migrations really make, on SQLite and PostgreSQL: the same tables, the same columns, and a
 * column nullable in the database exactly when its type says `| null`. A migration that adds
 * a column the types do not know (or types for a column no migration makes) fails here.
 */
interface Declared {
  columns: Map<string, {nullable: boolean}>
}

function declaredSchema(): Map<string, Declared> {
  const path = new URL('../../src/core/store/schema.ts', import.meta.url)
  const source = ts.createSourceFile('schema.ts', readFileSync(path, 'utf8'), ts.ScriptTarget.ES2022, true)
  const interfaces = new Map<string, ts.InterfaceDeclaration>()
  source.forEachChild((node) => {
    if (ts.isInterfaceDeclaration(node)) interfaces.set(node.name.text, node)
  })
  const database = interfaces.get('Database')
  if (!database) throw new Error('schema.ts has no Database interface')
  const tables = new Map<string, Declared>()
  for (const member of database.members) {
    if (!ts.isPropertySignature(member) || !member.type || !ts.isTypeReferenceNode(member.type)) continue
    const table = (member.name as ts.Identifier).text
    const decl = interfaces.get(member.type.typeName.getText(source))
    if (!decl) throw new Error(`schema.ts: ${table} names an interface it does not declare`)
    const columns = new Map<string, {nullable: boolean}>()
    for (const col of decl.members) {
      if (!ts.isPropertySignature(col) || !col.type) continue
      const type = col.type
      const nullable = ts.isUnionTypeNode(type) && type.types.some((t) => ts.isLiteralTypeNode(t) && t.literal.kind === ts.SyntaxKind.NullKeyword)
      columns.set((col.name as ts.Identifier).text, {nullable})
    }
    tables.set(table, {columns})
  }
  return tables
}

/** Columns one dialect has for its own machinery, which no query reads by name. */
const EXTRA: Record<'sqlite' | 'postgres', Record<string, string[]>> = {
  sqlite: {},
  // The block as PostgreSQL's cidr type, generated from the text, for the exclusion constraint that keeps blocks from overlapping (migration 002).
  postgres: {net_allocations: ['net']},
}

describeEachDialect('schema.ts matches the migrations', (dialect) => {
  let tdb: TestDatabase
  let store: Store
  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    store = await tdb.open()
  })
  afterAll(async () => {
    await store.close()
    await tdb.cleanup()
  })

  it('the same tables, columns and nullability', async () => {
    const declared = declaredSchema()
    const actual = (await tablesOf(tdb, store)).filter((t) => !t.name.startsWith('kysely_'))
    expect(actual.map((t) => t.name).sort(), 'tables').toEqual([...declared.keys()].sort())
    const primaryKey = async (table: string) => (await tdb.sql(`select name from pragma_table_info('${table}') where pk > 0`)).map((r) => String(r.name))
    const mismatches: string[] = []
    for (const table of actual) {
      const want = declared.get(table.name)!
      const have = table.columns.map((c) => c.name).filter((c) => !(EXTRA[dialect][table.name] ?? []).includes(c))
      for (const c of have) if (!want.columns.has(c)) mismatches.push(`${table.name}.${c}: in the database, not in schema.ts`)
      for (const c of want.columns.keys()) if (!have.includes(c)) mismatches.push(`${table.name}.${c}: in schema.ts, not in the database`)
      for (const column of table.columns) {
        const typed = want.columns.get(column.name)
        if (!typed) continue
        // SQLite reports an INTEGER PRIMARY KEY as nullable; it never holds NULL (it is the rowid).
        if (dialect === 'sqlite' && column.isAutoIncrementing) continue
        // SQLite lets a PRIMARY KEY that is not an INTEGER hold NULL (a quirk it keeps for compatibility); egov
        // always writes these keys, and PostgreSQL, which runs the same migrations, makes them NOT NULL.
        if (dialect === 'sqlite' && (await primaryKey(table.name)).includes(column.name)) continue
        if (column.isNullable !== typed.nullable)
          mismatches.push(`${table.name}.${column.name}: ${column.isNullable ? 'nullable' : 'NOT NULL'} in the database, ${typed.nullable ? '"| null"' : 'not null'} in schema.ts`)
      }
    }
    expect(mismatches).toEqual([])
  })
})

interface ActualTable {
  name: string
  columns: Array<{name: string; isNullable: boolean; isAutoIncrementing: boolean}>
}

/**
 * The tables this database holds. On PostgreSQL, this schema's only, read from
 * information_schema: Kysely's introspector lists every schema on the server, calling functions
 * on each table by name, and fails when another test file drops its schema meanwhile.
 */
async function tablesOf(tdb: TestDatabase, store: Store): Promise<ActualTable[]> {
  if (tdb.dialect === 'sqlite') return (await store.db.introspection.getTables()).filter((t) => !t.isView)
  const rows = await tdb.sql(
    `select c.table_name, c.column_name, c.is_nullable from information_schema.columns c
     join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
     where c.table_schema = $1 and t.table_type = 'BASE TABLE' order by c.table_name, c.ordinal_position`,
    [tdb.schema],
  )
  const tables = new Map<string, ActualTable>()
  for (const r of rows) {
    const name = String(r.table_name)
    if (!tables.has(name)) tables.set(name, {name, columns: []})
    tables.get(name)!.columns.push({name: String(r.column_name), isNullable: r.is_nullable === 'YES', isAutoIncrementing: false})
  }
  return [...tables.values()]
}
