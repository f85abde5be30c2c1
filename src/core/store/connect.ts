import {chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync} from 'node:fs'
import {createRequire} from 'node:module'
import {userInfo} from 'node:os'
import {dirname, join, resolve} from 'node:path'

import {Kysely, sql} from '#kysely'

import {EgovError} from '../errors.js'
import {isSqliteBusy, lockTimeout, type WriteLock} from './lock.js'
import type {SqlDialect} from './migrations/helpers.js'
import type {Database} from './schema.js'

/** An open database, before the store's checks (migrations, rehearsal, clock) run on it. */
export interface Connection {
  db: Kysely<Database>
  dialect: SqlDialect
  /** The file, or the URL with its password hidden. */
  location: string
}

export async function connectSqlite(sqlitePath: string | undefined, lock: WriteLock): Promise<Connection> {
  const path = resolve(sqlitePath ?? 'egov.db')
  // require, not import(): loading a CommonJS package through the ESM loader costs a
  // lexer pass, and naming the addon skips the `bindings` search (bench/startup).
  const {BetterSqlite3, nativeBinding} = sqliteLibrary()
  // The file holds the CA key, the audit chain and hashed ID numbers: a new data folder is
  // 0700, the database 0600 (SQLite gives its -wal and -shm files the database's mode),
  // and an older file readable by others is tightened (issue 18).
  mkdirSync(dirname(path), {recursive: true, mode: 0o700})
  if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600))
  for (const file of [path, `${path}-wal`, `${path}-shm`]) tighten(file)
  const {EgovSqliteDialect, busyTimeoutMs} = await import('./sqlite.js')
  const database = new BetterSqlite3(path, {timeout: busyTimeoutMs(lock), nativeBinding})
  try {
    database.exec('pragma journal_mode = wal; pragma synchronous = normal; pragma foreign_keys = on')
  } catch (error) {
    database.close()
    // Switching to WAL needs the file to itself for a moment: another writer for the whole bound is the queue's timeout.
    throw isSqliteBusy(error) ? lockTimeout(lock.seconds) : error
  }
  const db = new Kysely<Database>({dialect: new EgovSqliteDialect({database}, lock)})
  return {db, dialect: 'sqlite', location: path}
}

/** Takes group and other permissions off a file of ours; someone else's file, or none, is left alone. */
function tighten(file: string): void {
  try {
    const {mode, uid} = statSync(file)
    if (mode & 0o077 && (process.getuid === undefined || uid === process.getuid())) chmodSync(file, mode & 0o700)
  } catch {
    // no such file (no WAL yet), or not ours
  }
}

/**
 * better-sqlite3 12 is the last to run on Node 20 (N-API 9), but on Node 24 its statements
 * abort the process when collected at exit (an ObjectWrap cleanup hook; fixed in 13, which
 * needs Node 22). Node 22+ therefore gets 13, installed as the optional dependency
 * better-sqlite3-napi10 (npm skips it on Node 20); everything else gets 12.
 */
function sqliteDriver(require: NodeJS.Require): {BetterSqlite3: typeof import('better-sqlite3'); pkg: string} {
  // Anything else that opens the same file in this process must use the same library
  // (two SQLite copies in one process break each other's locks): see sqliteLibrary().
  if (Number(process.versions.node.split('.')[0]) >= 22) {
    try {
      return {BetterSqlite3: require('better-sqlite3-napi10') as typeof import('better-sqlite3'), pkg: 'better-sqlite3-napi10'}
    } catch {
      // not installed (installed on Node 20, or its build failed): fall back to 12
    }
  }
  return {BetterSqlite3: require('better-sqlite3') as typeof import('better-sqlite3'), pkg: 'better-sqlite3'}
}

/** The better-sqlite3 this Node runs, and its addon: for the store, and for anything opening the file beside it. */
export function sqliteLibrary(): {BetterSqlite3: typeof import('better-sqlite3'); nativeBinding: string | undefined} {
  const require = createRequire(import.meta.url)
  const {BetterSqlite3, pkg} = sqliteDriver(require)
  return {BetterSqlite3, nativeBinding: nativeAddon(require, pkg)}
}

function nativeAddon(require: NodeJS.Require, pkg: string): string | undefined {
  try {
    const addon = join(dirname(require.resolve(`${pkg}/package.json`)), 'build', 'Release', 'better_sqlite3.node')
    return existsSync(addon) ? addon : undefined
  } catch {
    return undefined
  }
}

export async function connectPostgres(url: string): Promise<Connection> {
  if (!/^postgres(ql)?:\/\//.test(url)) throw new EgovError('invalid_input', 'store.badUrl', {}, {field: 'EGOV_DATABASE_URL'})
  const [{default: pg}, {PostgresDialect}] = await Promise.all([import('pg'), import('#kysely')])
  const pool = new pg.Pool({connectionString: url, max: 4, connectionTimeoutMillis: 10_000})
  // An idle client that loses its server must not crash the process.
  pool.on('error', () => {})
  const db = new Kysely<Database>({dialect: new PostgresDialect({pool})})
  try {
    await sql`select 1`.execute(db)
  } catch (error) {
    await db.destroy()
    throw new EgovError('internal', 'store.unreachable', {reason: (error as Error).message})
  }
  return {db, dialect: 'postgres', location: redact(url)}
}

/** Who is logged in to this machine: the person a real SQLite database records. */
export function osLogin(): string {
  try {
    return userInfo().username
  } catch {
    return process.env.USER || process.env.USERNAME || 'unknown'
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')
}
