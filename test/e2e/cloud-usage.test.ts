import {execFileSync} from 'node:child_process'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import ExcelJS from 'exceljs'
import iconv from 'iconv-lite'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {nearestRank, parsePercent, parseSampleTime, percentile, percentileOfHistogram, suggestedSize} from '../../src/core/cloud/index.js'
import {egov, isolatedHome} from '../helpers/cli.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

const CELLS = new URL('../helpers/xlsx_cells.py', import.meta.url).pathname
/** What a second reader (Python's standard library, not exceljs) finds in a workbook. */
const cellsOf = (path: string): Record<string, string[][]> => JSON.parse(execFileSync('python3', [CELLS, path], {encoding: 'utf8'}))

/** Epoch seconds of a China-time wall clock (UTC+8). */
const china = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0) => Date.UTC(y, mo - 1, d, h - 8, mi, s) / 1000

describe('the percentile and the suggestion, by hand (CLOUD-8)', () => {
  it('takes the nearest rank: the ⌈0.95·n⌉-th smallest value, one that was observed', () => {
    // n = 20: rank 19; n = 10: rank 10 (the largest); n = 100: rank 95; n = 1: rank 1; n = 21: ⌈19.95⌉ = 20.
    expect([20, 10, 100, 1, 21, 40, 39].map((n) => nearestRank(n))).toEqual([19, 10, 95, 1, 20, 38, 38])
    const oneToTwenty = Array.from({length: 20}, (_, i) => i + 1)
    expect(percentile(oneToTwenty)).toBe(19) // linear interpolation would say 19.05
    expect(percentile([5, 1, 4, 2, 3, 9, 8, 7, 6, 10])).toBe(10)
    expect(percentile([30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 90])).toBe(30) // one spike in 20 is not the p95
    expect(percentile([30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 90, 90])).toBe(90)
    // The histogram form gives the same: counts[v] values equal to v (tenths of a percent).
    const counts = new Int32Array(1001)
    for (const v of [12, 12, 40, 40, 40, 7, 999, 1000, 12, 40, 41, 41, 41, 41, 41, 41, 41, 41, 41, 500]) counts[v]!++
    expect(percentileOfHistogram(counts, 20)).toBe(999)
    expect(percentile([12, 12, 40, 40, 40, 7, 999, 1000, 12, 40, 41, 41, 41, 41, 41, 41, 41, 41, 41, 500])).toBe(999)
  })

  it('sizes a VM so its p95 sits at 70%, in whole vCPU and GiB, at least 1', () => {
    expect(suggestedSize(8, 190)).toBe(3) // ⌈8 × 19.0 / 70⌉ = ⌈2.17⌉
    expect(suggestedSize(32, 190)).toBe(9) // ⌈8.69⌉
    expect(suggestedSize(8, 175)).toBe(2) // exactly 2.0: no rounding up
    expect(suggestedSize(2, 10)).toBe(1) // ⌈0.03⌉
    expect(suggestedSize(4, 0)).toBe(1) // idle still keeps one
  })

  it('reads the times and percentages providers write', () => {
    expect(parseSampleTime('2026-11-20 08:00')).toBe(china(2026, 11, 20, 8))
    expect(parseSampleTime('2026/11/20 8:00:30')).toBe(china(2026, 11, 20, 8, 0, 30))
    expect(parseSampleTime('2026年11月20日 08:00')).toBe(china(2026, 11, 20, 8))
    expect(parseSampleTime('2026-11-20T08:00:00+08:00')).toBe(china(2026, 11, 20, 8))
    expect(parseSampleTime('2026-11-20T00:00:00Z')).toBe(china(2026, 11, 20, 8))
    expect(parseSampleTime('2026-11-20T01:00:00.250+0100')).toBe(china(2026, 11, 20, 8))
    expect(parseSampleTime('２０２６-１１-２０ ０８:００')).toBe(china(2026, 11, 20, 8))
    for (const bad of ['2026-11-20', '2026-02-30 08:00', '2026-11-20 24:00', '20/11/2026 08:00', '1763596800', '2026-11-20 08:00+15:00', 'yesterday']) {
      expect(parseSampleTime(bad), bad).toBe('cloud.usage.badTime')
    }
    expect(['37.5', '37.5%', '37.45', '37.44', '0', '100', '100.0%', '.5', '９９．９６％', ' 12 % ', '99.95'].map(parsePercent)).toEqual([375, 375, 375, 374, 0, 1000, 1000, 5, 1000, 120, 1000])
    expect(['100.01', '101', '-1', '-0.5%'].map(parsePercent)).toEqual(Array(4).fill('cloud.usage.percentRange'))
    expect(['abc', '12,5', '%', '1e2', ''].map(parsePercent)).toEqual(Array(5).fill('cloud.usage.badPercent'))
  })
})

