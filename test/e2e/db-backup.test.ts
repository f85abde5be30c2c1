import {execFileSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, statSync, truncateSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, expect, it} from 'vitest'

import {egov, isolatedHome} from '../helpers/cli.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

/**
 * Backup and restore (issue 18; 002 第十六条 asks for regular backups of business data):
 * a consistent copy with a manifest, refused over an existing file; a changed copy refused
 * before anything is restored; a restore only into an empty database, checked row for row
 * against the manifest and followed by audit verify.
 */
describeEachDialect('egov db backup and restore (X-5)', (dialect) => {
  let tdb: TestDatabase
  let env: Record<string, string>
  const dir = mkdtempSync(join(tmpdir(), 'egov-backup-'))
  const backup = join(dir, 'egov-backup.db')
  const clerk = (args: string[], extra: Record<string, string> = {}) => egov(args, {...env, ...tdb.envFor('clerk'), ...extra})

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    await (await tdb.open('clerk')).close()
    env = {...isolatedHome(), ...tdb.env, EGOV_NOW: '2026-11-24T10:00:00+08:00'}
    for (const name of ['市数据局', '市人社局']) expect((await clerk(['units', 'add', name, '--kind', 'other', '--level', 'city'])).code).toBe(0)
    expect((await clerk(['ticket', 'open', '--unit', '市人社局', '--subject', '备份前的工单'])).code).toBe(0)
  })
  afterAll(async () => {
    await tdb.cleanup()
  })

  it('writes the copy 0600 and a manifest: every table’s rows, the audit head, the migrations; never over an existing file', async () => {
    // Backups are made by the owner (on PostgreSQL the administrator's URL, as the test database's env).
    const r = await egov(['db', 'backup', backup, '--json'], env)
    expect(r.code, r.stdout + r.stderr).toBe(0)
    expect(statSync(backup).mode & 0o777).toBe(0o600)
    const manifest = JSON.parse(readFileSync(`${backup}.manifest.json`, 'utf8'))
    expect(manifest).toMatchObject({format: 'egov-backup/1', dialect, rehearsal: true})
    expect(manifest.tables).toMatchObject({units: 2, requests: 1})
    expect(manifest.audit.seq).toBeGreaterThanOrEqual(3)
    expect(manifest.migrations).toContain('001_foundation')
    expect(r.json).toMatchObject({sha256: manifest.sha256, manifest: `${backup}.manifest.json`})
    const again = await egov(['db', 'backup', backup, '--json'], env)
    expect(again.code).toBe(2)
    expect(again.json.error.details).toMatchObject({key: 'backup.exists', field: 'FILE'})
    const noFolder = await egov(['db', 'backup', join(dir, 'nope', 'x.db'), '--json'], env)
    expect(noFolder.code).toBe(2)
    expect(noFolder.json.error.details.key).toBe('backup.noFolder')
  })

  it('restores into an empty database only, checks it against the manifest and verifies the audit chain', async () => {
    let target: Record<string, string>
    if (dialect === 'sqlite') {
      const into = join(dir, 'restored.db')
      target = {EGOV_DB: into, EGOV_DATABASE_URL: ''}
      // Not over a database that has something in it.
      const full = await egov(['db', 'restore', backup, '--json'], env)
      expect(full.code).toBe(4)
      expect(full.json.error.details.key).toBe('backup.targetNotEmpty')
    } else {
      // The schema backed up, emptied (as on a new server): a restore goes into a schema of that name.
      const full = await egov(['db', 'restore', backup, '--json'], env)
      expect(full.code).toBe(4)
      expect(full.json.error.details.key).toBe('backup.targetNotEmpty')
      await tdb.sql(`drop schema ${tdb.schema} cascade`)
      await tdb.sql(`create schema ${tdb.schema}`)
      target = {}
    }
    const r = await egov(['db', 'restore', backup, '--json'], {...env, ...target})
    expect(r.code, r.stdout + r.stderr).toBe(0)
    expect(r.json.tables).toMatchObject({units: 2, requests: 1})
    expect(r.json.audit.count).toBeGreaterThanOrEqual(3)
    const units = await egov(['units', 'list', '--json'], {...env, ...target})
    expect(units.json.units.map((u: {name: string}) => u.name).sort()).toEqual(['市人社局', '市数据局'])
    expect((await egov(['audit', 'verify'], {...env, ...target})).code).toBe(0)
    if (dialect === 'sqlite') expect(statSync(target.EGOV_DB!).mode & 0o777).toBe(0o600)
  })

  // Defined on SQLite only: the restore of a file into a file of its own.
  if (dialect === 'sqlite')
    it("checks the restored chain's MACs with the audit key: under another key the restore is exit 4 (issue 18)", async () => {
      const otherKey = join(dir, 'other', 'audit.key')
      expect((await egov(['db', 'init', '--db', join(dir, 'other.db'), '--rehearsal'], {...env, EGOV_DB: '', EGOV_AUDIT_KEY: otherKey})).code).toBe(0)
      const r = await egov(['db', 'restore', backup, '--json'], {...env, EGOV_DB: join(dir, 'other-key.db'), EGOV_DATABASE_URL: '', EGOV_AUDIT_KEY: otherKey})
      expect(r.code).toBe(4)
      expect(r.json.error.details).toMatchObject({key: 'backup.auditMismatch'})
      expect(r.json.error.details.verify.broken.reason).toBe('mac')
    })

  it('refuses a copy that is not what its manifest describes (truncated), or has no manifest, before restoring anything', async () => {
    const cut = join(dir, 'cut.db')
    execFileSync('cp', [backup, cut])
    execFileSync('cp', [`${backup}.manifest.json`, `${cut}.manifest.json`])
    truncateSync(cut, Math.floor(statSync(cut).size / 2))
    const into = {EGOV_DB: join(dir, 'never.db'), EGOV_DATABASE_URL: ''}
    const r = await egov(['db', 'restore', cut, '--json'], {...env, ...(dialect === 'sqlite' ? into : {})})
    expect(r.code).toBe(4)
    expect(r.json.error.details).toMatchObject({key: 'backup.changed', field: 'FILE'})
    expect(existsSync(into.EGOV_DB)).toBe(false)
    const bare = join(dir, 'bare.db')
    execFileSync('cp', [backup, bare])
    const none = await egov(['db', 'restore', bare, '--json'], {...env, ...(dialect === 'sqlite' ? into : {})})
    expect(none.code).toBe(2)
    expect(none.json.error.details.key).toBe('backup.noManifest')
  })
})
