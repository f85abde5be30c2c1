import {afterAll, beforeAll, expect, it} from 'vitest'

import {isolatedHome} from '../helpers/cli.js'
import {egovInProcess} from '../helpers/in-process.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

describeEachDialect('the unit registry through the CLI (in-process)', (dialect) => {
  let tdb: TestDatabase
  let env: Record<string, string>
  const run = (args: string[]) => egovInProcess(args, env)

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    env = {...isolatedHome(), ...tdb.env, EGOV_OPERATOR: 'clerk'}
  })
  afterAll(async () => {
    await tdb.cleanup()
  })

  it('adds, lists, shows and edits units, every change audited', async () => {
    const added = await run(['units', 'add', '市数据局', '--kind', 'party-government', '--level', 'city', '--budget', 'city', '--contact', '王五', '--phone', '０９３７ ６２２１２３４', '--json'])
    expect(added.json).toMatchObject({name: '市数据局', kind: 'party-government', kindName: '党政机关', level: 'city', budget: 'city', phone: '0937-6221234'})
    await run(['units', 'add', '城区营业部', '--kind', '银行', '--level', '县级', '--parent', '市数据局', '--phone', '139 1234 5678'])
    const list = await run(['units', 'list', '--kind', 'bank', '--json'])
    expect(list.json.units).toEqual([expect.objectContaining({name: '城区营业部', kind: 'bank', level: 'county', parent: '市数据局', phone: '13912345678', budget: 'self'})])
    const edited = await run(['units', 'edit', '城区营业部', '--contact', '赵六', '--budget', 'city', '--json'])
    expect(edited.json).toMatchObject({contact: '赵六', budget: 'city'})
    const log = await run(['audit', 'log', '--entity', 'unit', '--json'])
    expect(log.json.entries.map((e: {action: string}) => e.action)).toEqual(['unit.edit', 'unit.add', 'unit.add'])
    expect(log.json.entries[0].before.contact).toBeNull()
    expect((await run(['units', 'show', '城区营业部', '--json'])).json).toMatchObject({connection: null, addresses: [], requests: []})
  })

  it('refuses bad input naming the field, and writes nothing', async () => {
    const count = async () => (await run(['units', 'list', '--json'])).json.units.length
    const before = await count()
    const cases: Array<[string[], number, string]> = [
      [['units', 'add', 'x', '--kind', 'alien', '--level', 'city', '--json'], 2, 'kind'],
      [['units', 'add', 'x', '--kind', 'bank', '--level', 'galaxy', '--json'], 2, 'level'],
      [['units', 'add', 'x', '--kind', 'bank', '--level', 'city', '--phone', '12345', '--json'], 2, 'phone'],
      [['units', 'add', 'x', '--kind', 'bank', '--level', 'city', '--parent', 'nobody', '--json'], 3, 'parent'],
      // Adding an existing unit again is a no-op only with the same values; otherwise exit 4
      // names the first field that differs (issue 19: `units add` is safe to re-run).
      [['units', 'add', '市数据局', '--kind', 'bank', '--level', 'city', '--json'], 4, 'kind'],
      [['units', 'add', 'x', '--level', 'city', '--json'], 2, 'kind'],
      [['units', 'edit', '市数据局', '--parent', '城区营业部', '--json'], 4, 'parent'],
      [['units', 'show', 'nobody', '--json'], 3, 'NAME'],
    ]
    for (const [args, code, field] of cases) {
      const r = await run(args)
      expect(r.code, args.join(' ')).toBe(code)
      expect(r.json.error.details.field, args.join(' ')).toBe(field)
    }
    expect(await count()).toBe(before)
  })
})
