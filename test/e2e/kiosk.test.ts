import {execFileSync} from 'node:child_process'
import {copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import ExcelJS from 'exceljs'
import {afterAll, beforeAll, expect, it} from 'vitest'

import {egov, isolatedHome} from '../helpers/cli.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

const FIX = new URL('../../fixtures/kiosk/', import.meta.url).pathname
const fx = (name: string) => join(FIX, name)
const INSPECT = new URL('../helpers/xlsx_inspect.py', import.meta.url).pathname
type Inspected = Record<string, {cells: Record<string, {v: string | null; t: string; fill?: string; comment?: string}>}>
/** What a second reader (Python's standard library, not exceljs) finds in a workbook. */
const inspect = (path: string): Inspected => JSON.parse(execFileSync('python3', [INSPECT, path], {encoding: 'utf8'}))

const HALL = '嘉峪关市政务服务中心'
const POST = '市邮政分公司'
const BOC = '中国银行嘉峪关分行'

/**
 * Kiosk onboarding through bin/run.js (KIOSK-1..3, KIOSK-2, X-2): the form as on paper,
 * forms as people fill them (moved rows, full-width labels, ten placement rows), every bad
 * form refused with its file, cell and rule and nothing written, folders all or nothing or
 * --partial, then verification, approval by a second person, and the registry.
 */
describeEachDialect('kiosk onboarding through bin/run.js (KIOSK-1..3)', (dialect) => {
  let tdb: TestDatabase
  let env: Record<string, string>
  const dir = mkdtempSync(join(tmpdir(), 'egov-kiosk-'))
  const out = (name: string) => join(dir, name)
  const as = (who: string) => ({...env, ...tdb.envFor(who)})
  const clerk = (args: string[]) => egov(args, as('clerk'))
  const chief = (args: string[]) => egov(args, as('chief'))
  // KIOSK-2 after issue 14: the office reviews (chief), then the leader in charge approves (leader), each a second person.
  const leader = (args: string[]) => egov(args, as('leader'))
  const count = (table: string) => tdb.count(table)

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    for (const who of ['clerk', 'chief', 'leader']) await (await tdb.open(who)).close()
    env = {...isolatedHome(), ...tdb.env, EGOV_NOW: '2026-11-24T10:00:00+08:00'}
    for (const [name, kind] of [
      [HALL, 'service-department'],
      [POST, 'post-office'],
    ] as const) {
      const r = await clerk(['units', 'add', name, '--kind', kind, '--level', 'city'])
      expect(r.code, r.stderr).toBe(0)
    }
  })
  afterAll(async () => {
    await tdb.cleanup()
  })

  it('writes the form as on paper: title, labels, the placement table, opinion boxes, merged cells, A4 on one page (KIOSK-3)', async () => {
    const r = await clerk(['kiosk', 'template', '--out', out('form.xlsx'), '--json'])
    expect(r.code, r.stderr).toBe(0)
    const cells = inspect(out('form.xlsx'))['接入申请表']!.cells
    expect(cells.A1!.v).toContain('平台接入申请表')
    expect([cells.A2!.v, cells.A3!.v, cells.C3!.v, cells.A4!.v, cells.C4!.v, cells.A5!.v, cells.C5!.v, cells.A6!.v]).toEqual([
      '申请单位',
      '联系人',
      '联系电话',
      '主管领导',
      '联系电话',
      '自助终端型号',
      '自助终端数量',
      '投放网点分布',
    ])
    expect([cells.A7!.v, cells.B7!.v, cells.C7!.v, cells.D7!.v]).toEqual(['编号', '网点名称', '网点位置', '投放数量'])
    expect(cells.A13!.v).toBe('6')
    expect(cells.A14!.v).toBe('“政银通办”工作领导小组办公室意见')
    expect(cells.A15!.v).toBe('主管领导意见')
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.readFile(out('form.xlsx'))
    const ws = wb.worksheets[0]!
    expect(ws.model.merges).toEqual(expect.arrayContaining(['A1:D1', 'B2:D2', 'A6:D6', 'B14:D14', 'B15:D15']))
    expect(ws.pageSetup).toMatchObject({paperSize: 9, orientation: 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 1})
    expect(ws.getCell('B8').border.left).toMatchObject({style: 'thin'})
    expect(ws.getColumn(3).width).toBeGreaterThan(20)
  })

  it('reads the blank template back once a clerk fills it in: one layout for both (KIOSK-3)', async () => {
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.readFile(out('form.xlsx'))
    const ws = wb.worksheets[0]!
    const fill: Record<string, string | number> = {
      B2: HALL,
      B3: '王芳',
      D3: '0937 6221234',
      B4: '李明',
      D4: '13909371234',
      B5: 'ZZJ-3000',
      D5: 3,
      B8: '大厅',
      C8: '新华中路 1 号',
      D8: 2,
      B9: '雄关街道',
      C9: '雄关东路 18 号',
      D9: 1,
    }
    for (const [cell, value] of Object.entries(fill)) ws.getCell(cell).value = value
    await wb.xlsx.writeFile(out('filled.xlsx'))
    const r = await clerk(['kiosk', 'import', out('filled.xlsx'), '--dry-run', '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.json.files[0]).toMatchObject({ok: true, unit: HALL, kiosks: 3, sites: 2})
  })

  it('checks a clean form with --dry-run and writes nothing', async () => {
    const before = await count('audit_log')
    const r = await clerk(['kiosk', 'import', fx('clean.xlsx'), '--dry-run'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain(`clean.xlsx: valid — ${HALL}, 4 kiosks at 3 sites; nothing written (--dry-run)`)
    expect(await count('requests')).toBe(0)
    expect(await count('audit_log')).toBe(before)
  })

  it('refuses placements that do not add up to 自助终端数量, giving both figures, with file, cell and rule (KIOSK-3)', async () => {
    const r = await clerk(['kiosk', 'import', fx('sum-mismatch.xlsx'), '--json'])
    expect(r.code).toBe(2)
    expect(r.json.error.details.rule).toBe('KIOSK-3')
    const [p] = r.json.error.details.problems
    expect(p).toMatchObject({file: 'sum-mismatch.xlsx', cell: 'D5', rule: 'KIOSK-3', value: '5'})
    expect(p.message).toContain('is 5 but')
    expect(p.message).toContain('add up to 4')
    const human = await clerk(['kiosk', 'import', fx('sum-mismatch.xlsx')])
    expect(human.stderr).toContain("sum-mismatch.xlsx!接入申请表!D5 “5”: 自助终端数量 is 5 but the placements' 投放数量 (D8、D9) add up to 4 (KIOSK-3)")
    expect(await count('requests')).toBe(0)
  })

  it('marks the bad cell in an annotated copy of the clerk’s form (--report, KIOSK-3)', async () => {
    const r = await clerk(['kiosk', 'import', fx('sum-mismatch.xlsx'), '--report', out('批注.xlsx')])
    expect(r.code).toBe(2)
    const book = inspect(out('批注.xlsx'))
    expect(Object.keys(book)).toEqual(['接入申请表', '错误汇总'])
    expect(book['接入申请表']!.cells.D5).toMatchObject({v: '5', fill: 'FFFFFF00'})
    expect(book['接入申请表']!.cells.D5!.comment).toContain('(KIOSK-3)')
    // Only the bad cell: the rest stays as the clerk wrote it.
    expect(book['接入申请表']!.cells.B2!.fill).toBeUndefined()
  })

  it('refuses a contact number without its area code, naming the cell (KIOSK-3)', async () => {
    const r = await clerk(['kiosk', 'import', fx('bad-phone.xlsx'), '--json'])
    expect(r.code).toBe(2)
    expect(r.json.error.details.problems).toHaveLength(1)
    expect(r.json.error.details.problems[0]).toMatchObject({cell: 'D3', field: 'contactPhone', label: '联系电话', rule: 'KIOSK-3', value: '6221234'})
    expect(r.json.error.details.problems[0].message).toContain('no area code')
  })

  it('says what is missing from a workbook that is not the form, and refuses a corrupt file (KIOSK-3)', async () => {
    const r = await clerk(['kiosk', 'import', fx('not-a-form.xlsx'), '--json'])
    expect(r.code).toBe(2)
    expect(r.json.error.message).toContain('not-a-form.xlsx: not a')
    expect(r.json.error.message).toContain('申请单位')
    expect(r.json.error.details).toMatchObject({rule: 'KIOSK-3', file: 'not-a-form.xlsx'})
    const c = await clerk(['kiosk', 'import', fx('corrupt.xlsx')])
    expect(c.code).toBe(2)
    // Half a zip, its directory missing: said so before exceljs reads it (issue 20).
    expect(c.stderr).toContain('"corrupt.xlsx" is incomplete')
    expect(await count('requests')).toBe(0)
  })

  it('refuses an applicant KIOSK-1 does not admit (exit 5), and one not in the registry without --kind (exit 3); nothing written', async () => {
    const units = await count('units')
    const unknown = await clerk(['kiosk', 'import', fx('ten-sites.xlsx'), '--json'])
    expect(unknown.code).toBe(3)
    expect(unknown.json.error.details).toMatchObject({field: 'unit', label: '申请单位', rule: 'KIOSK-1', cell: 'B2'})
    const refused = await clerk(['kiosk', 'import', fx('ten-sites.xlsx'), '--kind', 'enterprise', '--json'])
    expect(refused.code).toBe(5)
    expect(refused.json.error.details.rule).toBe('KIOSK-1')
    expect(refused.json.error.message).toContain('企业')
    const village = await clerk(['kiosk', 'import', fx('ten-sites.xlsx'), '--kind', 'service-department', '--level', 'village', '--json'])
    expect(village.code).toBe(5)
    expect(await count('units')).toBe(units)
    expect(await count('requests')).toBe(0)
  })

  it('imports a folder all or nothing, with a result per file; --partial files the valid forms only', async () => {
    const folder = out('forms')
    mkdirSync(folder)
    copyFileSync(fx('clean.xlsx'), join(folder, '政务服务中心.xlsx'))
    copyFileSync(fx('sum-mismatch.xlsx'), join(folder, '数量不符.xlsx'))
    const all = await clerk(['kiosk', 'import', folder, '--json'])
    expect(all.code).toBe(2)
    expect(all.json.error.details.files.map((f: {ok: boolean}) => f.ok)).toEqual([true, false])
    expect(await count('requests')).toBe(0)
    const human = await clerk(['kiosk', 'import', folder])
    expect(human.stdout).toContain('数量不符.xlsx')
    expect(human.stderr).toContain('1 of 2 forms have problems; nothing was written')
    // --partial files the valid form, and exits 2 since one failed (issue 14: a script notices).
    const partial = await clerk(['kiosk', 'import', folder, '--partial', '--json'])
    expect(partial.code, partial.stderr).toBe(2)
    expect(partial.json).toMatchObject({imported: 1, failed: 1})
    expect(partial.json.files[0]).toMatchObject({ok: true, requestId: 1, unit: HALL})
    // The same file again is not filed twice.
    const again = await clerk(['kiosk', 'import', fx('clean.xlsx'), '--json'])
    expect(again.code).toBe(4)
    expect(again.json.error.details.requestId).toBe(1)
  })

  it('reads a form with moved rows, full-width labels and digits, and files a kiosk request holding its content and the file by SHA-256', async () => {
    const r = await clerk(['kiosk', 'import', fx('moved-fullwidth.xlsx'), '--json'])
    expect(r.code, r.stderr).toBe(0)
    const id = r.json.files[0].requestId
    const show = await clerk(['requests', 'show', String(id), '--json'])
    expect(show.json.kind).toBe('kiosk')
    expect(show.json.applicantUnit).toBe(POST)
    expect(show.json.payload.form).toMatchObject({
      unit: POST,
      contact: '赵强',
      contactPhone: '0937-6225678',
      leader: '周伟',
      leaderPhone: '13912345678',
      model: 'YZ-200 邮政自助机',
      count: 3,
      officeOpinion: '同意',
    })
    expect(show.json.payload.form.placements).toEqual([
      {no: 1, name: '新华路邮政支局', location: '新华中路 22 号', quantity: 2},
      {no: 3, name: '峪泉镇邮政所', location: '峪泉镇中心街 3 号', quantity: 1},
    ])
    expect(show.json.payload.source.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(show.json.payload.source.path).toContain('moved-fullwidth.xlsx')
  })

  it('reads ten placement rows and adds an applicant not yet in the registry with its kind (KIOSK-1)', async () => {
    const r = await clerk(['kiosk', 'import', fx('ten-sites.xlsx'), '--kind', 'bank', '--level', 'city', '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.json.files[0]).toMatchObject({ok: true, kiosks: 12, sites: 10, unitAdded: true})
    const unit = await clerk(['units', 'show', BOC, '--json'])
    expect(unit.json.kind ?? unit.json.unit?.kind).toBe('bank')
  })

  it('admits verified kiosks on approval by a second person once every placed kiosk is verified (KIOSK-2, X-2)', async () => {
    // Request 2 is the post office's: site 1 places 2 kiosks, site 3 one.
    const v1 = await clerk(['kiosk', 'verify', '2', '--site', '1', '--serial', 'YZ-001', 'YZ-002', '--heartbeat-url', 'http://127.0.0.1:9/health', '--result', 'pass'])
    expect(v1.code, v1.stderr).toBe(0)
    expect(v1.stdout).toContain('verified 2/2 here, 1 still to verify')
    const early = await chief(['requests', 'approve', '2', '--json'])
    expect(early.code).toBe(5)
    expect(early.json.error.details.rule).toBe('KIOSK-2')
    const noReason = await clerk(['kiosk', 'verify', POST, '--site', '3', '--serial', 'YZ-003', '--result', 'fail'])
    expect(noReason.code).toBe(2)
    const taken = await clerk(['kiosk', 'verify', POST, '--site', '3', '--serial', 'YZ-001', '--result', 'pass', '--json'])
    expect(taken.code).toBe(4)
    expect(taken.json.error.details.field).toBe('serial')
    const noSite = await clerk(['kiosk', 'verify', POST, '--site', '2', '--serial', 'YZ-009', '--result', 'pass'])
    expect(noSite.code).toBe(3)
    const tooMany = await clerk(['kiosk', 'verify', POST, '--site', '3', '--serial', 'YZ-003', 'YZ-004', '--result', 'pass'])
    expect(tooMany.code).toBe(4)
    const v2 = await clerk(['kiosk', 'verify', POST, '--site', '3', '--serial', 'YZ-003', '--result', 'fail', '--note', '身份证读卡器故障'])
    expect(v2.code, v2.stderr).toBe(0)
    const own = await clerk(['requests', 'approve', '2', '--json'])
    expect(own.code).toBe(5)
    expect(own.json.error.details.rule).toBe('X-2')
    const reviewed = await chief(['requests', 'approve', '2', '--json'])
    expect(reviewed.code, reviewed.stderr).toBe(0)
    expect(reviewed.json.request.state).toBe('reviewed')
    const ok = await leader(['requests', 'approve', '2', '--json'])
    expect(ok.code, ok.stderr).toBe(0)
    expect(ok.json.request.payload).toMatchObject({admitted: 2, failed: 1})
    expect(ok.json.request.summary).toContain('准入 2 台，1 台未通过核验')
    expect(ok.json.request.payload.outcome).toBe('准入 2 台自助终端，1 台未通过核验（KIOSK-2）')
    const active = await clerk(['kiosk', 'list', '--status', 'active', '--json'])
    expect(active.json.kiosks.map((k: {serial: string}) => k.serial)).toEqual(['YZ-001', 'YZ-002'])
    const failed = await clerk(['kiosk', 'list', '--unit', POST, '--status', 'failed', '--json'])
    expect(failed.json.kiosks[0]).toMatchObject({serial: 'YZ-003', note: '身份证读卡器故障'})
    const site = await clerk(['kiosk', 'list', '--site', '新华路', '--json'])
    expect(site.json.kiosks).toHaveLength(2)
    const show = await clerk(['kiosk', 'show', 'YZ-001', '--json'])
    expect(show.json).toMatchObject({unit: POST, status: 'active', heartbeatUrl: 'http://127.0.0.1:9/health', site: {no: 1, name: '新华路邮政支局'}})
    expect(show.json.history.map((e: {event: string}) => e.event)).toEqual(['verify', 'admit'])
    expect(show.json.history[1].actor).toBe(tdb.actor('leader'))
    const human = await clerk(['kiosk', 'list'])
    expect(human.stdout).toContain('YZ-002')
  }, 180_000)

  it('disconnects on approval by a second person, or at once in an emergency reviewed after; reconnects through approval (KIOSK-4, X-2)', async () => {
    const filed = await clerk(['kiosk', 'disconnect', 'YZ-001', '--reason', '终端存在安全漏洞', '--json'])
    expect(filed.code, filed.stderr).toBe(0)
    expect(filed.json).toMatchObject({kind: 'kiosk-disconnect', state: 'applied', applicantUnit: POST, payload: {serials: ['YZ-001'], emergency: false}})
    expect((await clerk(['kiosk', 'show', 'YZ-001', '--json'])).json.status).toBe('active')
    const own = await clerk(['requests', 'approve', String(filed.json.id)])
    expect(own.code).toBe(5)
    const ok = await chief(['requests', 'approve', String(filed.json.id), '--json'])
    expect(ok.code, ok.stderr).toBe(0)
    expect(ok.json.request.state).toBe('disconnected')
    expect((await clerk(['kiosk', 'show', 'YZ-001', '--json'])).json).toMatchObject({status: 'disconnected', note: '终端存在安全漏洞'})
    // Nothing active left to disconnect there.
    const none = await clerk(['kiosk', 'disconnect', 'YZ-001', '--reason', '再次'])
    expect(none.code).toBe(4)
    const unknown = await clerk(['kiosk', 'disconnect', '不存在的单位', '--reason', 'x'])
    expect(unknown.code).toBe(3)
    // An emergency: at once, recorded as such, confirmed by --yes, reviewed after.
    const noYes = await clerk(['kiosk', 'disconnect', POST, '--reason', '检测到异常流量', '--emergency'])
    expect(noYes.code).toBe(2)
    const urgent = await clerk(['kiosk', 'disconnect', POST, '--reason', '检测到异常流量', '--emergency', '--yes', '--json'])
    expect(urgent.code, urgent.stderr).toBe(0)
    expect(urgent.json).toMatchObject({state: 'review', payload: {serials: ['YZ-002'], emergency: true}})
    const yz2 = await clerk(['kiosk', 'show', 'YZ-002', '--json'])
    expect(yz2.json.status).toBe('disconnected')
    expect(yz2.json.history.at(-1)).toMatchObject({event: 'emergency-disconnect', requestId: urgent.json.id})
    // The review overrules it: the kiosk is reconnected.
    const overrule = await chief(['requests', 'reject', String(urgent.json.id), '--reason', '误报', '--json'])
    expect(overrule.code, overrule.stderr).toBe(0)
    expect(overrule.json.request.state).toBe('overruled')
    expect((await clerk(['kiosk', 'show', 'YZ-002', '--json'])).json.status).toBe('active')
    // Reconnection goes through approval.
    const back = await clerk(['kiosk', 'reconnect', POST, '--note', '漏洞已修复', '--json'])
    expect(back.code, back.stderr).toBe(0)
    expect(back.json.payload.serials).toEqual(['YZ-001'])
    expect((await clerk(['kiosk', 'show', 'YZ-001', '--json'])).json.status).toBe('disconnected')
    const approved = await chief(['requests', 'approve', String(back.json.id), '--json'])
    expect(approved.code, approved.stderr).toBe(0)
    expect((await clerk(['kiosk', 'show', 'YZ-001', '--json'])).json.status).toBe('active')
  }, 180_000)

  it('retires a kiosk with its reason, after confirmation; unknown serials are not found', async () => {
    const noYes = await clerk(['kiosk', 'retire', 'YZ-002', '--reason', '设备报废'])
    expect(noYes.code).toBe(2)
    const r = await clerk(['kiosk', 'retire', 'YZ-002', '--reason', '设备报废', '--yes', '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.json).toMatchObject({status: 'retired', note: '设备报废'})
    const twice = await clerk(['kiosk', 'retire', 'YZ-002', '--reason', '再次', '--yes'])
    expect(twice.code).toBe(4)
    const missing = await clerk(['kiosk', 'show', 'NOPE-1'])
    expect(missing.code).toBe(3)
    const audit = await clerk(['audit', 'verify', '--json'])
    expect(audit.code, audit.stderr).toBe(0)
  })

  it('probes every active kiosk’s heartbeat on real 127.0.0.1 servers: up, slow past the timeout, refusing, answering 500; last seen recorded', async () => {
    const servers: Server[] = []
    const serve = async (handler: Parameters<typeof createServer>[1]): Promise<string> => {
      const server = createServer(handler)
      servers.push(server)
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`
    }
    try {
      const healthy = await serve((_req, res) => res.end('ok'))
      // Slower than any start-up under load: waiting for it would show, whatever the machine.
      const slow = await serve((_req, res) => void setTimeout(() => res.end('late'), 30_000).unref())
      const failing = await serve((_req, res) => {
        res.statusCode = 500
        res.end('boom')
      })
      // A port that was open a moment ago and is closed now: connections are refused.
      const closed = await serve(() => {})
      await new Promise((resolve) => servers.pop()!.close(resolve))
      // Request 1 is the service centre's: site 1 places 2 kiosks, sites 2 and 3 one each.
      for (const [site, serial, url] of [
        ['1', 'H-1', healthy],
        ['1', 'H-2', slow],
        ['2', 'H-3', closed],
        ['3', 'H-4', failing],
      ] as const) {
        const v = await clerk(['kiosk', 'verify', '1', '--site', site, '--serial', serial, '--heartbeat-url', url, '--result', 'pass'])
        expect(v.code, v.stderr).toBe(0)
      }
      expect((await chief(['requests', 'approve', '1'])).code).toBe(0)
      expect((await leader(['requests', 'approve', '1'])).code).toBe(0)
      const started = Date.now()
      const r = await clerk(['kiosk', 'probe', '--unit', HALL, '--timeout', '1', '--concurrency', '2', '--json'])
      expect(r.code, r.stderr).toBe(0)
      // One deadline per request, no retries: two rounds of at most a second plus the start,
      // never the slow server's thirty seconds.
      expect(Date.now() - started).toBeLessThan(20_000)
      expect(r.json.summary).toEqual({up: 1, slow: 1, status: 1, down: 1, probed: 4, withoutUrl: 0})
      const by = Object.fromEntries(r.json.heartbeats.map((h: {serial: string}) => [h.serial, h]))
      expect(by['H-1']).toMatchObject({outcome: 'up', status: 200})
      expect(by['H-2']).toMatchObject({outcome: 'slow'})
      expect(by['H-3']).toMatchObject({outcome: 'down'})
      expect(by['H-4']).toMatchObject({outcome: 'status', status: 500})
      expect((await clerk(['kiosk', 'show', 'H-1', '--json'])).json.lastSeen).toBeTruthy()
      expect((await clerk(['kiosk', 'show', 'H-3', '--json'])).json.lastSeen).toBeNull()
      expect(await count('kiosk_probes')).toBe(4)
      const human = await clerk(['kiosk', 'probe', '--unit', HALL, '--timeout', '1'])
      expect(human.stdout).toContain('probed 4: up 1, slow 1, wrong status 1, down 1')
      const bad = await clerk(['kiosk', 'probe', '--timeout', '0'])
      expect(bad.code).toBe(2)
    } finally {
      for (const server of servers) {
        server.closeAllConnections()
        server.close()
      }
    }
  }, 180_000)

  it('gives the yearly figures per access unit: kiosks, sites, availability, items on kiosks, cases, online share, high-frequency items not on kiosks (KIOSK-5, ITEM-7, ITEM-8)', async () => {
    const ITEMS = new URL('../../fixtures/items/', import.meta.url).pathname
    const list = await clerk(['items', 'import', join(ITEMS, 'list.xlsx')])
    expect(list.code, list.stderr + list.stdout).toBe(0)
    const cases = await clerk(['items', 'cases', 'import', join(ITEMS, 'cases-2025.csv')])
    expect(cases.code, cases.stderr + cases.stdout).toBe(0)
    const SCJG = '嘉峪关市市场监督管理局'
    const RS = '嘉峪关市人力资源和社会保障局'
    // A one-kiosk form for each, from the blank template, admitted through verification and approval.
    for (const [i, unit] of [SCJG, RS].entries()) {
      const wb = new ExcelJS.Workbook()
      await wb.xlsx.readFile(out('form.xlsx'))
      const ws = wb.worksheets[0]!
      const fill: Record<string, string | number> = {B2: unit, B3: '张三', D3: '0937-6221234', B4: '李四', D4: '13909370000', B5: 'ZZJ-1', D5: 1, B8: '办事大厅', C8: '新华中路 1 号', D8: 1}
      for (const [cell, value] of Object.entries(fill)) ws.getCell(cell).value = value
      await wb.xlsx.writeFile(out(`one-${i}.xlsx`))
      const r = await clerk(['kiosk', 'import', out(`one-${i}.xlsx`), '--kind', 'service-department', '--json'])
      expect(r.code, r.stderr).toBe(0)
      expect((await clerk(['kiosk', 'verify', unit, '--site', '1', '--serial', `S-${i}`, '--result', 'pass'])).code).toBe(0)
      expect((await chief(['requests', 'approve', String(r.json.files[0].requestId)])).code).toBe(0)
      expect((await leader(['requests', 'approve', String(r.json.files[0].requestId)])).code).toBe(0)
    }
    // The kiosks were admitted in 2026 (EGOV_NOW): the 2025 figures are as of that year's end (KIOSK-5), so they count none;
    // the units' case figures come from the 2026 sheet. test/e2e/kiosk-trip.test.ts tests the year's end in detail.
    const y2025 = await clerk(['kiosk', 'stats', '--year', '2025', '--json'])
    expect(y2025.code, y2025.stderr).toBe(0)
    expect(y2025.json.units).toEqual([])
    writeFileSync(out('cases-2026.csv'), readFileSync(join(ITEMS, 'cases-2025.csv'), 'utf8').replace(/,2025(年?),/g, ',2026$1,'))
    expect((await clerk(['items', 'cases', 'import', out('cases-2026.csv')])).code).toBe(0)
    const r = await clerk(['kiosk', 'stats', '--year', '2026', '--out', out('考核.xlsx'), '--json'])
    expect(r.code, r.stderr).toBe(0)
    const by = Object.fromEntries(r.json.units.map((u: {unit: string}) => [u.unit, u]))
    expect(by[SCJG]).toMatchObject({kiosks: 1, sites: 1, items: 4, kioskItems: 1, kioskCases: 40, cases: 1352, notOnKiosk: [], availability: null})
    expect(by[SCJG].onlineShare).toBeCloseTo(930 / 1352)
    expect(by[RS]).toMatchObject({kiosks: 1, kioskItems: 0, cases: 800, notOnKiosk: [{name: '失业保险金申领', cases: 800}]})
    // The service centre's kiosks were probed in 2026 (EGOV_NOW aside, probes carry the real time): availability counts that year's probes.
    const hall = (await clerk(['kiosk', 'stats', '--year', String(new Date().getUTCFullYear()), '--json'])).json.units.find((u: {unit: string}) => u.unit === HALL)
    expect(hall).toMatchObject({kiosks: 4, sites: 3, probes: 8})
    expect(hall.availability).toBeCloseTo(2 / 8)
    const sheet = inspect(out('考核.xlsx'))
    expect(Object.keys(sheet)).toEqual(['2026年度考核', '高频未上自助终端事项'])
    expect(sheet['2026年度考核']!.cells.A1!.v).toBe('接入单位')
    expect(Object.values(sheet['高频未上自助终端事项']!.cells).some((c) => c.v === '失业保险金申领')).toBe(true)
  }, 180_000)

  it('exports the registry as xlsx and as a UTF-8 CSV with a BOM, formula injection guarded in the CSV', async () => {
    // A site name a spreadsheet would run as a formula.
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.readFile(out('form.xlsx'))
    const ws = wb.worksheets[0]!
    const fill: Record<string, string | number> = {
      B2: POST,
      B3: '赵强',
      D3: '0937-6225678',
      B4: '周伟',
      D4: '13912345678',
      B5: 'YZ-200',
      D5: 1,
      B8: '=HYPERLINK("http://127.0.0.1/","点击")',
      C8: '新华中路 22 号',
      D8: 1,
    }
    for (const [cell, value] of Object.entries(fill)) ws.getCell(cell).value = value
    await wb.xlsx.writeFile(out('formula.xlsx'))
    const imp = await clerk(['kiosk', 'import', out('formula.xlsx'), '--json'])
    expect(imp.code, imp.stderr).toBe(0)
    expect((await clerk(['kiosk', 'verify', String(imp.json.files[0].requestId), '--site', '1', '--serial', 'F-1', '--result', 'pass'])).code).toBe(0)
    const csv = await clerk(['kiosk', 'export', '--out', out('登记.csv'), '--json'])
    expect(csv.code, csv.stderr).toBe(0)
    const text = (await import('node:fs')).readFileSync(out('登记.csv'), 'utf8')
    expect(text.startsWith('\uFEFF序列号,接入单位,')).toBe(true)
    expect(text).toContain(`F-1,${POST},1,"'=HYPERLINK(""http://127.0.0.1/"",""点击"")"`)
    expect(text).toContain('YZ-001')
    const xlsx = await clerk(['kiosk', 'export', '--out', out('登记.xlsx')])
    expect(xlsx.code, xlsx.stderr).toBe(0)
    const cells = inspect(out('登记.xlsx'))['自助终端登记']!.cells
    // In the workbook the text as it is, a text cell (no apostrophe: a text cell never evaluates).
    expect(Object.values(cells).some((c) => c.v === `=HYPERLINK("http://127.0.0.1/","点击")` && c.t === 's')).toBe(true)
    const bad = await clerk(['kiosk', 'export', '--out', out('登记.txt')])
    expect(bad.code).toBe(2)
  })
})
