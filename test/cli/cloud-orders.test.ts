import {copyFileSync, existsSync, mkdtempSync, readdirSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, expect, it} from 'vitest'

import {isolatedHome} from '../helpers/cli.js'
import {egovInProcess} from '../helpers/in-process.js'
import {admitProvider, agreeOnboarding, fx, goLive, runnerFor} from '../helpers/cloud-setup.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

const HR = '市人力资源和社会保障局'
const HF = '市住房公积金中心'
const NOW = '2026-11-24T10:00:00+08:00'

/**
 * CLOUD-8's follow-ups through the CLI (in-process) on SQLite and PostgreSQL: fix orders with a deadline
 * for the systems the efficiency review flags (第二十条: 责令限期整改), and the providers'
 * periodic operation reports with their due dates (第十条(二)).
 */
describeEachDialect('fix orders and providers’ operation reports through the CLI (in-process) (CLOUD-8)', (dialect) => {
  let tdb: TestDatabase
  let env: Record<string, string>
  const dir = mkdtempSync(join(tmpdir(), 'egov-cloud-orders-'))
  const out = (name: string) => join(dir, name)
  const as = runnerFor(
    () => env,
    (who) => tdb.envFor(who),
    egovInProcess,
  )
  const clerk = (args: string[], at?: string) => as('clerk', args, at)
  const chief = (args: string[], at?: string) => as('chief', args, at)
  const count = (table: string) => tdb.count(table)
  const written = async () => [await count('requests'), await count('request_transitions'), await count('cloud_fix_orders'), await count('cloud_provider_reports'), await count('audit_log')]
  let orderId = 0

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    for (const who of ['clerk', 'chief', 'auditor']) await (await tdb.open(who)).close()
    env = {...isolatedHome(), ...tdb.env, EGOV_NOW: NOW}
    const early = '2026-09-01T09:00:00+08:00'
    for (const unit of [HR, HF]) expect((await clerk(['units', 'add', unit, '--kind', 'party-government', '--level', 'city'], early)).code).toBe(0)
    await admitProvider(as, '电信云', early, '2026-09-01')
    for (const [system, unit] of [
      ['社保业务系统', HR],
      ['公积金系统', HF],
    ] as const) {
      const id = await agreeOnboarding(as, system, unit, '电信云', '2026-09-02T09:00:00+08:00')
      await goLive(as, id, system, '2026-09-07T09:00:00+08:00')
    }
    // 20 hourly samples each on 20 November: 社保业务系统 idle (CPU 1–20%, memory 5%: p95 19% and 5%), 公积金系统 busy.
    const rows = ['系统名称,采集时间,CPU使用率,内存使用率,磁盘使用率']
    for (let i = 0; i < 20; i++) rows.push(`社保业务系统,2026-11-20 ${String(i).padStart(2, '0')}:00,${i + 1},5,40`, `公积金系统,2026-11-20 ${String(i).padStart(2, '0')}:00,${60 + i},70,40`)
    writeFileSync(out('usage.csv'), rows.join('\n') + '\n')
    const imported = await clerk(['cloud', 'usage', 'import', out('usage.csv'), '--json'])
    expect(imported.code, imported.stderr).toBe(0)
    // Many steps on a shared machine: more than the default minute.
  }, 300_000)
  afterAll(async () => {
    await tdb.cleanup()
  })

  it('CLOUD-8 --issue-orders --out: the review’s workbook is written before the orders commit; when it cannot be written nothing is issued (issue 20)', async () => {
    const before = await written()
    const file = out('资源利用评估.xlsx')
    env.EGOV_FAULT = 'out-disk-full'
    let full
    try {
      full = await chief(['cloud', 'efficiency', '--days', '7', '--issue-orders', '--deadline', '2026-12-04', '--out', file, '--json'])
    } finally {
      delete env.EGOV_FAULT
    }
    expect(full.code, full.stdout).toBe(1)
    expect(full.json.error.details).toMatchObject({field: 'out', path: file, errno: 'ENOSPC'})
    expect(existsSync(file)).toBe(false)
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([])
    expect(await written()).toEqual(before)
    // A folder that is not there: exit 2 naming --out, before any work.
    const gone = await chief(['cloud', 'efficiency', '--days', '7', '--issue-orders', '--deadline', '2026-12-04', '--out', join(dir, '无此文件夹', 'x.xlsx'), '--json'])
    expect(gone.code).toBe(2)
    expect(gone.json.error.details.field).toBe('out')
    expect(await written()).toEqual(before)
  })

  it('CLOUD-8 (第二十条 责令限期整改): the review issues a fix order with a deadline to each flagged system, tracked as a request due on the deadline; again, a no-op that says so', async () => {
    const r = await chief(['cloud', 'efficiency', '--days', '7', '--issue-orders', '--deadline', '2026-12-04', '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.json.flagged.map((f: {system: string}) => f.system)).toEqual(['社保业务系统'])
    expect(r.json.orders).toHaveLength(1)
    const order = r.json.orders[0]
    expect(order.unchanged).toBeUndefined()
    expect(order.request).toMatchObject({
      kind: 'cloud-fix-order',
      state: 'issued',
      applicantUnit: HR,
      filedBy: expect.stringContaining('chief'),
      dueOn: '2026-12-04',
      payload: {system: '社保业务系统', provider: '电信云', deadline: '2026-12-04'},
    })
    // The finding carries the review's figures: p95 19.0% and 5.0%, 8 → 3 vCPU and 32 → 3 GiB per VM.
    expect(order.request.payload.finding).toContain('CPU 使用率 P95 19.0%、内存使用率 P95 5.0%')
    expect(order.request.payload.finding).toContain('8→3 vCPU、32→3 GiB')
    orderId = order.request.id
    const shown = await clerk(['requests', 'show', String(orderId), '--json'])
    expect(shown.json).toMatchObject({kind: 'cloud-fix-order', state: 'issued', dueOn: '2026-12-04'})

    // Again: the open order stays, nothing new is issued, and it says so.
    const before = await written()
    const again = await chief(['cloud', 'efficiency', '--days', '7', '--issue-orders', '--deadline', '2026-12-11', '--json'])
    expect(again.json.orders).toEqual([expect.objectContaining({system: '社保业务系统', unchanged: true, request: expect.objectContaining({id: orderId, dueOn: '2026-12-04'})})])
    const single = await chief(['cloud', 'fix-order', 'issue', '社保业务系统', '--deadline', '2026-12-11', '--finding', '再次评估'])
    expect(single.code).toBe(0)
    expect(single.stdout).toContain(`社保业务系统 already has an open fix order ${orderId}`)
    expect(await written()).toEqual(before)
  })

  it('CLOUD-8 (第二十条): refuses a bad order naming the field — no deadline, a past or malformed one, no finding, an unknown or idle system — and writes nothing', async () => {
    const before = await written()
    for (const [args, code, field] of [
      [['cloud', 'fix-order', 'issue', '公积金系统', '--finding', '内存偏低'], 2, 'deadline'],
      [['cloud', 'fix-order', 'issue', '公积金系统', '--deadline', '2026-11-24', '--finding', '内存偏低'], 2, 'deadline'],
      [['cloud', 'fix-order', 'issue', '公积金系统', '--deadline', '2026-12-32', '--finding', '内存偏低'], 2, 'deadline'],
      [['cloud', 'fix-order', 'issue', '公积金系统', '--deadline', '2026-12-31'], 2, 'finding'],
      [['cloud', 'fix-order', 'issue', '无此系统', '--deadline', '2026-12-31', '--finding', 'x'], 3, 'SYS'],
      [['cloud', 'efficiency', '--issue-orders', '--deadline', '2026-11-01'], 2, 'deadline'],
    ] as const) {
      const r = await chief([...args, '--json'])
      expect(r.code, `${args.join(' ')}\n${r.stdout}`).toBe(code)
      expect(r.json.error.details.field).toBe(field)
      if (field === 'deadline' || field === 'finding') expect(r.json.error.details.rule).toBe('CLOUD-8')
    }
    // --issue-orders needs --deadline (a flag error, exit 2).
    expect((await chief(['cloud', 'efficiency', '--issue-orders', '--json'])).code).toBe(2)
    expect(await written()).toEqual(before)
  })

  it('CLOUD-8 (第二十条): an order past its deadline is listed by requests list --overdue like every request, until it is rectified', async () => {
    const onDeadline = await clerk(['requests', 'list', '--overdue', '--json'], '2026-12-04T18:00:00+08:00')
    expect(onDeadline.json.requests.map((r: {id: number}) => r.id)).not.toContain(orderId)
    const after = await clerk(['requests', 'list', '--overdue', '--json'], '2026-12-07T09:00:00+08:00')
    expect(after.json.requests).toContainEqual(expect.objectContaining({id: orderId, kind: 'cloud-fix-order', state: 'issued', dueOn: '2026-12-04', overdue: true}))
  })

  it('CLOUD-8 (第二十条), X-2: the unit reports its rectification; the one who recorded it may not confirm it (exit 5, nothing changed); a second person returns or confirms it', async () => {
    // The generic review steps are not this kind's: exit 4.
    expect((await chief(['requests', 'approve', String(orderId)])).code).toBe(4)
    expect((await clerk(['cloud', 'fix-order', 'rectify', String(orderId), '--json'])).json.error.details.field).toBe('measures')
    const rectified = await clerk(['cloud', 'fix-order', 'rectify', String(orderId), '--measures', '已缩容至每台 3 vCPU、4 GiB', '--json'], '2026-12-01T10:00:00+08:00')
    expect(rectified.code, rectified.stderr).toBe(0)
    expect(rectified.json.request).toMatchObject({state: 'rectified', payload: {measures: '已缩容至每台 3 vCPU、4 GiB', rectifiedBy: expect.stringContaining('clerk')}})
    // Due: 5 working days for the bureau's check (2026-12-01 is a Tuesday: 12-08).
    expect(rectified.json.request.dueOn).toBe('2026-12-08')
    expect((await clerk(['cloud', 'fix-order', 'rectify', String(orderId), '--measures', '已缩容至每台 3 vCPU、4 GiB', '--json'], '2026-12-01T10:00:00+08:00')).json.unchanged).toBe(true)

    const before = await written()
    const own = await clerk(['cloud', 'fix-order', 'confirm', String(orderId), '--json'], '2026-12-02T10:00:00+08:00')
    expect(own.code).toBe(5)
    expect(own.json.error.details).toMatchObject({rule: 'X-2', field: 'operator'})
    expect(await written()).toEqual(before)

    // Returned: issued again, due on the original deadline, the reason in the history.
    expect((await chief(['cloud', 'fix-order', 'return', String(orderId), '--json'], '2026-12-02T10:00:00+08:00')).code).toBe(2)
    const returned = await chief(['cloud', 'fix-order', 'return', String(orderId), '--reason', '内存未缩容', '--json'], '2026-12-02T10:00:00+08:00')
    expect(returned.json.request).toMatchObject({state: 'issued', dueOn: '2026-12-04'})
    expect(returned.json.request.history.at(-1)).toMatchObject({action: 'return', comment: '内存未缩容', actor: expect.stringContaining('chief')})
    expect((await clerk(['cloud', 'fix-order', 'rectify', String(orderId), '--measures', '已缩容至每台 3 vCPU、3 GiB'], '2026-12-03T10:00:00+08:00')).code).toBe(0)
    const confirmed = await chief(['cloud', 'fix-order', 'confirm', String(orderId), '--json'], '2026-12-04T10:00:00+08:00')
    expect(confirmed.code, confirmed.stderr).toBe(0)
    expect(confirmed.json.request).toMatchObject({state: 'confirmed', dueOn: null, payload: {confirmedBy: expect.stringContaining('chief'), rectifiedBy: expect.stringContaining('clerk')}})
    expect((await chief(['cloud', 'fix-order', 'confirm', String(orderId), '--json'], '2026-12-04T10:00:00+08:00')).json.unchanged).toBe(true)
    // Closed: the system may be ordered again.
    const next = await chief(['cloud', 'fix-order', 'issue', '社保业务系统', '--deadline', '2027-01-15', '--finding', '复查仍偏低', '--json'], '2026-12-04T10:00:00+08:00')
    expect(next.json.request.id).not.toBe(orderId)
    expect(next.json.unchanged).toBeUndefined()
  })

  it('CLOUD-8 (第十条(二)): every admitted provider owes a monthly operation report from its admission on, due by the 10th working day of the next month; missing ones are listed, overdue ones apart', async () => {
    const r = await clerk(['cloud', 'provider', 'reports', '--json'])
    expect(r.code, r.stderr).toBe(0)
    // Admitted 2026-09-01; November has not ended. September's due date comes after 国庆 (1–7 October): the 10th working day is 10-20.
    expect(r.json.providers).toEqual([
      {
        provider: '电信云',
        admittedOn: '2026-09-01',
        months: [
          {month: '2026-09', dueOn: '2026-10-20', status: 'overdue'},
          {month: '2026-10', dueOn: '2026-11-13', status: 'overdue'},
        ],
      },
    ])
    // On 2026-11-10, October's report is due, not yet overdue.
    const earlier = await clerk(['cloud', 'provider', 'reports', '--json'], '2026-11-10T09:00:00+08:00')
    expect(earlier.json.providers[0].months.map((m: {status: string}) => m.status)).toEqual(['overdue', 'due'])
    const onlyOverdue = await clerk(['cloud', 'provider', 'reports', '--overdue', '--json'], '2026-11-10T09:00:00+08:00')
    expect(onlyOverdue.json.providers[0].months.map((m: {month: string}) => m.month)).toEqual(['2026-09'])
    const human = await clerk(['cloud', 'provider', 'reports'])
    expect(human.stdout).toMatch(/电信云\s+2026-09\s+2026-10-20\s+OVERDUE/)
  })

  it('CLOUD-8 (第十条(二)): records a report per period (a month or a quarter) by reference, marks a late one; the same file again is a no-op, another file for the period a conflict', async () => {
    const r = await clerk(['cloud', 'provider', 'report', '电信云', '--period', '2026-10', '--file', fx('运行报告-电信云-2026-10.pdf'), '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.json.report).toMatchObject({
      provider: '电信云',
      period: '2026-10',
      firstMonth: '2026-10',
      lastMonth: '2026-10',
      dueOn: '2026-11-13',
      receivedOn: '2026-11-24',
      late: true,
      path: fx('运行报告-电信云-2026-10.pdf'),
      by: expect.stringContaining('clerk'),
    })
    expect(r.json.report.sha256).toMatch(/^[0-9a-f]{64}$/)
    const before = await written()
    const again = await clerk(['cloud', 'provider', 'report', '电信云', '--period', '2026-10', '--file', fx('运行报告-电信云-2026-10.pdf'), '--json'])
    expect(again.json.unchanged).toBe(true)
    copyFileSync(fx('上云方案-社保业务系统.pdf'), out('other.pdf'))
    const other = await clerk(['cloud', 'provider', 'report', '电信云', '--period', '2026-10', '--file', out('other.pdf'), '--json'])
    expect(other.code).toBe(4)
    expect(other.json.error.details).toMatchObject({field: 'file', rule: 'CLOUD-8'})
    expect(await written()).toEqual(before)
    // A quarter covers its three months: September is received too (and late: due 10-20).
    const quarter = await clerk(['cloud', 'provider', 'report', '电信云', '--period', '2026-q3', '--file', out('other.pdf'), '--json'])
    expect(quarter.json.report).toMatchObject({period: '2026-Q3', firstMonth: '2026-07', lastMonth: '2026-09', dueOn: '2026-10-20', late: true})
    const missing = await clerk(['cloud', 'provider', 'reports', '--json'])
    expect(missing.json.providers[0].months).toEqual([])
    expect((await clerk(['cloud', 'provider', 'reports'])).stdout).toContain('No report missing')
    const all = await clerk(['cloud', 'provider', 'reports', '--all', '--json'])
    expect(all.json.providers[0].months).toEqual([
      {month: '2026-09', dueOn: '2026-10-20', status: 'received', period: '2026-Q3', receivedOn: '2026-11-24', late: true},
      {month: '2026-10', dueOn: '2026-11-13', status: 'received', period: '2026-10', receivedOn: '2026-11-24', late: true},
    ])
    // The audit has the entry, with the file's hash.
    expect(await tdb.count('audit_log', "action = 'cloud.provider.report'")).toBe(2)
  })

  it('CLOUD-8 (第十条(二)): refuses bad report input — a bad or unfinished period, a missing file, an unknown provider — naming the field, and writes nothing', async () => {
    const before = await written()
    const report = fx('运行报告-电信云-2026-10.pdf')
    for (const [args, code, field] of [
      [['电信云', '--period', '2026-13', '--file', report], 2, 'period'],
      [['电信云', '--period', '2026-Q5', '--file', report], 2, 'period'],
      [['电信云', '--period', '十一月', '--file', report], 2, 'period'],
      [['电信云', '--file', report], 2, 'period'],
      [['电信云', '--period', '2026-11', '--file', report], 2, 'period'],
      [['电信云', '--period', '2026-Q4', '--file', report], 2, 'period'],
      [['电信云', '--period', '2026-08', '--file', out('no-such-report.pdf')], 2, 'file'],
      [['电信云', '--period', '2026-08'], 2, 'file'],
      [['无此云', '--period', '2026-08', '--file', report], 3, 'provider'],
    ] as const) {
      const r = await clerk(['cloud', 'provider', 'report', ...args, '--json'])
      expect(r.code, `${args.join(' ')}\n${r.stdout}`).toBe(code)
      expect(r.json.error.details.field).toBe(field)
    }
    expect(await written()).toEqual(before)
  })
})
