import {spawnSync} from 'node:child_process'
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, expect, it} from 'vitest'

import {egov, isolatedHome} from '../helpers/cli.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'
import {team} from '../helpers/team.js'

/**
 * Issue 15, NET-4 (第十一条: 分级接入、属地接入): pools and units carry a district, pools the
 * level of unit they serve; a plan from a pool of another district or level is refused unless
 * --override-reason is given, and then the reason is recorded; net usage and the map group by
 * district. Through bin/run.js on SQLite and PostgreSQL.
 */
describeEachDialect('districts and levels (NET-4)', (dialect) => {
  let tdb: TestDatabase
  let env: Record<string, string>
  const {alice, bob, ok} = team(
    () => tdb,
    () => env,
  )
  const reviewed = async (unit: string, extra: string[] = []) => {
    const filed = await ok(
      alice([
        'net',
        'request',
        'apply',
        '--unit',
        unit,
        '--basis',
        '依据',
        '--access-mode',
        'fiber',
        '--scope',
        '办公楼',
        '--hosts',
        '10',
        '--bandwidth',
        '100',
        '--business',
        '业务',
        ...extra,
        '--json',
      ]),
    )
    const id = String(filed.json.request.id)
    await ok(bob(['requests', 'approve', id]))
    return id
  }
  const request = async (id: string) => (await ok(alice(['requests', 'show', id, '--json']))).json
  let countyId = ''
  let statsId = ''
  const blocks = async () => (await ok(alice(['net', 'list', '--json']))).json.allocations.map((a: {cidr: string; unit: string}) => `${a.cidr} ${a.unit}`)

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    for (const who of ['alice', 'bob']) await (await tdb.open(who)).close()
    env = {...isolatedHome(), ...tdb.env, EGOV_NOW: '2026-03-02T10:00:00+08:00'}
    for (const args of [
      ['net', 'pool', 'add', '10.80.0.0/16', '--name', '市级', '--plane', '1', '--district', '市本级', '--level', 'city'],
      ['net', 'pool', 'add', '10.80.64.0/20', '--name', '甲县', '--plane', '1', '--district', '甲县', '--level', '县级'],
      ['net', 'pool', 'add', '10.80.80.0/20', '--name', '乙县', '--plane', '1', '--district', '乙县', '--level', 'county'],
      // No district of its own: it is 乙县's, its parent's.
      ['net', 'pool', 'add', '10.80.88.0/24', '--name', '乙县-某镇', '--plane', '1'],
      ['net', 'pool', 'add', '2001:db8::/32', '--name', '市级IPv6', '--plane', '1', '--district', '市本级'],
      ['units', 'add', '市司法局', '--kind', 'party-government', '--level', 'city', '--budget', 'city', '--district', '市本级'],
      ['units', 'add', '甲县民政局', '--kind', 'party-government', '--level', 'county', '--district', '甲县'],
      ['units', 'add', '乙县某乡政府', '--kind', 'party-government', '--level', 'township', '--district', '乙县'],
      ['units', 'add', '市统计局', '--kind', 'party-government', '--level', 'city', '--budget', 'city'],
      // A district-level (区级) unit of the city proper: the city's own district, another level.
      ['units', 'add', '城区市场监管所', '--kind', 'party-government', '--level', 'county', '--district', '市本级'],
    ])
      await ok(alice(args))
  })
  afterAll(async () => {
    await tdb.cleanup()
  })

  it('refuses a pool of another district or level (exit 5, NET-4) naming both, and writes nothing', async () => {
    const id = (countyId = await reviewed('甲县民政局'))
    const before = await blocks()
    const cases: Array<[string, Record<string, unknown>, string[]]> = [
      ['乙县', {kind: 'district', poolDistrict: '乙县', unitDistrict: '甲县'}, ['乙县', '甲县', '属地']],
      // A pool without a district of its own is its parent's.
      ['乙县-某镇', {kind: 'district', poolDistrict: '乙县', unitDistrict: '甲县'}, ['乙县', '甲县']],
      ['市级', {kind: 'district', poolDistrict: '市本级', unitDistrict: '甲县'}, ['市本级', '甲县']],
    ]
    for (const [pool, mismatch, words] of cases) {
      const r = await alice(['net', 'request', 'plan', id, '--pool', pool, '--json'])
      expect(r.code, `${pool}: ${r.stderr}`).toBe(5)
      expect(r.json.error.details).toMatchObject({rule: 'NET-4', field: 'pool'})
      expect(r.json.error.details.mismatches[0]).toMatchObject(mismatch)
      for (const w of words) expect(r.json.error.message).toContain(w)
    }
    // 市统计局 has no district: nobody can say a 市本级 pool is local to it.
    const stats = (statsId = await reviewed('市统计局'))
    const unknown = await alice(['net', 'request', 'plan', stats, '--pool', '市级', '--json'])
    expect(unknown.code).toBe(5)
    expect(unknown.json.error.details.mismatches).toEqual([{kind: 'unit-district', poolDistrict: '市本级'}])
    expect(unknown.json.error.message).toContain('units edit 市统计局 --district')
    expect((await request(id)).state).toBe('reviewed')
    expect((await request(stats)).state).toBe('reviewed')
    expect(await blocks()).toEqual(before)
  })

  it('plans from the unit’s own district and level; a county pool serves the townships below it', async () => {
    const planned = await ok(alice(['net', 'request', 'plan', countyId, '--pool', '甲县', '--json']))
    expect(planned.json.request.payload.plan).toMatchObject({pool: '甲县'})
    expect(planned.json.request.payload.plan.override).toBeUndefined()
    expect(planned.json.warnings).toEqual([])
    const township = await reviewed('乙县某乡政府')
    const viaCounty = await ok(alice(['net', 'request', 'plan', township, '--pool', '乙县-某镇', '--json']))
    expect(viaCounty.json.request.payload.plan).toMatchObject({pool: '乙县-某镇'})
  })

  it('a city pool does not serve a county unit (分级接入), and a wrong level is exit 2 naming the field', async () => {
    const id = await reviewed('城区市场监管所')
    const r = await alice(['net', 'request', 'plan', id, '--pool', '市级', '--json'])
    expect(r.code).toBe(5)
    expect(r.json.error.details.mismatches).toEqual([{kind: 'level', poolLevel: 'city', unitLevel: 'county'}])
    expect(r.json.error.message).toContain('分级接入')
    expect((await request(id)).state).toBe('reviewed')
    const bad = await alice(['net', 'pool', 'add', '10.81.0.0/20', '--name', '丙县', '--plane', '1', '--level', 'province', '--json'])
    expect(bad.code).toBe(2)
    expect(bad.json.error.details).toMatchObject({field: 'level'})
    expect((await ok(alice(['net', 'pool', 'list', '--json']))).json.pools.map((p: {name: string}) => p.name)).not.toContain('丙县')
  })

  it('--override-reason plans it all the same and records the reason, the rule and what differed', async () => {
    const r = await ok(alice(['net', 'request', 'plan', statsId, '--pool', '乙县', '--override-reason', '本局临时借用乙县地址，待市级扩容后调整', '--json']))
    expect(r.json.request.payload.plan.override).toEqual({
      rule: 'NET-4',
      reason: '本局临时借用乙县地址，待市级扩容后调整',
      pool: '乙县',
      // No district recorded for the unit, and a county's pool for a city unit.
      mismatches: [
        {kind: 'unit-district', poolDistrict: '乙县'},
        {kind: 'level', poolLevel: 'county', unitLevel: 'city'},
      ],
    })
    expect(r.json.warnings).toEqual([expect.objectContaining({code: 'net.net4Override', rule: 'NET-4'})])
    // The request's history keeps it.
    expect((await request(statsId)).payload.plan.override.reason).toBe('本局临时借用乙县地址，待市级扩容后调整')
  })

  it('--pool-v6 on a request that asks for no IPv6 block is exit 2, not ignored', async () => {
    const id = await reviewed('市司法局')
    const r = await alice(['net', 'request', 'plan', id, '--pool', '市级', '--pool-v6', '市级IPv6', '--json'])
    expect(r.code).toBe(2)
    expect(r.json.error.details).toMatchObject({field: 'pool-v6'})
    expect((await request(id)).state).toBe('reviewed')
    await ok(alice(['net', 'request', 'plan', id, '--pool', '市级']))
  })

  it('net pool edit sets and clears district and level, audited before and after', async () => {
    const edited = await ok(alice(['net', 'pool', 'edit', '乙县-某镇', '--district', '乙县', '--level', 'township', '--json']))
    expect(edited.json.pool).toMatchObject({district: '乙县', level: 'township'})
    expect(edited.json.changes.map((c: {field: string}) => c.field)).toEqual(['district', 'level'])
    const cleared = await ok(alice(['net', 'pool', 'edit', '乙县-某镇', '--level', '', '--json']))
    expect(cleared.json.pool).toMatchObject({district: '乙县', level: null})
    const audit = (await ok(alice(['audit', 'log', '--entity', 'net-pool', '--json']))).json
    const entries = (audit.entries ?? audit) as Array<{action: string; before?: any; after?: any}>
    expect(entries.find((e) => e.action === 'net.pool.edit' && e.after?.level === null)?.before).toMatchObject({level: 'township'})
    const bad = await alice(['net', 'pool', 'edit', '乙县-某镇', '--level', '省级', '--json'])
    expect(bad.code).toBe(2)
    expect(bad.json.error.details).toMatchObject({field: 'level'})
  })

  it('net usage groups by district (each pool’s own space under its district), --district filters, the map labels holders by district', async () => {
    const report = (await ok(alice(['net', 'usage', '--json']))).json
    expect(report.pools.find((p: {name: string}) => p.name === '乙县-某镇').district).toBe('乙县')
    const v4 = report.districts.filter((d: {family: number}) => d.family === 4)
    const size = (name: string) => Number(v4.find((d: {district: string}) => d.district === name).size)
    // 市级 /16 less the three pools inside it; 乙县 /20 with its town's /24; 甲县 /20.
    expect(size('市本级')).toBe(65536 - 4096 - 4096)
    expect(size('乙县')).toBe(4096)
    expect(size('甲县')).toBe(4096)
    expect(v4.reduce((n: number, d: {size: string}) => n + Number(d.size), 0)).toBe(65536)
    const only = (await ok(alice(['net', 'usage', '--district', '乙县', '--json']))).json
    expect(only.pools.map((p: {name: string}) => p.name)).toEqual(['乙县', '乙县-某镇'])
    expect(only.units.map((u: {unit: string}) => u.unit).sort()).toEqual(['乙县某乡政府', '市统计局'])
    const text = await ok(alice(['net', 'usage']))
    expect(text.stdout).toMatch(/Per district \(NET-4\)/)
    const missing = await alice(['net', 'usage', '--district', '丁县', '--json'])
    expect(missing.code).toBe(3)
    expect(missing.json.error.details).toMatchObject({field: 'district', rule: 'NET-4'})
    expect(missing.json.error.message).toContain('乙县')
    const map = (await ok(alice(['net', 'map', '--pool', '市级', '--json']))).json.map as string
    expect(map).toMatch(/甲县 \(pool\) \[甲县\]/)
    expect(map).toMatch(/乙县 \(pool\) \[乙县\]/)
  })

  it('the plan workbook carries 属地 and 服务层级: exported, and read back by import into pools', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'egov-districts-'))
    const out = join(dir, 'plan.xlsx')
    await ok(alice(['net', 'export', '--out', out]))
    const read = spawnSync('python3', ['test/helpers/xlsx_cells.py', out], {encoding: 'utf8'})
    const pools = JSON.parse(read.stdout)['地址池'] as string[][]
    expect(pools[0]).toEqual(expect.arrayContaining(['属地', '服务层级']))
    const row = pools.find((r) => r.includes('甲县'))!
    expect(row).toEqual(expect.arrayContaining(['甲县', '县级']))
    const fresh = await createTestDatabase(dialect)
    try {
      for (const who of ['alice']) await (await fresh.open(who)).close()
      const env2 = {...isolatedHome(), ...fresh.env, ...fresh.envFor('alice'), EGOV_NOW: '2026-03-02T10:00:00+08:00'}
      for (const u of ['市司法局', '甲县民政局', '乙县某乡政府', '市统计局', '城区市场监管所']) {
        const r = await egov(['units', 'add', u, '--kind', 'party-government', '--level', 'city'], env2)
        expect(r.code, r.stderr).toBe(0)
      }
      const imported = await egov(['net', 'import', out, '--json'], env2)
      expect(imported.code, imported.stderr).toBe(0)
      const listed = await egov(['net', 'pool', 'list', '--json'], env2)
      expect(listed.json.pools.find((p: {name: string}) => p.name === '甲县')).toMatchObject({district: '甲县'})
    } finally {
      await fresh.cleanup()
    }
  })
})
