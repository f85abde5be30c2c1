import {fileURLToPath} from 'node:url'

import {afterAll, beforeAll, expect, it} from 'vitest'

import {egov, isolatedHome} from '../helpers/cli.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

const LETTER = fileURLToPath(new URL('../../fixtures/cloud/安全责任书-人社局.pdf', import.meta.url))
const PLAN = fileURLToPath(new URL('../../fixtures/cloud/上云方案-社保业务系统.pdf', import.meta.url))

/**
 * OpenStack's standing complaint: quotas that ignore requests in flight, so two approvals
 * over-commit. Four processes approve at once four plans that each need 40 of a provider's
 * 100 vCPU: exactly two succeed, the other two get exit 4 naming vCPU, and capacity never
 * goes below zero (CLOUD-6).
 */
describeEachDialect('four processes approving more than a provider has, at once (CLOUD-6)', (dialect) => {
  let tdb: TestDatabase
  let env: Record<string, string>
  const as = (who: string) => ({...env, ...tdb.envFor(who)})
  const ids: string[] = []

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    for (const who of ['clerk', 'chief']) await (await tdb.open(who)).close()
    env = {...isolatedHome(), ...tdb.env, EGOV_NOW: '2026-11-24T10:00:00+08:00'}
    const run = async (who: string, args: string[]) => {
      const r = await egov([...args, '--json'], as(who))
      expect(r.code, r.stderr + r.stdout).toBe(0)
      return r.json
    }
    await run('clerk', ['units', 'add', '市大数据中心', '--kind', 'party-government', '--level', 'city'])
    const p = await run('clerk', ['cloud', 'provider', 'apply', '小云', '--vcpu', '100', '--memory-gib', '1000', '--storage-tib', '10', '--bandwidth-mbps', '1000'])
    await run('chief', ['requests', 'approve', String(p.request.id)])
    await run('chief', ['cloud', 'provider', 'admission-test', String(p.request.id), '--result', 'pass', '--note', 'ok'])
    for (const n of [1, 2, 3, 4]) {
      const a = await run('clerk', [
        'cloud',
        'apply',
        '--unit',
        '市大数据中心',
        '--system',
        `系统${n}`,
        '--level',
        '2',
        '--vms',
        '5',
        '--vcpu',
        '8',
        '--memory-gib',
        '16',
        '--system-disk-gib',
        '50',
        '--bandwidth-mbps',
        '10',
        '--os',
        'Linux',
        '--security-letter',
        LETTER,
      ])
      await run('chief', ['requests', 'approve', String(a.request.id)])
      await run('clerk', ['cloud', 'plan', String(a.request.id), '--file', PLAN, '--provider', '小云'])
      ids.push(String(a.request.id))
    }
  })
  afterAll(async () => {
    await tdb.cleanup()
  })

  it('lets exactly the approvals that fit succeed; the rest are refused with exit 4; free capacity never negative', async () => {
    const results = await Promise.all(ids.map((id) => egov(['requests', 'approve', id, '--json'], as('chief'))))
    const codes = results.map((r) => r.code).sort()
    expect(codes).toEqual([0, 0, 4, 4])
    for (const r of results.filter((x) => x.code === 4)) {
      expect(r.json.error.details).toMatchObject({rule: 'CLOUD-6', provider: '小云'})
      expect(r.json.error.details.shortfalls).toEqual([{resource: 'vcpu', need: 40, free: 20, short: 20}])
    }
    const cap = (await egov(['cloud', 'capacity', '--json'], as('clerk'))).json.providers[0]
    expect(cap).toMatchObject({reserved: {vcpu: 80}, free: {vcpu: 20}})
    for (const v of Object.values(cap.free as Record<string, number>)) expect(v).toBeGreaterThanOrEqual(0)
    const states = (await egov(['requests', 'list', '--kind', 'cloud-onboarding', '--json'], as('clerk'))).json.requests.map((r: {state: string}) => r.state).sort()
    expect(states).toEqual(['approved', 'approved', 'planned', 'planned'])
    expect((await egov(['audit', 'verify', '--json'], as('clerk'))).json).toMatchObject({ok: true})
  })
})
