import {afterAll, beforeAll, expect, it} from 'vitest'

import {egov, isolatedHome} from '../helpers/cli.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'
import {egovInProcess} from '../helpers/in-process.js'

/**
 * The in-process runner (test/helpers/in-process.ts) stands in for a child process only if it
 * gives what a user gets: the same standard output, standard error and exit code, call for
 * call. Each case here runs both ways, on both databases, successes and refusals alike.
 */
describeEachDialect('egov in-process gives what bin/run.js gives', (dialect) => {
  let tdb: TestDatabase
  let env: Record<string, string>

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    env = {...isolatedHome(), ...tdb.env, EGOV_OPERATOR: 'clerk', EGOV_NOW: '2026-12-03T02:00:00Z'}
    const made = await egov(['units', 'add', '市数据局', '--kind', 'party-government', '--level', 'city', '--json'], env)
    expect(made.code).toBe(0)
  })
  afterAll(async () => {
    await tdb.cleanup()
  })

  const cases: Array<{name: string; args: string[]; env?: Record<string, string>}> = [
    {name: 'a list, as JSON', args: ['units', 'list', '--json']},
    {name: 'a table', args: ['units', 'list']},
    {name: 'a table in Chinese', args: ['units', 'list'], env: {LANG: 'zh_CN.UTF-8'}},
    {name: 'an unknown flag (exit 2)', args: ['units', 'list', '--colour', '--json']},
    {name: 'a bad option value (exit 2)', args: ['units', 'add', 'x', '--kind', 'alien', '--level', 'city', '--json']},
    {name: 'a bad phone, in Chinese (exit 2)', args: ['units', 'add', 'x', '--kind', 'bank', '--level', 'city', '--phone', '12345'], env: {LANG: 'zh_CN.UTF-8'}},
    {name: 'an unknown parent (exit 3)', args: ['units', 'add', 'x', '--kind', 'bank', '--level', 'city', '--parent', 'nobody', '--json']},
    {name: 'a missing argument', args: ['units', 'show', '--json']},
    {name: 'an unknown command', args: ['units', 'lst', '--json']},
    {name: 'an overlapping pool (NET-1)', args: ['net', 'pool', 'add', '10.0.0.0/8', '--json']},
    {name: 'a request list', args: ['requests', 'list', '--output', 'csv']},
    {name: '--version', args: ['--version']},
  ]

  for (const c of cases) {
    it(c.name, async () => {
      const callEnv = {...env, ...c.env}
      const child = await egov(c.args, callEnv)
      const inProcess = await egovInProcess(c.args, callEnv)
      expect({code: inProcess.code, stdout: inProcess.stdout, stderr: inProcess.stderr}).toEqual({code: child.code, stdout: child.stdout, stderr: child.stderr})
    })
  }

  it('writes as a child does: a unit added in-process is there for the next call of either kind', async () => {
    const added = await egovInProcess(['units', 'add', '城区营业部', '--kind', 'bank', '--level', 'county', '--parent', '市数据局', '--json'], env)
    expect(added.code).toBe(0)
    expect(added.json).toMatchObject({name: '城区营业部', kind: 'bank', parent: '市数据局'})
    const listed = await egov(['units', 'show', '城区营业部', '--json'], env)
    expect(listed.json).toMatchObject({name: '城区营业部'})
    const same = await egovInProcess(['units', 'add', '城区营业部', '--kind', 'bank', '--level', 'county', '--json'], env)
    expect(same.json).toMatchObject({unchanged: true})
    const other = await egov(['units', 'add', '城区营业部', '--kind', 'bank', '--level', 'city', '--json'], env)
    const otherInProcess = await egovInProcess(['units', 'add', '城区营业部', '--kind', 'bank', '--level', 'city', '--json'], env)
    expect(other.code).not.toBe(0)
    expect(otherInProcess).toEqual(other)
  })

  it('leaves the test process as it found it: environment, exit code, streams', async () => {
    // eslint-disable-next-line @typescript-eslint/unbound-method -- compared by identity, never called
    const before = {env: {...process.env}, exitCode: process.exitCode, write: process.stdout.write}
    await egovInProcess(['units', 'add', 'x', '--kind', 'alien', '--level', 'city', '--json'], {...env, EGOV_EXTRA: '1'})
    expect(process.env).toEqual(before.env)
    expect(process.exitCode).toBe(before.exitCode)
    // eslint-disable-next-line @typescript-eslint/unbound-method -- compared by identity, never called
    expect(process.stdout.write).toBe(before.write)
  })
})
