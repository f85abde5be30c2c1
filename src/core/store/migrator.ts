import {type DatabaseIntrospector, type Kysely, Migrator, type MigrationProvider, sql, type TableMetadata} from '#kysely'

import {EgovError} from '../errors.js'
import type {SqlDialect} from './migrations/helpers.js'
import {migrationNames} from './migrations/names.js'
import type {Database} from './schema.js'

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

/** Applies pending migrations; the common case (nothing pending) costs one query. True when the database was new. */
export async function migrate(db: Kysely<Database>, dialect: SqlDialect): Promise<boolean> {
  let fresh = true
  let pending = migrationNames
  try {
    const done = await sql<{name: string}>`select name from kysely_migration`.execute(db)
    const applied = new Set(done.rows.map((r) => r.name))
    fresh = applied.size === 0
    pending = migrationNames.filter((n) => !applied.has(n))
    if (pending.length === 0) return false
  } catch (error) {
    // No migration table yet: a new database. A login that may not even read it is one the
    // owner has not granted anything yet: say so, not "migration failed" (issue 18).
    if (dialect === 'postgres') {
      // Without USAGE on the schema PostgreSQL does not even see it: current_schema() is null.
      const {rows} = await sql<{user: string; schema: string | null; path: string}>`select session_user as "user", current_schema() as schema, current_setting('search_path') as path`.execute(db)
      const {user, schema, path} = rows[0]!
      const denied = (error as {code?: string}).code === '42501'
      if (denied || schema === null) {
        const reason = denied ? (error as Error).message : `no schema of the search path (${path}) may be used by this login`
        throw new EgovError('refused', 'store.noGrants', {login: user, reason}, {details: {login: user}})
      }
    }
  }
  let schema: string | undefined
  if (dialect === 'postgres') {
    // Kysely looks for its tables in every schema unless told which: name the current one.
    const {rows} = await sql<{schema: string}>`select current_schema() as schema`.execute(db)
    schema = rows[0]!.schema
  }
  // The migrations' code, only when one is pending (an up-to-date database needs none of it).
  const {migrationsFor} = await import('./migrations/index.js')
  const migrator = egovMigrator(db, {schema, provider: {getMigrations: () => Promise.resolve(migrationsFor(dialect))}})
  const {error, results} = await migrator.migrateToLatest()
  if (error) {
    // A failure before any migration ran (taking Kysely's lock, creating its tables) is
    // named by the first one pending: the one that could not start.
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? pending[0] ?? migrationNames.at(-1)!
    const reason = error instanceof Error ? error.message : typeof error === 'string' ? error : JSON.stringify(error)
    const key = /permission denied|must be owner/i.test(reason) ? 'store.migrationDenied' : 'store.migrationFailed'
    throw new EgovError('internal', key, {name: failed, reason}, {details: {migration: failed}})
  }
  return fresh
}
