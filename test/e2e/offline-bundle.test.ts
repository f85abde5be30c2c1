import {execFileSync, spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

/**
 * The offline bundle (issue 17): scripts/offline-bundle.mjs (what `npm run bundle` runs after
 * building; here on the dist/ that pretest built) writes one tarball that, extracted into an
 * empty folder, runs with the system Node and a HOME of its own, and holds no devDependency.
 */
const root = fileURLToPath(new URL('../..', import.meta.url))
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const tarball = `egov-${pkg.version}-${process.platform}-${process.arch}.tar.gz`

describe('the offline bundle', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'egov-offline-'))
  const out = join(tmp, 'out')
  const place = join(tmp, 'place')
  const home = join(tmp, 'home')
  const app = join(place, 'egov')
  let made = ''

  beforeAll(() => {
    made = execFileSync(process.execPath, [join(root, 'scripts', 'offline-bundle.mjs'), '--out', out], {cwd: root, encoding: 'utf8'})
    mkdirSync(place)
    mkdirSync(home)
    execFileSync('tar', ['-xzf', join(out, tarball)], {cwd: place})
  })
  afterAll(() => rmSync(tmp, {recursive: true, force: true}))

  /** ./egov/bin/run.js as its shebang runs it: the node on PATH, nothing of this checkout's environment. */
  function run(args: string[], env: Record<string, string> = {}) {
    const r = spawnSync('./egov/bin/run.js', args, {
      cwd: place,
      encoding: 'utf8',
      env: {PATH: `${dirname(process.execPath)}:/usr/bin:/bin`, HOME: home, LANG: 'C.UTF-8', ...env},
    })
    let json: any
    try {
      json = JSON.parse(r.stdout)
    } catch {
      json = undefined
    }
    return {code: r.status, stdout: r.stdout, stderr: r.stderr, json}
  }

  it('is one tarball, named for the version and platform, its size and contents listed', () => {
    expect(readdirSync(out)).toEqual([tarball])
    expect(made).toContain(join(out, tarball))
    expect(made).toMatch(/MiB compressed, [\d.]+ MiB extracted; \d+ packages/)
    expect(readdirSync(place)).toEqual(['egov'])
  })

  it('runs from an empty folder with an empty HOME: --version, db init, a ticket filed and listed', () => {
    const version = run(['--version'])
    expect(version.code, version.stderr).toBe(0)
    expect(version.stdout).toContain(`egov/${pkg.version} ${process.platform}-${process.arch} node-v${process.versions.node}`)

    const db = join(tmp, 'egov.db')
    const init = run(['db', 'init', '--db', db, '--json'])
    expect(init.code, init.stderr).toBe(0)
    expect(init.json).toMatchObject({location: db, dialect: 'sqlite', created: true})
    const filed = run(['ticket', 'open', '--unit', '市数据局', '--subject', '离线包试运行', '--json'], {EGOV_DB: db})
    expect(filed.code, filed.stderr).toBe(0)
    expect(filed.json.request).toMatchObject({id: 1, kind: 'ticket', state: 'submitted'})
    const listed = run(['requests', 'list', '--json'], {EGOV_DB: db})
    expect(listed.code, listed.stderr).toBe(0)
    expect(listed.json.requests).toEqual([expect.objectContaining({id: 1, summary: '离线包试运行'})])
    // what egov keeps of its own went to the empty HOME, nothing into the bundle's folder
    expect(existsSync(join(home, '.config', 'egov', 'audit.key'))).toBe(true)
    expect(readdirSync(place)).toEqual(['egov'])
  })

  it('holds the production dependencies only, and of better-sqlite3 the compiled addon, not its sources', () => {
    const modules = join(app, 'node_modules')
    for (const dep of Object.keys(pkg.dependencies)) {
      expect(existsSync(join(modules, dep, 'package.json')), dep).toBe(true)
    }
    const everywhere = readdirSync(modules, {recursive: true}).map(String)
    for (const dev of Object.keys(pkg.devDependencies)) {
      expect(
        everywhere.filter((p) => p === dev || p.endsWith(`/node_modules/${dev}`)),
        dev,
      ).toEqual([])
    }
    expect(everywhere.filter((p) => p.endsWith('.d.ts') || p.endsWith('.map'))).toEqual([])
    const sqlite = join(modules, 'better-sqlite3')
    expect(existsSync(join(sqlite, 'build', 'Release', 'better_sqlite3.node'))).toBe(true)
    expect(existsSync(join(sqlite, 'deps'))).toBe(false)
    expect(existsSync(join(sqlite, 'build', 'Release', 'obj.target'))).toBe(false)
    expect(existsSync(join(app, 'bin', 'dev.js'))).toBe(false)
    const shipped = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'))
    expect(shipped).not.toHaveProperty('devDependencies')
    expect(shipped).not.toHaveProperty('scripts')
  })

  it('names the Node it runs on (the ABI), and on another ABI stops with a message saying so', () => {
    const facts = JSON.parse(readFileSync(join(app, 'bundle.json'), 'utf8'))
    expect(facts).toMatchObject({abi: process.versions.modules, platform: process.platform, arch: process.arch})
    expect(readFileSync(join(app, 'BUNDLE.txt'), 'utf8')).toContain(`native-module ABI ${process.versions.modules}`)

    writeFileSync(join(app, 'bundle.json'), JSON.stringify({...facts, abi: '1'}))
    try {
      const other = run(['--version'])
      expect(other.code).toBe(1)
      expect(other.stdout).toBe('')
      expect(other.stderr).toContain(`built for Node.js ${facts.node} (ABI 1)`)
      expect(other.stderr).toContain(`(ABI ${process.versions.modules})`)
      expect(run(['--version'], {LANG: 'zh_CN.UTF-8'}).stderr).toContain('SQLite 驱动（better-sqlite3）无法加载')
    } finally {
      writeFileSync(join(app, 'bundle.json'), JSON.stringify(facts))
    }
  })
})
