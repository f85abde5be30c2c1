import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, expect, it} from 'vitest'

import {isolatedHome} from '../helpers/cli.js'
import {egovInProcess} from '../helpers/in-process.js'
import {admitProvider, agreeOnboarding, goLive, releaseSystem, runnerFor} from '../helpers/cloud-setup.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

const UNIT = '市公安局'
const NAME = '户籍查询系统'
/** Epoch seconds of a China-time wall clock (UTC+8). */
const china = (y: number, mo: number, d: number, h = 0, mi = 0) => Date.UTC(y, mo - 1, d, h - 8, mi) / 1000

/**
 * Samples by time (CLOUD-8, 第二十条 and 第十条(二)): a name reused after a release stands for
 * two systems, one after the other; a sample belongs to the one in service at its time.
 */
describeEachDialect('utilisation samples by the time they were taken, through the CLI (in-process) (CLOUD-8)', (dialect) => {
  let tdb: TestDatabase
  let env: Record<string, string>
  const dir = mkdtempSync(join(tmpdir(), 'egov-usage-time-'))
  const out = (name: string) => join(dir, name)
  const as = runnerFor(
    () => env,
    (who) => tdb.envFor(who),
    egovInProcess,
  )
  const count = (table: string) => tdb.count(table)
  /** The samples stored, as [status of the system, China time] sorted by time. */
  const stored = async () =>
    (await tdb.sql(`select s.id, s.status, u.at from cloud_usage u join cloud_systems s on s.id = u.system_id where s.name = '${NAME}' order by u.at`)).map((r) => [
      Number(r.id),
      r.status,
      Number(r.at),
    ])
  let oldId = 0
  let newId = 0

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    for (const who of ['clerk', 'chief', 'auditor']) await (await tdb.open(who)).close()
    env = {...isolatedHome(), ...tdb.env, EGOV_NOW: '2026-11-24T10:00:00+08:00'}
    const early = '2026-02-02T09:00:00+08:00'
    expect((await as('clerk', ['units', 'add', UNIT, '--kind', 'party-government', '--level', 'city'], early)).code).toBe(0)
    await admitProvider(as, '电信云', early, '2026-02-02')
    // The first 户籍查询系统: in service from 2026-03-02 09:00, wiped 2026-06-05 10:00, release confirmed 2026-06-08.
    const first = await agreeOnboarding(as, NAME, UNIT, '电信云', '2026-02-16T09:00:00+08:00')
    await goLive(as, first, NAME, '2026-03-02T09:00:00+08:00')
    await releaseSystem(as, NAME, '2026-06-01T09:00:00+08:00', '2026-06-05T10:00:00+08:00', '2026-06-08T09:00:00+08:00')
    // A new system of the same name: applied for 2026-07-01, in service from 2026-08-03 10:00.
    const second = await agreeOnboarding(as, NAME, UNIT, '电信云', '2026-07-01T09:00:00+08:00')
    await goLive(as, second, NAME, '2026-08-03T10:00:00+08:00')
    // A third system applied for and agreed, never provisioned.
    await agreeOnboarding(as, '人口库系统', UNIT, '电信云', '2026-09-01T09:00:00+08:00')
    const ids = await tdb.sql(`select id, status from cloud_systems where name = '${NAME}' order by id`)
    expect(ids.map((r) => r.status)).toEqual(['released', 'in-service'])
    oldId = Number(ids[0]!.id)
    newId = Number(ids[1]!.id)
    // Many steps on a shared machine: more than the default minute.
  }, 300_000)
  afterAll(async () => {
    await tdb.cleanup()
  })

  it('CLOUD-8 (第二十条, 第十条(二)): a sample in no lifetime of the name — before the first, between the wipe and the new one, a system never provisioned — is a located problem, exit 2, nothing written', async () => {
    const before = [await count('cloud_usage'), await count('audit_log')]
    writeFileSync(
      out('mixed.csv'),
      [
        '系统名称,采集时间,CPU使用率,内存使用率,磁盘使用率',
        `${NAME},2026-02-01 08:00,5,10,20`, // 2: before the first was provisioned
        `${NAME},2026-04-01 08:00,5,10,20`, // 3: the first one
        `${NAME},2026-06-05 10:30,5,10,20`, // 4: after the first one's wipe
        `${NAME},2026-07-15 08:00,5,10,20`, // 5: the new one applied for, not in service
        `${NAME},2026-09-01 08:00,5,10,20`, // 6: the new one
        '人口库系统,2026-10-01 08:00,5,10,20', // 7: never provisioned
      ].join('\n') + '\n',
    )
    const r = await as('clerk', ['cloud', 'usage', 'import', out('mixed.csv'), '--json'])
    expect(r.code, r.stderr).toBe(2)
    expect(r.json.error).toMatchObject({code: 'invalid_input', details: {field: 'FILE', rule: 'CLOUD-8'}})
    const problems = r.json.error.details.problems as Array<Record<string, string | number>>
    expect(problems.map((p) => p.cell)).toEqual(['B2', 'B4', 'B5', 'B7'])
    expect(problems[0]).toMatchObject({file: 'mixed.csv', row: 2, column: '采集时间', field: 'time', rule: 'CLOUD-8', value: '2026-02-01 08:00'})
    expect(problems[0]!.message).toBe(
      `采集时间: at 2026-02-01 08:00 no system named "${NAME}" was in service (in service: 2026-03-02 09:00:00 – 2026-06-05 10:00:00; 2026-08-03 10:00:00 – now); a sample belongs to the system that had the name at its time (CLOUD-8)`,
    )
    expect(problems[1]).toMatchObject({row: 4, value: '2026-06-05 10:30'})
    expect(problems[2]).toMatchObject({row: 5, value: '2026-07-15 08:00'})
    expect(problems[3]).toMatchObject({row: 7, field: 'time', value: '2026-10-01 08:00'})
    expect(problems[3]!.message).toContain('(in service: never, none was provisioned)')
    expect([await count('cloud_usage'), await count('audit_log')]).toEqual(before)
    // For people: located on stderr.
    const human = await as('clerk', ['cloud', 'usage', 'import', out('mixed.csv')])
    expect(human.code).toBe(2)
    expect(human.stderr).toContain('B4')
    expect(human.stderr).toContain(`no system named "${NAME}" was in service`)
  })

  it('CLOUD-8 (第二十条, 第十条(二)): samples of a reused name each land on the system that had the name at their time, the late one on the released system', async () => {
    writeFileSync(
      out('good.csv'),
      [
        '系统名称,采集时间,CPU使用率,内存使用率,磁盘使用率',
        `${NAME},2026-09-01 08:00,15,30,40`, // the new one
        `${NAME},2026-03-02 09:00,5,10,20`, // the first one, at its provisioning
        `${NAME},2026-06-05 10:00,6,11,21`, // the first one, at its wipe
        `${NAME},2026-08-03 10:00,16,31,41`, // the new one, at its provisioning
      ].join('\n') + '\n',
    )
    const r = await as('clerk', ['cloud', 'usage', 'import', out('good.csv'), '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.json).toMatchObject({read: 4, added: 4, systems: 2})
    expect(await stored()).toEqual([
      [oldId, 'released', china(2026, 3, 2, 9)],
      [oldId, 'released', china(2026, 6, 5, 10)],
      [newId, 'in-service', china(2026, 8, 3, 10)],
      [newId, 'in-service', china(2026, 9, 1, 8)],
    ])
    // The same file again: nothing new, nothing written.
    const again = await as('clerk', ['cloud', 'usage', 'import', out('good.csv'), '--json'])
    expect(again.json).toMatchObject({added: 0, alreadyRecorded: 4})
  })
})
