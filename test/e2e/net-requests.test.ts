import {execFileSync} from 'node:child_process'
import {existsSync, mkdtempSync, writeFileSync} from 'node:fs'
import {createServer, type Server} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import ExcelJS from 'exceljs'
import {afterAll, beforeAll, expect, it} from 'vitest'

import {egov, isolatedHome} from '../helpers/cli.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

const INSPECT = new URL('../helpers/xlsx_inspect.py', import.meta.url).pathname

const SECOND_READER = new URL('../helpers/xlsx_cells.py', import.meta.url).pathname
const docxText = (path: string) => execFileSync('unzip', ['-p', path, 'word/document.xml'], {encoding: 'utf8'}).replace(/<[^>]+>/g, '')

/**
 * A unit's extranet life through bin/run.js, as the bureau runs it: apply, review, plan,
 * implement, business test against real servers on 127.0.0.1, change, cut-off, restore,
 * close, and the yearly report (NET-3..9).
 */
describeEachDialect('extranet requests through bin/run.js (NET-3..9)', (dialect) => {
  let tdb: TestDatabase
  let env: Record<string, string>
  let server: Server
  let port: number
  const dir = mkdtempSync(join(tmpdir(), 'egov-netreq-'))
  // On PostgreSQL the login acts: alice files, bob reviews.
  const as = (who: string, extra: Record<string, string> = {}) => ({...env, ...extra, ...tdb.envFor(who)})
  const alice = (args: string[], extra?: Record<string, string>) => egov(args, as('alice', extra))
  const bob = (args: string[], extra?: Record<string, string>) => egov(args, as('bob', extra))

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    for (const who of ['alice', 'bob']) await (await tdb.open(who)).close()
    env = {...isolatedHome(), ...tdb.env, EGOV_NOW: '2026-03-02T10:00:00+08:00'}
    server = createServer((_req, res) => res.end('ok'))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    port = (server.address() as {port: number}).port
    for (const args of [
      ['net', 'pool', 'add', '10.20.0.0/16', '--name', '市级', '--plane', '1'],
      ['net', 'pool', 'add', '10.30.0.0/16', '--name', '移动', '--plane', '2'],
      ['units', 'add', '市人力资源和社会保障局', '--kind', 'party-government', '--level', 'city', '--budget', 'city'],
      ['units', 'add', '市邮政分公司', '--kind', 'post-office', '--level', 'city', '--phone', '13912345678'],
      ['units', 'add', '张三', '--kind', 'individual', '--level', 'city'],
      ['units', 'add', '县医院', '--kind', 'authorised-body', '--level', 'county'],
      ['units', 'add', '区档案馆', '--kind', 'authorised-body', '--level', 'county'],
    ]) {
      const r = await alice(args)
      expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(0)
    }
  })
  afterAll(async () => {
    server.close()
    await tdb.cleanup()
  })

  const apply = (unit: string, extra: string[] = []) =>
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
      '50',
      '--bandwidth',
      '100',
      '--business',
      '业务',
      '--json',
      ...extra,
    ])

  it('refuses what the rules refuse, naming the rule, and writes nothing', async () => {
    const before = (await alice(['requests', 'list', '--json'])).json.requests.length
    const cases: Array<[Promise<{code: number; json: any}>, number, Record<string, unknown>]> = [
      [apply('市邮政分公司'), 5, {rule: 'NET-3', field: 'sponsor'}],
      [apply('市邮政分公司', ['--sponsor', '县医院']), 5, {rule: 'NET-3', field: 'sponsor'}],
      [apply('张三'), 5, {rule: 'NET-3', field: 'unit'}],
      [apply('市人力资源和社会保障局', ['--cost-bearer', 'unit']), 5, {rule: 'NET-8', field: 'cost-bearer'}],
      [apply('县医院', ['--cost-bearer', 'bureau']), 5, {rule: 'NET-8'}],
      [apply('不存在的单位'), 3, {field: 'unit'}],
      [
        alice(['net', 'request', 'apply', '--unit', '县医院', '--basis', 'b', '--access-mode', 'carrier-pigeon', '--scope', 's', '--hosts', '5', '--bandwidth', '10', '--business', 'x', '--json']),
        2,
        {field: 'access-mode'},
      ],
      [apply('市人力资源和社会保障局', ['--prefix-length', '28']), 2, {field: 'hosts'}],
      [alice(['net', 'request', 'apply', '--unit', '市人力资源和社会保障局', '--json']), 2, {field: 'basis'}],
    ]
    for (const [run, code, details] of cases) {
      const r = await run
      expect(r.code, JSON.stringify(r.json)).toBe(code)
      expect(r.json.error.details).toMatchObject(details)
    }
    expect((await alice(['requests', 'list', '--json'])).json.requests.length).toBe(before)
  })

  it('carries an onboarding through NET-5’s steps, in order, with four eyes', async () => {
    const filed = await apply('市人力资源和社会保障局')
    expect(filed.code).toBe(0)
    const id = String(filed.json.request.id)
    expect(filed.json.request).toMatchObject({kind: 'net-onboarding', state: 'applied', dueOn: '2026-03-09', payload: {category: 1, costBearer: 'bureau', plane: 1}})

    expect((await alice(['requests', 'approve', id, '--json'])).json.error.details.rule).toBe('X-2')
    const early = await bob(['net', 'request', 'implement', id, '--json'])
    expect(early.code).toBe(4)
    expect(early.json.error.details).toMatchObject({state: 'applied', allowed: ['approve', 'reject']})
    expect((await bob(['requests', 'approve', id, '--comment', '材料齐全'])).code).toBe(0)

    const wrongPlane = await alice(['net', 'request', 'plan', id, '--pool', '移动', '--json'])
    expect(wrongPlane.code).toBe(2)
    expect(wrongPlane.json.error.details.rule).toBe('NET-2')
    const planned = await alice(['net', 'request', 'plan', id, '--pool', '市级', '--json'])
    expect(planned.json.request).toMatchObject({state: 'planned', payload: {plan: {cidr: '10.20.0.0/26', pool: '市级'}}})
    expect((await alice(['net', 'list', '--unit', '市人力资源和社会保障局', '--json'])).json.allocations[0]).toMatchObject({cidr: '10.20.0.0/26', status: 'reserved'})

    expect((await alice(['net', 'request', 'implement', id, '--note', '已熔接'])).code).toBe(0)

    // A refused port fails the test: the request stays implemented, the probes are recorded.
    const dead = await alice(['net', 'request', 'test', id, '--probe', `http://127.0.0.1:${port}/`, '--probe', 'tcp://127.0.0.1:1', '--timeout', '2', '--json'])
    expect(dead.code).toBe(0)
    expect(dead.json).toMatchObject({passed: false, request: {state: 'implemented'}})
    expect(dead.json.probes.map((p: {ok: boolean; errorCode?: string}) => [p.ok, p.errorCode ?? null])).toEqual([
      [true, null],
      [false, 'ECONNREFUSED'],
    ])

    const live = await alice(['net', 'request', 'test', id, '--probe', `http://127.0.0.1:${port}/health`, '--probe', `tcp://127.0.0.1:${port}`, '--json'])
    expect(live.json).toMatchObject({passed: true, request: {state: 'in-service', terminal: true}})
    expect(live.json.request.payload.tests).toHaveLength(2)
    expect((await alice(['net', 'list', '--unit', '市人力资源和社会保障局', '--json'])).json.allocations[0].status).toBe('active')
    const unit = await alice(['units', 'show', '市人力资源和社会保障局', '--json'])
    expect(unit.json.connection).toMatchObject({status: 'in-service', plane: 1, accessMode: 'fiber', bandwidthMbps: 100, costBearer: 'bureau', addresses: ['10.20.0.0/26']})
    expect((await apply('市人力资源和社会保障局')).code).toBe(4) // already connected: a change, not a new application
  })

  it('lists overdue requests first, by the working-day clock', async () => {
    const filed = await apply('县医院')
    const id = filed.json.request.id
    expect(filed.json.request.dueOn).toBe('2026-03-09')
    const later = await alice(['requests', 'list', '--overdue', '--json'], {EGOV_NOW: '2026-03-12T10:00:00+08:00'})
    expect(later.json.requests[0]).toMatchObject({id, overdue: true})
    const onTime = await alice(['requests', 'list', '--overdue', '--json'], {EGOV_NOW: '2026-03-09T10:00:00+08:00'})
    expect(onTime.json.requests.map((r: {id: number}) => r.id)).not.toContain(id)
    expect((await bob(['requests', 'reject', String(id), '--reason', '材料不全'])).code).toBe(0)
  })

  it('leaves neither the block nor the step when the process dies in the middle of plan', async () => {
    const filed = await apply('县医院')
    const id = String(filed.json.request.id)
    await bob(['requests', 'approve', id])
    const killed = await alice(['net', 'request', 'plan', id, '--pool', '市级'], {EGOV_FAULT: 'net-plan'})
    expect(killed.code).not.toBe(0)
    expect((await alice(['requests', 'show', id, '--json'])).json.state).toBe('reviewed')
    expect((await alice(['net', 'list', '--unit', '县医院', '--json'])).json.allocations).toEqual([])
    expect((await alice(['audit', 'verify', '--json'])).json.ok).toBe(true)
    const planned = await alice(['net', 'request', 'plan', id, '--pool', '市级', '--json'])
    expect(planned.json.request.state).toBe('planned')
  })

  it('cuts off, refuses changes meanwhile, restores and closes, each with its written notice (NET-6, NET-7)', async () => {
    const bad = await alice(['net', 'cutoff', 'add', '市人力资源和社会保障局', '--reason', '漏洞', '--rectify-by', '2026-01-01', '--json'])
    expect(bad.json.error.details).toMatchObject({field: 'rectify-by', rule: 'NET-7'})
    const cut = await alice(['net', 'cutoff', 'add', '市人力资源和社会保障局', '--reason', '终端存在高危漏洞', '--rectify-by', '2026-03-20', '--json'])
    const cutApproved = await bob(['requests', 'approve', String(cut.json.request.id), '--json'])
    const notice = cutApproved.json.request.payload.notice as string
    expect(existsSync(notice)).toBe(true)
    const text = docxText(notice)
    for (const s of ['断网整改通知书', '市人力资源和社会保障局', '终端存在高危漏洞', '2026年3月20日', '第二十条', '10.20.0.0/26']) expect(text).toContain(s)
    // Written on a rehearsal database (the tests' kind): marked so nobody takes it for a real notice (issue 18).
    expect(text).toContain('【演练】断网整改通知书')
    expect(text).toContain('不是正式通知')

    const change = await alice(['net', 'request', 'change', '市人力资源和社会保障局', '--basis', '扩容', '--bandwidth', '200', '--json'])
    expect(change.code).toBe(4)
    expect(change.json.error.details.rule).toBe('NET-7')
    const list = await alice(['net', 'cutoff', 'list', '--json'], {EGOV_NOW: '2026-03-25T10:00:00+08:00'})
    expect(list.json.units[0]).toMatchObject({unit: '市人力资源和社会保障局', overdue: true, addresses: ['10.20.0.0/26']})

    const back = await alice(['net', 'restore', '市人力资源和社会保障局', '--note', '已修复', '--json'])
    const restored = await bob(['requests', 'approve', String(back.json.request.id), '--json'])
    expect(docxText(restored.json.request.payload.notice)).toContain('恢复接入通知书')
    expect((await alice(['units', 'show', '市人力资源和社会保障局', '--json'])).json.connection.status).toBe('in-service')

    const changed = await alice(['net', 'request', 'change', '市人力资源和社会保障局', '--basis', '扩容', '--bandwidth', '200', '--json'])
    expect(changed.code).toBe(0)
    const cid = String(changed.json.request.id)
    await bob(['requests', 'approve', cid])
    await alice(['net', 'request', 'plan', cid])
    await alice(['net', 'request', 'implement', cid])
    const done = await alice(['net', 'request', 'test', cid, '--result', 'pass', '--note', '带宽已调整', '--json'])
    // Old and new are both kept: the connection before, on the request; the connection now, on the unit.
    expect(done.json.request.payload.previous).toMatchObject({bandwidthMbps: 100})
    expect((await alice(['units', 'show', '市人力资源和社会保障局', '--json'])).json.connection.bandwidthMbps).toBe(200)

    const close = await alice(['net', 'request', 'close', '市人力资源和社会保障局', '--reason', '机构撤并', '--json'])
    const closed = await bob(['requests', 'approve', String(close.json.request.id), '--json'])
    expect(closed.json.request.payload.addresses).toEqual(['10.20.0.0/26'])
    expect(docxText(closed.json.request.payload.notice)).toContain('关闭通知书')
    expect((await alice(['net', 'list', '--unit', '市人力资源和社会保障局', '--json'])).json.allocations).toEqual([])
    expect((await alice(['net', 'list', '--unit', '市人力资源和社会保障局', '--all', '--json'])).json.allocations[0].status).toBe('released')
    // A closed unit comes back only through a new application.
    expect((await apply('市人力资源和社会保障局')).code).toBe(0)
  })

  it('reads the application workbook, locating every problem by its cell', async () => {
    const template = join(dir, 'template.xlsx')
    expect((await alice(['net', 'request', 'template', '--out', template])).code).toBe(0)
    const cells = JSON.parse(execFileSync('python3', [SECOND_READER, template], {encoding: 'utf8'}))['接入申请'] as string[][]
    expect(cells.map((r) => r[0])).toEqual(expect.arrayContaining(['电子政务外网接入申请表', '申请单位 *', '接入方式 *', '归口部门']))

    const wb = new ExcelJS.Workbook()
    const ws = wb.addWorksheet('申请')
    ws.addRow(['电子政务外网接入申请表（县医院）'])
    ws.addRow(['申请单位', '县医院'])
    ws.addRow(['接入方式', '卫星'])
    ws.addRow(['带宽（Mbps）', '一百'])
    ws.addRow(['业务需求', '远程会诊'])
    const bad = join(dir, 'bad.xlsx')
    await wb.xlsx.writeFile(bad)
    const r = await alice(['net', 'request', 'apply', '--from-file', bad, '--json'])
    expect(r.code).toBe(2)
    const problems = r.json.error.details.problems as Array<{cell: string; field: string}>
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({cell: 'B3', field: '接入方式'}),
        expect.objectContaining({cell: 'B4', field: '带宽（Mbps）'}),
        expect.objectContaining({field: '申请依据'}),
        expect.objectContaining({field: '接入范围'}),
        expect.objectContaining({field: '地址需求'}),
      ]),
    )
    // Scripts send the same fields as JSON or YAML.
    const yamlFile = join(dir, 'apply.yaml')
    writeFileSync(yamlFile, 'unit: 区档案馆\nbasis: 卫健委批复\naccessMode: mstp\nscope: 门诊楼\nprefixLength: 28\nbandwidthMbps: 30\nbusiness: 远程会诊\n')
    const fromYaml = await alice(['net', 'request', 'apply', '--from-file', yamlFile, '--json'])
    expect(fromYaml.json.request.payload, JSON.stringify(fromYaml.json)).toMatchObject({unit: '区档案馆', accessMode: 'mstp', prefixLength: 28, costBearer: 'unit'})
    const jsonFile = join(dir, 'apply.json')
    writeFileSync(jsonFile, JSON.stringify({unit: '县医院', basis: 'x', accessMode: 'fiber', scope: 'y', hosts: 'many', bandwidthMbps: 10, business: 'z'}))
    // The request file's schema refuses a value of the wrong type before anything is read (issue 19).
    expect((await alice(['net', 'request', 'apply', '--from-file', jsonFile, '--json'])).json.error.details).toMatchObject({field: 'hosts', label: '地址需求（主机数）', expected: 'integer'})
    const good = await alice(['net', 'request', 'apply', '--from-file', 'fixtures/net/接入申请表-市邮政分公司.xlsx', '--json'])
    expect(good.code, JSON.stringify(good.json)).toBe(0)
    expect(good.json.request.payload).toMatchObject({unit: '市邮政分公司', category: 4, sponsor: '市人力资源和社会保障局', accessMode: 'vpn', hosts: 24, costBearer: 'unit'})
  })

  it('reports the year from the recorded history (NET-9)', async () => {
    const r = await alice(['net', 'report', '--year', '2026', '--json', '--out', join(dir, 'report.xlsx')])
    expect(r.code).toBe(0)
    expect(r.json.counts).toEqual({onboarded: 1, changed: 1, closed: 1, cutOff: 1, restored: 1})
    expect(r.json.openRequests.length).toBeGreaterThan(0)
    const sheets = JSON.parse(execFileSync('python3', [SECOND_READER, join(dir, 'report.xlsx')], {encoding: 'utf8'}))
    expect(Object.keys(sheets)).toEqual(['概况', '地址使用', '未办结申请', '线路费用'])
    expect(sheets['概况'][1]).toEqual(['新接入单位', '1'])
    // NET-9: the figures are number cells a spreadsheet can sum, read back by a second reader (Python's zipfile + XML).
    const cells = JSON.parse(execFileSync('python3', [INSPECT, join(dir, 'report.xlsx')], {encoding: 'utf8'}))
    for (const ref of ['B2', 'B3', 'B4', 'B5', 'B6', 'B7', 'B8']) expect(cells['概况'].cells[ref].t, ref).toBe('n')
    expect(cells['概况'].cells.B2.v).toBe('1')
    const usage = Object.entries(cells['地址使用'].cells as Record<string, {t: string}>).filter(([ref]) => /^[ACD]([2-9]|\d\d+)$/.test(ref))
    expect(usage.length).toBeGreaterThan(0)
    for (const [ref, cell] of usage) expect(cell.t, ref).toBe('n')
    // The same year read later gives the same figures.
    const again = await alice(['net', 'report', '--year', '2026', '--json'], {EGOV_NOW: '2027-06-01T10:00:00+08:00'})
    expect(again.json.counts).toEqual(r.json.counts)
    expect((await alice(['net', 'report', '--year', '2025', '--json'])).json.counts).toEqual({onboarded: 0, changed: 0, closed: 0, cutOff: 0, restored: 0})
  })
})
