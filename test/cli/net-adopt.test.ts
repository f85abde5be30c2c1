import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import ExcelJS from 'exceljs'
import {afterAll, beforeAll, expect, it} from 'vitest'

import {isolatedHome} from '../helpers/cli.js'
import {egovInProcess} from '../helpers/in-process.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

/**
 * Issue 15: a city already on the extranet brings its connections in as they are
 * (`net request adopt`, 存量接入登记): a second person approves, the blocks are checked
 * at filing and again in the approving transaction, and afterwards the connection is one like
 * any other — protected (NET-6), changeable, cut off, in the yearly report.
 */
describeEachDialect('net request adopt: existing connections brought in (NET-5, NET-6)', (dialect) => {
  let tdb: TestDatabase
  let env: Record<string, string>
  const as = (who: string) => ({...env, ...tdb.envFor(who)})
  const alice = (args: string[]) => egovInProcess(args, as('alice'))
  const bob = (args: string[]) => egovInProcess(args, as('bob'))
  const ok = async (r: Promise<{code: number; stderr: string; json?: any}>) => {
    const done = await r
    expect(done.code, done.stderr).toBe(0)
    return done
  }
  const adopt = (unit: string, ...flags: string[]) =>
    alice(['net', 'request', 'adopt', unit, '--access-mode', 'fiber', '--bandwidth', '100', '--since', '2019-05-01', '--basis', '市信息中心〔2019〕8号', ...flags, '--json'])
  const requestCount = async () => (await ok(alice(['requests', 'list', '--json']))).json.requests.length

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    for (const who of ['alice', 'bob']) await (await tdb.open(who)).close()
    env = {...isolatedHome(), ...tdb.env, EGOV_NOW: '2026-03-02T10:00:00+08:00'}
    for (const args of [
      ['net', 'pool', 'add', '10.20.0.0/16', '--name', '市级', '--plane', '1'],
      ['net', 'pool', 'add', '10.30.0.0/16', '--name', '二平面', '--plane', '2'],
      ['units', 'add', '市税务局', '--kind', 'party-government', '--level', 'city', '--budget', 'city'],
      ['units', 'add', '市公安局', '--kind', 'party-government', '--level', 'city', '--budget', 'city'],
      ['units', 'add', '市统计局', '--kind', 'party-government', '--level', 'city', '--budget', 'city'],
    ])
      await ok(alice(args))
  })
  afterAll(async () => {
    await tdb.cleanup()
  })

  it('records the connection with a block the unit holds and a free one, once a second person approves', async () => {
    const held = await ok(alice(['net', 'alloc', '--pool', '市级', '--cidr', '10.20.144.0/24', '--unit', '市税务局', '--purpose', '办税服务厅', '--json']))
    const heldId = held.json.allocations[0].id
    const filed = await ok(adopt('市税务局', '--cidr', '10.20.144.0/24', '--cidr', '10.20.150.0/26'))
    const id = String(filed.json.request.id)
    expect(filed.json.request).toMatchObject({
      kind: 'net-adopt',
      state: 'applied',
      payload: {unit: '市税务局', cidrs: ['10.20.144.0/24', '10.20.150.0/26'], since: '2019-05-01', costBearer: 'bureau', plane: 1},
    })
    // Nothing is taken before approval.
    expect((await ok(alice(['units', 'show', '市税务局', '--json']))).json.connection ?? null).toBeNull()

    const own = await alice(['requests', 'approve', id, '--json'])
    expect(own.code).toBe(5)
    expect(own.json.error.details).toMatchObject({rule: 'X-2'})

    const approved = await ok(bob(['requests', 'approve', id, '--json']))
    expect(approved.json.request.state).toBe('adopted')
    const allocations = approved.json.request.payload.allocations as number[]
    expect(allocations[0]).toBe(heldId)
    const unit = (await ok(alice(['units', 'show', '市税务局', '--json']))).json
    expect(unit.connection).toMatchObject({status: 'in-service', plane: 1, accessMode: 'fiber', bandwidthMbps: 100, costBearer: 'bureau', requestId: Number(id)})
    expect(unit.connection.since.slice(0, 10)).toBe('2019-04-30') // 2019-05-01 00:00 China time, as an instant
    expect(unit.connection.addresses).toEqual(['10.20.144.0/24', '10.20.150.0/26'])

    // A connection like any other: its blocks are protected (NET-6), it can change and be cut off.
    const release = await alice(['net', 'release', '10.20.150.0/26', '--yes', '--json'])
    expect(release.code).toBe(4)
    expect(release.json.error.details).toMatchObject({rule: 'NET-6', unit: '市税务局'})
    await ok(alice(['net', 'request', 'change', '市税务局', '--basis', '扩容', '--bandwidth', '200']))
    await ok(alice(['net', 'cutoff', 'add', '市税务局', '--reason', '终端存在高危漏洞', '--rectify-by', '2026-03-20']))
    const report = (await ok(alice(['net', 'report', '--year', '2026', '--json']))).json
    expect(report.costBearers).toContainEqual({costBearer: 'bureau', units: 1})
    // A second adoption of a connected unit is a conflict.
    const again = await adopt('市税务局', '--cidr', '10.20.160.0/26')
    expect(again.code).toBe(4)
    expect(again.json.error.details).toMatchObject({field: 'unit'})
  })

  it('refuses another unit’s block, overlapping blocks, a block in no pool, a future date and bad flags, filing nothing', async () => {
    await ok(alice(['net', 'alloc', '--pool', '市级', '--cidr', '10.20.200.0/24', '--unit', '市公安局']))
    const before = await requestCount()
    const cases: Array<[string[], number, Record<string, unknown>]> = [
      [['--cidr', '10.20.200.0/25'], 4, {field: 'cidr', rule: 'NET-1', unit: '市公安局', held: '10.20.200.0/24'}],
      [['--cidr', '10.20.10.0/24', '--cidr', '10.20.10.128/25'], 2, {field: 'cidr', rule: 'NET-1'}],
      [['--cidr', '10.99.0.0/24'], 3, {field: 'cidr', rule: 'NET-1'}],
      // Plane 2's space is not in a pool of plane 1.
      [['--cidr', '10.30.1.0/24'], 3, {field: 'cidr', rule: 'NET-1'}],
      [['--cidr', '10.20.10.0/24', '--since', '2026-03-03'], 2, {field: 'since'}],
      [['--cidr', '10.20.10.0/24', '--since', '2026-02-30'], 2, {field: 'since'}],
      [['--cidr', '10.20.10.0/33'], 2, {field: 'cidr'}],
      [['--cidr', '10.20.10.0/24', '--cost-bearer', 'unit'], 5, {field: 'cost-bearer', rule: 'NET-8'}],
    ]
    for (const [flags, code, details] of cases) {
      const r = await adopt('市统计局', ...flags)
      expect(r.code, `${flags.join(' ')}: ${r.stderr}`).toBe(code)
      expect(r.json.error.details, flags.join(' ')).toMatchObject(details)
    }
    const unknown = await adopt('市人设局', '--cidr', '10.20.10.0/24')
    expect(unknown.code).toBe(3)
    expect(unknown.json.error.message).toContain('市')
    expect(await requestCount()).toBe(before)
  })

  it('checks the blocks again at approval: one taken meanwhile refuses the approval, which changes nothing', async () => {
    const filed = await ok(adopt('市统计局', '--cidr', '10.20.30.0/24'))
    const id = String(filed.json.request.id)
    await ok(alice(['net', 'alloc', '--pool', '市级', '--cidr', '10.20.30.0/26', '--unit', '市公安局']))
    const refused = await bob(['requests', 'approve', id, '--json'])
    expect(refused.code).toBe(4)
    expect(refused.json.error.details).toMatchObject({field: 'cidr', unit: '市公安局'})
    expect((await ok(alice(['requests', 'show', id, '--json']))).json.state).toBe('applied')
    expect((await ok(alice(['units', 'show', '市统计局', '--json']))).json.connection ?? null).toBeNull()
  })

  it('brings connections in from the plan workbook’s 存量接入 sheet, all or nothing, every problem located', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'egov-adopt-'))
    const book = async (name: string, rows: unknown[][]) => {
      const wb = new ExcelJS.Workbook()
      wb.addWorksheet('地址分配').addRows([
        ['地址段', '平面', '地址池', '单位', '用途', '状态'],
        ['10.20.90.0/24', '1', '', '市教育局', '教育专网', '已分配'],
      ])
      wb.addWorksheet('存量接入').addRows([['单位', '地址段', '平面', '接入方式', '带宽（Mbps）', '接入日期', '依据'], ...rows])
      const path = join(dir, name)
      await wb.xlsx.writeFile(path)
      return path
    }
    for (const unit of ['市教育局', '市卫健委']) await ok(alice(['units', 'add', unit, '--kind', 'party-government', '--level', 'city', '--budget', 'city']))
    const before = await requestCount()
    const bad = await book('bad.xlsx', [
      ['市教委', '10.20.93.0/24', '1', '光纤专线', '100', '2019-05-01', '批复'],
      ['市卫健委', '10.20.200.0/24', '', 'MSTP专线', '50', '2020/6/1', '批复'],
      ['市教育局', '10.20.90.0/24', '', '光纤专线', '100', '2019-13-01', '批复'],
    ])
    const refused = await alice(['net', 'import', bad, '--json'])
    expect(refused.code).toBe(2)
    const problems = refused.json.error.details.problems as Array<{sheet: string; row: number; field: string; rule?: string; suggestion?: string}>
    expect(problems.map((p) => [p.sheet, p.row, p.field])).toEqual([
      ['存量接入', 2, 'unit'],
      ['存量接入', 3, 'cidrs'],
      ['存量接入', 4, 'since'],
    ])
    expect(problems[1]!.rule).toBe('NET-1')
    expect(await requestCount()).toBe(before)
    // The allocation sheet's row went with the refusal: all or nothing.
    expect((await ok(alice(['net', 'list', '--json']))).json.allocations.map((a: {cidr: string}) => a.cidr)).not.toContain('10.20.90.0/24')

    const good = await book('good.xlsx', [
      ['市教育局', '10.20.90.0/24、10.20.91.0/26', '1', '光纤专线', '100', new Date(Date.UTC(2018, 2, 1)), '教育局〔2018〕3号'],
      ['市卫健委', '10.20.92.0/24', '', 'MSTP专线', '50', '2020/6/1', '卫健委批复'],
    ])
    const dry = await ok(alice(['net', 'import', good, '--dry-run', '--json']))
    expect(dry.json.connections).toHaveLength(2)
    expect(await requestCount()).toBe(before)
    const done = await ok(alice(['net', 'import', good, '--json']))
    expect(done.json).toMatchObject({
      allocations: 1,
      connections: [
        {row: 2, unit: '市教育局'},
        {row: 3, unit: '市卫健委'},
      ],
    })
    for (const c of done.json.connections as Array<{requestId: number}>) await ok(bob(['requests', 'approve', String(c.requestId)]))
    const edu = (await ok(alice(['units', 'show', '市教育局', '--json']))).json.connection
    expect(edu).toMatchObject({status: 'in-service', accessMode: 'fiber', bandwidthMbps: 100})
    expect(edu.addresses).toEqual(['10.20.90.0/24', '10.20.91.0/26'])
    expect((await ok(alice(['units', 'show', '市卫健委', '--json']))).json.connection).toMatchObject({status: 'in-service', accessMode: 'mstp', addresses: ['10.20.92.0/24']})
  })
})
