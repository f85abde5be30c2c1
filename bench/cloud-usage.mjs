#!/usr/bin/env node
// The efficiency review at scale (CLOUD-8): 2,000 in-service systems and a provider's file of
// 1,000,000 utilisation samples (500 hourly samples each, written time by time as a provider's
// collector exports them), and in the same run, each in its own process:
//   - a plain csv-parse streaming read of the file (the floor for the import),
//   - `egov cloud usage import FILE` into a fresh copy of the seeded SQLite database,
//   - `egov --version` and a plain SQL aggregate over the samples
//     (`select system_id, avg(cpu), avg(memory) … group by system_id`, better-sqlite3 in a
//     plain node script): their sum is the floor for the review,
//   - `egov cloud efficiency` over the imported samples.
// Wall time and peak RSS (GNU time's %M), the median of interleaved rounds. Targets: import
// within 3× of the plain read with memory bounded (it does not grow with the file: the
// half-size file is measured too); efficiency within 2× of version + aggregate.
//
//   node bench/cloud-usage.mjs [samples=1000000] [rounds=3]      (run `npm run build` first; KEEP=1 keeps the files)
import {execFileSync, spawnSync} from 'node:child_process'
import {copyFileSync, createWriteStream, existsSync, mkdtempSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

const samples = Number(process.argv[2] ?? 1_000_000)
const rounds = Number(process.argv[3] ?? 3)
const SYSTEMS = 2000
const perSystem = Math.ceil(samples / SYSTEMS)
const root = fileURLToPath(new URL('..', import.meta.url))
const bin = join(root, 'bin/run.js')
const dir = mkdtempSync(join(tmpdir(), 'egov-bench-cloud-usage-'))
const seeded = join(dir, 'seeded.db')
const file = join(dir, 'usage.csv')
const half = join(dir, 'usage-half.csv')
const NOW = '2026-11-24T10:00:00+08:00'
const base = {XDG_DATA_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config'), EGOV_DATABASE_URL: '', EGOV_OPERATOR: 'bench', EGOV_NOW: NOW, NO_COLOR: '1'}

const UNITS = ['市人力资源和社会保障局', '市医疗保障局', '市市场监督管理局', '市住房和城乡建设局', '市交通运输局', '市卫生健康委员会', '市民政局', '市公安局', '市自然资源局', '市教育局']
const PROVIDERS = ['电信云', '移动云', '联通云']
const name = (/** @type {number} */ s) => `${/** @type {string} */ (UNITS[s % UNITS.length]).replace('市', '')}业务系统${String(s + 1).padStart(4, '0')}`

/** A fresh egov database (migrated by egov itself) with 2,000 in-service systems inserted directly. */
async function seed() {
  execFileSync(process.execPath, [bin, 'db', 'init', '--rehearsal'], {env: {...process.env, ...base, EGOV_DB: seeded}, stdio: 'ignore'})
  const {sqliteLibrary} = await import(join(root, 'dist/core/store/index.js'))
  const {BetterSqlite3, nativeBinding} = sqliteLibrary()
  const db = new BetterSqlite3(seeded, {nativeBinding})
  const insert =
    db.prepare(`insert into cloud_systems (name, unit, level, os, request_id, status, provider, vms, vcpu, memory_gib, system_disk_gib, data_disk_gib, bandwidth_mbps, extranet_ips, internet_ips,
    env_vcpu, env_memory_gib, env_storage_gib, env_bandwidth_mbps, env_extranet_ips, env_internet_ips, provisioned_at, created_at, updated_at)
    values (?, ?, 3, '统信UOS 20', ?, 'in-service', ?, ?, ?, ?, 100, 200, 50, 1, 0, ?, ?, ?, 50, 1, 0, ?, ?, ?)`)
  db.transaction(() => {
    for (let s = 0; s < SYSTEMS; s++) {
      const vms = 1 + (s % 4)
      const vcpu = /** @type {number} */ ([4, 8, 16][s % 3])
      const mem = vcpu * 4
      insert.run(
        name(s),
        UNITS[s % UNITS.length],
        s + 1,
        PROVIDERS[s % PROVIDERS.length],
        vms,
        vcpu,
        mem,
        vms * vcpu,
        vms * mem,
        vms * 300,
        '2026-01-05T02:00:00.000Z',
        '2026-01-01T02:00:00.000Z',
        '2026-01-05T02:00:00.000Z',
      )
    }
  })()
  db.close()
}

/**
 * The provider's file: hourly samples up to an hour before NOW, all systems at each time;
 * a quarter of the systems nearly idle (the ones the review should flag), the rest busy.
 * @param {string} path
 * @param {number} count
 * @returns {Promise<void>}
 */
function generate(path, count) {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(path)
    out.on('error', reject)
    out.on('finish', () => resolve())
    out.write('系统名称,采集时间,CPU使用率,内存使用率,磁盘使用率\n')
    const hours = Math.ceil(count / SYSTEMS)
    const end = Date.parse(NOW) / 1000 - 3600
    let buf = ''
    let written = 0
    for (let h = hours - 1; h >= 0 && written < count; h--) {
      const at = new Date((end - h * 3600 + 8 * 3600) * 1000).toISOString()
      const time = `${at.slice(0, 10)} ${at.slice(11, 19)}`
      for (let s = 0; s < SYSTEMS && written < count; s++, written++) {
        const idle = s % 4 === 0
        const wave = ((s * 37 + h * 11) % 100) / 100
        const cpu = idle ? 2 + wave * 14 : 15 + wave * 70
        const mem = idle ? 8 + wave * 10 : 30 + wave * 55
        buf += `${name(s)},${time},${cpu.toFixed(1)},${mem.toFixed(2)}%,${(20 + (s % 60)).toFixed(1)}\n`
      }
      if (buf.length > 1 << 20) {
        out.write(buf)
        buf = ''
      }
    }
    out.end(buf)
  })
}

