import {execFileSync} from 'node:child_process'
import {existsSync, mkdtempSync, statSync} from 'node:fs'
import {tmpdir, userInfo} from 'node:os'
import {join} from 'node:path'

import pg from 'pg'
import {afterAll, describe, expect, inject, it} from 'vitest'

import {sqliteLibrary} from '../../src/core/store/index.js'
import {egov, isolatedHome} from '../helpers/cli.js'
import {pgAdminUrl, pgSchemaUrl} from '../helpers/pg-url.js'

const mode = (path: string) => statSync(path).mode & 0o777
const LOGIN = userInfo().username

/**
 * Issue 18, the clock and identity: a real database (the default) dates everything by the
 * system clock and records the login; EGOV_NOW and EGOV_OPERATOR are honoured only on a
 * rehearsal database (egov db init --rehearsal), which says so on every output. Files at
 * rest: the SQLite database and its WAL/SHM 0600, a data folder egov creates 0700.
 */
describe('a real database: the system clock and the login, whatever the environment says', () => {
  const dir = mkdtempSync(join(tmpdir(), 'egov-trust-'))
  const real = join(dir, 'real.db')
  const env = {...isolatedHome(), EGOV_DATABASE_URL: '', EGOV_DB: real}

  it('EGOV_NOW on a real database is refused (exit 5, naming EGOV_NOW), for reading and writing; nothing is written', async () => {
    expect((await egov(['db', 'init', '--json'], env)).json).toMatchObject({created: true, rehearsal: false})
    for (const args of [
      ['units', 'add', '市数据局', '--kind', 'other', '--level', 'city', '--json'],
      ['requests', 'list', '--json'],
    ]) {
      const r = await egov(args, {...env, EGOV_NOW: '2028-01-02T10:00:00+08:00'})
      expect(r.code, args.join(' ')).toBe(5)
      expect(r.json.error.details).toMatchObject({key: 'store.clockOnReal', field: 'EGOV_NOW'})
      expect(r.json.error.message).toContain('egov db init --rehearsal')
    }
    expect((await egov(['units', 'list', '--json'], env)).json.units).toEqual([])
  })

  it('records the OS login; EGOV_OPERATOR or a configured operator naming someone else is refused (exit 5, naming the source); the login itself is fine', async () => {
    const forged = await egov(['units', 'add', '市数据局', '--kind', 'other', '--level', 'city', '--json'], {...env, EGOV_OPERATOR: 'advers_bob'})
    expect(forged.code).toBe(5)
    expect(forged.json.error.details).toMatchObject({key: 'store.operatorOnReal', field: 'EGOV_OPERATOR'})
    expect(forged.json.error.message).toContain(`"${LOGIN}"`)
    expect((await egov(['units', 'list', '--json'], env)).json.units).toEqual([])
    // The name set in the user's config file is a claim too.
    expect((await egov(['config', 'set', 'operator', 'advers_bob'], env)).code).toBe(0)
    const configured = await egov(['units', 'add', '市数据局', '--kind', 'other', '--level', 'city', '--json'], env)
    expect(configured.code).toBe(5)
    expect(configured.json.error.details.field).toBe('operator')
    expect((await egov(['config', 'set', 'operator', LOGIN], env)).code).toBe(0)
    const ok = await egov(['units', 'add', '市数据局', '--kind', 'other', '--level', 'city', '--json'], {...env, EGOV_OPERATOR: LOGIN})
    expect(ok.code, ok.stderr).toBe(0)
    expect(ok.json.rehearsal).toBeUndefined()
    const log = await egov(['audit', 'log', '--json'], env)
    expect(log.json.entries.map((e: {actor: string}) => e.actor)).toEqual([LOGIN])
    // Recorded by the system clock: today, not a rehearsed date.
    expect(Math.abs(Date.parse(log.json.entries[0].at) - Date.now())).toBeLessThan(10 * 60_000)
  })

  it('recorded times never go backwards on a real database: a machine clock behind the last entry dates the change at that entry', async () => {
    // As if the last change had been made by a machine whose clock ran a day ahead.
    const ahead = new Date(Date.now() + 86_400_000).toISOString()
    const {BetterSqlite3: Sqlite, nativeBinding} = sqliteLibrary()
    const db = new Sqlite(real, {nativeBinding})
    db.prepare('update audit_log set at = ? where seq = (select max(seq) from audit_log)').run(ahead)
    db.close()
    expect((await egov(['units', 'add', '市人社局', '--kind', 'other', '--level', 'city'], env)).code).toBe(0)
    const entries = (await egov(['audit', 'log', '--json'], env)).json.entries as Array<{action: string; at: string}>
    expect(entries.map((e) => e.at)).toEqual([ahead, ahead])
  })

  it('the database, its WAL and SHM are 0600; a data folder egov creates is 0700; an older 0644 file is tightened', async () => {
    expect(mode(real)).toBe(0o600)
    // A reader keeps the WAL and SHM open: look while one is.
    for (const f of [`${real}-wal`, `${real}-shm`]) if (existsSync(f)) expect(mode(f), f).toBe(0o600)
    const home = isolatedHome()
    expect((await egov(['units', 'list'], {...home, EGOV_DATABASE_URL: ''})).code).toBe(0)
    const data = join(home.XDG_DATA_HOME!, 'egov')
    expect(mode(data)).toBe(0o700)
    expect(mode(join(data, 'egov.db'))).toBe(0o600)
    execFileSync('chmod', ['0644', real])
    expect((await egov(['units', 'list'], env)).code).toBe(0)
    expect(mode(real)).toBe(0o600)
  })

  it('--rehearsal on an existing real database is refused (exit 4): a database is one or the other from its creation', async () => {
    const r = await egov(['db', 'init', '--rehearsal', '--json'], env)
    expect(r.code).toBe(4)
    expect(r.json.error.details).toMatchObject({key: 'store.notRehearsal', field: 'rehearsal'})
  })
})

