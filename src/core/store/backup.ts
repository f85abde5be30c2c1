import {execFile} from 'node:child_process'
import {createHash} from 'node:crypto'
import {chmodSync, closeSync, copyFileSync, createReadStream, existsSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {basename, dirname, join, resolve} from 'node:path'
import {promisify} from 'node:util'

import {type Kysely, sql} from '#kysely'

import {type VerifyResult, verifyAudit} from '../audit/index.js'
import {EgovError, InvalidInput} from '../errors.js'
import type {Database} from './schema.js'
import {sqliteLibrary, type Store} from './index.js'
import {tablesOf} from './tables.js'

const run = promisify(execFile)

/**
 * Backup and restore (002 第十六条: business data backed up regularly; issue 18). A backup
 * is two files: the copy (a SQLite database, or a pg_dump archive) and FILE.manifest.json
 * beside it — what a restore checks the copy against: its SHA-256, the rows of every
 * table, the audit chain's head, the migrations applied and the notices folder's files.
 */
export interface BackupManifest {
  format: 'egov-backup/1'
  dialect: 'sqlite' | 'postgres'
  /** PostgreSQL: the schema dumped; a restore goes into a schema of the same name. */
  schema?: string
  createdAt: string
  file: string
  bytes: number
  sha256: string
  tables: Record<string, number>
  audit: {seq: number; hash: string} | null
  migrations: string[]
  rehearsal: boolean
  /** The written notices are files, not rows: listed so they are kept with the backup. */
  notices: {dir: string; files: Array<{name: string; bytes: number; sha256: string}>}
}

/**
 * The URL as libpq reads it: node's pg (and URLSearchParams) write a space in the query
 * as '+', which libpq takes literally (`options=-c+search_path=x` fails in pg_dump).
 */
export function libpqUrl(url: string): string {
  const q = url.indexOf('?')
  if (q < 0) return url
  const params = new URLSearchParams(url.slice(q + 1))
  return `${url.slice(0, q)}?${[...params].map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`
}

export const manifestPath = (file: string): string => `${file}.manifest.json`

async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

async function census(db: Kysely<Database>, dialect: 'sqlite' | 'postgres'): Promise<Pick<BackupManifest, 'tables' | 'audit' | 'migrations'>> {
  const tables: Record<string, number> = {}
  for (const name of await tablesOf(db, dialect)) {
    const {rows} = await sql<{n: number | string}>`select count(*) as n from ${sql.table(name)}`.execute(db)
    tables[name] = Number(rows[0]!.n)
  }
  const head = tables.audit_head !== undefined ? await db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst() : undefined
  const migrations = tables.kysely_migration !== undefined ? (await sql<{name: string}>`select name from kysely_migration order by name`.execute(db)).rows.map((r) => r.name) : []
  return {tables, audit: head ? {seq: Number(head.seq), hash: head.hash} : null, migrations}
}

function noticesOf(dir: string): BackupManifest['notices'] {
  if (!existsSync(dir)) return {dir, files: []}
  const files = readdirSync(dir, {withFileTypes: true})
    .filter((e) => e.isFile())
    .map((e) => {
      const bytes = readFileSync(join(dir, e.name))
      return {name: e.name, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex')}
    })
    .sort((a, b) => a.name.localeCompare(b.name))
  return {dir, files}
}

function refuseExisting(file: string): void {
  if (existsSync(file)) throw new InvalidInput('backup.exists', {file}, {field: 'FILE'})
  if (!existsSync(dirname(resolve(file)))) throw new InvalidInput('backup.noFolder', {folder: dirname(resolve(file))}, {field: 'FILE'})
}

/**
 * Writes a consistent copy of the database to `file` (never over an existing one) and its
 * manifest. SQLite: `VACUUM INTO` a temporary file, renamed into place — a snapshot taken
 * while other processes keep writing. PostgreSQL: `pg_dump -Fc` of the current schema,
 * run on a snapshot exported from the transaction that counts the rows, so the manifest
 * describes exactly what the archive holds.
 *
 * @rule X-5 business data is backed up (the schedule is the operator's: cron or a timer)
 */
export async function backupDatabase(store: Store, file: string, options: {databaseUrl?: string} = {}): Promise<BackupManifest> {
  const target = resolve(file)
  refuseExisting(target)
  const tmp = `${target}.${process.pid}.tmp`
  try {
    let counted: Pick<BackupManifest, 'tables' | 'audit' | 'migrations'>
    let schema: string | undefined
    if (store.dialect === 'sqlite') {
      closeSync(openSync(tmp, 'w', 0o600))
      rmSync(tmp)
      await sql`vacuum into ${tmp}`.execute(store.db)
      chmodSync(tmp, 0o600)
      counted = await countSqliteFile(tmp)
    } else {
      if (!options.databaseUrl) throw new EgovError('internal', 'backup.noUrl', {})
      const url = libpqUrl(options.databaseUrl)
      counted = await store.db.connection().execute(async (conn) => {
        await sql`begin isolation level repeatable read read only`.execute(conn)
        try {
          const {rows} = await sql<{snapshot: string; schema: string}>`select pg_export_snapshot() as snapshot, current_schema() as schema`.execute(conn)
          schema = rows[0]!.schema
          const inSnapshot = await census(conn, 'postgres')
          try {
            await run('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--schema=${schema}`, `--snapshot=${rows[0]!.snapshot}`, `--file=${tmp}`, `--dbname=${url}`], {
              maxBuffer: 16 * 1024 * 1024,
            })
          } catch (error) {
            const e = error as NodeJS.ErrnoException & {stderr?: string}
            if (e.code === 'ENOENT') throw new EgovError('refused', 'backup.noPgDump', {})
            throw new EgovError('internal', 'backup.pgDumpFailed', {reason: (e.stderr || e.message).trim()})
          }
          return inSnapshot
        } finally {
          await sql`commit`.execute(conn)
        }
      })
      chmodSync(tmp, 0o600)
    }
    renameSync(tmp, target)
    const manifest: BackupManifest = {
      format: 'egov-backup/1',
      dialect: store.dialect,
      ...(schema ? {schema} : {}),
      createdAt: new Date().toISOString(),
      file: basename(target),
      bytes: statSync(target).size,
      sha256: await fileSha256(target),
      ...counted,
      rehearsal: store.rehearsal,
      notices: noticesOf(store.noticesDir),
    }
    writeFileSync(manifestPath(target), JSON.stringify(manifest, null, 2) + '\n', {mode: 0o600})
    return manifest
  } finally {
    rmSync(tmp, {force: true})
  }
}

async function countSqliteFile(path: string): Promise<Pick<BackupManifest, 'tables' | 'audit' | 'migrations'>> {
  const {Kysely: K, SqliteDialect} = await import('#kysely')
  const {BetterSqlite3, nativeBinding} = sqliteLibrary()
  const db = new K<Database>({dialect: new SqliteDialect({database: new BetterSqlite3(path, {readonly: true, nativeBinding})})})
  try {
    return await census(db, 'sqlite')
  } finally {
    await db.destroy()
  }
}

export function readManifest(file: string): BackupManifest {
  const path = manifestPath(resolve(file))
  if (!existsSync(resolve(file))) throw new InvalidInput('backup.missing', {file}, {field: 'FILE'})
  if (!existsSync(path)) throw new InvalidInput('backup.noManifest', {file, manifest: path}, {field: 'FILE'})
  let manifest: BackupManifest
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8')) as BackupManifest
  } catch {
    throw new InvalidInput('backup.badManifest', {manifest: path}, {field: 'FILE'})
  }
  if (manifest.format !== 'egov-backup/1') throw new InvalidInput('backup.badManifest', {manifest: path}, {field: 'FILE'})
  return manifest
}

