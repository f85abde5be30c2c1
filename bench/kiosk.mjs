#!/usr/bin/env node
// Kiosks at scale (issue 20, KIOSK-3, KIOSK-5), each figure beside its peer in the same run:
//  1. `egov kiosk import FOLDER` of 500 filled onboarding forms (one bank branch each, the
//     printed form of fixtures/kiosk/clean.xlsx) beside a plain exceljs read of the same 500
//     files in one process (target: within 1.5×). The bench checks that all 500 were filed.
//  2. `egov kiosk probe` of 2,000 active kiosks against a heartbeat server on 127.0.0.1, where
//     every tenth kiosk answers only after the timeout, at --concurrency 50, beside the ideal
//     schedule: the slow probes packed 50 at a time, each costing the timeout, plus the fast
//     ones' measured latency spread over 50 slots (target: within 1.5× of the ideal plus
//     egov's start-up, measured as `egov --version` in the same run). The server counts the
//     sockets open at once: never above the concurrency. The bench checks every outcome.
//
//   node bench/kiosk.mjs [forms=500] [kiosks=2000] [timeoutSeconds=2]     (run `npm run build` first)
import {spawn, spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, rmSync} from 'node:fs'
import {createServer} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import ExcelJS from 'exceljs'

const forms = Number(process.argv[2] ?? 500)
const kiosks = Number(process.argv[3] ?? 2000)
const timeoutS = Number(process.argv[4] ?? 2)
const CONCURRENCY = 50
const root = fileURLToPath(new URL('..', import.meta.url))
const bin = join(root, 'bin/run.js')
if (!existsSync(join(root, 'dist/commands/kiosk/import.js'))) throw new Error('run `npm run build` first')

const dir = mkdtempSync(join(tmpdir(), 'egov-bench-kiosk-'))
const env = {
  ...process.env,
  EGOV_DB: join(dir, 'bench.db'),
  EGOV_DATABASE_URL: '',
  XDG_CONFIG_HOME: join(dir, 'c'),
  XDG_DATA_HOME: join(dir, 'd'),
  EGOV_OPERATOR: 'clerk',
  NO_COLOR: '1',
  LANG: 'C.UTF-8',
}
const hasTime = existsSync('/usr/bin/time')

/** Wall time and peak RSS of one process (GNU time's %M where there is one).
 * @param {string[]} args
 * @param {{cwd?: string}} [options]
 */
function run(args, options = {}) {
  const cmd = hasTime ? '/usr/bin/time' : process.execPath
  const argv = hasTime ? ['-f', '%M', process.execPath, ...args] : args
  const t0 = process.hrtime.bigint()
  const r = spawnSync(cmd, argv, {env, encoding: 'utf8', maxBuffer: 1 << 28, ...options})
  const s = Number(process.hrtime.bigint() - t0) / 1e9
  const mb = hasTime ? Number(r.stderr.trim().split('\n').at(-1)) / 1024 : NaN
  return {...r, s, mb}
}

const init = run([bin, 'db', 'init', '--rehearsal'])
if (init.status !== 0) throw new Error(`db init failed: ${init.stderr}`)

// 1. The forms: the printed form, each from a bank branch of its own (KIOSK-1 admits banks).
const folder = join(dir, 'forms')
mkdirSync(folder)
const template = new ExcelJS.Workbook()
await template.xlsx.readFile(join(root, 'fixtures/kiosk/clean.xlsx'))
const sheet = template.worksheets[0]
if (!sheet) throw new Error('clean.xlsx has no sheet')
const unitCell = (() => {
  for (let r = 1; r <= 10; r++) for (let c = 1; c <= 3; c++) if (sheet.getCell(r, c).text.replace(/\s/g, '') === '申请单位') return sheet.getCell(r, c + 1)
  throw new Error('clean.xlsx has no 申请单位 label')
})()
unitCell.value = '某银行第0支行'
await template.xlsx.writeFile(join(folder, 'form-0.xlsx'))
for (let i = 1; i < forms; i++) {
  unitCell.value = `某银行第${i}支行`
  await template.xlsx.writeFile(join(folder, `form-${i}.xlsx`))
}

const peerScript = `
import {readdirSync} from 'node:fs'
import {join} from 'node:path'
import ExcelJS from 'exceljs'
let cells = 0
for (const f of readdirSync(process.argv[1])) {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.readFile(join(process.argv[1], f))
  wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell(() => cells++)))
}
console.log(cells)
`
const peer = run(['--input-type=module', '-e', peerScript, folder], {cwd: root})
if (peer.status !== 0) throw new Error(`the plain exceljs read failed: ${peer.stderr}`)
const imported = run([bin, 'kiosk', 'import', folder, '--kind', 'bank', '--level', 'county', '--json'])
if (imported.status !== 0) throw new Error(`kiosk import failed (${imported.status}): ${imported.stdout.slice(0, 2000)} ${imported.stderr.slice(-2000)}`)
const filed = JSON.parse(imported.stdout)
const filedCount = filed.imported ?? filed.forms?.filter?.((/** @type {{request?: unknown}} */ f) => f.request)?.length
if (filedCount !== forms) throw new Error(`kiosk import filed ${filedCount} forms, expected ${forms}: ${imported.stdout.slice(0, 500)}`)

