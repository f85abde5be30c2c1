import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, expect, it} from 'vitest'

import {isolatedHome} from '../helpers/cli.js'
import {egovInProcess} from '../helpers/in-process.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

/** Issue 15's messages: each says what is true and what to do, with the field and rule (NET-1, NET-2). */
describeEachDialect('net messages say what is true (issue 15)', (dialect) => {
  let tdb: TestDatabase
  let env: Record<string, string>
  const dir = mkdtempSync(join(tmpdir(), 'egov-netmsg-'))
  const run = (args: string[]) => egovInProcess(args, env)
  const count = async () => (await run(['net', 'list', '--all', '--json'])).json.allocations.length as number

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    env = {...isolatedHome(), ...tdb.env, EGOV_OPERATOR: 'netadmin'}
    for (const args of [
      ['net', 'pool', 'add', '10.83.0.0/16', '--name', '丙县', '--plane', '1'],
      ['net', 'pool', 'add', '10.84.0.0/16', '--name', '丙县移动', '--plane', '2'],
      ['net', 'pool', 'add', '10.90.0.0/20', '--name', '小池', '--plane', '1'],
      ['units', 'add', '市公安局', '--kind', 'party-government', '--level', 'city'],
    ]) {
      const r = await run(args)
      expect(r.code, r.stderr).toBe(0)
    }
  })
  afterAll(async () => {
    await tdb.cleanup()
  })

  it('asks for the prefix length of a pool given as an address, and adds no /32 pool (NET-1)', async () => {
    const r = await run(['net', 'pool', 'add', '10.85.0.0', '--name', '丁县', '--plane', '1', '--json'])
    expect(r.code).toBe(2)
    expect(r.json.error.details).toMatchObject({field: 'CIDR', rule: 'NET-1'})
    expect(r.json.error.message).toContain('no prefix length')
    expect((await run(['net', 'pool', 'list', '--json'])).stdout).not.toContain('丁县')
  })

  it('says how many blocks fit when --count asks for more, and allocates none', async () => {
    expect((await run(['net', 'alloc', '--pool', '小池', '--prefix-length', '26', '--unit', '市公安局'])).code).toBe(0)
    const before = await count()
    const r = await run(['net', 'alloc', '--pool', '小池', '--prefix-length', '24', '--unit', '市公安局', '--count', '16', '--json'])
    expect(r.code).toBe(4)
    expect(r.json.error.details).toMatchObject({field: 'count', fit: 15, asked: 16})
    expect(r.json.error.message).toContain('room for 15 more /24 blocks, not 16')
    expect(await count()).toBe(before)
    const fits = await run(['net', 'alloc', '--pool', '小池', '--prefix-length', '24', '--unit', '市公安局', '--count', '15', '--json'])
    expect(fits.json.allocations).toHaveLength(15)
  })

  it('says the planes differ rather than "not inside pool" (NET-2)', async () => {
    const r = await run(['net', 'alloc', '--pool', '丙县', '--cidr', '10.84.1.0/24', '--unit', '市公安局', '--json'])
    expect(r.code).toBe(2)
    expect(r.json.error.details).toMatchObject({field: 'cidr', rule: 'NET-2', otherPool: '丙县移动'})
    expect(r.json.error.message).toContain('plane 2')
    expect(r.json.error.message).toContain('plane 1')
    const csv = join(dir, 'plane.csv')
    writeFileSync(csv, '地址段,平面,地址池,单位\n10.83.9.0/24,2,丙县,市公安局\n')
    const imported = await run(['net', 'import', csv, '--json'])
    expect(imported.code).toBe(2)
    expect(imported.json.error.details.problems).toEqual([expect.objectContaining({row: 2, column: '平面', rule: 'NET-2'})])
    // One problem is "1 error", not "1 errors".
    expect(imported.json.error.message).toContain('1 error;')
  })

  it('says --hosts 0 must be at least 1, and a reservation is "reserved"', async () => {
    const zero = await run(['net', 'alloc', '--pool', '丙县', '--hosts', '0', '--unit', '市公安局', '--json'])
    expect(zero.code).toBe(2)
    expect(zero.json.error.details.field).toBe('hosts')
    expect(zero.json.error.message).toContain('at least 1')
    const reserved = await run(['net', 'alloc', '--pool', '丙县', '--prefix-length', '28', '--unit', '市公安局', '--status', 'reserved'])
    expect(reserved.code).toBe(0)
    expect(reserved.stdout).toMatch(/^reserved 10\.83\.0\.0\/28 in 丙县 for 市公安局/)
    expect(reserved.stdout).not.toContain('allocated')
  })

  it('says "1 allocation" for one block and "N allocations" for more', async () => {
    const many = await run(['net', 'export', '--out', join(dir, `many-${dialect}.csv`)])
    expect(many.code, many.stderr).toBe(0)
    expect(many.stdout).toMatch(/^wrote \d+ allocations to /)
    // A database with a single block, to see the singular.
    const one = {...isolatedHome(), EGOV_DB: join(dir, `one-${dialect}.db`), EGOV_DATABASE_URL: '', EGOV_OPERATOR: 'netadmin'}
    for (const args of [
      ['db', 'init', '--rehearsal'],
      ['net', 'pool', 'add', '10.83.0.0/16', '--name', '丙县', '--plane', '1'],
      ['units', 'add', '市公安局', '--kind', 'party-government', '--level', 'city'],
      ['net', 'alloc', '--pool', '丙县', '--prefix-length', '28', '--unit', '市公安局'],
    ]) {
      const r = await egovInProcess(args, one)
      expect(r.code, r.stderr).toBe(0)
    }
    const r = await egovInProcess(['net', 'export', '--out', join(dir, `one-${dialect}.csv`)], one)
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^wrote 1 allocation to /)
  })

  it('net usage --above lists only the pools at or above the threshold, exit 6 when any is (cron), 0 when none', async () => {
    // 小池 (/20) holds a /26 and fifteen /24s: 95.3 % used.
    const over = await run(['net', 'usage', '--above', '90', '--json'])
    expect(over.code).toBe(6)
    expect(over.json.above).toBe(90)
    expect(over.json.pools.map((p: {name: string}) => p.name)).toEqual(['小池'])
    expect(over.json.warnings).toEqual([])
    const text = await run(['net', 'usage', '--above', '90'])
    expect(text.code).toBe(6)
    expect(text.stdout).toContain('小池')
    expect(text.stdout).not.toContain('丙县')
    const none = await run(['net', 'usage', '--above', '100'])
    expect(none.code).toBe(0)
    expect(none.stdout).toContain('no pool is used 100% or more')
    const bad = await run(['net', 'usage', '--above', '101', '--json'])
    expect(bad.code).toBe(2)
    expect(bad.json.error.details.field).toBe('above')
  })
})
