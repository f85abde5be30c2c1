import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {afterAll, beforeAll, expect, it} from 'vitest'

import {type CliResult, isolatedHome} from '../helpers/cli.js'
import {egovInProcess} from '../helpers/in-process.js'
import {admitProvider, agreeOnboarding, goLive, runnerFor} from '../helpers/cloud-setup.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

const fixture = (path: string) => fileURLToPath(new URL(`../../fixtures/${path}`, import.meta.url))
/** A unit name far wider than any terminal's share of a table: a pipe must carry it whole. */
const LONG = '嘉峪关市人力资源和社会保障局社会保险事业管理中心数据资源与信息化建设科'
const POOL = '嘉峪关市电子政务外网市级部门接入地址池（人力资源和社会保障系统专用）'
const AT = '2026-11-20T10:00:00+08:00'
const NOW = '2026-12-01T10:00:00+08:00'
/** Tens of CLI runs to set up: room for a loaded machine. */
const LONG_TIMEOUT = 240_000

/**
 * The report-like tables for scripts (issue 19), through the CLI (in-process): each takes --columns by
 * key and --output csv|tsv|json|value like the lists (the main table's rows alone, summary
 * lines left out), an unknown column is exit 2 naming it and the nearest, and off a terminal
 * (a pipe) nothing is cut, however long a Chinese name.
 */
