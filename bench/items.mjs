#!/usr/bin/env node
// Service-item lists at scale (issue 4): a 基本信息 workbook of 100,000 items × 20 columns
// of realistic Chinese text, saved as Excel saves (shared strings), and in the same run:
//   - a plain exceljs streaming read of every cell (the floor),
//   - `egov items import --dry-run` and `egov items import` through bin/run.js (SQLite),
//   - `egov items export` to .xlsx,
//   - a plain exceljs streaming write of the same rows (the floor for export).
// Each runs in its own process; wall time and peak RSS (getrusage maxrss) are printed side
// by side. Targets (issue 20): import within 1.0× the time and 0.6× the peak memory of the
// plain read; export within 1.25× the time and 1.25× the peak memory of the plain write.
//
//   node bench/items.mjs [rows=100000] [rounds=3]      (run `npm run build` first)
import {execFileSync, spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import ExcelJS from 'exceljs'

const rows = Number(process.argv[2] ?? 100_000)
const root = fileURLToPath(new URL('..', import.meta.url))
const bin = join(root, 'bin/run.js')
const dir = mkdtempSync(join(tmpdir(), 'egov-bench-items-'))
const file = join(dir, 'list.xlsx')

const HEADERS = [
  '事项编码',
  '主项名称',
  '子项名称',
  '事项类型',
  '办件类型',
  '实施主体',
  '实施单位',
  '权力来源',
  '行使层级',
  '法定办结时限(工作日)',
  '承诺办结时限(工作日)',
  '是否收费',
  '办理结果类型',
  '到现场次数',
  '通办范围',
  '监督投诉电话',
  '咨询电话',
  '办公时间',
  '办理地点',
  '设定依据',
]
const TYPES = ['行政许可', '行政确认', '行政裁决', '行政给付', '行政奖励', '行政备案', '其他行政权力', '公共服务']
const BODIES = ['市市场监督管理局', '市人力资源和社会保障局', '市住房和城乡建设局', '市交通运输局', '市卫生健康委员会', '市民政局', '市公安局', '市自然资源局', '市教育局', '市农业农村局']
const VERBS = ['许可', '登记', '备案', '核准', '审批', '确认', '查询', '申领', '变更', '注销']
const NOUNS = [
  '食品经营',
  '个体工商户',
  '特种设备使用',
  '建筑工程施工',
  '道路运输经营',
  '医疗机构执业',
  '社会团体',
  '机动车',
  '不动产',
  '民办学校',
  '农药经营',
  '失业保险金',
  '养老保险关系转移',
  '公共场所卫生',
  '排水',
]
const LAWS = ['《中华人民共和国行政许可法》', '《中华人民共和国食品安全法》', '《中华人民共和国道路运输条例》', '《失业保险条例》', '《医疗机构管理条例》', '《社会团体登记管理条例》']

/** Row i of the list, the same every run: unique codes and names, realistic repetition elsewhere. */
function row(/** @type {number} */ i) {
  const body = /** @type {string} */ (BODIES[i % BODIES.length])
  const noun = NOUNS[i % NOUNS.length]
  const verb = VERBS[Math.floor(i / NOUNS.length) % VERBS.length]
  const legal = 5 + (i % 25)
  return [
    `620A${String(1_000_000_000 + i).padStart(10, '0')}-620200000000-000-11620200MB${String(1528467 + (i % BODIES.length)).padStart(7, '0')}X-1-00`,
    `${noun}${verb}（第${i + 1}号）`,
    `${noun}${verb}（新办）`,
    TYPES[i % TYPES.length],
    i % 3 ? '承诺件' : '即办件',
    body,
    `${body.replace('市', '')}行政审批科`,
    '法定本级行使',
    i % 4 ? '市级' : '市级、县级',
    String(legal),
    String(Math.max(0, legal - 3 - (i % 5))),
    '否',
    '出证办结',
    String(i % 3),
    '全市',
    '12345',
    `0937-62${String(10000 + (i % 90000)).padStart(5, '0')}`,
    '周一至周五 9:00-12:00，14:30-17:30（法定节假日除外）',
    `嘉峪关市政务服务中心${1 + (i % 3)}楼${String.fromCharCode(65 + (i % 6))}区${1 + (i % 40)}号窗口`,
    `${LAWS[i % LAWS.length]}第${1 + (i % 80)}条`,
  ]
}

async function generate() {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({filename: file, useSharedStrings: true, useStyles: false})
  const ws = wb.addWorksheet('基本信息')
  ws.addRow(HEADERS).commit()
  for (let i = 0; i < rows; i++) ws.addRow(row(i)).commit()
  ws.commit()
  await wb.commit()
}

// The peers, as small scripts run in their own processes (same exceljs options as egov uses).
const plainRead = join(dir, 'plain-read.mjs')
writeFileSync(
  plainRead,
  `import ExcelJS from ${JSON.stringify(join(root, 'node_modules/exceljs/excel.js'))}
const reader = new ExcelJS.stream.xlsx.WorkbookReader(process.argv[2], {sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'ignore', worksheets: 'emit', entries: 'emit'})
let cells = 0
for await (const ws of reader) for await (const row of ws) for (const v of row.values) if (v !== undefined) cells++
console.log(cells)
`,
)
const plainWrite = join(dir, 'plain-write.mjs')
writeFileSync(
  plainWrite,
  `import ExcelJS from ${JSON.stringify(join(root, 'node_modules/exceljs/excel.js'))}
import {row, HEADERS} from ${JSON.stringify(fileURLToPath(import.meta.url))}
const wb = new ExcelJS.stream.xlsx.WorkbookWriter({filename: process.argv[2], useStyles: true, useSharedStrings: false})
const ws = wb.addWorksheet('基本信息', {views: [{state: 'frozen', ySplit: 1}]})
ws.columns = HEADERS.map((h) => ({header: h, width: 16}))
ws.getRow(1).font = {bold: true}
ws.getRow(1).commit()
for (let i = 0; i < Number(process.argv[3]); i++) ws.addRow(row(i).map((v, j) => (j === 9 || j === 10 || j === 13 ? Number(v) : v))).commit()
ws.commit()
await wb.commit()
`,
)

/** @typedef {{label: string, seconds: number, mb: number}} Measure */

/**
 * Runs a command, returns wall seconds and peak RSS in MB (GNU time's %M).
 * @param {string} label
 * @param {string[]} args
 * @param {Record<string, string>} [env]
 * @returns {Measure}
 */
function measure(label, args, env = {}) {
  const t0 = process.hrtime.bigint()
  const r = spawnSync('/usr/bin/time', ['-f', '%M', ...args], {encoding: 'utf8', env: {...process.env, ...env}, maxBuffer: 1 << 28})
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9
  if (r.status !== 0) throw new Error(`${label} failed (${r.status}): ${r.stderr.slice(-2000)}`)
  const kb = Number(r.stderr.trim().split('\n').at(-1))
  return {label, seconds, mb: kb / 1024}
}

export {row, HEADERS}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (!existsSync(join(root, 'dist/commands'))) throw new Error('run `npm run build` first')
  const rounds = Number(process.argv[3] ?? 3)
  process.stdout.write(`generating ${rows} rows × ${HEADERS.length} columns… `)
  await generate()
  console.log(`${(statSync(file).size / 1e6).toFixed(1)} MB (${file})`)
  // Rounds interleave egov and its peers, so load from elsewhere falls on both; medians are printed.
  /** @type {Record<'read' | 'dry' | 'imp' | 'write' | 'exp', Measure[]>} */
  const runs = {read: [], dry: [], imp: [], write: [], exp: []}
  for (let round = 0; round < rounds; round++) {
    const env = {EGOV_DB: join(dir, `egov-${round}.db`), EGOV_DATABASE_URL: '', EGOV_OPERATOR: 'bench', XDG_DATA_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config')}
    execFileSync(process.execPath, [bin, 'db', 'init', '--rehearsal'], {env: {...process.env, ...env}, stdio: 'ignore'})
    runs.read.push(measure('plain exceljs streaming read', [process.execPath, plainRead, file]))
    runs.dry.push(measure('egov items import --dry-run', [process.execPath, bin, 'items', 'import', file, '--dry-run'], env))
    runs.imp.push(measure('egov items import', [process.execPath, bin, 'items', 'import', file], env))
    runs.write.push(measure('plain exceljs streaming write', [process.execPath, plainWrite, join(dir, 'plain.xlsx'), String(rows)]))
    runs.exp.push(measure('egov items export --out .xlsx', [process.execPath, bin, 'items', 'export', '--out', join(dir, `export-${round}.xlsx`)], env))
    const items = JSON.parse(execFileSync(process.execPath, [bin, 'items', 'versions', '--json'], {env: {...process.env, ...env}, encoding: 'utf8'})).versions[0].items
    if (items !== rows) throw new Error(`imported ${items} items, expected ${rows}`)
    process.stdout.write(`round ${round + 1}/${rounds} done\n`)
  }
  /** @type {(list: Measure[]) => Measure} */
  const median = (list) => {
    const pick = (/** @type {'seconds' | 'mb'} */ key) => /** @type {number} */ ([...list.map((m) => m[key])].sort((a, b) => a - b)[Math.floor(list.length / 2)])
    const first = list[0]
    if (!first) throw new Error('no rounds were run')
    return {label: first.label, seconds: pick('seconds'), mb: pick('mb')}
  }
  const [read, dry, imp, write, exp] = [median(runs.read), median(runs.dry), median(runs.imp), median(runs.write), median(runs.exp)]
  /** @type {(m: Measure, peer?: Measure, timeTarget?: string | number, memTarget?: string | number) => string} */
  const line = (m, peer, timeTarget, memTarget) =>
    `${m.label.padEnd(32)} ${m.seconds.toFixed(2).padStart(7)} s ${m.mb.toFixed(0).padStart(6)} MB` +
    (peer ? `   ${(m.seconds / peer.seconds).toFixed(2)}× time (target ≤ ${timeTarget}×), ${(m.mb / peer.mb).toFixed(2)}× memory (target ≤ ${memTarget}×)` : '   (peer)')
  console.log(`\nnode ${process.version}, ${rows} items, median of ${rounds} rounds (wall time, peak RSS)`)
  console.log(line(read))
  console.log(line(dry, read, '1.0', '0.6'))
  console.log(line(imp, read, '1.0', '0.6'))
  console.log(line(write))
  console.log(line(exp, write, 1.25, 1.25))
  rmSync(dir, {recursive: true, force: true})
}
