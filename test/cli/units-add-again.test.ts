import {expect, it} from 'vitest'

import {egovInProcess} from '../helpers/in-process.js'
import {describeEachDialect, operatorDatabase} from '../helpers/db.js'

/** `units add` of a unit that exists (issue 19: idempotency for scripts). */
describeEachDialect('units add again', (dialect) => {
  const ctx = operatorDatabase(dialect, 'clerk')

  const add = ['units', 'add', '市人力资源和社会保障局', '--kind', 'party-government', '--level', 'city', '--budget', 'city', '--contact', '张三', '--phone', '0937-6221234']

  it('with identical values is a no-op that says so (exit 0, unchanged: true, no audit entry); with fewer flags too', async () => {
    const first = await egovInProcess([...add, '--json'], ctx.env)
    expect(first.code, first.stdout).toBe(0)
    expect(first.json.unchanged).toBeUndefined()
    const audit = async () => (await egovInProcess(['audit', 'log', '--json'], ctx.env)).json.entries.length as number
    const entries = await audit()
    const again = await egovInProcess([...add, '--json'], ctx.env)
    expect(again.code, again.stdout).toBe(0)
    expect(again.json).toMatchObject({id: first.json.id, name: '市人力资源和社会保障局', unchanged: true})
    const text = await egovInProcess(['units', 'add', '市人力资源和社会保障局', '--kind', 'party-government', '--level', 'city'], ctx.env)
    expect(text.code).toBe(0)
    expect(text.stdout).toContain('nothing changed')
    expect(await audit()).toBe(entries)
  })

  it('with other values is exit 4 naming each field, recorded and given; nothing changes', async () => {
    const r = await egovInProcess(['units', 'add', '市人力资源和社会保障局', '--kind', 'party-government', '--level', 'county', '--phone', '0937-6229999', '--json'], ctx.env)
    expect(r.code).toBe(4)
    expect(r.json.error.details).toMatchObject({
      field: 'level',
      fields: [
        {field: 'level', given: 'county', recorded: 'city'},
        {field: 'phone', recorded: '0937-6221234'},
      ],
    })
    expect(r.json.error.message).toContain('units edit')
    const shown = await egovInProcess(['units', 'show', '市人力资源和社会保障局', '--json'], ctx.env)
    expect(shown.json).toMatchObject({level: 'city', phone: '0937-6221234'})
  })
})
