import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import pg from 'pg'
import {afterAll, beforeAll, describe, expect, inject, it} from 'vitest'

import {sqliteLibrary} from '../../src/core/store/index.js'
import {isolatedHome} from '../helpers/cli.js'
import {egovInProcess} from '../helpers/in-process.js'
import {pgAdminUrl, pgSchemaUrl} from '../helpers/pg-url.js'

/**
 * Issue 18, a team on PostgreSQL: one owner role migrates and grants (egov db grant), each
 * person logs in as themselves, and the database holds the trail whatever SQL a login runs
 * (migration 020): rows name the login and are dated by the server, history and audit are
 * append-only, a request's state moves only with its history row, and `audit verify`
 * cross-checks every request's history against the trail. A real (not rehearsal) database.
 */
describe.skipIf(!inject('pgAvailable'))('a team on PostgreSQL: owner, grants, and what the database holds [postgres]', () => {
  const schema = `egov_team_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
  const role = (name: string) => `egov_t_team_${name}`
  const [owner, alice, bob, carol, dave] = [role('owner'), role('alice'), role('bob'), role('carol'), role('dave')]
  const dir = mkdtempSync(join(tmpdir(), 'egov-team-'))
  const home = isolatedHome()
  const keyFile = join(dir, 'audit.key')
  const as = (login: string) => ({...home, EGOV_AUDIT_KEY: keyFile, EGOV_DATABASE_URL: pgSchemaUrl(schema, login)})
  const run = (login: string, args: string[]) => egovInProcess(args, as(login))
  let admin: pg.Client

  /** Plain SQL as `login`, as an operator with psql would run it: the error message, or null. */
  const sqlAs = async (login: string, ...statements: string[]): Promise<string | null> => {
    const client = new pg.Client({connectionString: pgSchemaUrl(schema, login)})
    await client.connect()
    try {
      for (const s of statements) await client.query(s)
      return null
    } catch (error) {
      return (error as Error).message
    } finally {
      await client.end()
    }
  }
  const nowIso = `to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
  const count = async (table: string) => Number((await admin.query(`select count(*)::int as n from ${schema}.${table}`)).rows[0].n)

  beforeAll(async () => {
    admin = new pg.Client({connectionString: pgAdminUrl()})
    await admin.connect()
    for (const r of [owner, alice, bob, carol, dave]) {
      await admin.query(`create role ${r} login`).catch((e: unknown) => {
        const {code} = e as {code?: string}
        if (code !== '42710' && code !== '23505') throw e
      })
    }
    // The owner is an ordinary login that owns egov's schema, not a superuser.
    await admin.query(`create schema ${schema} authorization ${owner}`)
    const init = await run(owner, ['db', 'init', '--json'])
    expect(init.code, init.stderr).toBe(0)
    expect(init.json).toMatchObject({rehearsal: false, created: true})
    expect((await run(owner, ['db', 'init', '--json'])).json).toMatchObject({created: false, unchanged: true})
  })

  afterAll(async () => {
    await admin.query(`drop schema if exists ${schema} cascade`)
    await admin.end()
    rmSync(dir, {recursive: true, force: true})
  })

  it('a login the owner has granted nothing is told so, with the command that grants it (exit 5), not "migration failed"', async () => {
    const r = await run(dave, ['requests', 'list', '--json'])
    expect(r.code).toBe(5)
    expect(r.json.error.details.key).toBe('store.noGrants')
    expect(r.json.error.message).toContain(`egov db grant ${dave}`)
  })

  it('egov db grant: only on PostgreSQL (exit 2), for a login that exists (exit 3), from the roster or --roles (exit 2), by the owner only (exit 5)', async () => {
    const sqlite = await egovInProcess(['db', 'grant', 'alice', '--roles', 'net', '--db', join(dir, 'x.db'), '--json'], {...home, EGOV_AUDIT_KEY: keyFile})
    expect(sqlite.code).toBe(2)
    expect(sqlite.json.error.details.key).toBe('grant.sqliteOnly')
    const noLogin = await run(owner, ['db', 'grant', 'egov_t_team_nobody_here', '--roles', 'net', '--json'])
    expect(noLogin.code).toBe(3)
    expect(noLogin.json.error.details.key).toBe('grant.noLogin')
    const noRoles = await run(owner, ['db', 'grant', alice, '--json'])
    expect(noRoles.code).toBe(2)
    expect(noRoles.json.error.details).toMatchObject({key: 'grant.noRoles', field: 'roles'})
    const typo = await run(owner, ['db', 'grant', alice, '--roles', 'filr', '--json'])
    expect(typo.code).toBe(2)
    expect(typo.json.error.message).toContain('filer')
  })

  it('grants: an auditor reads only; the others write, but only append to history and audit', async () => {
    const printed = await run(owner, ['db', 'grant', carol, '--roles', 'auditor', '--sql'])
    expect(printed.code).toBe(0)
    expect(printed.stdout).toContain(`GRANT SELECT ON ALL TABLES IN SCHEMA "${schema}" TO "${carol}";`)
    expect(printed.stdout).not.toMatch(/INSERT|UPDATE|DELETE/)
    for (const [login, roles] of [
      [alice, 'filer,net'],
      [bob, 'review-ticket'],
      [carol, 'auditor'],
    ] as const) {
      const r = await run(owner, ['db', 'grant', login, '--roles', roles, '--json'])
      expect(r.code, r.stderr).toBe(0)
      expect(r.json.applied).toBe(true)
    }
    const writer = (await run(owner, ['db', 'grant', alice, '--roles', 'filer', '--sql', '--json'])).json
    expect(writer.tier).toBe('write')
    const appendOnly = writer.statements.find((s: string) => s.startsWith('GRANT INSERT ON'))
    expect(appendOnly).toContain('"audit_log"')
    expect(appendOnly).toContain('"request_transitions"')
    expect(writer.statements.find((s: string) => s.startsWith('GRANT INSERT, UPDATE, DELETE'))).not.toContain('"audit_log"')
    expect(writer.statements.join('\n')).not.toContain('kysely_migration')
    // Only the owner grants: alice may not hand rights out.
    const byAlice = await run(alice, ['db', 'grant', carol, '--roles', 'net', '--json'])
    expect(byAlice.code).toBe(5)
    expect(byAlice.json.error.details.key).toBe('grant.notOwner')
  })

  it("with the grants each person works as themselves; the auditor's write is refused by the database (exit 5)", async () => {
    const filed = await run(alice, ['ticket', 'open', '--unit', '市数据局', '--subject', '光纤中断', '--json'])
    expect(filed.code, filed.stderr).toBe(0)
    const id = filed.json.request.id
    expect((await run(bob, ['requests', 'approve', String(id), '--json'])).code).toBe(0)
    const history = await admin.query(`select actor from ${schema}.request_transitions where request_id = $1 order by id`, [id])
    expect(history.rows.map((r) => r.actor)).toEqual([alice, bob])
    const write = await run(carol, ['ticket', 'open', '--unit', '市数据局', '--subject', 'x', '--json'])
    expect(write.code).toBe(5)
    expect(write.json.error.details.key).toBe('store.dbRefused')
    expect((await run(carol, ['audit', 'verify'])).code).toBe(0)
  })

  it('times come from the server clock: a row dated otherwise is refused, and EGOV_NOW on this real database is exit 5', async () => {
    const at = await admin.query(`select at, now() - at::timestamptz as drift from ${schema}.audit_log order by seq desc limit 1`)
    expect(Math.abs(Date.parse(at.rows[0].at) - Date.now())).toBeLessThan(120_000)
    const future = await sqlAs(
      alice,
      `insert into request_transitions (request_id, from_state, to_state, action, actor, at) values (1, 'submitted', 'submitted', 'note', '${alice}', '2028-01-02T00:00:00.000Z')`,
    )
    expect(future).toMatch(/server clock/)
    const r = await egovInProcess(['ticket', 'open', '--unit', '市数据局', '--subject', 'x', '--json'], {...as(alice), EGOV_NOW: '2028-01-02T09:00:00+08:00'})
    expect(r.code).toBe(5)
  })

  it("an operator's own login cannot rewrite history with plain SQL, even with every table granted", async () => {
    const before = {audit: await count('audit_log'), transitions: await count('request_transitions')}
    const filed = await run(alice, ['ticket', 'open', '--unit', '市数据局', '--subject', '待审', '--json'])
    const id = filed.json.request.id
    // A state moved without its history row (checked at commit).
    expect(await sqlAs(alice, `update requests set state = 'resolved' where id = ${id}`)).toMatch(/without its history row/)
    // An approval recorded as bob, an audit entry as bob.
    expect(await sqlAs(alice, `insert into request_transitions (request_id, from_state, to_state, action, actor, at) values (${id}, 'submitted', 'resolved', 'approve', '${bob}', ${nowIso})`)).toMatch(
      /the login is who acts/,
    )
    expect(
      await sqlAs(alice, `insert into audit_log (seq, at, actor, action, entity_type, entity_id, prev_hash, hash) values (999, ${nowIso}, '${bob}', 'request.approve', 'request', '${id}', 'x', 'y')`),
    ).toMatch(/the login is who acts/)
    // SET ROLE does not change who acts, and alice may not take bob's role anyway.
    expect(await sqlAs(alice, `set role ${bob}`)).toMatch(/permission denied/)
    // History and audit rows: no update, delete or truncate by grant...
    for (const s of ['delete from audit_log where seq > 1', `update audit_log set actor = '${bob}'`, 'truncate audit_log', 'delete from request_transitions']) {
      expect(await sqlAs(alice, s), s).toMatch(/permission denied/)
    }
    // ...nor with every right granted (the README's grants before issue 18): the triggers hold.
    await admin.query(`grant all on all tables in schema ${schema} to ${alice}`)
    try {
      expect(await sqlAs(alice, 'delete from audit_log where seq > 1')).toMatch(/never changed/)
      expect(await sqlAs(alice, `update request_transitions set actor = '${bob}'`)).toMatch(/never changed/)
      expect(await sqlAs(alice, 'truncate audit_log')).toMatch(/never changed/)
      expect(await sqlAs(alice, 'truncate cert_events')).toMatch(/never changed/)
      // A real database is not made a rehearsal one (where EGOV_NOW would be honoured).
      // (a real database has no such setting: a rehearsal one is marked at its creation)
      expect(await sqlAs(alice, `insert into settings (key, value, updated_at, updated_by) values ('database.kind', 'rehearsal', ${nowIso}, '${alice}')`)).toMatch(/fixed at its creation/)
    } finally {
      await run(owner, ['db', 'grant', alice, '--roles', 'filer,net'])
    }
    expect({audit: await count('audit_log'), transitions: await count('request_transitions')}).toEqual({audit: before.audit + 1, transitions: before.transitions + 1})
    expect((await run(carol, ['audit', 'verify'])).code).toBe(0)
  })

  it("audit verify cross-checks every request's history with the trail: an approval alice wrote around egov as herself is exit 4", async () => {
    const filed = await run(alice, ['ticket', 'open', '--unit', '市数据局', '--subject', '绕过', '--json'])
    const id = filed.json.request.id
    // Consistent as far as the triggers can see: her own name, the server's time, the row with the state.
    expect(
      await sqlAs(
        alice,
        'begin',
        `insert into request_transitions (request_id, from_state, to_state, action, actor, at) values (${id}, 'submitted', 'resolved', 'approve', '${alice}', ${nowIso})`,
        `update requests set state = 'resolved' where id = ${id}`,
        'commit',
      ),
    ).toBeNull()
    const v = await run(carol, ['audit', 'verify', '--json'])
    expect(v.code).toBe(4)
    expect(v.json.error.details.broken).toMatchObject({reason: 'history', history: {request: id, reason: 'unaudited', action: 'approve', actor: alice}})
    expect(v.json.error.message).toContain(`request ${id}`)
  })

  it('a login that finds a migration pending names it, and where the owner runs it', async () => {
    await admin.query(`delete from ${schema}.kysely_migration where name = '020_pg_guards'`)
    try {
      const r = await run(alice, ['requests', 'list', '--json'])
      expect(r.code).toBe(1)
      expect(r.json.error.message).toContain('database migration 020_pg_guards failed')
      expect(r.json.error.message).toContain('egov db grant')
    } finally {
      await admin.query(`insert into ${schema}.kysely_migration (name, timestamp) values ('020_pg_guards', now()::text)`)
    }
  })
})

