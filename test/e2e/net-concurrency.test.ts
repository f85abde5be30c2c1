import {spawn} from 'node:child_process'

import {afterAll, beforeAll, expect, it} from 'vitest'

import {egov, isolatedHome} from '../helpers/cli.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'
import {blockEnd, parseCidr} from '../../src/core/net/index.js'

const WORKER = new URL('../helpers/alloc-worker.mjs', import.meta.url).pathname

function worker(env: Record<string, string>, unit: string): Promise<{cidrs: string[]; errors: string[]}> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKER, '市级', '250', '29', unit], {env: {...process.env, ...env}})
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (err += d))
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`worker exited ${code}: ${err}`))))
  })
}

/**
 * NetBox and phpIPAM both handed the same block out twice under concurrent requests. Four
 * processes each allocate 250 /29s from one /16 at the same time: 1,000 distinct blocks,
 * none overlapping, no error at all.
 */
describeEachDialect('four processes allocating from one pool at once (NET-1)', (dialect) => {
  let tdb: TestDatabase
  let env: Record<string, string>

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    env = {...isolatedHome(), ...tdb.env}
    expect((await egov(['net', 'pool', 'add', '10.20.0.0/16', '--name', '市级', '--plane', '1'], env)).code).toBe(0)
  })
  afterAll(async () => {
    await tdb.cleanup()
  })

  it('hands out 1,000 distinct, non-overlapping /29s', async () => {
    const results = await Promise.all(['单位A', '单位B', '单位C', '单位D'].map((u) => worker(env, u)))
    expect(results.flatMap((r) => r.errors)).toEqual([])
    const cidrs = results.flatMap((r) => r.cidrs)
    expect(cidrs).toHaveLength(1000)
    expect(new Set(cidrs).size).toBe(1000)
    const blocks = cidrs.map((c) => parseCidr(c, 'x')).sort((a, b) => (a.start < b.start ? -1 : 1))
    for (let i = 1; i < blocks.length; i++) expect(blocks[i]!.start > blockEnd(blocks[i - 1]!)).toBe(true)
    // Best fit from an empty /16 packs them from the bottom: exactly the first 1,000 /29s.
    expect(blocks[0]!.start).toBe(parseCidr('10.20.0.0/29', 'x').start)
    expect(blocks.at(-1)!.start).toBe(parseCidr('10.20.31.56/29', 'x').start)
    const stored = await egov(['net', 'list', '--json'], env)
    expect(stored.json.allocations).toHaveLength(1000)
    expect((await egov(['audit', 'verify', '--json'], env)).json).toMatchObject({ok: true})
  })
})
