import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {egov, isolatedHome, onTerminal} from '../helpers/cli.js'
import {createTestDatabase, type TestDatabase} from '../helpers/db.js'

describe('on a terminal', () => {
  let tdb: TestDatabase
  let env: Record<string, string>

  beforeAll(async () => {
    tdb = await createTestDatabase('sqlite')
    env = {...isolatedHome(), ...tdb.env, EGOV_OPERATOR: 'clerk'}
  })
  afterAll(async () => {
    await tdb.cleanup()
  })

  it('prompts for a missing required value instead of failing', async () => {
    const r = await onTerminal(['ticket', 'open', '--unit', '市数据局'], env, [{when: /--subject/, type: '打印机故障\r'}])
    expect(r.code).toBe(0)
    expect(r.screen).toContain('filed request')
    const list = await egov(['requests', 'list', '--json'], env)
    expect(list.json.requests[0]).toMatchObject({applicantUnit: '市数据局', summary: '打印机故障'})
  })

  it('asks before replacing a loaded year; "no" changes nothing', async () => {
    expect((await egov(['calendar', 'load', 'fixtures/calendar/example-2027.json'], env)).code).toBe(0)
    const auditBefore = (await egov(['audit', 'log', '--json'], env)).json.entries.length
    const no = await onTerminal(['calendar', 'load', 'fixtures/calendar/example-2027.json'], env, [{when: /replace the loaded arrangement for 2027\?/, type: 'n\r'}])
    expect(no.code).toBe(2)
    expect(no.screen).toContain('cancelled')
    expect((await egov(['audit', 'log', '--json'], env)).json.entries.length).toBe(auditBefore)
    const yes = await onTerminal(['calendar', 'load', 'fixtures/calendar/example-2027.json'], env, [{when: /replace the loaded arrangement for 2027\?/, type: 'y\r'}])
    expect(yes.code).toBe(0)
    expect((await egov(['audit', 'log', '--json'], env)).json.entries.length).toBe(auditBefore + 1)
  })

  it('colours on a terminal, and not with NO_COLOR', async () => {
    const coloured = await onTerminal(['requests', 'show', '424242'], env, [])
    expect(coloured.code).toBe(3)
    expect(coloured.screen).toContain('\u001B[31m')
    const plain = await onTerminal(['requests', 'show', '424242'], {...env, NO_COLOR: '1'}, [])
    expect(plain.screen).not.toContain('\u001B[')
  })

  it('does not prompt with --json even on a terminal: scripts get exit 2', async () => {
    const r = await onTerminal(['ticket', 'open', '--unit', '市数据局', '--json'], env, [])
    expect(r.code).toBe(2)
    expect(JSON.parse(r.screen.replace(/\r/g, '')).error.details.field).toBe('subject')
  })
})
