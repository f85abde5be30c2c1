import {execFileSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {parse} from 'csv-parse/sync'
import {beforeAll, describe, expect, it} from 'vitest'

import {egov, isolatedHome, onTerminal} from '../helpers/cli.js'
import {describeEachDialect, operatorDatabase} from '../helpers/db.js'

const FIX = new URL('../../fixtures/items/', import.meta.url).pathname
const CELLS = new URL('../helpers/xlsx_cells.py', import.meta.url).pathname
const INSPECT = new URL('../helpers/xlsx_inspect.py', import.meta.url).pathname
/** What a second reader (Python's standard library, not exceljs) finds in a workbook. */
const cellsOf = (path: string): Record<string, string[][]> => JSON.parse(execFileSync('python3', [CELLS, path], {encoding: 'utf8'}))
const inspect = (path: string): Record<string, {cells: Record<string, {v: string | null; t: string}>}> => JSON.parse(execFileSync('python3', [INSPECT, path], {encoding: 'utf8'}))

const HYPERLINK = '=HYPERLINK("http://127.0.0.1/")'
const DDE = "+cmd|' /C calc'!A0"
const SUM = '@SUM(1)'
const BUS = '-乘坐1路公交车'

/**
 * The files egov writes with --out, through bin/run.js: formula-looking text (a text cell as
 * it is in .xlsx, guarded in CSV), written to a temporary file and renamed into place, an
 * existing file replaced only with --force (or a yes on a terminal), a missing folder or a
 * full disk said plainly. Exports read the database and write only files: SQLite is enough.
 */
describe('files egov writes with --out', () => {
  const dir = mkdtempSync(join(tmpdir(), 'egov-out-'))
  const env = {...isolatedHome(), EGOV_DB: join(dir, 'o.db'), EGOV_DATABASE_URL: '', EGOV_OPERATOR: 'clerk'}
  const run = (args: string[]) => egov(args, env)
  const at = (name: string) => join(dir, name)
  /** Files in a folder whose names are not the given ones: temporary files left behind. */
  const strays = (folder: string, keep: string[]) => readdirSync(folder).filter((f) => !keep.includes(f))

  beforeAll(async () => {
    expect((await run(['db', 'init', '--rehearsal'])).code).toBe(0)
    // The formula fixture with the values of issue 20: 办理地点 @SUM(1), 交通指引 -乘坐1路公交车, 受理标准 =HYPERLINK(…).
    const list = readFileSync(join(FIX, 'list-formula.csv'), 'utf8')
      .replace('@政务中心', SUM)
      .replace('+1 路公交', BUS)
      .replace('"=HYPERLINK(""http://127.0.0.1/x"",""点击"")"', `"${HYPERLINK.replaceAll('"', '""')}"`)
    writeFileSync(at('list.csv'), list)
    const imported = await run(['items', 'import', at('list.csv')])
    expect(imported.code, imported.stderr).toBe(0)
    for (const [unit, purpose] of [
      [HYPERLINK, DDE],
      [SUM, BUS],
    ] as const) {
      // Allocations go to units in the registry (issue 15): the formula-looking names are registered first.
      const added = await run(['units', 'add', unit, '--kind', 'other', '--level', 'city'])
      expect(added.code, added.stderr).toBe(0)
      const alloc = await run(['net', 'pool', 'add', '10.30.0.0/16', '--name', '市级', '--plane', '1'])
      expect([0, 4]).toContain(alloc.code)
      const r = await run(['net', 'alloc', '--pool', '市级', '--prefix-length', '29', '--unit', unit, '--purpose', purpose])
      expect(r.code, r.stderr).toBe(0)
    }
  })

  it('writes formula-looking text in an .xlsx export exactly as it is, a text cell with no apostrophe', async () => {
    const r = await run(['items', 'export', '--out', at('list.xlsx')])
    expect(r.code, r.stderr).toBe(0)
    const row = cellsOf(at('list.xlsx'))['基本信息']![1]!
    expect(row).toContain(HYPERLINK)
    expect(row).toContain(SUM)
    expect(row).toContain(BUS)
    expect(row.some((v) => v.startsWith("'"))).toBe(false)
    // Text cells (shared or inline strings), never a formula nor a formula's string result (t="str").
    const cells = Object.values(inspect(at('list.xlsx'))['基本信息']!.cells).filter((c) => [HYPERLINK, SUM, BUS].includes(String(c.v)))
    expect(cells).toHaveLength(3)
    for (const c of cells) expect(['s', 'inlineStr']).toContain(c.t)
    // And it imports again unchanged.
    const back = {...env, EGOV_DB: at('back.db')}
    expect((await egov(['db', 'init', '--rehearsal'], back)).code).toBe(0)
    expect((await egov(['items', 'import', at('list.xlsx')], back)).code).toBe(0)
    const code = row[0]!
    const elements = (await egov(['items', 'show', code, '--json'], back)).json.elements
    expect([elements['受理标准'], elements['办理地点'], elements['交通指引']]).toEqual([HYPERLINK, SUM, BUS])
  })

  it('guards the same text in every CSV export (items, net), and net’s workbook keeps it as it is', async () => {
    const items = await run(['items', 'export', '--out', at('list-out.csv')])
    expect(items.code, items.stderr).toBe(0)
    const text = readFileSync(at('list-out.csv'), 'utf8')
    expect(text).toContain(`"'${HYPERLINK.replaceAll('"', '""')}"`)
    expect(text).toContain(`"'${SUM}"`)
    expect(text).toContain(`"'${BUS}"`)
    const net = await run(['net', 'export', '--out', at('alloc.csv')])
    expect(net.code, net.stderr).toBe(0)
    const alloc = readFileSync(at('alloc.csv'), 'utf8')
    expect(alloc).toContain(`"'${HYPERLINK.replaceAll('"', '""')}"`)
    expect(alloc).toContain(`"'${DDE}"`)
    expect(alloc).toContain(`"'${SUM}"`)
    expect(alloc).toContain(`"'${BUS}"`)
    // No cell of either file starts with a bare =, +, - or @.
    for (const csv of [text, alloc]) expect(csv.split(/\r\n/).some((line) => line.split(',').some((cell) => /^[=+@]/.test(cell)))).toBe(false)
    // net export's workbook: the text as it is.
    expect((await run(['net', 'export', '--out', at('plan.xlsx')])).code).toBe(0)
    const rows = cellsOf(at('plan.xlsx'))['地址分配']!.flat()
    expect(rows).toEqual(expect.arrayContaining([HYPERLINK, DDE, SUM, BUS]))
  })

  it('refuses an existing --out off a terminal (exit 2, naming the file and --force, nothing written) and replaces it with --force', async () => {
    const folder = mkdtempSync(join(dir, 'keep-'))
    const keep = join(folder, 'keep.xlsx')
    writeFileSync(keep, 'the previous export')
    for (const args of [
      ['items', 'export', '--out', keep],
      ['items', 'template', '--out', keep],
      ['net', 'export', '--out', keep],
      ['kiosk', 'export', '--out', keep],
    ]) {
      const r = await run([...args, '--json'])
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.json.error.details).toMatchObject({key: 'io.out.exists', field: 'out', path: keep})
      expect(r.json.error.message).toContain(keep)
      expect(r.json.error.message).toContain('--force')
      expect(readFileSync(keep, 'utf8')).toBe('the previous export')
    }
    // A CSV export writes three files: any of them already there is refused the same way.
    writeFileSync(join(folder, 'list-申请材料.csv'), 'kept')
    const csv = await run(['items', 'export', '--out', join(folder, 'list.csv'), '--json'])
    expect(csv.code).toBe(2)
    expect(csv.json.error.details).toMatchObject({key: 'io.out.exists', field: 'out', path: join(folder, 'list-申请材料.csv')})
    expect(readdirSync(folder).sort()).toEqual(['keep.xlsx', 'list-申请材料.csv'])
    // The same for --svg (net map) and in Chinese.
    writeFileSync(join(folder, 'map.svg'), 'kept')
    const map = await egov(['net', 'map', '--pool', '市级', '--svg', join(folder, 'map.svg')], {...env, LANG: 'zh_CN.UTF-8'})
    expect(map.code).toBe(2)
    expect(map.stderr).toContain('已存在')
    expect(map.stderr).toContain('--force')
    // --force replaces it, through a temporary file that is gone afterwards.
    const forced = await run(['items', 'export', '--out', keep, '--force'])
    expect(forced.code, forced.stderr).toBe(0)
    expect(cellsOf(keep)['基本信息']![1]).toContain(HYPERLINK)
    expect((await run(['net', 'map', '--pool', '市级', '--svg', join(folder, 'map.svg'), '--force'])).code).toBe(0)
    expect(readFileSync(join(folder, 'map.svg'), 'utf8')).toContain('<svg')
    expect(strays(folder, ['keep.xlsx', 'list-申请材料.csv', 'map.svg'])).toEqual([])
  })

  it('asks on a terminal before replacing a file: no keeps it, yes replaces it', async () => {
    const folder = mkdtempSync(join(dir, 'ask-'))
    const file = join(folder, 'template.xlsx')
    writeFileSync(file, 'kept')
    const no = await onTerminal(['items', 'template', '--out', file], env, [{when: /Replace the existing file/, type: 'n\r'}])
    expect(no.code, no.screen).toBe(2)
    expect(readFileSync(file, 'utf8')).toBe('kept')
    const yes = await onTerminal(['items', 'template', '--out', file], env, [{when: /Replace the existing file/, type: 'y\r'}])
    expect(yes.code, yes.screen).toBe(0)
    expect(Object.keys(cellsOf(file))).toContain('基本信息')
    expect(readdirSync(folder)).toEqual(['template.xlsx'])
  })

  it('names a missing folder with exit 2, and writes nothing', async () => {
    const missing = join(dir, 'no-such-folder')
    for (const args of [
      ['items', 'export', '--out', join(missing, 'x.xlsx')],
      ['items', 'export', '--out', join(missing, 'x.csv')],
      ['net', 'export', '--out', join(missing, 'x.csv')],
      ['items', 'diff', '--out', join(missing, 'd.xlsx')],
      ['net', 'map', '--pool', '市级', '--svg', join(missing, 'm.svg')],
    ]) {
      const r = await run([...args, '--json'])
      expect(r.code, args.join(' ')).toBe(2)
      const field = args.includes('--svg') ? 'svg' : 'out'
      expect(r.json.error.details).toMatchObject({key: 'io.out.noFolder', field, folder: missing})
      expect(r.json.error.message).toContain(missing)
    }
    expect(() => statSync(missing)).toThrow()
    // A folder given as the file is exit 2 too.
    const folder = await run(['items', 'template', '--out', dir, '--json'])
    expect(folder.code).toBe(2)
    expect(folder.json.error.details).toMatchObject({key: 'io.out.isFolder', field: 'out'})
  })

  it('leaves no temporary file behind after a write', async () => {
    const folder = mkdtempSync(join(dir, 'clean-'))
    const written = ['a.xlsx', 'a.csv', 'a-办理流程.csv', 'a-申请材料.csv', 'n.xlsx', 'n.csv', 't.xlsx', 'k.csv']
    expect((await run(['items', 'export', '--out', join(folder, 'a.xlsx')])).code).toBe(0)
    expect((await run(['items', 'export', '--out', join(folder, 'a.csv')])).code).toBe(0)
    expect((await run(['net', 'export', '--out', join(folder, 'n.xlsx')])).code).toBe(0)
    expect((await run(['net', 'export', '--out', join(folder, 'n.csv')])).code).toBe(0)
    expect((await run(['items', 'template', '--out', join(folder, 't.xlsx')])).code).toBe(0)
    expect((await run(['kiosk', 'export', '--out', join(folder, 'k.csv')])).code).toBe(0)
    expect(readdirSync(folder).sort()).toEqual([...written].sort())
  })

  // A full disk needs a small file system of its own: a tmpfs, which only root may mount (skipped otherwise).
  it('says a full disk is full, keeps the previous file and removes the temporary file', async (ctx) => {
    const full = join(dir, 'full')
    mkdirSync(full)
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', full], {stdio: 'ignore'})
    } catch {
      ctx.skip()
    }
    try {
      writeFileSync(join(full, 'keep.xlsx'), 'the previous export')
      writeFileSync(join(full, 'pad'), Buffer.alloc(8 * 1024))
      for (const [args, file] of [
        [['items', 'export', '--out', join(full, 'keep.xlsx'), '--force'], 'keep.xlsx'],
        [['items', 'export', '--out', join(full, 'e.csv')], 'e'],
        [['net', 'export', '--out', join(full, 'n.xlsx')], 'n.xlsx'],
      ] as const) {
        const r = await run([...args, '--json'])
        expect(r.code, r.stdout).toBe(1)
        expect(r.json.error.details).toMatchObject({key: 'io.out.diskFull', field: 'out'})
        expect(r.json.error.message).toContain('disk is full')
        expect(r.json.error.message).toContain(file)
        expect(readdirSync(full).sort()).toEqual(['keep.xlsx', 'pad'])
        expect(readFileSync(join(full, 'keep.xlsx'), 'utf8')).toBe('the previous export')
      }
    } finally {
      execFileSync('umount', [full])
      rmSync(full, {recursive: true, force: true})
    }
  })
})

