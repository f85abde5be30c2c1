import {afterAll, beforeAll, expect, it} from 'vitest'

import {isolatedHome} from '../helpers/cli.js'
import {egovInProcess} from '../helpers/in-process.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

/**
 * Issue 15, "Search and history": `net find` by part of a unit's name or of a purpose (any
 * letter case, released blocks with --all), and `net find ADDRESS --at DATE`, who held an
 * address then — from the allocations' dates and the audit trail of their edits (NET-6, NET-7:
 * an address is traced to its holder at any time).
 */
describeEachDialect('net find: text search and --at history', (dialect) => {
  let tdb: TestDatabase
  let home: Record<string, string>
  const on = (day: string) => ({...home, ...tdb.env, EGOV_NOW: `${day}T10:00:00+08:00`})
  const run = (args: string[], day = '2026-06-01') => egovInProcess(args, on(day))
  const ok = async (r: Promise<{code: number; stdout: string; stderr: string; json?: any}>) => {
    const done = await r
    expect(done.code, done.stderr).toBe(0)
    return done
  }

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    home = isolatedHome()
    for (const args of [
      ['net', 'pool', 'add', '10.80.0.0/16', '--name', '市级', '--plane', '1'],
      ['units', 'add', '市人力资源和社会保障局', '--kind', 'party-government', '--level', 'city'],
      ['units', 'add', '市医疗保障局', '--kind', 'party-government', '--level', 'city'],
      ['units', 'add', '市统计局', '--kind', 'party-government', '--level', 'city'],
    ])
      await ok(run(args, '2026-01-05'))
    // 10.80.0.0/28: 人社 from 1 March, handed to 医保 on 1 April, released on 1 May.
    await ok(run(['net', 'alloc', '--pool', '市级', '--cidr', '10.80.0.0/28', '--unit', '市人力资源和社会保障局', '--purpose', 'Social Security 专网'], '2026-03-02'))
    await ok(run(['net', 'alloc', 'edit', '10.80.0.0/28', '--unit', '市医疗保障局', '--purpose', '医保结算'], '2026-04-01'))
    await ok(run(['net', 'release', '10.80.0.0/28', '--yes'], '2026-05-06'))
    // 10.80.1.0/24: the statistics bureau, reserved, from 1 March; still held.
    await ok(run(['net', 'alloc', '--pool', '市级', '--cidr', '10.80.1.0/24', '--unit', '市统计局', '--purpose', '普查数据', '--status', 'reserved'], '2026-03-02'))
  })
  afterAll(async () => {
    await tdb.cleanup()
  })

  it('finds blocks by part of a unit’s name or of a purpose, any letter case; released ones only with --all', async () => {
    const byUnit = await ok(run(['net', 'find', '统计', '--json']))
    expect(byUnit.json).toMatchObject({query: '统计', all: false, warnings: []})
    expect(byUnit.json.allocations.map((a: {cidr: string; unit: string}) => `${a.cidr} ${a.unit}`)).toEqual(['10.80.1.0/24 市统计局'])
    expect((await ok(run(['net', 'find', '普查']))).stdout).toContain('市统计局')

    // The released block is found by its purpose only with --all; "social" finds "Social Security 专网" only as it was, so not now.
    const none = await run(['net', 'find', '医保结算', '--json'])
    expect(none.code).toBe(3)
    expect(none.json.error).toMatchObject({code: 'not_found', details: {field: 'QUERY'}})
    expect(none.json.error.message).toContain('--all')
    const all = await ok(run(['net', 'find', '医保', '--all', '--json']))
    expect(all.json.allocations.map((a: {cidr: string; status: string}) => `${a.cidr} ${a.status}`)).toEqual(['10.80.0.0/28 released'])
    expect((await run(['net', 'find', 'SOCIAL', '--all'])).code).toBe(3)
    // A LIKE wildcard typed in the text matches only itself.
    expect((await run(['net', 'find', '%'])).code).toBe(3)
  })

  it('--at: who held an address then — before, during and after each change; nobody before or after', async () => {
    const at = async (day: string) => await run(['net', 'find', '10.80.0.5', '--at', day, '--json'])
    expect((await at('2026-03-01')).code).toBe(3)
    const march = await at('2026-03-15')
    expect(march.code, march.stderr).toBe(0)
    expect(march.json.at).toBe('2026-03-15T15:59:59.999Z')
    expect(march.json.allocations).toMatchObject([{cidr: '10.80.0.0/28', unit: '市人力资源和社会保障局', purpose: 'Social Security 专网', status: 'active'}])
    expect((await at('2026-04-30')).json.allocations).toMatchObject([{cidr: '10.80.0.0/28', unit: '市医疗保障局', purpose: '医保结算', status: 'active'}])
    const afterRelease = await at('2026-05-06')
    expect(afterRelease.code).toBe(3)
    expect(afterRelease.json.error.message).toContain('2026-05-06 23:59 (UTC+8)')
    // The statistics block, reserved since March: held by it at any time since.
    expect((await run(['net', 'find', '10.80.1.200', '--at', '2026-04-01T00:00:00+08:00', '--json'])).json.allocations).toMatchObject([{unit: '市统计局', status: 'reserved'}])
    // The text form says which instant it answers for, in China time.
    const text = await ok(run(['net', 'find', '10.80.0.5', '--at', '2026-03-15']))
    expect(text.stdout).toContain('as it was at 2026-03-15 23:59 (UTC+8)')
    expect(text.stdout).toContain('市人力资源和社会保障局')
    const zh = await ok(egovInProcess(['net', 'find', '10.80.0.5', '--at', '2026-03-15'], {...on('2026-06-01'), LANG: 'zh_CN.UTF-8'}))
    expect(zh.stdout).toContain('2026-03-15 23:59 (UTC+8) 时的情况')
  })

  it('refuses a bad --at and --at with text, naming the flag (exit 2), writing nothing', async () => {
    const audit = () => tdb.count('audit_log')
    const before = await audit()
    const bad = await run(['net', 'find', '10.80.0.5', '--at', '昨天', '--json'])
    expect(bad.code).toBe(2)
    expect(bad.json.error.details.field).toBe('at')
    expect(bad.json.error.message).toContain('YYYY-MM-DD')
    // A day the calendar does not have is refused, not rolled over into March.
    const noDay = await run(['net', 'find', '10.80.0.5', '--at', '2026-02-31', '--json'])
    expect(noDay.code).toBe(2)
    expect(noDay.json.error.details.field).toBe('at')
    const text = await run(['net', 'find', '人社', '--at', '2026-03-15', '--json'])
    expect(text.code).toBe(2)
    expect(text.json.error.details.field).toBe('at')
    expect(await audit()).toBe(before)
  })
})