/** Checks the copy against its manifest before anything is restored: a changed or truncated file is refused. */
export async function checkBackupFile(file: string, manifest: BackupManifest): Promise<void> {
  const sha256 = await fileSha256(resolve(file))
  if (sha256 !== manifest.sha256) throw new EgovError('conflict', 'backup.changed', {file, expected: manifest.sha256.slice(0, 12), found: sha256.slice(0, 12)}, {field: 'FILE'})
}

/**
 * SQLite: the copy becomes the database at `target`, which must not exist yet (or be an
 * empty file): a restore never overwrites a database. Copied to a temporary file 0600 in
 * the target's folder and renamed, so a failed restore leaves nothing half-written.
 */
export function restoreSqliteFile(file: string, target: string): void {
  const to = resolve(target)
  if (existsSync(to) && statSync(to).size > 0) throw new EgovError('conflict', 'backup.targetNotEmpty', {target: to}, {field: 'db'})
  if (!existsSync(dirname(to))) throw new InvalidInput('backup.noFolder', {folder: dirname(to)}, {field: 'db'})
  const tmp = `${to}.${process.pid}.tmp`
  try {
    copyFileSync(resolve(file), tmp)
    chmodSync(tmp, 0o600)
    renameSync(tmp, to)
  } finally {
    rmSync(tmp, {force: true})
  }
}

