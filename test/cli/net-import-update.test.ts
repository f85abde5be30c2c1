import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, expect, it} from 'vitest'

import {isolatedHome} from '../helpers/cli.js'
import {egovInProcess} from '../helpers/in-process.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

/**
 * Issue 15: the address plan workbook edits what it finds recorded — purpose, status and holder
 * of a row over the very same block — shown first as a diff under --dry-run; a connection's
 * block changes holder only through its request (NET-6); and `net export --all` re-imports,
 * its released rows carried as history instead of refused.
 */
describeEachDialect('net import updates recorded rows, and re-imports export --all', (dialect) => {
  let tdb: TestDatabase
  let env: Record<string, string>
  const dir = mkdtempSync(join(tmpdir(), 'egov-net-update-'))
  const as = (who: string) => ({...env, ...tdb.envFor(who)})
  const alice = (args: string[]) => egovInProcess(args, as('alice'))
  const bob = (args: string[]) => egovInProcess(args, as('bob'))
  const ok = async (r: Promise<{code: number; stderr: string; stdout: string; json?: any}>) => {
    const done = await r
    expect(done.code, done.stderr).toBe(0)
    return done
  }
  const holding = async (cidr: string) => (await ok(alice(['net', 'list', '--json']))).json.allocations.find((a: {cidr: string}) => a.cidr === cidr)
  let reservedId: number

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    for (const who of ['alice', 'bob']) await (await tdb.open(who)).close()
    env = {...isolatedHome(), ...tdb.env, EGOV_NOW: '2026-03-02T10:00:00+08:00'}
    for (const args of [
      ['net', 'pool', 'add', '10.20.0.0/16', '--name', '市级', '--plane', '1'],
      ['units', 'add', '市税务局', '--kind', 'party-government', '--level', 'city', '--budget', 'city'],
      ['units', 'add', '市公安局', '--kind', 'party-government', '--level', 'city', '--budget', 'city'],
      ['units', 'add', '市司法局', '--kind', 'party-government', '--level', 'city', '--budget', 'city'],
      ['net', 'alloc', '--pool', '市级', '--cidr', '10.20.2.0/24', '--unit', '市税务局', '--purpose', '旧业务'],
      ['net', 'release', '10.20.2.0/24', '--yes'],
    ])
      await ok(alice(args))
    reservedId = (await ok(alice(['net', 'alloc', '--pool', '市级', '--cidr', '10.20.1.0/24', '--unit', '市税务局', '--purpose', '办税', '--status', 'reserved', '--json']))).json.allocations[0].id
    // 市司法局's connection, brought in as it is: its block is protected (NET-6).
    const filed = await ok(
      alice(['net', 'request', 'adopt', '市司法局', '--cidr', '10.20.3.0/24', '--access-mode', 'fiber', '--bandwidth', '100', '--since', '2020-01-01', '--basis', '原批复', '--json']),
    )
    await ok(bob(['requests', 'approve', String(filed.json.request.id)]))
  })
  afterAll(async () => {
    await tdb.cleanup()
  })

  it('shows the edit as a diff under --dry-run, writing nothing, then makes it, audited before and after', async () => {
    const csv = join(dir, 'edit.csv')
    writeFileSync(csv, '地址段,平面,地址池,单位,用途,状态\n10.20.1.0/24,1,,市公安局,视频会议,已分配\n10.20.5.0/24,1,,市税务局,新业务,\n')
    const dry = await ok(alice(['net', 'import', csv, '--dry-run', '--json']))
    expect(dry.json).toMatchObject({dryRun: true, allocations: 1, updated: 1, alreadyRecorded: 0, history: 0, unchanged: false})
    expect(dry.json.updates).toEqual([
      {
        sheet: expect.any(String),
        row: 2,
        cidr: '10.20.1.0/24',
        plane: 1,
        allocationId: reservedId,
        changes: [
          {field: 'purpose', before: '办税', after: '视频会议'},
          {field: 'unit', before: '市税务局', after: '市公安局'},
          {field: 'status', before: 'reserved', after: 'active'},
        ],
      },
    ])
    const human = await ok(alice(['net', 'import', csv, '--dry-run']))
    expect(human.stdout).toContain('10.20.1.0/24: 用途 办税 → 视频会议; 单位 市税务局 → 市公安局; 状态 reserved → active')
    expect(await holding('10.20.1.0/24')).toMatchObject({unit: '市税务局', purpose: '办税', status: 'reserved'})
    expect(await holding('10.20.5.0/24')).toBeUndefined()

    const done = await ok(alice(['net', 'import', csv, '--json']))
    expect(done.json).toMatchObject({dryRun: false, allocations: 1, updated: 1})
    expect(await holding('10.20.1.0/24')).toMatchObject({id: reservedId, unit: '市公安局', purpose: '视频会议', status: 'active'})
    const audit = (await ok(alice(['audit', 'log', '--entity', `net-allocation:${reservedId}`, '--json']))).json
    const edit = (audit.entries ?? audit).find((e: {action: string}) => e.action === 'net.alloc.edit')
    expect(edit.before).toMatchObject({unit: '市税务局', status: 'reserved'})
    expect(edit.after).toMatchObject({unit: '市公安局', status: 'active'})
    // The same file again: nothing left to change.
    expect((await ok(alice(['net', 'import', csv, '--json']))).json).toMatchObject({updated: 0, allocations: 0, alreadyRecorded: 2, unchanged: true})
  })

  it('refuses to move a connection’s block by import (NET-6), naming row and column, writing nothing', async () => {
    const csv = join(dir, 'protected.csv')
    writeFileSync(csv, '地址段,平面,地址池,单位,用途,状态\n10.20.6.0/24,1,,市税务局,新,\n10.20.3.0/24,1,,市公安局,,\n')
    const r = await alice(['net', 'import', csv, '--json'])
    expect(r.code).toBe(2)
    expect(r.json.error.details.problems).toEqual([expect.objectContaining({row: 3, field: 'unit', rule: 'NET-6'})])
    expect(await holding('10.20.3.0/24')).toMatchObject({unit: '市司法局'})
    expect(await holding('10.20.6.0/24')).toBeUndefined()
    // Its purpose may still be edited (an empty 单位 cell is a problem: 单位 is required, so it names the holder it has).
    writeFileSync(csv, '地址段,平面,地址池,单位,用途,状态\n10.20.3.0/24,1,,市司法局,司法专网,\n')
    expect((await ok(alice(['net', 'import', csv, '--json']))).json).toMatchObject({updated: 1})
  })

  it('re-imports net export --all: released rows are history, not refused', async () => {
    const out = join(dir, 'all.xlsx')
    await ok(alice(['net', 'export', '--all', '--out', out, '--force']))
    const again = await ok(alice(['net', 'import', out, '--json']))
    expect(again.json).toMatchObject({history: 1, updated: 0, allocations: 0, unchanged: true})
    const csvOut = join(dir, 'all.csv')
    await ok(alice(['net', 'export', '--all', '--out', csvOut, '--force']))
    expect((await ok(alice(['net', 'import', csvOut, '--dry-run', '--json']))).json).toMatchObject({history: 1, unchanged: true})
    expect(await holding('10.20.2.0/24')).toBeUndefined()
  })
})
