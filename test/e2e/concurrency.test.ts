import {afterAll, beforeAll, expect, it} from 'vitest'

import {egov, isolatedHome} from '../helpers/cli.js'
import {migrationNames} from '../../src/core/store/index.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

/**
 * Several egov processes at once against one database: on SQLite a new file they race to
 * create and migrate; then they file requests and approve each other's. Nothing may be
 * lost, nothing may fail with "database is locked", and the audit chain must stay whole.
 */
describeEachDialect('processes writing one database at once', (dialect) => {
  let tdb: TestDatabase
  let env: Record<string, string>
  const workers = 8

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    for (const who of ['alice', 'bob']) await (await tdb.open(who)).close()
    env = {...isolatedHome(), ...tdb.env}
  })
  // On PostgreSQL the database user acts: connect as the role.
  const as = (operator: string) => ({...env, ...tdb.envFor(operator)})
  afterAll(async () => {
    await tdb.cleanup()
  })

  it('migrates once, files and approves everything, and keeps one unbroken audit chain', async () => {
    const filed = await Promise.all(Array.from({length: workers}, (_, i) => egov(['ticket', 'open', '--unit', `单位${i}`, '--subject', `工单${i}`, '--json'], as(i % 2 ? 'alice' : 'bob'))))
    for (const r of filed) {
      expect(r.stderr).not.toMatch(/locked|busy/i)
      expect(r.code, r.stderr).toBe(0)
    }
    const ids = filed.map((r) => r.json.request.id as number)
    expect(new Set(ids).size).toBe(workers)

    const approved = await Promise.all(filed.map((r, i) => egov(['requests', 'approve', String(r.json.request.id), '--json'], as(i % 2 ? 'bob' : 'alice'))))
    for (const r of approved) {
      expect(r.stderr).not.toMatch(/locked|busy/i)
      expect(r.code, r.stderr).toBe(0)
    }

    const list = await egov(['requests', 'list', '--json'], env)
    expect(list.json.requests).toHaveLength(workers)
    expect(list.json.requests.every((r: {state: string}) => r.state === 'accepted')).toBe(true)
    const verify = await egov(['audit', 'verify', '--json'], env)
    expect(verify.json).toMatchObject({ok: true, count: workers * 2})
    // Each migration ran exactly once, however many processes raced to run it.
    const migrations = await tdb.sql('select name from kysely_migration order by name')
    expect(migrations.map((m) => m.name)).toEqual(migrationNames)
  })
})