/** PostgreSQL: pg_restore of the archive into the schema it was dumped from, which must hold no tables yet. */
export async function restorePostgres(store: Store, file: string, manifest: BackupManifest, databaseUrl: string): Promise<void> {
  const {rows} = await sql<{schema: string}>`select current_schema() as schema`.execute(store.db)
  const schema = rows[0]!.schema
  if (manifest.schema && schema !== manifest.schema) throw new InvalidInput('backup.otherSchema', {schema, expected: manifest.schema}, {field: 'EGOV_DATABASE_URL'})
  if ((await tablesOf(store.db, 'postgres')).length > 0) throw new EgovError('conflict', 'backup.targetNotEmpty', {target: `${store.location} (${schema})`}, {field: 'EGOV_DATABASE_URL'})
  const tool = async (args: string[]) => {
    try {
      return (await run('pg_restore', args, {maxBuffer: 64 * 1024 * 1024})).stdout
    } catch (error) {
      const e = error as NodeJS.ErrnoException & {stderr?: string}
      if (e.code === 'ENOENT') throw new EgovError('refused', 'backup.noPgDump', {})
      throw new EgovError('internal', 'backup.pgDumpFailed', {reason: (e.stderr || e.message).trim()})
    }
  }
  // The archive creates its schema; the target schema exists already: restore everything else.
  const list = (await tool(['--list', resolve(file)])).split('\n').filter((line) => !/^\d+;\s+\d+\s+\d+\s+SCHEMA\s/.test(line))
  const listFile = `${resolve(file)}.${process.pid}.list`
  writeFileSync(listFile, list.join('\n'), {mode: 0o600})
  try {
    await tool(['--no-owner', '--no-privileges', '--single-transaction', '--exit-on-error', `--use-list=${listFile}`, `--dbname=${libpqUrl(databaseUrl)}`, resolve(file)])
  } finally {
    rmSync(listFile, {force: true})
  }
}

/** After a restore: the rows and the audit head the manifest recorded, and an intact chain. */
export async function checkRestored(store: Store, manifest: BackupManifest): Promise<{verify: VerifyResult; tables: Record<string, number>}> {
  const now = await census(store.db, store.dialect)
  for (const [table, n] of Object.entries(manifest.tables)) {
    // Migrations of a newer egov may have run on open: their own tables are not the business data.
    if (table === 'kysely_migration_lock' || table === 'kysely_migration') continue
    if (now.tables[table] !== n) throw new EgovError('conflict', 'backup.countMismatch', {table, expected: n, found: now.tables[table] ?? 0})
  }
  // With the audit key (issue 18): a copy whose chain was recomputed without it is not put back as good.
  const verify = await verifyAudit(store.db, undefined, {keyPath: store.auditKeyPath})
  if (!verify.ok || verify.head?.hash !== manifest.audit?.hash) {
    throw new EgovError('conflict', 'backup.auditMismatch', {expected: manifest.audit ? `#${manifest.audit.seq}` : '-', found: verify.head ? `#${verify.head.seq}` : '-'}, {details: {verify}})
  }
  return {verify, tables: now.tables}
}
