import {afterAll, beforeAll, expect, it} from 'vitest'

import {egov, isolatedHome} from '../helpers/cli.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

/** `units add` of a unit that exists (issue 19: idempotency for scripts). */
describeEachDialect('units add again', (dialect) => {
  let tdb: TestDatabase
  let env: Record<string, string>

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    await (await tdb.open('clerk')).close()
    env = {...isolatedHome(), ...tdb.env, ...tdb.envFor('clerk')}
  })
  afterAll(async () => {
    await tdb.cleanup()
  })

  const add = ['units', 'add', '市人力资源和社会保障局', '--kind', 'party-government', '--level', 'city', '--budget', 'city', '--contact', '张三', '--phone', '0937-6221234']

  it('with identical values is a no-op that says so (exit 0, unchanged: true, no audit entry); with fewer flags too', async () => {
    const first = await egov([...add, '--json'], env)
    expect(first.code, first.stdout).toBe(0)
    expect(first.json.unchanged).toBeUndefined()
    const audit = async () => (await egov(['audit', 'log', '--json'], env)).json.entries.length as number
    const entries = await audit()
    const again = await egov([...add, '--json'], env)
    expect(again.code, again.stdout).toBe(0)
    expect(again.json).toMatchObject({id: first.json.id, name: '市人力资源和社会保障局', unchanged: true})
    const text = await egov(['units', 'add', '市人力资源和社会保障局', '--kind', 'party-government', '--level', 'city'], env)
    expect(text.code).toBe(0)
    expect(text.stdout).toContain('nothing changed')
    expect(await audit()).toBe(entries)
  })

  it('with other values is exit 4 naming each field, recorded and given; nothing changes', async () => {
    const r = await egov(['units', 'add', '市人力资源和社会保障局', '--kind', 'party-government', '--level', 'county', '--phone', '0937-6229999', '--json'], env)
    expect(r.code).toBe(4)
    expect(r.json.error.details).toMatchObject({
      field: 'level',
      fields: [
        {field: 'level', given: 'county', recorded: 'city'},
        {field: 'phone', recorded: '0937-6221234'},
      ],
    })
    expect(r.json.error.message).toContain('units edit')
    const shown = await egov(['units', 'show', '市人力资源和社会保障局', '--json'], env)
    expect(shown.json).toMatchObject({level: 'city', phone: '0937-6221234'})
  })
})
