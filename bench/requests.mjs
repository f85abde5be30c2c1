#!/usr/bin/env node
// 10,000 requests of mixed kinds and states, filed over 2026; then the median time of
// `egov requests list --overdue --json` and `egov net report --year 2026 --json`, each
// beside `egov --version` in the same run (issue 8: the list within 2×, the report within 3×).
//
//   node bench/requests.mjs [requests=10000] [runs=9]
import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {KINDS} from '../dist/core/kinds.js'
import {Store} from '../dist/core/store/index.js'
import {addUnitIn} from '../dist/core/units/index.js'
import {advanceRequest, fileRequestIn} from '../dist/core/workflow/index.js'

const total = Number(process.argv[2] ?? 10_000)
const runs = Number(process.argv[3] ?? 9)
const dir = mkdtempSync(join(tmpdir(), 'egov-bench-req-'))
const dbPath = join(dir, 'bench.db')
const filer = await Store.open({sqlitePath: dbPath, operator: 'filer', rehearsal: true, kinds: KINDS})
const reviewer = await Store.open({sqlitePath: dbPath, operator: 'reviewer', rehearsal: true, kinds: KINDS})

// Kinds a unit can file with no connection in service (a change, a close or a cut-off asks for one).
const kinds = ['ticket', 'net-onboarding']
const payloadFor = (/** @type {string} */ kind, /** @type {number} */ i) =>
  kind === 'ticket'
    ? {subject: `工单 ${i}`}
    : {unit: `单位${i % 500}`, category: 1, basis: '依据', accessMode: 'fiber', scope: '办公楼', hosts: 20, plane: 1, bandwidthMbps: 100, business: '业务', costBearer: 'unit'}

const t0 = Date.now()
// The applicants are registry units, as every request's applicant must be.
await filer.write(async (ctx) => {
  for (let u = 0; u < Math.min(total, 500); u++) await addUnitIn(ctx, {name: `单位${u}`, kind: 'party-government', level: 'city'})
})
const batch = 500
for (let done = 0; done < total; done += batch) {
  // Spread the filing dates over the year, so that some are overdue and some are not.
  const day = 1 + Math.floor((done / total) * 320)
  process.env.EGOV_NOW = new Date(Date.UTC(2026, 0, day, 2)).toISOString()
  const ids = await filer.write(async (ctx) => {
    const out = []
    for (let i = done; i < Math.min(total, done + batch); i++) {
      const kind = /** @type {string} */ (kinds[i % kinds.length])
      const {request} = await fileRequestIn(ctx, {kind, applicantUnit: `单位${i % 500}`, payload: payloadFor(kind, i)})
      out.push({id: request.id, kind, i})
    }
    return out
  })
  await reviewer.write(async (ctx) => {
    for (const {id, i} of ids) {
      if (i % 3 === 0) await advanceRequest(ctx, id, 'approve')
      else if (i % 7 === 0) await advanceRequest(ctx, id, 'reject', {comment: '材料不全'})
    }
  })
}
delete process.env.EGOV_NOW
await filer.close()
await reviewer.close()
const fillS = (Date.now() - t0) / 1000

const bin = fileURLToPath(new URL('../bin/run.js', import.meta.url))
const env = {...process.env, EGOV_DB: dbPath, EGOV_DATABASE_URL: '', XDG_CONFIG_HOME: join(dir, 'c'), XDG_DATA_HOME: join(dir, 'd'), EGOV_NOW: '2026-12-15T10:00:00+08:00', NO_COLOR: '1'}
const cases = [
  {name: 'egov --version', args: ['--version']},
  {name: 'egov requests list --overdue --json', args: ['requests', 'list', '--overdue', '--json'], target: 2},
  {name: 'egov net report --year 2026 --json', args: ['net', 'report', '--year', '2026', '--json'], target: 3},
]
/** @type {Map<string, number[]>} */
const samples = new Map(cases.map((c) => [c.name, []]))
let overdue = 0
for (let i = 0; i < runs + 1; i++) {
  for (const c of cases) {
    const start = process.hrtime.bigint()
    const r = spawnSync(process.execPath, [bin, ...c.args], {env, encoding: 'utf8', maxBuffer: 1 << 28})
    const ms = Number(process.hrtime.bigint() - start) / 1e6
    if (r.status !== 0) throw new Error(`${c.name} exited ${r.status}: ${r.stderr}`)
    if (c.args[1] === 'list') overdue = JSON.parse(r.stdout).requests.length
    if (i > 0) samples.get(c.name)?.push(ms)
  }
}
// The bench checks its own counts: every request filed is listed, and the overdue list is neither empty nor all of them.
const all = spawnSync(process.execPath, [bin, 'requests', 'list', '--json'], {env, encoding: 'utf8', maxBuffer: 1 << 28})
const listed = all.status === 0 ? JSON.parse(all.stdout).requests.length : -1
if (listed !== total) throw new Error(`requests list shows ${listed} requests, expected ${total}: ${all.stderr}`)
if (overdue === 0 || overdue >= total) throw new Error(`${overdue} of ${total} requests overdue: the mix of states is wrong`)
if (!process.env.KEEP) rmSync(dir, {recursive: true, force: true})
else console.log(dbPath)
const median = (/** @type {number[]} */ xs) => /** @type {number} */ ([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)])
const base = median(samples.get('egov --version') ?? [])
console.log(
  `requests: ${total.toLocaleString()} of ${kinds.length} kinds in mixed states (filled in ${fillS.toFixed(1)} s; ${overdue} overdue on 2026-12-15), SQLite, node ${process.version}, median of ${runs}`,
)
let failed = false
for (const c of cases) {
  const m = median(samples.get(c.name) ?? [])
  const ratio = m / base
  if (c.target && ratio > c.target) failed = true
  console.log(`${c.name.padEnd(40)} ${m.toFixed(1).padStart(7)} ms  ${ratio.toFixed(2).padStart(5)}× --version${c.target ? `  (target ≤ ${c.target}×) ${ratio <= c.target ? 'ok' : 'MISSED'}` : ''}`)
}
// A smoke run (BENCH_SMOKE=1) checks that the bench works, not its targets.
process.exitCode = failed && !process.env.BENCH_SMOKE ? 1 : 0