interface Seed {
  name: string
  unit: string
  provider: string
  status?: string
  vms: number
  vcpu: number
  memoryGib: number
  envVcpu?: number
  envMemoryGib?: number
}

/** The systems the tests report on, inserted directly (the cloud's own commands put them in service in real use). */
const SYSTEMS: Seed[] = [
  {name: '医保结算系统', unit: '市医疗保障局', provider: '电信云', vms: 2, vcpu: 8, memoryGib: 32, envVcpu: 16, envMemoryGib: 64},
  {name: '医保稽核系统', unit: '市医疗保障局', provider: '电信云', vms: 1, vcpu: 4, memoryGib: 8, envVcpu: 4, envMemoryGib: 8},
  {name: '社保业务系统', unit: '市人力资源和社会保障局', provider: '电信云', vms: 2, vcpu: 8, memoryGib: 32, envVcpu: 16, envMemoryGib: 64},
  {name: '不动产登记系统', unit: '市自然资源局', provider: '移动云', vms: 1, vcpu: 4, memoryGib: 16, envVcpu: 4, envMemoryGib: 16},
  {name: '边界系统', unit: '市自然资源局', provider: '移动云', vms: 1, vcpu: 4, memoryGib: 16, envVcpu: 4, envMemoryGib: 16},
  // A rejected application of the same name first: the name resolves to the live system.
  {name: '门户网站', unit: '市政务服务中心', provider: '联通云', status: 'rejected', vms: 1, vcpu: 2, memoryGib: 4},
  {name: '门户网站', unit: '市政务服务中心', provider: '联通云', vms: 1, vcpu: 2, memoryGib: 4, envVcpu: 2, envMemoryGib: 4},
  {name: '公积金系统', unit: '市住房公积金中心', provider: '移动云', vms: 1, vcpu: 4, memoryGib: 8, envVcpu: 4, envMemoryGib: 8},
  {name: '新建系统', unit: '市大数据中心', provider: '电信云', vms: 1, vcpu: 4, memoryGib: 8, envVcpu: 4, envMemoryGib: 8},
  {name: '档案系统', unit: '市档案馆', provider: '电信云', status: 'released', vms: 1, vcpu: 4, memoryGib: 8, envVcpu: 4, envMemoryGib: 8},
  {name: '旧OA系统', unit: '市政府办公室', provider: '电信云', status: 'rejected', vms: 1, vcpu: 4, memoryGib: 8},
]

/** Inserts systems into cloud_systems as the cloud's own commands leave them (configuration as run, envelope in totals). */
async function seedSystems(tdb: TestDatabase, systems: Seed[]): Promise<void> {
  const text = (v: string) => `'${v.replaceAll("'", "''")}'`
  const num = (v: number | undefined) => (v === undefined ? 'null' : String(v))
  for (const [i, s] of systems.entries()) {
    await tdb.sql(
      `insert into cloud_systems (name, unit, level, os, request_id, status, provider, vms, vcpu, memory_gib, system_disk_gib, data_disk_gib, bandwidth_mbps, extranet_ips, internet_ips,
         env_vcpu, env_memory_gib, env_storage_gib, env_bandwidth_mbps, env_extranet_ips, env_internet_ips, provisioned_at, created_at, updated_at)
       values (${text(s.name)}, ${text(s.unit)}, 3, '统信UOS 20', ${i + 1}, ${text(s.status ?? 'in-service')}, ${text(s.provider)}, ${s.vms}, ${s.vcpu}, ${s.memoryGib}, 100, 200, 50, 1, 0,
         ${num(s.envVcpu)}, ${num(s.envMemoryGib)}, ${s.envVcpu === undefined ? 'null' : s.vms * 300}, ${s.envVcpu === undefined ? 'null' : 50}, ${s.envVcpu === undefined ? 'null' : 1}, ${s.envVcpu === undefined ? 'null' : 0},
         '2026-01-05T02:00:00.000Z', '2026-01-01T02:00:00.000Z', '2026-01-05T02:00:00.000Z')`,
    )
  }
}

const pad = (n: number) => String(n).padStart(2, '0')

/**
 * Utilisation samples of CLOUD-8 through bin/run.js, on SQLite and PostgreSQL: providers'
 * files in UTF-8, GB18030 and xlsx (title rows, English headers, date and percentage cells,
 * both time forms), every kind of bad row located with nothing written, re-imports that
 * change nothing, and the efficiency review checked against percentiles worked out by hand.
 */