// 2. The probe: kiosks in service, each with a heartbeat URL on the local server.
const {Store} = await import('../dist/core/store/index.js')
let port = 0
let open = 0
let maxOpen = 0
let requests = 0
const server = createServer((req, res) => {
  requests++
  const i = Number((req.url ?? '').split('/').at(-1))
  if (i % 10 === 0) {
    // Past the timeout: the prober gives up first and closes the socket.
    const timer = setTimeout(() => res.end('late'), timeoutS * 1000 + 500)
    res.on('close', () => clearTimeout(timer))
  } else res.end('ok')
})
// A socket counts as open from its connection until the first sign the prober let it go (its
// FIN, an error or the close), so the server's own lag in noticing a close is not counted.
server.on('connection', (socket) => {
  open++
  maxOpen = Math.max(maxOpen, open)
  let counted = true
  const gone = () => {
    if (counted) open--
    counted = false
  }
  socket.once('end', gone)
  socket.once('error', gone)
  socket.once('close', gone)
})
await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)))
const address = server.address()
if (address === null || typeof address === 'string') throw new Error('the heartbeat server has no TCP port')
port = address.port
const store = await Store.open({sqlitePath: env.EGOV_DB, operator: 'clerk', rehearsal: true})
await store.write(async (ctx) => {
  const request = await ctx.db.selectFrom('requests').select('id').where('kind', '=', 'kiosk').executeTakeFirstOrThrow()
  for (let done = 0; done < kiosks; done += 500) {
    const rows = []
    for (let i = done; i < Math.min(kiosks, done + 500); i++) {
      rows.push({
        serial: `BK-${String(i).padStart(5, '0')}`,
        request_id: request.id,
        unit: `某银行第${i % forms}支行`,
        site_no: 1,
        site_name: '营业部',
        site_location: '城区',
        model: 'ZZ-1',
        heartbeat_url: `http://127.0.0.1:${port}/k/${i}`,
        status: 'active',
        note: null,
        verified_at: ctx.at,
        verified_by: 'clerk',
        last_seen: null,
        updated_at: ctx.at,
      })
    }
    await ctx.db.insertInto('kiosks').values(rows).execute()
  }
})
await store.close()

const version = run([bin, '--version'])
const probeStart = process.hrtime.bigint()
/** @type {{code: number | null, stdout: string, stderr: string}} */
const probe = await new Promise((resolve, reject) => {
  const child = spawn(process.execPath, [bin, 'kiosk', 'probe', '--concurrency', String(CONCURRENCY), '--timeout', String(timeoutS), '--json'], {env})
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d))
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
  child.on('error', reject)
  child.on('close', (code) => resolve({code, stdout, stderr}))
})
const probeS = Number(process.hrtime.bigint() - probeStart) / 1e9
server.close()
if (probe.code !== 0) throw new Error(`kiosk probe failed (${probe.code}): ${probe.stderr}`)
/** @type {{summary: {probed: number, slow: number, status: number, down: number}, heartbeats: {url: string, outcome: string, latencyMs: number}[]}} */
const result = JSON.parse(probe.stdout)
const slow = Math.floor((kiosks - 1) / 10) + 1
// Every late kiosk is slow and nothing is down or a wrong status; a quick answer that still came past the
// timeout means the machine was too loaded to measure, and is counted in the output.
const late = result.heartbeats.filter((h) => Number(h.url.split('/').at(-1)) % 10 === 0)
if (result.summary.probed !== kiosks || result.summary.status || result.summary.down || late.length !== slow || !late.every((h) => h.outcome === 'slow'))
  throw new Error(`unexpected outcomes: ${JSON.stringify(result.summary)}`)
const fastButSlow = result.summary.slow - slow
if (maxOpen > CONCURRENCY) throw new Error(`${maxOpen} sockets open at once, above --concurrency ${CONCURRENCY}`)
const fastMs = result.heartbeats.filter((h) => h.outcome === 'up').reduce((sum, h) => sum + h.latencyMs, 0)
const ideal = Math.ceil(slow / CONCURRENCY) * timeoutS + fastMs / 1000 / CONCURRENCY
const probeRatio = (probeS - version.s) / ideal

if (!process.env.KEEP) rmSync(dir, {recursive: true, force: true})
else console.log(`kept ${dir}`)

const mb = (/** @type {number} */ x) => (Number.isNaN(x) ? '' : `${x.toFixed(0).padStart(5)} MB`)
const importRatio = imported.s / peer.s
console.log(`kiosk bench (node ${process.version}, SQLite)`)
console.log(`plain exceljs read of ${forms} forms            ${peer.s.toFixed(2).padStart(7)} s  ${mb(peer.mb)}   (peer; ${peer.stdout.trim()} cells)`)
console.log(
  `egov kiosk import of the folder (${forms} filed)  ${imported.s.toFixed(2).padStart(7)} s  ${mb(imported.mb)}   ${importRatio.toFixed(2)}× time (target ≤ 1.5×) ${importRatio <= 1.5 ? 'ok' : 'MISSED'}`,
)
console.log(`egov --version                              ${version.s.toFixed(2).padStart(7)} s`)
console.log(
  `egov kiosk probe, ${kiosks} kiosks, ${slow} past the ${timeoutS} s timeout, --concurrency ${CONCURRENCY}: ${probeS.toFixed(2)} s; less start-up ${(probeS - version.s).toFixed(2)} s beside the ideal schedule ${ideal.toFixed(2)} s: ${probeRatio.toFixed(2)}× (target ≤ 1.5×) ${probeRatio <= 1.5 ? 'ok' : 'MISSED'}`,
)
console.log(
  `sockets open at once on the server: at most ${maxOpen} (--concurrency ${CONCURRENCY}); requests served ${requests}${fastButSlow ? `; ${fastButSlow} quick answers came past the timeout: the machine was loaded` : ''}`,
)
// A smoke run (BENCH_SMOKE=1) checks that the bench works and its counts, not its targets.
if (!process.env.BENCH_SMOKE) process.exitCode = importRatio <= 1.5 && probeRatio <= 1.5 ? 0 : 1
