import type {CreateTableBuilder} from '#kysely'

export type SqlDialect = 'sqlite' | 'postgres'

/**
 * An integer surrogate key the database assigns: AUTOINCREMENT on SQLite (never reused,
 * so a deleted request's number is not handed out again), an identity column on PostgreSQL.
 */
export function idColumn<T extends string>(builder: CreateTableBuilder<T>, dialect: SqlDialect): CreateTableBuilder<T, 'id'> {
  return dialect === 'postgres' ? builder.addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity()) : builder.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
}
