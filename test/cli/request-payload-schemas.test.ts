import {afterAll, beforeAll, expect, it} from 'vitest'

import {isolatedHome} from '../helpers/cli.js'
import {egovInProcess} from '../helpers/in-process.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

/**
 * Issue 19, "Schemas": every request kind's payload has one JSON Schema
 * (schemas/requests/KIND.schema.json). A payload egov would not write is refused at filing
 * (exit 2 naming the field, nothing written); one stored around egov is reported, never
 * fatal: `egov requests show` warns of it, `egov db init` lists each (id, kind, field) and
 * `egov requests list` still lists every request.
 */
describeEachDialect('request payload schemas', (dialect) => {
  let tdb: TestDatabase
  let env: Record<string, string>
  const as = (operator: string) => ({...env, ...tdb.envFor(operator)})
  const count = () => tdb.count('requests')
  const auditCount = () => tdb.count('audit_log')

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    for (const who of ['alice', 'bob']) await (await tdb.open(who)).close()
    env = {...isolatedHome(), ...tdb.env}
  })
  afterAll(async () => {
    await tdb.cleanup()
  })

  const file = async (subject: string) => {
    const r = await egovInProcess(['ticket', 'open', '--unit', '市数据局', '--subject', subject, '--detail', '细节', '--json'], as('alice'))
    expect(r.code, r.stderr).toBe(0)
    return r.json.request.id as number
  }

  it('files, shows and approves a request whose payload matches; db init reports nothing', async () => {
    const id = await file('网络故障')
    const shown = await egovInProcess(['requests', 'show', String(id), '--json'], as('alice'))
    expect(shown.code, shown.stderr).toBe(0)
    expect(shown.json.payload).toEqual({subject: '网络故障', detail: '细节'})
    expect(shown.json.warnings).toEqual([])
    expect((await egovInProcess(['requests', 'approve', String(id), '--json'], as('bob'))).code).toBe(0)
    const init = await egovInProcess(['db', 'init', '--json'], as('alice'))
    expect(init.code, init.stderr).toBe(0)
    expect(init.json.storedPayloads).toEqual([])
  })

  it('an invalid payload at filing is exit 2 naming the field, and nothing is written', async () => {
    const [before, audit] = [await count(), await auditCount()]
    const r = await egovInProcess(['ticket', 'open', '--unit', '市数据局', '--subject', '长'.repeat(201), '--json'], as('alice'))
    expect(r.code, r.stdout).toBe(2)
    expect(r.json.error.code).toBe('invalid_input')
    expect(JSON.stringify(r.json.error)).toContain('subject')
    expect([await count(), await auditCount()]).toEqual([before, audit])
  })

  it('payloads written around egov (an unknown key, a wrong type, not JSON) are reported with id, kind and field; lists still work', async () => {
    const typo = await file('拼错的键')
    const wrongType = await file('错误的类型')
    const garbled = await file('不是 JSON')
    await tdb.sql(`update requests set payload = '{"subject":"拼错的键","detial":"x"}' where id = ${typo}`)
    await tdb.sql(`update requests set payload = '{"subject":5}' where id = ${wrongType}`)
    await tdb.sql(`update requests set payload = 'not json' where id = ${garbled}`)

    const list = await egovInProcess(['requests', 'list', '--json'], as('alice'))
    expect(list.code, list.stderr).toBe(0)
    expect(list.json.requests.map((r: {id: number}) => r.id)).toEqual(expect.arrayContaining([typo, wrongType, garbled]))

    const shown = await egovInProcess(['requests', 'show', String(typo), '--json'], as('alice'))
    expect(shown.code, shown.stderr).toBe(0)
    expect(shown.json.warnings).toEqual([expect.objectContaining({field: 'detial', rule: 'additionalProperties'})])
    expect(shown.json.warnings[0].message).toContain(`request ${typo} (ticket)`)
    const human = await egovInProcess(['requests', 'show', String(wrongType)], as('alice'))
    expect(human.code, human.stderr).toBe(0)
    expect(human.stderr).toContain(`request ${wrongType} (ticket): its stored payload does not match the kind's schema: subject must be of type string`)
    const zh = await egovInProcess(['requests', 'show', String(garbled)], {...as('alice'), LC_ALL: 'zh_CN.UTF-8'})
    expect(zh.code, zh.stderr).toBe(0)
    expect(zh.stderr).toContain(`申请 ${garbled}（ticket）：已存的申请内容不是 JSON`)

    const init = await egovInProcess(['db', 'init', '--json'], as('alice'))
    expect(init.code, init.stderr).toBe(0)
    expect(init.json.storedPayloads).toEqual([
      {id: typo, kind: 'ticket', field: 'detial', rule: 'additionalProperties', expected: 'subject, detail', suggestion: 'detail'},
      {id: wrongType, kind: 'ticket', field: 'subject', rule: 'type', expected: 'string'},
      {id: garbled, kind: 'ticket', field: '', rule: 'json'},
    ])
    expect(init.json.warnings.map((w: {message: string}) => w.message)).toEqual(expect.arrayContaining([expect.stringContaining(`request ${typo} (ticket)`)]))
    const text = await egovInProcess(['db', 'init'], as('alice'))
    expect(text.code, text.stderr).toBe(0)
    expect(text.stderr).toContain(`request ${typo} (ticket): its stored payload does not match the kind's schema: detial is not a key of this kind`)
    // Reported, never changed.
    expect(await tdb.value(`select payload from requests where id = ${typo}`)).toBe('{"subject":"拼错的键","detial":"x"}')
  })
})