// The peers, as small scripts run in their own processes.
const plainRead = join(dir, 'plain-read.mjs')
writeFileSync(
  plainRead,
  `import {createReadStream} from 'node:fs'
import {parse} from ${JSON.stringify(join(root, 'node_modules/csv-parse/lib/index.js'))}
let rows = 0
for await (const record of createReadStream(process.argv[2]).pipe(parse({bom: true, relax_column_count: true}))) if (record.length) rows++
console.log(rows)
`,
)
const plainSql = join(dir, 'plain-sql.mjs')
writeFileSync(
  plainSql,
  `import {sqliteLibrary} from ${JSON.stringify(join(root, 'dist/core/store/index.js'))}
const {BetterSqlite3, nativeBinding} = sqliteLibrary()
const db = new BetterSqlite3(process.argv[2], {readonly: true, nativeBinding})
const rows = db.prepare('select system_id, avg(cpu) as cpu, avg(memory) as memory from cloud_usage group by system_id').all()
console.log(rows.length)
`,
)

/** @typedef {{label: string, seconds: number, mb: number, stdout: string}} Measure */

/**
 * Runs a command; wall seconds and peak RSS in MB (GNU time's %M).
 * @param {string} label
 * @param {string[]} args
 * @param {Record<string, string>} [env]
 * @returns {Measure}
 */