describeEachDialect('reports: --columns and --output', (dialect) => {
  let tdb: TestDatabase
  let env: Record<string, string>
  const as = runnerFor(
    () => env,
    (who) => tdb.envFor(who),
    egovInProcess,
  )
  const run = (args: string[], extra: Record<string, string> = {}) => egovInProcess(args, {...env, ...tdb.envFor('clerk'), ...extra})
  const count = (table: string) => tdb.count(table)
  const ok = (r: CliResult): CliResult => {
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0)
    return r
  }
  /** --columns with a typo: exit 2 naming the column, the nearest and the field; nothing on stdout. */
  const typo = async (args: string[], wrong: string, suggestion: string) => {
    const r = await run([...args, '--columns', wrong, '--output', 'csv'])
    expect(r.code, r.stderr).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain(`"${wrong}"`)
    expect(r.stderr).toContain(`did you mean ${suggestion}?`)
    const json = await run([...args, '--columns', wrong, '--json'])
    expect(json.code).toBe(2)
    expect(json.json.error.details).toMatchObject({key: 'input.unknownColumn', field: 'columns', suggestion})
  }

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    for (const who of ['clerk', 'chief', 'leader', 'auditor']) await (await tdb.open(who)).close()
    // COLUMNS empty and stdout a pipe: the width a table gets off a terminal.
    env = {...isolatedHome(), ...tdb.env, EGOV_NOW: NOW, COLUMNS: ''}
    ok(await as('clerk', ['units', 'add', LONG, '--kind', 'party-government', '--level', 'city'], AT))
    // The extranet: a pool with a long name, one block for the unit.
    ok(await as('clerk', ['net', 'pool', 'add', '10.20.0.0/16', '--name', '市级', '--plane', '1'], AT))
    ok(await as('clerk', ['net', 'pool', 'add', '10.20.0.0/20', '--name', POOL, '--plane', '1'], AT))
    ok(await as('clerk', ['net', 'alloc', '--pool', POOL, '--prefix-length', '24', '--unit', LONG, '--purpose', '社保'], AT))
    // The cloud: a provider admitted, one system of the unit in service, a month's usage samples.
    await admitProvider(as, '电信云', AT, '2026-11-20')
    const id = await agreeOnboarding(as, '医保结算系统', LONG, '电信云', AT)
    await goLive(as, id, '医保结算系统', AT)
    // The provider's file for the system in service (the fixture's other system is not onboarded here).
    const samples = join(mkdtempSync(join(tmpdir(), 'egov-report-output-')), 'usage.csv')
    writeFileSync(
      samples,
      readFileSync(fixture('cloud/usage-2026-11.csv'), 'utf8')
        .split('\n')
        .filter((line) => !line.startsWith('社保业务系统,'))
        .join('\n'),
    )
    ok(await as('clerk', ['cloud', 'usage', 'import', samples]))
    // Items and their cases; a kiosk onboarding approved by two people.
    ok(await as('clerk', ['items', 'import', fixture('items/list-v2-utf8.csv')], AT))
    ok(await as('clerk', ['items', 'cases', 'import', fixture('items/cases-2025.csv')], AT))
    const filed = ok(await as('clerk', ['kiosk', 'import', fixture('kiosk/clean.xlsx'), '--kind', 'service-department', '--level', 'city', '--json'], AT))
    const kioskRequest = String(filed.json.files[0].requestId)
    for (const [site, serials] of [
      ['1', ['ZW-0001', 'ZW-0002']],
      ['2', ['ZW-0003']],
      ['3', ['ZW-0004']],
    ] as const) {
      ok(await as('clerk', ['kiosk', 'verify', '嘉峪关市政务服务中心', '--site', site, '--serial', ...serials, '--result', 'pass'], AT))
    }
    ok(await as('chief', ['requests', 'approve', kioskRequest], AT))
    ok(await as('leader', ['requests', 'approve', kioskRequest], AT))
  }, LONG_TIMEOUT)
  afterAll(async () => {
    await tdb.cleanup()
  })

  it('net pool list, net usage, net free and net report: rows alone, names unindented, counts as plain numbers', async () => {
    const pools = ok(await run(['net', 'pool', 'list', '--columns', 'name,cidr,free', '--output', 'csv']))
    expect(pools.stdout).toBe(`name,cidr,free\n市级,10.20.0.0/16,65280\n${POOL},10.20.0.0/20,3840\n`)
    // A table on a pipe: the tree as people read it, nothing cut.
    const tree = ok(await run(['net', 'pool', 'list']))
    expect(tree.stdout).toContain(`└ ${POOL}  10.20.0.0/20`)
    const usage = ok(await run(['net', 'usage', '--columns', 'name,used', '--output', 'tsv']))
    expect(usage.stdout).toBe(`name\tused\n市级\t0.4%\n${POOL}\t6.3%\n`)
    // The per-unit table is for people: shown at a terminal's table, whole on a pipe.
    expect(ok(await run(['net', 'usage'])).stdout).toContain(`${LONG}  1`)
    const over = await run(['net', 'usage', '--above', '5', '--columns', 'name', '--output', 'value'])
    expect(over.code).toBe(6)
    expect(over.stdout).toBe(`${POOL}\n`)
    const free = ok(await run(['net', 'free', '--pool', POOL, '--columns', 'cidr', '--output', 'value']))
    expect(free.stdout).toBe('10.20.1.0/24\n10.20.2.0/23\n10.20.4.0/22\n10.20.8.0/21\n')
    expect(ok(await run(['net', 'free', '--pool', POOL, '--columns', 'addresses,cidr', '--output', 'csv', '--limit', '1'])).stdout).toBe('addresses,cidr\n256,10.20.1.0/24\n')
    const report = ok(await run(['net', 'report', '--year', '2026', '--columns', 'pool,addresses', '--output', 'csv']))
    expect(report.stdout).toBe(`pool,addresses\n${POOL},256\n`)
    expect(ok(await run(['net', 'report', '--year', '2026'])).stdout).toMatch(/2026: 0 onboarded[\s\S]*requests open/)
    await typo(['net', 'pool', 'list'], 'nmae', 'name')
    await typo(['net', 'usage'], 'usde', 'used')
    await typo(['net', 'free', '--pool', POOL], 'cdir', 'cidr')
    await typo(['net', 'report', '--year', '2026'], 'pol', 'pool')
  })

  it('cloud security, capacity, provider reports and efficiency', async () => {
    const security = ok(await run(['cloud', 'security', '--due', '800', '--columns', 'system,unit,assessment,due', '--output', 'csv']))
    expect(security.stdout).toBe(`system,unit,assessment,due\n医保结算系统,${LONG},graded-protection assessment,2028-11-20\n`)
    // Keys are the same under a Chinese locale; the cells are in its words.
    const zh = ok(await run(['cloud', 'security', '--due', '800', '--columns', 'unit,days', '--output', 'json'], {LANG: 'zh_CN.UTF-8'}))
    expect(JSON.parse(zh.stdout)).toEqual([{unit: LONG, days: expect.stringMatching(/^\d+$/)}])
    expect(ok(await run(['cloud', 'security', '--due', '800'])).stdout).toContain(`医保结算系统  ${LONG}  2`)
    expect(ok(await run(['cloud', 'security', '--due', '0', '--columns', 'system', '--output', 'csv'])).stdout).toBe('system\n')

    const capacity = ok(await run(['cloud', 'capacity', '--columns', 'provider,resource,offered,inUse', '--output', 'csv']))
    expect(capacity.stdout.split('\n').slice(0, 3)).toEqual(['provider,resource,offered,inUse', '电信云,vCPU,200,16', '电信云,内存,800 GiB,64 GiB'])
    expect(capacity.stdout.trim().split('\n')).toHaveLength(7)
    expect(ok(await run(['cloud', 'capacity', '--columns', 'resource', '--output', 'value'])).stdout).toBe('vCPU\n内存\n存储\n带宽 Mbps\n外网IP\n互联网IP\n')
    // Without the flags, the view per provider as before.
    expect(ok(await run(['cloud', 'capacity'])).stdout).toMatch(/^电信云 {2}SYSTEMS 1\n/)

    const reports = ok(await run(['cloud', 'provider', 'reports', '--columns', 'provider,month,status', '--output', 'tsv']))
    expect(reports.stdout).toBe('provider\tmonth\tstatus\n电信云\t2026-11\tdue\n')

    const efficiency = ok(await run(['cloud', 'efficiency', '--columns', 'unit,system,p95Cpu', '--output', 'csv']))
    expect(efficiency.stdout).toMatch(new RegExp(`^unit,system,p95Cpu\\n${LONG},医保结算系统,\\d+\\.\\d%\\n$`))
    const people = ok(await run(['cloud', 'efficiency']))
    expect(people.stdout).toContain(`${LONG}  电信云`)
    expect(people.stdout).toMatch(/window/i)

    await typo(['cloud', 'security', '--due', '800'], 'sytem', 'system')
    await typo(['cloud', 'capacity'], 'provder', 'provider')
    await typo(['cloud', 'provider', 'reports'], 'mnth', 'month')
    await typo(['cloud', 'efficiency'], 'p95cpuu', 'p95Cpu')
    // A command that writes checks --columns first: no fix order issued, nothing in the trail.
    const written = async () => [await count('requests'), await count('audit_log')]
    const before = await written()
    const refused = await run(['cloud', 'efficiency', '--issue-orders', '--deadline', '2027-01-29', '--columns', 'sytem', '--output', 'csv'])
    expect(refused.code, refused.stderr).toBe(2)
    expect(refused.stderr).toContain('"sytem"')
    expect(await written()).toEqual(before)
  })

  it('items stats (per unit, or the low-volume items with --low) and kiosk stats', async () => {
    const stats = ok(await run(['items', 'stats', '--year', '2025', '--columns', 'body,cases,online', '--output', 'csv']))
    expect(stats.stdout).toBe('body,cases,online\n嘉峪关市人力资源和社会保障局,800,48.8%\n嘉峪关市市场监督管理局,1352,68.8%\n')
    const low = ok(await run(['items', 'stats', '--year', '2025', '--low', '--columns', 'code,cases', '--output', 'csv']))
    expect(low.stdout.split('\n')[0]).toBe('code,cases')
    expect(low.stdout.trim().split('\n')).toHaveLength(4)
    expect(low.stdout).toContain('620A0001234002-620200000000-000-11620200MB1528467X-1-00,120\n')
    const people = ok(await run(['items', 'stats', '--year', '2025', '--low']))
    expect(people.stdout).toMatch(/YEAR: 2025[\s\S]*嘉峪关市人力资源和社会保障局[\s\S]*fewer than 150 cases[\s\S]*620A0001234002/)

    const kiosks = ok(await run(['kiosk', 'stats', '--year', '2026', '--columns', 'unit,kiosks,sites', '--output', 'csv']))
    expect(kiosks.stdout).toBe('unit,kiosks,sites\n嘉峪关市政务服务中心,4,3\n')
    expect(ok(await run(['kiosk', 'stats', '--year', '2026', '--columns', 'unit,kiosks', '--output', 'tsv'], {LANG: 'zh_CN.UTF-8'})).stdout).toBe('unit\tkiosks\n嘉峪关市政务服务中心\t4\n')
    expect(ok(await run(['kiosk', 'stats', '--year', '2026'])).stdout).toMatch(/as of/)

    await typo(['items', 'stats', '--year', '2025'], 'bdy', 'body')
    await typo(['items', 'stats', '--year', '2025', '--low'], 'cde', 'code')
    await typo(['kiosk', 'stats', '--year', '2026'], 'kiosk', 'kiosks')
    // kiosk probe records what it finds: a typo in a column is refused before any probe.
    const probes = await count('kiosk_probes')
    await typo(['kiosk', 'probe', '--timeout', '1'], 'serail', 'serial')
    expect(await count('kiosk_probes')).toBe(probes)
  })

  it('operators roles takes them too', async () => {
    const roles = ok(await run(['operators', 'roles', '--columns', 'role', '--output', 'value']))
    expect(roles.stdout.split('\n')).toContain('system-admin')
    await typo(['operators', 'roles'], 'rol', 'role')
  })
})
