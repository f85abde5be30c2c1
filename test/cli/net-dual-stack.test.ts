import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, expect, it} from 'vitest'

import {isolatedHome} from '../helpers/cli.js'
import {egovInProcess} from '../helpers/in-process.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

/**
 * Issue 15: dual stack. An application asks for an IPv4 and an IPv6 block together
 * (--prefix-length-v6); the plan reserves both in one transaction (NET-5) — either failing
 * leaves neither — and both go active, and both are protected, with the connection.
 */
describeEachDialect('net request: dual stack (NET-5)', (dialect) => {
  let tdb: TestDatabase
  let env: Record<string, string>
  const dir = mkdtempSync(join(tmpdir(), 'egov-dual-'))
  const as = (who: string) => ({...env, ...tdb.envFor(who)})
  const alice = (args: string[]) => egovInProcess(args, as('alice'))
  const bob = (args: string[]) => egovInProcess(args, as('bob'))
  const ok = async (r: Promise<{code: number; stderr: string; stdout: string; json?: any}>) => {
    const done = await r
    expect(done.code, done.stderr).toBe(0)
    return done
  }
  const allocationCount = async () => (await ok(alice(['net', 'list', '--all', '--json']))).json.allocations.length

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    for (const who of ['alice', 'bob']) await (await tdb.open(who)).close()
    env = {...isolatedHome(), ...tdb.env, EGOV_NOW: '2026-03-02T10:00:00+08:00'}
    for (const args of [
      ['net', 'pool', 'add', '10.20.0.0/16', '--name', '市级', '--plane', '1'],
      ['net', 'pool', 'add', '2001:db8::/32', '--name', '市级IPv6', '--plane', '1'],
      ['net', 'pool', 'add', '2001:db9::/32', '--name', '移动IPv6', '--plane', '2'],
      ['units', 'add', '市税务局', '--kind', 'party-government', '--level', 'city', '--budget', 'city'],
      ['units', 'add', '市公安局', '--kind', 'party-government', '--level', 'city', '--budget', 'city'],
    ])
      await ok(alice(args))
  })
  afterAll(async () => {
    await tdb.cleanup()
  })

  it('plans an IPv4 and an IPv6 block in one step; both go active with the connection and are protected', async () => {
    const filed = await ok(
      alice([
        'net',
        'request',
        'apply',
        '--unit',
        '市税务局',
        '--basis',
        '依据',
        '--access-mode',
        'fiber',
        '--scope',
        '办公楼',
        '--hosts',
        '10',
        '--prefix-length-v6',
        '64',
        '--bandwidth',
        '100',
        '--business',
        '业务',
        '--json',
      ]),
    )
    const id = String(filed.json.request.id)
    expect(filed.json.request.payload).toMatchObject({hosts: 10, prefixLengthV6: 64})
    await ok(bob(['requests', 'approve', id]))
    const planned = await ok(alice(['net', 'request', 'plan', id, '--pool', '市级', '--pool-v6', '市级IPv6']))
    expect(planned.stdout).toContain('2001:db8::/64')
    const request = (await ok(alice(['requests', 'show', id, '--json']))).json
    expect(request.payload.plan).toMatchObject({cidr: '10.20.0.0/28', pool: '市级'})
    expect(request.payload.planV6).toMatchObject({cidr: '2001:db8::/64', pool: '市级IPv6'})
    // Planned: the IPv6 block is the request's too (NET-5).
    const early = await alice(['net', 'release', '2001:db8::/64', '--yes', '--json'])
    expect(early.code).toBe(4)
    expect(early.json.error.details).toMatchObject({rule: 'NET-5', requestId: Number(id)})
    await ok(alice(['net', 'request', 'implement', id]))
    await ok(alice(['net', 'request', 'test', id, '--result', 'pass']))
    const unit = (await ok(alice(['units', 'show', '市税务局', '--json']))).json
    expect(unit.connection.addresses).toEqual(expect.arrayContaining(['10.20.0.0/28', '2001:db8::/64']))
    const held = (await ok(alice(['net', 'list', '--unit', '市税务局', '--json']))).json.allocations
    expect(held.map((a: {cidr: string; status: string}) => `${a.cidr} ${a.status}`).sort()).toEqual(['10.20.0.0/28 active', '2001:db8::/64 active'])
    const release = await alice(['net', 'release', '2001:db8::/64', '--yes', '--json'])
    expect(release.code).toBe(4)
    expect(release.json.error.details).toMatchObject({rule: 'NET-6'})
  })

  it('reads prefixLengthV6 from a request file', async () => {
    const file = join(dir, 'apply.json')
    writeFileSync(file, JSON.stringify({unit: '市公安局', basis: '依据', accessMode: 'fiber', scope: '办公楼', prefixLength: 28, prefixLengthV6: 56, bandwidthMbps: 100, business: '业务'}))
    const filed = await ok(alice(['net', 'request', 'apply', '--from-file', file, '--json']))
    expect(filed.json.request.payload).toMatchObject({prefixLength: 28, prefixLengthV6: 56})
    await ok(bob(['requests', 'approve', String(filed.json.request.id)]))
  })

  it('refuses a plan without --pool-v6, with an IPv4 or other-plane pool for it, or a bad IPv6 size, writing neither block', async () => {
    const id = String((await ok(alice(['requests', 'list', '--kind', 'net-onboarding', '--state', 'reviewed', '--json']))).json.requests[0].id)
    const before = await allocationCount()
    const cases: Array<[string[], number, Record<string, unknown>]> = [
      [['--pool', '市级'], 2, {field: 'pool-v6'}],
      [['--pool', '市级', '--pool-v6', '市级'], 2, {field: 'pool-v6'}],
      [['--pool', '市级', '--pool-v6', '移动IPv6'], 2, {field: 'pool-v6', rule: 'NET-2'}],
    ]
    for (const [flags, code, details] of cases) {
      const r = await alice(['net', 'request', 'plan', id, ...flags, '--json'])
      expect(r.code, `${flags.join(' ')}: ${r.stderr}`).toBe(code)
      expect(r.json.error.details).toMatchObject(details)
    }
    expect(await allocationCount()).toBe(before)
    expect((await ok(alice(['requests', 'show', id, '--json']))).json.state).toBe('reviewed')
    const bad = await alice([
      'net',
      'request',
      'apply',
      '--unit',
      '市公安局',
      '--basis',
      '依据',
      '--access-mode',
      'fiber',
      '--scope',
      '办公楼',
      '--hosts',
      '10',
      '--prefix-length-v6',
      '8',
      '--bandwidth',
      '100',
      '--business',
      '业务',
      '--json',
    ])
    expect(bad.code).toBe(2)
    expect(bad.json.error.details.field).toBe('prefix-length-v6')
  })
})