function measure(label, args, env = {}) {
  const t0 = process.hrtime.bigint()
  const r = spawnSync('/usr/bin/time', ['-f', '%M', ...args], {encoding: 'utf8', env: {...process.env, ...base, ...env}, maxBuffer: 1 << 28})
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9
  if (r.status !== 0) throw new Error(`${label} failed (${r.status}): ${r.stderr.slice(-2000)}`)
  const kb = Number(r.stderr.trim().split('\n').at(-1))
  return {label, seconds, mb: kb / 1024, stdout: r.stdout}
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (!existsSync(join(root, 'dist/commands/cloud/efficiency.js'))) throw new Error('run `npm run build` first')
  process.stdout.write(`seeding ${SYSTEMS} in-service systems; generating ${samples} samples (${perSystem} per system)… `)
  await seed()
  await generate(file, samples)
  await generate(half, Math.floor(samples / 2))
  console.log(`${(statSync(file).size / 1e6).toFixed(1)} MB (${file})`)

  /** @type {Record<'read' | 'imp' | 'halfImp' | 'again' | 'version' | 'sql' | 'eff', Measure[]>} */
  const runs = {read: [], imp: [], halfImp: [], again: [], version: [], sql: [], eff: []}
  for (let round = 0; round < rounds; round++) {
    const db = join(dir, `egov-${round}.db`)
    const halfDb = join(dir, `egov-half-${round}.db`)
    copyFileSync(seeded, db)
    copyFileSync(seeded, halfDb)
    runs.read.push(measure('plain csv-parse streaming read', [process.execPath, plainRead, file]))
    runs.imp.push(measure('egov cloud usage import', [process.execPath, bin, 'cloud', 'usage', 'import', file, '--json'], {EGOV_DB: db}))
    runs.halfImp.push(measure('  (the half-size file)', [process.execPath, bin, 'cloud', 'usage', 'import', half, '--json'], {EGOV_DB: halfDb}))
    runs.again.push(measure('  (the same file again: no-op)', [process.execPath, bin, 'cloud', 'usage', 'import', file, '--json'], {EGOV_DB: db}))
    runs.version.push(measure('egov --version', [process.execPath, bin, '--version']))
    runs.sql.push(measure('plain SQL avg … group by', [process.execPath, plainSql, db]))
    runs.eff.push(measure('egov cloud efficiency', [process.execPath, bin, 'cloud', 'efficiency', '--json'], {EGOV_DB: db}))
    const imported = JSON.parse(/** @type {Measure} */ (runs.imp.at(-1)).stdout)
    const again = JSON.parse(/** @type {Measure} */ (runs.again.at(-1)).stdout)
    const review = JSON.parse(/** @type {Measure} */ (runs.eff.at(-1)).stdout)
    if (imported.added !== samples) throw new Error(`imported ${imported.added} samples, expected ${samples}`)
    if (again.added !== 0 || again.alreadyRecorded !== samples) throw new Error(`the second import was not a no-op: ${JSON.stringify(again)}`)
    if (review.samples !== samples || review.reviewed !== SYSTEMS || review.flagged.length !== SYSTEMS / 4)
      throw new Error(`unexpected review: ${review.reviewed} systems, ${review.samples} samples, ${review.flagged.length} flagged`)
    process.stdout.write(`round ${round + 1}/${rounds} done\n`)
  }
  /** @typedef {{label: string, seconds: number, mb: number}} Median */
  /** @type {(list: Measure[]) => Median} */
  const median = (list) => {
    const pick = (/** @type {'seconds' | 'mb'} */ key) => /** @type {number} */ ([...list.map((m) => m[key])].sort((a, b) => a - b)[Math.floor(list.length / 2)])
    const first = list[0]
    if (!first) throw new Error('no rounds were run')
    return {label: first.label, seconds: pick('seconds'), mb: pick('mb')}
  }
  const m = {
    read: median(runs.read),
    imp: median(runs.imp),
    halfImp: median(runs.halfImp),
    again: median(runs.again),
    version: median(runs.version),
    sql: median(runs.sql),
    eff: median(runs.eff),
  }
  const floor = {label: '  version + aggregate', seconds: m.version.seconds + m.sql.seconds, mb: Math.max(m.version.mb, m.sql.mb)}
  const line = (/** @type {Median} */ x, extra = '') => `${x.label.padEnd(34)} ${x.seconds.toFixed(2).padStart(7)} s ${x.mb.toFixed(0).padStart(6)} MB${extra}`
  const impRatio = m.imp.seconds / m.read.seconds
  const effRatio = m.eff.seconds / floor.seconds
  console.log(`\nnode ${process.version}, ${samples} samples × ${SYSTEMS} systems, SQLite, median of ${rounds} rounds (wall time, peak RSS)`)
  console.log(line(m.read, '   (peer)'))
  console.log(line(m.imp, `   ${impRatio.toFixed(2)}× time (target ≤ 3×) ${impRatio <= 3 ? 'ok' : 'MISSED'}, ${(m.imp.mb / m.read.mb).toFixed(2)}× memory`))
  console.log(line(m.halfImp, `   memory bounded: ${m.imp.mb.toFixed(0)} MB for the whole file, ${m.halfImp.mb.toFixed(0)} MB for half of it`))
  console.log(line(m.again))
  console.log(line(m.version))
  console.log(line(m.sql))
  console.log(line(floor, '   (peer)'))
  console.log(line(m.eff, `   ${effRatio.toFixed(2)}× time (target ≤ 2×) ${effRatio <= 2 ? 'ok' : 'MISSED'}`))
  if (!process.env.KEEP) rmSync(dir, {recursive: true, force: true})
  else console.log(`kept ${dir}`)
  // A smoke run (BENCH_SMOKE=1) checks that the bench works (its counts above), not its targets.
  if (!process.env.BENCH_SMOKE) process.exitCode = impRatio <= 3 && effRatio <= 2 ? 0 : 1
}
