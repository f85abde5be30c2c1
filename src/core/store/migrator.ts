import {type DatabaseIntrospector, type Kysely, Migrator, type MigrationProvider, sql, type TableMetadata} from '#kysely'

/**
 * Kysely's Migrator for egov's database. On PostgreSQL it looks only at egov's own schema.
 *
 * Kysely's migrator asks "do my tables exist?" by introspecting every table of every schema in
 * the database. That query calls `has_schema_privilege` and `pg_get_serial_sequence` on each
 * table by name, so a schema another application (or another test) drops while it runs makes
 * `egov db init` fail with "schema … does not exist": a database egov shares is not egov's to
 * scan. Here the migrator is handed the same database with an introspector that reads the
 * catalog of `schema` only, by oid, calling no function on anyone else's tables.
 */
export function egovMigrator<DB>(db: Kysely<DB>, options: {schema?: string; provider: MigrationProvider}): Migrator {
  const {schema, provider} = options
  return new Migrator({
    db: schema === undefined ? db : withIntrospector(db, schemaIntrospector(db, schema)),
    provider,
    migrationTableSchema: schema,
    // Numbers are reserved per area (015, 016, 018 came after 017 had shipped): a database
    // already at 017 takes a lower-numbered newcomer instead of refusing to start.
    allowUnorderedMigrations: true,
  })
}

/** What the migrator needs of an introspector: does this schema exist, which tables does it hold. */
function schemaIntrospector<DB>(db: Kysely<DB>, schema: string): DatabaseIntrospector {
  const getTables = async (): Promise<TableMetadata[]> => {
    const {rows} = await sql<{name: string; kind: string}>`
      select c.relname as name, c.relkind as kind
      from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where n.nspname = ${schema} and c.relkind in ('r', 'v', 'p')`.execute(db)
    return rows.map((r) => ({name: r.name, schema, isView: r.kind === 'v', columns: []}))
  }
  return {
    async getSchemas() {
      const {rows} = await sql<{name: string}>`select nspname as name from pg_catalog.pg_namespace where nspname = ${schema}`.execute(db)
      return rows
    },
    getTables,
    // Part of the interface Kysely declares (deprecated there in favour of getTables).
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    async getMetadata() {
      return {tables: await getTables()}
    },
  }
}

/**
 * The same Kysely instance with another `introspection`. Kysely keeps its state in private
 * fields, so every other property is read from, and every method bound to, the instance itself.
 */
function withIntrospector<DB>(db: Kysely<DB>, introspection: DatabaseIntrospector): Kysely<DB> {
  return new Proxy(db, {
    get(target, property) {
      if (property === 'introspection') return introspection
      const value: unknown = Reflect.get(target, property, target)
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
    },
  })
}