describeEachDialect('cloud utilisation and the efficiency review through bin/run.js (CLOUD-8)', (dialect) => {
  let tdb: TestDatabase
  let env: Record<string, string>
  const dir = mkdtempSync(join(tmpdir(), 'egov-cloud-usage-'))
  const out = (name: string) => join(dir, name)
  const run = (args: string[], extra: Record<string, string> = {}) => egov(args, {...env, ...extra, ...tdb.envFor('clerk')})
  const count = (table: string) => tdb.count(table)
  const sample = async (system: string, at: number) =>
    (await tdb.sql(`select u.cpu, u.memory, u.disk from cloud_usage u join cloud_systems s on s.id = u.system_id where s.name = '${system}' and s.status = 'in-service' and u.at = ${at}`)).map((r) => [
      Number(r.cpu),
      Number(r.memory),
      Number(r.disk),
    ])

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    await (await tdb.open('clerk')).close()
    await seedSystems(tdb, SYSTEMS)
    // COLUMNS: tables as wide as they need, so that names are not cut in what the tests read.
    env = {...isolatedHome(), ...tdb.env, EGOV_NOW: '2026-11-24T10:00:00+08:00', COLUMNS: '200'}

    // A provider's CSV as Excel saves it (UTF-8 with a BOM, CRLF), a title row above the header:
    // 医保结算系统 1..20% CPU and 10.0..19.5% memory (p95 by hand: the 19th, 19.0 and 19.0);
    // 社保业务系统 busy; 医保稽核系统 steady at 2% / 10%.
    const rows = ['电信云 政务云资源利用率报送（2026年11月20日）', '系统名称,采集时间,CPU使用率,内存使用率,磁盘使用率']
    for (let i = 0; i < 20; i++) rows.push(`医保结算系统,2026-11-20 ${pad(i)}:00,${i + 1},${(10 + i * 0.5).toFixed(1)}%,40`)
    for (let i = 0; i < 20; i++) rows.push(`社保业务系统,2026-11-20 ${pad(i)}:00,${30 + i}.25,${50 + i}%,61.5`)
    writeFileSync(out('telecom.csv'), '\uFEFF' + rows.join('\r\n') + '\r\n')

    // A GB18030 CSV with the slash form and % signs: 不动产登记系统 idle CPU but busy memory,
    // 边界系统 at exactly 20.0% CPU (not under 20).
    const mobile = ['系统名称,采集时间,CPU使用率,内存使用率,磁盘使用率']
    for (let i = 0; i < 20; i++) mobile.push(`不动产登记系统,2026/11/21 ${i}:00:00,5%,60%,30%`)
    for (let i = 0; i < 20; i++) mobile.push(`边界系统,2026/11/21 ${i}:00:00,20.0%,5%,30%`)
    writeFileSync(out('mobile-gbk.csv'), iconv.encode(mobile.join('\r\n') + '\r\n', 'gb18030'))

    // ISO 8601 times with offsets, English headers in another order: 公积金系统's last sample is
    // before the window; 档案系统 has been released since (its samples still count as reported).
    writeFileSync(out('iso.csv'), ['time,system,memory,cpu,disk', '2026-09-01T08:00:00+08:00,公积金系统,30,40,50', '2026-10-01T00:00:00Z,档案系统,12.5,7.25,80'].join('\n') + '\n')

    // A workbook: a merged title row, English headers, date cells and a memory column formatted
    // as a percentage (0.055 shows as 5.5%), and a notes sheet that is not data.
    const book = new ExcelJS.Workbook()
    const ws = book.addWorksheet('资源利用率')
    ws.mergeCells('A1:E1')
    ws.getCell('A1').value = '联通云 资源利用率（2026年11月）'
    ws.addRow(['system', 'time', 'cpu', 'memory', 'disk'])
    // 门户网站: 10 samples, cpu 0.1..1.0, memory 3.25..5.5: p95 = the 10th, the largest.
    for (let i = 1; i <= 10; i++) {
      const r = ws.addRow(['门户网站', new Date(Date.UTC(2026, 10, 22, i, 0, 0)), i / 10, (3 + i * 0.25) / 100, '20%'])
      r.getCell(2).numFmt = 'yyyy-mm-dd hh:mm'
      r.getCell(4).numFmt = '0.0%'
    }
    for (let i = 0; i < 20; i++) {
      const r = ws.addRow(['医保稽核系统', new Date(Date.UTC(2026, 10, 22, i, 30, 0)), 2, 0.1, 0.35])
      r.getCell(2).numFmt = 'yyyy-mm-dd hh:mm'
      r.getCell(4).numFmt = '0%'
      r.getCell(5).numFmt = '0%'
    }
    book.addWorksheet('说明').addRow(['cpu', 'memory', '本表由联通云按月报送'])
    await book.xlsx.writeFile(out('unicom.xlsx'))
  })
  afterAll(async () => {
    await tdb.cleanup()
  })

  it('checks a file with --dry-run, counting what would be added, and writes nothing', async () => {
    const r = await run(['cloud', 'usage', 'import', out('telecom.csv'), '--dry-run', '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.json).toMatchObject({dryRun: true, read: 40, added: 40, alreadyRecorded: 0, repeated: 0, systems: 2, from: '2026-11-19T16:00:00.000Z', to: '2026-11-20T11:00:00.000Z'})
    expect(r.json.files[0]).toMatchObject({file: out('telecom.csv'), encoding: 'utf8'})
    expect(r.json.files[0].sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(await count('cloud_usage')).toBe(0)
  })

  it('imports UTF-8 and GB18030 CSV and an xlsx, with aliases, both time forms, date and percentage cells', async () => {
    const auditBefore = await count('audit_log')
    const telecom = await run(['cloud', 'usage', 'import', out('telecom.csv')])
    expect(telecom.code, telecom.stderr).toBe(0)
    expect(telecom.stdout).toContain('telecom.csv read as UTF-8')
    expect(telecom.stdout).toContain('40 rows read; 40 samples added, 0 already recorded (skipped), 0 repeated in the files; 2 systems, 2026-11-20 00:00 to 2026-11-20 19:00 (China time)')

    const mobile = await run(['cloud', 'usage', 'import', out('mobile-gbk.csv'), '--json'])
    expect(mobile.code, mobile.stderr).toBe(0)
    expect(mobile.json).toMatchObject({read: 40, added: 40, systems: 2})
    expect(mobile.json.files[0].encoding).toBe('gb18030')

    // Two files at once, one of them a workbook.
    const both = await run(['cloud', 'usage', 'import', out('iso.csv'), out('unicom.xlsx'), '--json'])
    expect(both.code, both.stderr).toBe(0)
    expect(both.json).toMatchObject({read: 32, added: 32, alreadyRecorded: 0, systems: 4, from: '2026-09-01T00:00:00.000Z'})
    expect(both.json.files.map((f: {encoding?: string}) => f.encoding)).toEqual(['utf8', undefined])

    expect(await count('cloud_usage')).toBe(112)
    // Stored as epoch seconds and tenths, read as China time where no offset is given.
    expect(await sample('医保结算系统', china(2026, 11, 20, 18))).toEqual([[190, 190, 400]])
    expect(await sample('社保业务系统', china(2026, 11, 20, 0))).toEqual([[303, 500, 615]]) // 30.25 rounds half up
    expect(await sample('不动产登记系统', china(2026, 11, 21, 9))).toEqual([[50, 600, 300]])
    expect(await sample('公积金系统', china(2026, 9, 1, 8))).toEqual([[400, 300, 500]])
    // A date cell is the wall-clock time Excel shows, in China; a cell formatted as a percentage reads as it shows.
    expect(await sample('门户网站', china(2026, 11, 22, 10))).toEqual([[10, 55, 200]])
    expect(await sample('医保稽核系统', china(2026, 11, 22, 0, 30))).toEqual([[20, 100, 350]])
    const archived = await tdb.sql(`select u.cpu from cloud_usage u join cloud_systems s on s.id = u.system_id where s.name = '档案系统' and u.at = ${china(2026, 10, 1, 8)}`)
    expect(archived.map((r) => Number(r.cpu))).toEqual([73]) // 7.25 → 7.3
    // One audit entry per import that added samples.
    expect(await count('audit_log')).toBe(auditBefore + 3)
    const entry = await tdb.one(`select action, entity_type, after_json from audit_log order by seq desc limit 1`)
    expect(entry).toMatchObject({action: 'cloud.usage.import', entity_type: 'cloud-usage'})
    expect(JSON.parse(String(entry.after_json))).toMatchObject({added: 32, files: [{file: 'iso.csv'}, {file: 'unicom.xlsx'}]})
  })

  it('re-running the same import is a clear no-op: every sample already recorded, nothing written', async () => {
    const before = {usage: await count('cloud_usage'), audit: await count('audit_log')}
    const again = await run(['cloud', 'usage', 'import', out('telecom.csv')])
    expect(again.code, again.stderr).toBe(0)
    expect(again.stdout).toContain('telecom.csv: nothing new, nothing written: all 40 samples are already recorded (40 rows read)')
    const json = await run(['cloud', 'usage', 'import', out('iso.csv'), out('unicom.xlsx'), '--json'])
    expect(json.json).toMatchObject({read: 32, added: 0, alreadyRecorded: 32, repeated: 0})
    expect(await count('cloud_usage')).toBe(before.usage)
    expect(await count('audit_log')).toBe(before.audit)
  })

  it('keeps a sample already recorded as it is; a row repeated with the same values counts once', async () => {
    // A provider re-sends 医保结算系统 at 18:00 with other figures, twice the same new 20:00 sample, and a new hour.
    writeFileSync(
      out('resend.csv'),
      [
        '系统名称,采集时间,CPU使用率,内存使用率,磁盘使用率',
        '医保结算系统,2026-11-20 18:00,55,55,55',
        '医保结算系统,2026-11-20 20:00,1,1,1',
        '医保结算系统,2026-11-20T20:00:00+08:00,1.0,1.00%,1',
        '医保结算系统,2026-11-20 21:00,2,2,2',
      ].join('\n'),
    )
    const r = await run(['cloud', 'usage', 'import', out('resend.csv'), '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.json).toMatchObject({read: 4, added: 2, alreadyRecorded: 1, repeated: 1})
    expect(await sample('医保结算系统', china(2026, 11, 20, 18))).toEqual([[190, 190, 400]])
    expect(await sample('医保结算系统', china(2026, 11, 20, 20))).toEqual([[10, 10, 10]])
    // Take them out again: the review below counts the 20 samples of the day.
    await tdb.sql(`delete from cloud_usage where at in (${china(2026, 11, 20, 20)}, ${china(2026, 11, 20, 21)})`)
  })

  it('locates every bad row — file, cell, field, rule, value — exits 2 and writes nothing', async () => {
    const before = {usage: await count('cloud_usage'), audit: await count('audit_log')}
    writeFileSync(
      out('bad.csv'),
      [
        '系统名称,采集时间,CPU使用率,内存使用率,磁盘使用率',
        '医保结算系统,2026-11-23 08:00,5,10,20', // 2: fine
        '无此系统,2026-11-23 08:00,5,10,20', // 3: unknown system
        '旧OA系统,2026-11-23 08:00,5,10,20', // 4: rejected
        ',2026-11-23 08:00,5,10,20', // 5: no system
        '医保结算系统,2026-11-31 08:00,5,10,20', // 6: no such day
        '医保结算系统,2026-11-23,5,10,20', // 7: no time of day
        '医保结算系统,2026-11-25 08:00,5,10,20', // 8: after now
        '医保结算系统,2026-11-23 09:00,abc,101,-3', // 9: three bad percentages
        '医保结算系统,2026-11-23 10:00,5,,20', // 10: missing memory
        '',
        '医保结算系统,2026-11-23 08:00,6,10,20', // 12: the 08:00 sample again, other values
      ].join('\n'),
    )
    const r = await run(['cloud', 'usage', 'import', out('bad.csv'), '--json'])
    expect(r.code).toBe(2)
    expect(r.json.error).toMatchObject({code: 'invalid_input', details: {field: 'FILE', rule: 'CLOUD-8'}})
    expect(r.json.error.message).toBe('bad.csv: problems found: 11; nothing was written')
    const problems = r.json.error.details.problems as Array<Record<string, string | number>>
    const at = (cell: string) => problems.find((p) => p.cell === cell)
    // Row by row, each bad cell once: three in row 9.
    expect(problems.map((p) => p.cell)).toEqual(['A3', 'A4', 'A5', 'B6', 'B7', 'B8', 'C9', 'D9', 'E9', 'D10', 'B12'])
    expect(at('A3')).toMatchObject({file: 'bad.csv', sheet: '', row: 3, column: '系统名称', field: 'system', rule: 'CLOUD-8', value: '无此系统'})
    expect(at('A3')!.message).toBe('系统名称: "无此系统" is not a system on the government cloud (no system of that name) (CLOUD-8)')
    expect(at('A4')).toMatchObject({field: 'system', value: '旧OA系统'})
    expect(at('A4')!.message).toContain('rejected')
    expect(at('A5')).toMatchObject({field: 'system', value: ''})
    expect(at('A5')!.message).toBe('系统名称 is required (CLOUD-8)')
    expect(at('B6')).toMatchObject({field: 'time', value: '2026-11-31 08:00'})
    expect(at('B6')!.message).toContain('is not a time')
    expect(at('B7')).toMatchObject({field: 'time', value: '2026-11-23'})
    expect(at('B8')).toMatchObject({field: 'time', value: '2026-11-25 08:00'})
    expect(at('B8')!.message).toContain('later than now (2026-11-24 10:00:00, China time)')
    expect(at('C9')).toMatchObject({field: 'cpu', column: 'CPU使用率', value: 'abc'})
    expect(at('C9')!.message).toContain('is not a percentage')
    expect(at('D9')).toMatchObject({field: 'memory', value: '101'})
    expect(at('D9')!.message).toContain('outside 0–100%')
    expect(at('E9')).toMatchObject({field: 'disk', value: '-3'})
    expect(at('D10')).toMatchObject({field: 'memory', value: ''})
    expect(at('B12')).toMatchObject({row: 12, field: 'time', value: '2026-11-23 08:00:00'})
    expect(at('B12')!.message).toBe('采集时间: the sample at 2026-11-23 08:00:00 is given twice with different values (CPU/memory/disk 6.0/10.0/20.0% here, 5.0/10.0/20.0% in row 2) (CLOUD-8)')
    expect(problems.every((p) => p.rule === 'CLOUD-8' && p.file === 'bad.csv' && p.row && p.field && String(p.message).endsWith('(CLOUD-8)'))).toBe(true)

    // The same, for people: one line each on stderr, located, in Chinese when the locale is.
    const human = await run(['cloud', 'usage', 'import', out('bad.csv')], {LANG: 'zh_CN.UTF-8'})
    expect(human.code).toBe(2)
    expect(human.stderr).toContain('bad.csv!A3 “无此系统”: “系统名称”的值“无此系统”不是政务云上的系统（无此名称的系统） (CLOUD-8)')
    expect(human.stderr).toContain('bad.csv!D10: “内存使用率”为必填 (CLOUD-8)')
    expect(human.stderr).toContain('bad.csv：共 11 处问题，未写入任何数据')
    expect(human.stderr.split('\n').filter((l) => l.startsWith('bad.csv!'))).toHaveLength(11)
    expect(await count('cloud_usage')).toBe(before.usage)
    expect(await count('audit_log')).toBe(before.audit)
  })

  it('finds a sample given twice across the files of one import, naming the other file', async () => {
    writeFileSync(out('a.csv'), '系统名称,采集时间,CPU使用率,内存使用率,磁盘使用率\n社保业务系统,2026-11-23 08:00,50,50,50\n')
    // The second file gives the same sample again as a formula's result, and the time as text.
    const book = new ExcelJS.Workbook()
    book.addWorksheet('Sheet1').addRows([
      ['系统名称', '采集时间', 'CPU使用率', '内存使用率', '磁盘使用率'],
      ['社保业务系统', '2026-11-23T00:00:00Z', {formula: '40+10', result: 50}, 50, 50],
      ['社保业务系统', '2026-11-23 09:00', 51, {formula: 'C3/2', result: 25.5}, 50],
    ])
    await book.xlsx.writeFile(out('b.xlsx'))
    const same = await run(['cloud', 'usage', 'import', out('a.csv'), out('b.xlsx'), '--dry-run', '--json'])
    expect(same.code, same.stderr).toBe(0)
    expect(same.json).toMatchObject({read: 3, added: 2, repeated: 1, alreadyRecorded: 0})
    writeFileSync(out('a.csv'), '系统名称,采集时间,CPU使用率,内存使用率,磁盘使用率\n社保业务系统,2026-11-23 08:00,50,49.9,50\n')
    const differ = await run(['cloud', 'usage', 'import', out('a.csv'), out('b.xlsx'), '--json'])
    expect(differ.code).toBe(2)
    expect(differ.json.error.details.problems).toEqual([
      expect.objectContaining({file: 'b.xlsx', sheet: 'Sheet1', cell: 'B2', field: 'time', message: expect.stringContaining('50.0/49.9/50.0% in row 2 (a.csv)')}),
    ])
    const human = await run(['cloud', 'usage', 'import', out('a.csv'), out('b.xlsx')])
    expect(human.stderr).toContain('b.xlsx!Sheet1!B2 “2026-11-23 08:00:00”: 采集时间: the sample at 2026-11-23 08:00:00 is given twice')
  })

  it('refuses what is not a utilisation file — a missing column, another form, an empty file, a wrong type — writing nothing', async () => {
    writeFileSync(out('no-disk.csv'), '系统名称,采集时间,CPU使用率,内存使用率\n医保结算系统,2026-11-23 08:00,5,10\n')
    writeFileSync(out('other.csv'), '事项编码,主项名称\nX-1,某事项\n')
    writeFileSync(out('empty.csv'), '')
    writeFileSync(out('notes.txt'), 'x')
    const missing = await run(['cloud', 'usage', 'import', out('no-disk.csv'), '--json'])
    expect(missing.code).toBe(2)
    expect(missing.json.error.details.problems).toEqual([
      expect.objectContaining({row: 1, column: '磁盘使用率', field: 'disk', rule: 'CLOUD-8', message: 'column 磁盘使用率 is missing (the header row needs it) (CLOUD-8)'}),
    ])
    const other = await run(['cloud', 'usage', 'import', out('other.csv'), '--json'])
    expect(other.code).toBe(2)
    expect(other.json.error.details.problems[0].message).toContain('is not a 政务云资源利用率报送表')
    for (const [file, text] of [
      ['empty.csv', 'is empty'],
      ['notes.txt', 'wrong file type'],
      ['nowhere.csv', 'nowhere.csv'],
    ] as const) {
      const r = await run(['cloud', 'usage', 'import', out(file), '--json'])
      expect(r.code, file).toBe(2)
      expect(r.json.error.details.field, file).toBe('FILE')
      expect(JSON.stringify(r.json.error), file).toContain(text)
    }
    const forced = await run(['cloud', 'usage', 'import', out('mobile-gbk.csv'), '--encoding', 'utf8', '--json'])
    expect(forced.code).toBe(2)
    // The file is not what --encoding says: the flag is named, not "neither UTF-8 nor GB18030".
    expect(forced.json.error.message).toContain('is not UTF-8 text, as --encoding utf8 says')
    expect(forced.json.error.details.field).toBe('encoding')
  })

  it('flags exactly the systems whose p95 CPU and memory are both under the threshold, with the suggested size per unit and provider', async () => {
    const r = await run(['cloud', 'efficiency', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const review = r.json
    expect(review).toMatchObject({days: 30, threshold: 20, percentile: 95, method: 'nearest-rank', targetUtilisation: 70, from: '2026-10-25T02:00:00.000Z', to: '2026-11-24T02:00:00.000Z'})
    // In service with samples in the window: 医保结算, 医保稽核, 社保业务, 不动产登记, 边界, 门户网站 (公积金's only sample is older).
    expect(review.reviewed).toBe(6)
    expect(review.samples).toBe(20 + 20 + 20 + 20 + 20 + 10)
    expect(review.flagged).toEqual([
      {
        system: '医保稽核系统',
        unit: '市医疗保障局',
        provider: '电信云',
        samples: 20,
        p95Cpu: 2,
        p95Memory: 10,
        vms: 1,
        perVm: {vcpu: 4, memoryGib: 8},
        suggestedPerVm: {vcpu: 1, memoryGib: 2},
        envelope: {vcpu: 4, memoryGib: 8},
        suggestedEnvelope: {vcpu: 1, memoryGib: 2},
        freed: {vcpu: 3, memoryGib: 6},
      },
      {
        system: '医保结算系统',
        unit: '市医疗保障局',
        provider: '电信云',
        samples: 20,
        p95Cpu: 19,
        p95Memory: 19,
        vms: 2,
        perVm: {vcpu: 8, memoryGib: 32},
        suggestedPerVm: {vcpu: 3, memoryGib: 9},
        envelope: {vcpu: 16, memoryGib: 64},
        suggestedEnvelope: {vcpu: 6, memoryGib: 18},
        freed: {vcpu: 10, memoryGib: 46},
      },
      {
        system: '门户网站',
        unit: '市政务服务中心',
        provider: '联通云',
        samples: 10,
        p95Cpu: 1,
        p95Memory: 5.5,
        vms: 1,
        perVm: {vcpu: 2, memoryGib: 4},
        suggestedPerVm: {vcpu: 1, memoryGib: 1},
        envelope: {vcpu: 2, memoryGib: 4},
        suggestedEnvelope: {vcpu: 1, memoryGib: 1},
        freed: {vcpu: 1, memoryGib: 3},
      },
    ])
    expect(review.byUnitProvider).toEqual([
      {unit: '市医疗保障局', provider: '电信云', systems: 2, envelope: {vcpu: 20, memoryGib: 72}, suggestedEnvelope: {vcpu: 7, memoryGib: 20}, freed: {vcpu: 13, memoryGib: 52}},
      {unit: '市政务服务中心', provider: '联通云', systems: 1, envelope: {vcpu: 2, memoryGib: 4}, suggestedEnvelope: {vcpu: 1, memoryGib: 1}, freed: {vcpu: 1, memoryGib: 3}},
    ])
    // Not reported in the window: 公积金系统 (last sample 2026-09-01 08:00 China time) and 新建系统 (none ever).
    // Sorted by unit, provider and system, in the Chinese (pinyin) order.
    expect(review.unreported).toEqual([
      {system: '新建系统', unit: '市大数据中心', provider: '电信云', lastSample: null},
      {system: '公积金系统', unit: '市住房公积金中心', provider: '移动云', lastSample: '2026-09-01T00:00:00.000Z'},
    ])

    // For people: the window, the flagged systems with their sizes, the sums, who has not reported.
    const human = await run(['cloud', 'efficiency'])
    expect(human.code, human.stderr).toBe(0)
    expect(human.stdout).toContain('2026-10-25 10:00 to 2026-11-24 10:00 (China time, the last 30 days): 6 reviewed over 110 samples')
    expect(human.stdout).toMatch(/医保结算系统\s+20\s+19\.0%\s+19\.0%\s+8→3\s+32→9/)
    expect(human.stdout).toMatch(/市医疗保障局\s+电信云\s+2\s+20→7\s+72→20/)
    expect(human.stdout).toContain('(the provider has not reported): 2')
    expect(human.stdout).toMatch(/公积金系统\s+2026-09-01 08:00/)
  })

  it('takes --days and --threshold; the boundary is strict (20.0% is not under 20%)', async () => {
    const higher = await run(['cloud', 'efficiency', '--threshold', '21', '--json'])
    expect(higher.json.flagged.map((f: {system: string}) => f.system)).toEqual(['医保稽核系统', '医保结算系统', '门户网站', '边界系统'])
    // The last two days: from 22 November 10:00 (China time), exclusive, to now. Only 医保稽核系统's
    // samples from 10:30 on are in it; 门户网站's last one is at 10:00 sharp, just outside.
    const recent = await run(['cloud', 'efficiency', '--days', '2', '--json'])
    expect(recent.json).toMatchObject({days: 2, reviewed: 1, samples: 10, from: '2026-11-22T02:00:00.000Z'})
    expect(recent.json.flagged.map((f: {system: string}) => f.system)).toEqual(['医保稽核系统'])
    expect(recent.json.unreported).toHaveLength(7)
    expect(recent.json.unreported).toContainEqual({system: '门户网站', unit: '市政务服务中心', provider: '联通云', lastSample: '2026-11-22T02:00:00.000Z'})
  })

  it('writes the review as a workbook, read back by a second reader', async () => {
    const r = await run(['cloud', 'efficiency', '--out', out('评估.xlsx'), '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.json.out).toBe(out('评估.xlsx'))
    const book = cellsOf(out('评估.xlsx'))
    expect(Object.keys(book)).toEqual(['低效系统', '未报送', '说明'])
    expect(book['低效系统']![0]).toEqual([
      '单位',
      '云服务商',
      '系统名称',
      '样本数',
      'CPU使用率P95(%)',
      '内存使用率P95(%)',
      '虚拟机数',
      '每台vCPU',
      '建议每台vCPU',
      '每台内存(GiB)',
      '建议每台内存(GiB)',
      '约定vCPU',
      '建议vCPU',
      '约定内存(GiB)',
      '建议内存(GiB)',
      '可释放vCPU',
      '可释放内存(GiB)',
    ])
    expect(book['低效系统']![2]).toEqual(['市医疗保障局', '电信云', '医保结算系统', '20', '19', '19', '2', '8', '3', '32', '9', '16', '6', '64', '18', '10', '46'])
    expect(book['低效系统']).toHaveLength(4)
    expect(book['未报送']!.slice(1)).toContainEqual(['市住房公积金中心', '移动云', '公积金系统', '2026-09-01 08:00:00'])
    expect(book['未报送']!.slice(1)).toContainEqual(['市大数据中心', '电信云', '新建系统', ''])
    expect(book['说明']![1]![1]).toContain('2026-10-25 10:00:00 至 2026-11-24 10:00:00')
    // A workbook egov wrote is not a utilisation file: importing it says so.
    const back = await run(['cloud', 'usage', 'import', out('评估.xlsx'), '--json'])
    expect(back.code).toBe(2)
  })

  it('refuses bad flags with exit 2, naming the flag', async () => {
    for (const [args, flag] of [
      [['--days', '0'], '--days'],
      [['--days', '400'], '--days'],
      [['--threshold', '150'], '--threshold'],
      [['--threshold', '0'], '--threshold'],
    ] as const) {
      const r = await run(['cloud', 'efficiency', ...args, '--json'])
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.json.error.details).toMatchObject({field: flag.slice(2), rule: 'CLOUD-8'})
      expect(r.json.error.message).toContain(flag)
    }
    const human = await run(['cloud', 'efficiency', '--days', '0'])
    expect(human.code).toBe(2)
    expect(human.stderr).toContain('--days: "0" must be a whole number of days from 1 to 366 (CLOUD-8)')
    const notNumber = await run(['cloud', 'efficiency', '--threshold', 'lots'])
    expect(notNumber.code).toBe(2)
    expect(notNumber.stderr).toContain('--threshold')
    const badOut = await run(['cloud', 'efficiency', '--out', out('review.csv'), '--json'])
    expect(badOut.code).toBe(2)
    expect(badOut.json.error.details.field).toBe('out')
  })
})