/**
 * The same cross-check on SQLite, where anyone with the file can run SQL: a state changed, or a
 * history row removed, around egov is exit 4 naming the request.
 */
describe("audit verify cross-checks requests' history with the trail [sqlite]", () => {
  const dir = mkdtempSync(join(tmpdir(), 'egov-history-'))
  const path = join(dir, 'egov.db')
  const env = {...isolatedHome(), EGOV_DB: path, EGOV_OPERATOR: 'alice'}
  const sqlite = (text: string) => {
    const {BetterSqlite3, nativeBinding} = sqliteLibrary()
    const db = new BetterSqlite3(path, {nativeBinding})
    try {
      db.prepare(text).run()
    } finally {
      db.close()
    }
  }
  afterAll(() => rmSync(dir, {recursive: true, force: true}))

  it('a state changed with SQL is exit 4 (state); a history row deleted is exit 4 (missing)', async () => {
    expect((await egovInProcess(['db', 'init', '--rehearsal'], env)).code).toBe(0)
    const one = (await egovInProcess(['ticket', 'open', '--unit', '市数据局', '--subject', '甲', '--json'], env)).json.request.id
    const two = (await egovInProcess(['ticket', 'open', '--unit', '市数据局', '--subject', '乙', '--json'], env)).json.request.id
    expect((await egovInProcess(['requests', 'approve', String(two), '--json'], {...env, EGOV_OPERATOR: 'bob'})).code).toBe(0)
    expect((await egovInProcess(['audit', 'verify', '--json'], env)).json.history).toEqual({requests: 2, transitions: 3})
    sqlite(`update requests set state = 'resolved' where id = ${one}`)
    const state = await egovInProcess(['audit', 'verify', '--json'], env)
    expect(state.code).toBe(4)
    expect(state.json.error.details.broken.history).toEqual({request: one, reason: 'state', state: 'resolved', expected: 'submitted'})
    expect(state.json.error.message).toContain('its state is resolved, but its history leads to submitted')
    sqlite(`update requests set state = 'submitted' where id = ${one}`)
    expect((await egovInProcess(['audit', 'verify'], env)).code).toBe(0)
    sqlite(`delete from request_transitions where request_id = ${two} and action = 'approve'`)
    sqlite(`update requests set state = 'submitted' where id = ${two}`)
    const missing = await egovInProcess(['audit', 'verify', '--json'], env)
    expect(missing.code).toBe(4)
    expect(missing.json.error.details.broken.history).toMatchObject({request: two, reason: 'missing', action: 'approve', actor: 'bob'})
  })
})