/**
 * Files clerks send that are not what egov writes (issue 20): an old .xls workbook, Excel's
 * "Unicode 文本" (UTF-16LE, tab-separated), a UTF-16BE CSV, plain tab-separated text, and
 * a GBK file given with --encoding utf8. Imports write: on SQLite and PostgreSQL.
 */
describeEachDialect('files clerks send: .xls, UTF-16, tab-separated, --encoding', (dialect) => {
  const ctx = operatorDatabase(dialect, 'clerk')
  const dir = mkdtempSync(join(tmpdir(), 'egov-in-'))
  const at = (name: string) => join(dir, name)
  const rows = parse(readFileSync(join(FIX, 'list-v2-utf8.csv'), 'utf8').replace(/^\uFEFF/, ''), {relax_column_count: true})
  const versions = async () => (await egov(['items', 'versions', '--json'], ctx.env)).json.versions.length

  it('refuses an old .xls workbook, under either name, saying what it is and to save it as .xlsx (exit 2, nothing written)', async () => {
    const ole2 = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(1024)])
    writeFileSync(at('清单.xls'), ole2)
    writeFileSync(at('清单.xlsx'), ole2)
    const before = await versions()
    for (const args of [
      ['items', 'import', at('清单.xls')],
      ['items', 'import', at('清单.xlsx')],
      ['net', 'import', at('清单.xls')],
      ['cloud', 'usage', 'import', at('清单.xlsx')],
      ['cloud', 'usage', 'import', at('清单.xls')],
    ]) {
      const r = await egov([...args, '--json'], ctx.env)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.json.error.details).toMatchObject({key: 'io.oldXls', field: 'FILE'})
      expect(r.json.error.message).toContain('.xls')
      expect(r.json.error.message).toContain('save it as .xlsx')
    }
    const zh = await egov(['items', 'import', at('清单.xls')], {...ctx.env, LANG: 'zh_CN.UTF-8'})
    expect(zh.stderr).toContain('另存为 .xlsx')
    expect(await versions()).toBe(before)
  })

  it('says a file is not UTF-8 when --encoding utf8 says it is (exit 2, naming --encoding)', async () => {
    const r = await egov(['items', 'import', join(FIX, 'list-v2-gbk.csv'), '--encoding', 'utf8', '--json'], ctx.env)
    expect(r.code).toBe(2)
    expect(r.json.error.details).toMatchObject({key: 'io.notUtf8', field: 'encoding'})
    expect(r.json.error.message).toContain('not UTF-8')
    expect(r.json.error.message).toContain('--encoding')
    expect(r.json.error.message).not.toContain('neither')
  })

  it('reads Excel’s "Unicode 文本" (UTF-16LE, tab-separated), a UTF-16BE CSV and plain tab-separated text', async () => {
    const tsv = rows.map((r) => r.join('\t')).join('\r\n') + '\r\n'
    writeFileSync(at('unicode.txt'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(tsv, 'utf16le')]))
    const le = await egov(['items', 'import', at('unicode.txt'), '--json'], ctx.env)
    expect(le.code, le.stdout + le.stderr).toBe(0)
    expect(le.json).toMatchObject({encodings: {'unicode.txt': 'utf16le'}, added: rows.length - 1})
    expect((await egov(['items', 'show', rows[1]![0]!, '--json'], ctx.env)).json.elements['主项名称']).toBe(rows[1]![1])
    // The same list as a UTF-16BE CSV and as UTF-8 tab-separated .tsv: nothing new to import.
    const csv = rows.map((r) => r.map((c) => (/[",\r\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(',')).join('\r\n') + '\r\n'
    const be = Buffer.from(csv, 'utf16le')
    for (let i = 0; i < be.length; i += 2) [be[i], be[i + 1]] = [be[i + 1]!, be[i]!]
    writeFileSync(at('list-be.csv'), Buffer.concat([Buffer.from([0xfe, 0xff]), be]))
    writeFileSync(at('list.tsv'), tsv)
    for (const [name, encoding] of [
      ['list-be.csv', 'utf16be'],
      ['list.tsv', 'utf8'],
    ] as const) {
      const r = await egov(['items', 'import', at(name), '--json'], ctx.env)
      expect(r.code, r.stdout + r.stderr).toBe(0)
      expect(r.json).toMatchObject({encodings: {[name]: encoding}, added: 0, changed: 0, same: rows.length - 1})
    }
  })
})
