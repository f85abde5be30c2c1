#!/usr/bin/env node
// Start-up time of egov beside a bare `node -e 0`, measured in the same run.
// Targets (issue 17): `egov --version` within 2× of node, `egov requests list --json`
// (empty database) within 2.5×. Usage: node bench/startup.mjs [runs]   (default 25)
import {execFileSync, spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

const runs = Number(process.argv[2] ?? 25)
const bin = fileURLToPath(new URL('../bin/run.js', import.meta.url))
const home = mkdtempSync(join(tmpdir(), 'egov-bench-'))
const env = {
  ...process.env,
  XDG_DATA_HOME: join(home, 'data'),
  XDG_CONFIG_HOME: join(home, 'config'),
  EGOV_DB: join(home, 'bench.db'),
  EGOV_DATABASE_URL: '',
  NO_COLOR: '1',
}

const cases = [
  {name: 'node -e 0', args: ['-e', '0']},
  {name: 'egov --version', args: [bin, '--version'], target: 2},
  {name: 'egov --help', args: [bin, '--help']},
  {name: 'egov requests list --json', args: [bin, 'requests', 'list', '--json'], target: 2.5},
]

// Create and migrate the database first: the figure is for an empty, existing database.
execFileSync(process.execPath, [bin, 'db', 'init', '--rehearsal'], {env, stdio: 'ignore'})

/** @type {Map<string, number[]>} */
const samples = new Map(cases.map((c) => [c.name, []]))
for (let i = 0; i < runs + 2; i++) {
  for (const c of cases) {
    const start = process.hrtime.bigint()
    const r = spawnSync(process.execPath, c.args, {env, stdio: 'ignore'})
    const ms = Number(process.hrtime.bigint() - start) / 1e6
    if (r.status !== 0) throw new Error(`${c.name} exited ${r.status}`)
    if (i >= 2) samples.get(c.name)?.push(ms) // two warm-up rounds
  }
}
rmSync(home, {recursive: true, force: true})

/** @param {number[]} xs */
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const at = (/** @type {number} */ i) => /** @type {number} */ (s[i])
  return s.length % 2 ? at((s.length - 1) / 2) : (at(s.length / 2 - 1) + at(s.length / 2)) / 2
}
const base = median(samples.get('node -e 0') ?? [])
console.log(`startup, median of ${runs} runs each (node ${process.version}, ${process.platform}):`)
console.log('command                        median   node -e 0   ratio   target')
let failed = false
for (const c of cases) {
  const m = median(samples.get(c.name) ?? [])
  const ratio = m / base
  const verdict = c.target ? (ratio <= c.target ? `≤ ${c.target}× ok` : `≤ ${c.target}× MISSED`) : ''
  if (c.target && ratio > c.target) failed = true
  console.log(`${c.name.padEnd(30)} ${m.toFixed(1).padStart(6)} ms  ${base.toFixed(1).padStart(6)} ms  ${ratio.toFixed(2).padStart(5)}×  ${verdict}`)
}
// A smoke run (BENCH_SMOKE=1) checks that the bench works, not its targets.
process.exitCode = failed && !process.env.BENCH_SMOKE ? 1 : 0
