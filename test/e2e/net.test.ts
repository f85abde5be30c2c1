import {execFileSync} from 'node:child_process'
import {copyFileSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import ExcelJS from 'exceljs'
import iconv from 'iconv-lite'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {egov, isolatedHome} from '../helpers/cli.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

const SECOND_READER = new URL('../helpers/xlsx_cells.py', import.meta.url).pathname
const readBack = (path: string) => JSON.parse(execFileSync('python3', [SECOND_READER, path], {encoding: 'utf8'})) as Record<string, string[][]>

async function workbook(path: string, sheets: Record<string, unknown[][]>): Promise<string> {
  const wb = new ExcelJS.Workbook()
  for (const [name, rows] of Object.entries(sheets)) {
    const ws = wb.addWorksheet(name)
    for (const r of rows) ws.addRow(r)
  }
  await wb.xlsx.writeFile(path)
  return path
}

async function register(names: string[], env: Record<string, string>): Promise<void> {
  for (const name of names) {
    const r = await egov(['units', 'add', name, '--kind', 'party-government', '--level', 'city'], env)
    expect(r.code, r.stderr).toBe(0)
  }
}

describeEachDialect('egov net through bin/run.js', (dialect) => {
  let tdb: TestDatabase
  let env: Record<string, string>
  const dir = mkdtempSync(join(tmpdir(), 'egov-net-'))
  const run = (args: string[]) => egov(args, env)

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    env = {...isolatedHome(), ...tdb.env, EGOV_OPERATOR: 'netadmin'}
    expect((await run(['net', 'pool', 'add', '10.20.0.0/16', '--name', '市级', '--plane', '1'])).code).toBe(0)
    expect((await run(['net', 'pool', 'add', '10.20.16.0/20', '--name', '城区', '--plane', '1'])).code).toBe(0)
    // Blocks go to registry units only (issue 15).
    await register(['市人社局', '城区政府', 'u', 'intruder', '市税务局', '甲', '乙', '丙', '丁', '戊', '己', '庚', '辛', '壬'], env)
  })
  afterAll(async () => {
    await tdb.cleanup()
  })

  it('allocates with --json: id, cidr, pool, plane, unit, purpose, status', async () => {
    const r = await run(['net', 'alloc', '--pool', '市级', '--hosts', '50', '--unit', '市人社局', '--purpose', '社保专网', '--json'])
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('')
    expect(r.json.allocations).toEqual([expect.objectContaining({id: expect.any(Number), cidr: '10.20.0.0/26', pool: '市级', plane: 1, unit: '市人社局', purpose: '社保专网', status: 'active'})])
    const many = await run(['net', 'alloc', '--pool', '城区', '--prefix-length', '29', '--unit', '城区政府', '--count', '3', '--json'])
    expect(many.json.allocations.map((a: {cidr: string}) => a.cidr)).toEqual(['10.20.16.0/29', '10.20.16.8/29', '10.20.16.16/29'])
  })

  it('answers every bad input with its documented exit code, naming the field and rule', async () => {
    const before = (await run(['net', 'list', '--all', '--json'])).json.allocations.length
    const cases: Array<[string[], number, Record<string, unknown>]> = [
      [['net', 'alloc', '--pool', '市级', '--cidr', '10.20.1.7/24', '--unit', 'u', '--json'], 2, {field: 'cidr', rule: 'NET-1', suggestion: '10.20.1.0/24'}],
      [['net', 'alloc', '--pool', '市级', '--cidr', '10.20.0.0/24', '--unit', 'u', '--json'], 4, {field: 'cidr'}],
      [['net', 'alloc', '--pool', '市级', '--prefix-length', '12', '--unit', 'u', '--json'], 2, {field: 'prefix-length'}],
      [['net', 'alloc', '--pool', '市级', '--prefix-length', 'x', '--unit', 'u', '--json'], 2, {field: 'prefix-length'}],
      [['net', 'alloc', '--pool', '市级', '--unit', 'u', '--json'], 2, {field: 'prefix-length'}],
      [['net', 'alloc', '--pool', '没有', '--prefix-length', '29', '--unit', 'u', '--json'], 3, {field: 'pool'}],
      [['net', 'alloc', '--pool', '市级', '--prefix-length', '29', '--json'], 2, {field: 'unit'}],
      // Registry units only: a typo is exit 3 with the nearest registered name (issue 15).
      [['net', 'alloc', '--pool', '市级', '--prefix-length', '29', '--unit', '市人社', '--json'], 3, {field: 'unit', suggestion: '市人社局'}],
      [['net', 'alloc', '--pool', '市级', '--prefix-length', '29', '--unit', '完全不同的名字', '--json'], 3, {field: 'unit'}],
      [['net', 'pool', 'add', '10.40.0.0/16', '--name', 'x', '--plane', '1', '--json'], 0, {}],
      // 10.20.0.0/26 is allocated: a /27 inside it would cut it.
      [['net', 'pool', 'add', '10.20.0.0/27', '--name', 'cuts', '--plane', '1', '--json'], 4, {rule: 'NET-1'}],
      [['net', 'pool', 'add', '10.50.0.0/16', '--name', 'y', '--plane', '3', '--json'], 2, {}],
      [['net', 'pool', 'remove', '市级', '--yes', '--json'], 4, {}],
      [['net', 'release', '10.99.0.0/24', '--yes', '--json'], 3, {}],
      [['net', 'find', '192.0.2.1', '--json'], 3, {}],
      [['net', 'free', '--pool', '市级', '--prefix-length', '8', '--json'], 2, {field: 'prefix-length'}],
    ]
    for (const [args, code, details] of cases) {
      const r = await run(args)
      expect(r.code, args.join(' ') + '\n' + r.stdout).toBe(code)
      if (code) expect(r.json.error.details, args.join(' ')).toMatchObject(details)
    }
    // oclif refuses a plane outside its options before the core sees it: also exit 2.
    expect((await run(['net', 'list', '--all', '--json'])).json.allocations.length).toBe(before)
  })

  it('fills the pool up and then says there is no space (exit 4)', async () => {
    await run(['net', 'pool', 'add', '172.16.0.0/30', '--name', '小池', '--plane', '2'])
    expect((await run(['net', 'alloc', '--pool', '小池', '--prefix-length', '31', '--unit', 'u', '--count', '2'])).code).toBe(0)
    const full = await run(['net', 'alloc', '--pool', '小池', '--prefix-length', '32', '--unit', 'u', '--json'])
    expect(full.code).toBe(4)
    expect(full.json.error.message).toContain('no free /32')
  })

  it('releases only with --yes off a terminal, keeping the history', async () => {
    const noYes = await run(['net', 'release', '10.20.0.0/26'])
    expect(noYes.code).toBe(2)
    expect(noYes.stderr).toContain('--yes')
    expect((await run(['net', 'list', '--unit', '市人社局', '--json'])).json.allocations).toHaveLength(1)
    const released = await run(['net', 'release', '10.20.0.0/26', '--yes', '--json'])
    // On PostgreSQL the database user acts (here the administrator's login).
    const actor = dialect === 'postgres' ? new URL(tdb.url!).username : 'netadmin'
    expect(released.json).toMatchObject({cidr: '10.20.0.0/26', status: 'released', releasedBy: actor})
    expect((await run(['net', 'list', '--unit', '市人社局', '--json'])).json.allocations).toHaveLength(0)
    expect((await run(['net', 'list', '--unit', '市人社局', '--all', '--json'])).json.allocations[0].status).toBe('released')
  })

  it('shows the tree, usage, free blocks and the map', async () => {
    const tree = await run(['net', 'pool', 'list'])
    expect(tree.stdout).toMatch(/市级\s+10\.20\.0\.0\/16/)
    expect(tree.stdout).toMatch(/└ 城区\s+10\.20\.16\.0\/20/)
    const u = await run(['net', 'usage', '--json'])
    expect(u.json.pools.find((p: {name: string}) => p.name === '城区')).toMatchObject({allocated: '24', parent: '市级'})
    const free = await run(['net', 'free', '--pool', '城区', '--prefix-length', '24', '--json'])
    expect(free.json.fit).toEqual({prefix: 24, count: '15'})
    const svg = join(dir, 'map.svg')
    const map = await run(['net', 'map', '--pool', '市级', '--svg', svg])
    expect(map.code).toBe(0)
    expect(map.stdout).toContain('城区')
    // The SVG is well-formed XML to an independent parser.
    execFileSync('python3', ['-c', 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])', svg])
    expect(readFileSync(svg, 'utf8')).toContain('<svg')
  })

  it('imports a whole plan, checking every row first and reporting every problem with its row and column', async () => {
    const before = (await run(['net', 'list', '--all', '--json'])).json.allocations.length
    const auditBefore = (await run(['audit', 'verify', '--json'])).json.count
    const bad = await workbook(join(dir, 'bad.xlsx'), {
      地址分配: [
        ['2026年地址分配'],
        ['地址段', '平面', '地址池', '单位', '用途', '状态'],
        ['10.20.300.0/24', '1', '', '甲', '', ''], // row 3: malformed
        ['10.20.33.1/24', '1', '', '乙', '', ''], // row 4: host bits set
        ['10.20.34.0/24', '3', '', '丙', '', ''], // row 5: unknown plane
        ['192.0.2.0/24', '1', '', '丁', '', ''], // row 6: outside every pool
        ['10.20.16.0/30', '1', '城区', '戊', '', ''], // row 7: overlaps an existing allocation (inside it: the very same block would be an edit)
        ['10.20.40.0/22', '1', '', '己', '', ''], // row 8 and
        ['10.20.41.0/24', '1', '', '庚', '', ''], // row 9: overlap each other
        ['10.20.44.0/24', '1', '', '', '', ''], // row 10: no unit
        ['10.20.45.0/24', '1', '', '辛', '', '也许'], // row 11: bad status
        ['10.20.46.0/24', '1', '', '壬', '', '已分配'], // row 12: fine
        ['10.20.47.0/24', '1', '', '市人社', '', ''], // row 13: not in the registry
      ],
    })
    const r = await run(['net', 'import', bad, '--json'])
    expect(r.code).toBe(2)
    const problems = r.json.error.details.problems as Array<{row: number; column: string; suggestion?: string; rule?: string}>
    expect(problems.map((p) => [p.row, p.column])).toEqual([
      [3, '地址段'],
      [4, '地址段'],
      [5, '平面'],
      [6, '地址段'],
      [7, '地址段'],
      [9, '地址段'],
      [10, '单位'],
      [11, '状态'],
      [13, '单位'],
    ])
    // Each problem names its field by the layout's key, with the column's header beside it (issue 19).
    expect(problems.map((p) => (p as {field?: string}).field)).toEqual(['cidr', 'cidr', 'plane', 'cidr', 'cidr', 'cidr', 'unit', 'status', 'unit'])
    expect(problems[8]).toMatchObject({value: '市人社', suggestion: '市人社局'})
    expect(problems[1]!.suggestion).toBe('10.20.33.0/24')
    expect(problems[2]!.rule).toBe('NET-2')
    const human = await run(['net', 'import', bad])
    expect(human.stderr).toContain('地址段')
    expect(human.stderr).toContain('10.20.33.0/24')
    // Nothing was written.
    expect((await run(['net', 'list', '--all', '--json'])).json.allocations.length).toBe(before)
    expect((await run(['audit', 'verify', '--json'])).json.count).toBe(auditBefore)
  })

  it('says clearly when a required column is missing', async () => {
    const file = await workbook(join(dir, 'nocol.xlsx'), {
      地址分配: [
        ['地址段', '平面', '用途'],
        ['10.20.50.0/24', '1', 'x'],
      ],
    })
    const r = await run(['net', 'import', file, '--json'])
    expect(r.code).toBe(2)
    expect(r.json.error.details.problems).toEqual([expect.objectContaining({column: '单位', message: expect.stringContaining('单位')})])
  })

  it('reads a GBK CSV, and refuses it when told it is UTF-8', async () => {
    const wrong = await run(['net', 'import', 'fixtures/net/allocations-gbk.csv', '--encoding', 'utf8', '--json'])
    expect(wrong.code).toBe(2)
    const csv = join(dir, 'gbk.csv')
    writeFileSync(csv, iconv.encode('地址段,平面,单位,用途\r\n10.20.60.0/24,1,市税务局,办税服务厅\r\n', 'gbk'))
    const r = await run(['net', 'import', csv, '--json'])
    expect(r.code).toBe(0)
    expect(r.json).toMatchObject({allocations: 1, alreadyRecorded: 0, unchanged: false})
    // Importing the same file again changes nothing and is not an error.
    expect((await run(['net', 'import', csv, '--json'])).json).toMatchObject({allocations: 0, alreadyRecorded: 1, unchanged: true})
    expect((await run(['net', 'find', '10.20.60.1', '--json'])).json.matches[0].allocations[0]).toMatchObject({unit: '市税务局', purpose: '办税服务厅', pool: '市级'})
  })

  it('exports a workbook that a second reader reads, and that imports into an empty database as the same plan', async () => {
    const out = join(dir, 'plan.xlsx')
    const r = await run(['net', 'export', '--out', out, '--force', '--json'])
    expect(r.code).toBe(0)
    const sheets = readBack(out)
    expect(sheets['地址分配']![0]).toEqual(['地址段', '平面', '地址池', '单位', '用途', '状态'])
    expect(sheets['地址池']!.slice(1).map((row) => row[1])).toEqual(expect.arrayContaining(['市级', '城区']))
    const list = (await run(['net', 'list', '--json'])).json.allocations as Array<{cidr: string; unit: string}>
    expect(
      sheets['地址分配']!.slice(1)
        .map((row) => row[0])
        .sort(),
    ).toEqual(list.map((a) => a.cidr).sort())

    const fresh = {...isolatedHome(), EGOV_DB: join(dir, 'fresh.db'), EGOV_DATABASE_URL: '', EGOV_OPERATOR: 'other'}
    expect((await egov(['db', 'init', '--rehearsal'], fresh)).code).toBe(0)
    await register([...new Set(list.map((a) => a.unit))], fresh)
    const imported = await egov(['net', 'import', out, '--json'], fresh)
    expect(imported.code, imported.stdout).toBe(0)
    const again = (await egov(['net', 'list', '--json'], fresh)).json.allocations as Array<{cidr: string; unit: string; pool: string}>
    expect(again.map((a) => [a.cidr, a.unit]).sort()).toEqual(list.map((a) => [a.cidr, a.unit]).sort())

    const csvOut = join(dir, 'plan.csv')
    await run(['net', 'export', '--out', csvOut, '--force'])
    const text = readFileSync(csvOut, 'utf8')
    expect(text.startsWith('\uFEFF地址段,平面,地址池,单位,用途,状态')).toBe(true)
    copyFileSync(csvOut, join(dir, 'copy.csv'))
  })

  if (dialect === 'postgres') {
    it('has the database refuse overlapping blocks itself (exclusion constraint), mapped to exit 4', async () => {
      // Corrupt the free-space index so the application would hand out a taken block.
      const pool = await tdb.one(`select id from net_pools where name = '城区'`)
      await tdb.sql(`insert into net_free (pool_id, prefix, start_key) values ($1, 29, '0a141000')`, [pool.id])
      const r = await run(['net', 'alloc', '--pool', '城区', '--prefix-length', '29', '--unit', 'intruder', '--json'])
      expect(r.code).toBe(4)
      expect(r.json.error.details.rule).toBe('NET-1')
      expect(r.json.error.message).toContain('plane 1')
      await tdb.sql(`delete from net_free where pool_id = $1 and prefix = 29 and start_key = '0a141000'`, [pool.id])
    })
  }
})

describe('net help', () => {
  it('documents best-fit placement in alloc --help', async () => {
    const r = await egov(['net', 'alloc', '--help'])
    expect(r.stdout).toContain('best-fit')
  })
})