describe('a rehearsal database: the set clock and typed names honoured, and every output says so', () => {
  const dir = mkdtempSync(join(tmpdir(), 'egov-rehearsal-'))
  const env = {...isolatedHome(), EGOV_DATABASE_URL: '', EGOV_DB: join(dir, 'training.db'), EGOV_OPERATOR: 'trainee', EGOV_NOW: '2027-03-01T10:00:00+08:00'}

  it('db init --rehearsal; EGOV_NOW and EGOV_OPERATOR recorded; REHEARSAL on stderr for people and rehearsal: true in JSON', async () => {
    const init = await egov(['db', 'init', '--rehearsal', '--json'], env)
    expect(init.code, init.stderr).toBe(0)
    expect(init.json).toMatchObject({created: true, rehearsal: true})
    const added = await egov(['units', 'add', '市数据局', '--kind', 'other', '--level', 'city'], env)
    expect(added.code, added.stderr).toBe(0)
    expect(added.stderr).toContain('REHEARSAL DATABASE')
    const zh = await egov(['units', 'list'], {...env, LANG: 'zh_CN.UTF-8'})
    expect(zh.stderr).toContain('演练数据库')
    const log = await egov(['audit', 'log', '--json'], env)
    expect(log.json).toMatchObject({rehearsal: true, warnings: []})
    expect(log.json.entries[0]).toMatchObject({actor: 'trainee', at: '2027-03-01T02:00:00.000Z'})
  })
})

describe('a PostgreSQL login that may not migrate', () => {
  const available = inject('pgAvailable')
  const schema = `egov_t_nomig_${process.pid}`
  const role = 'egov_t_nomigrate'
  const admin = new pg.Client({connectionString: pgAdminUrl()})
  afterAll(async () => {
    if (!available) return
    await admin.query(`drop schema if exists ${schema} cascade`)
    await admin.end()
  })

  it.skipIf(!available)('gets a message naming the migration that could not run and how a team is set up, not "migration ? failed"', async () => {
    await admin.connect()
    await admin.query(`create schema ${schema}`)
    await admin.query(`create role ${role} login`).catch((e: unknown) => {
      const {code} = e as {code?: string}
      if (code !== '42710' && code !== '23505') throw e
    })
    await admin.query(`grant usage on schema ${schema} to ${role}`)
    const r = await egov(['db', 'init', '--json'], {...isolatedHome(), EGOV_DATABASE_URL: pgSchemaUrl(schema, role)})
    expect(r.code).toBe(1)
    expect(r.json.error.details.key).toBe('store.migrationDenied')
    expect(r.json.error.details.migration).toMatch(/^001_/)
    expect(r.json.error.message).not.toContain(' ? ')
    expect(r.json.error.message).toContain('A team on PostgreSQL')
  })
})
