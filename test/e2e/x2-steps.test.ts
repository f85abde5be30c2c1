import {afterAll, beforeAll, expect, it} from 'vitest'

import {isolatedHome} from '../helpers/cli.js'
import {admitProvider, fx, runnerFor} from '../helpers/cloud-setup.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

const HR = '市人力资源和社会保障局'
const AT = '2026-09-01T09:00:00+08:00'

/**
 * X-2 per step (issue 18): whoever did the work under review cannot approve it. The case the
 * auditor found: bob approved a cloud application, wrote its plan himself, then approved that
 * plan. The filer ≠ approver rule alone let it through.
 */
describeEachDialect('X-2 per step: the author of a step does not review it (issue 18)', (dialect) => {
  let tdb: TestDatabase
  let env: Record<string, string>
  const as = runnerFor(
    () => env,
    (who) => tdb.envFor(who),
  )

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    for (const who of ['clerk', 'chief', 'bob']) await (await tdb.open(who)).close()
    env = {...isolatedHome(), ...tdb.env, EGOV_NOW: AT}
    expect((await as('clerk', ['units', 'add', HR, '--kind', 'party-government', '--level', 'city'])).code).toBe(0)
    await admitProvider(as, '电信云', AT, '2026-09-01')
  })
  afterAll(async () => {
    await tdb.cleanup()
  })

  it('refuses the approval of a plan by the person who wrote it (exit 5, X-2), writes nothing, and lets another approve', async () => {
    const filed = await as('clerk', [
      'cloud',
      'apply',
      '--unit',
      HR,
      '--system',
      '社保业务系统',
      '--level',
      '2',
      '--vms',
      '2',
      '--vcpu',
      '8',
      '--memory-gib',
      '32',
      '--system-disk-gib',
      '100',
      '--data-disk-gib',
      '200',
      '--bandwidth-mbps',
      '50',
      '--os',
      '麒麟V10',
      '--security-letter',
      fx('安全责任书-人社局.pdf'),
      '--json',
    ])
    expect(filed.code, filed.stdout).toBe(0)
    const id = String(filed.json.request.id)
    expect((await as('bob', ['requests', 'approve', id])).code).toBe(0)
    const planned = await as('bob', ['cloud', 'plan', id, '--file', fx('上云方案-社保业务系统.pdf'), '--provider', '电信云', '--json'])
    expect(planned.code, planned.stdout).toBe(0)
    const own = await as('bob', ['requests', 'approve', id, '--json'])
    expect(own.code).toBe(5)
    expect(own.json.error.details).toMatchObject({rule: 'X-2', field: 'operator', key: 'request.ownStep', state: 'planned'})
    const zh = await as('bob', ['requests', 'reject', id, '--reason', '方案不全'], undefined)
    expect(zh.code).toBe(5)
    expect((await as('chief', ['requests', 'show', id, '--json'])).json.state).toBe('planned')
    // Another person approves the plan; an earlier review is no such work (bob reviewed the application).
    expect((await as('chief', ['requests', 'approve', id])).code).toBe(0)
    expect((await as('chief', ['requests', 'show', id, '--json'])).json.state).toBe('approved')
  })
})
