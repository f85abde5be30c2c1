// The offline bundle (issue 17): one tarball of the built CLI and its production dependencies,
// for the bureau's administration machines that reach no package registry. Extracted anywhere,
// it runs as ./egov/bin/run.js with the system's Node — the Node whose native-module ABI built
// this tree, since better-sqlite3's compiled addon travels as it is.
//
//   node scripts/offline-bundle.mjs [--out DIR]      (npm run bundle: build first, then this)
//
// Nothing is downloaded: the dependencies are copied from ./node_modules, as `npm ls --omit=dev`
// finds them, so the bundle holds exactly what this checkout runs with. Left out, as never loaded
// at run time: devDependencies, type declarations (@types/*, *.d.ts), source maps, and the native
// module's sources and build intermediates (only build/Release/*.node is kept).
import {execFileSync} from 'node:child_process'
import {cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {basename, join, relative, resolve, sep} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'

const root = fileURLToPath(new URL('..', import.meta.url))
const {values} = parseArgs({options: {out: {type: 'string'}}})
const outDir = resolve(values.out ?? root)

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
for (const built of ['dist/commands', 'dist/vendor/kysely.js', 'dist/vendor/oclif/execute.js', 'oclif.manifest.json']) {
  if (!existsSync(join(root, built))) fail(`${built} is missing: run \`npm run build\` first (or \`npm run bundle\`, which builds)`)
}

// The production dependency tree: every package npm would install with --omit=dev.
let listing
try {
  listing = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], {cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']})
} catch (error) {
  const e = /** @type {{stderr?: string, message?: string}} */ (error)
  fail(`npm ls --omit=dev found a broken dependency tree; run \`npm ci\` first\n${e.stderr ?? e.message}`)
}
const packages = listing
  .split('\n')
  .filter(Boolean)
  .map((dir) => relative(root, dir))
  .filter((rel) => rel.startsWith('node_modules' + sep) && !rel.split(sep).includes('@types'))

const target = `${process.platform}-${process.arch}`
const name = `egov-${pkg.version}-${target}.tar.gz`
const stage = mkdtempSync(join(tmpdir(), 'egov-bundle-'))
const app = join(stage, 'egov')

try {
  // 1. The package's own files ("files" in package.json), as `npm pack` would ship them;
  //    bin/dev.js is left out (it is the development entry).
  for (const entry of pkg.files) {
    cpSync(join(root, entry), join(app, entry), {recursive: true, filter: (src) => src !== join(root, 'bin', 'dev.js')})
  }

  // 2. package.json without what only development uses (oclif reads its "oclif" section,
  //    Node its "type" and "imports").
  const {devDependencies: _dev, scripts: _scripts, allowScripts: _allow, ...shipped} = pkg
  writeFileSync(join(app, 'package.json'), JSON.stringify(shipped, null, 2) + '\n')

  // 3. The production dependency tree, copied package by package from ./node_modules.
  const copied = []
  for (const rel of packages) {
    const from = join(root, rel)
    const native = existsSync(join(from, 'binding.gyp'))
    cpSync(from, join(app, rel), {recursive: true, dereference: true, filter: (src) => keep(from, src, native)})
    const version = JSON.parse(readFileSync(join(from, 'package.json'), 'utf8')).version
    copied.push({rel, name: rel.split(`node_modules${sep}`).at(-1), version, native})
  }

  // 4. What this bundle runs on, for people (BUNDLE.txt) and for bin/run.js (bundle.json).
  const nodeMajor = process.versions.node.split('.')[0]
  const minimum = /^>=\s*([\d.]+)$/.exec(pkg.engines?.node ?? '')?.[1] ?? `${nodeMajor}.0`
  const facts = {
    name: pkg.name,
    version: pkg.version,
    platform: process.platform,
    arch: process.arch,
    abi: process.versions.modules,
    node: `>=${minimum} <${Number(nodeMajor) + 1}`,
    builtWith: process.versions.node,
    builtAt: new Date().toISOString(),
  }
  writeFileSync(join(app, 'bundle.json'), JSON.stringify(facts, null, 2) + '\n')
  const natives = copied.filter((p) => p.native).map((p) => `${p.name}@${p.version}`)
  writeFileSync(
    join(app, 'BUNDLE.txt'),
    [
      `egov ${pkg.version} — offline bundle for ${target}`,
      '',
      `Runs with Node.js ${facts.node} (native-module ABI ${facts.abi}, NODE_MODULE_VERSION) on ${target}.`,
      `Built with Node.js ${facts.builtWith} on ${facts.builtAt}.`,
      '',
      'Extract it anywhere and run it with the system Node; nothing is installed or downloaded:',
      '',
      `  tar -xzf ${name}`,
      '  ./egov/bin/run.js --version',
      '  ./egov/bin/run.js db init --db /path/to/egov.db',
      '',
      `The SQLite driver (${natives.join(', ')}) is compiled code for this ABI only. Another`,
      'Node major version has another ABI: there bin/run.js stops with a message saying so',
      'instead of failing inside the driver. Make a bundle for that Node with `npm run bundle`',
      'on a machine that has it (and a registry, or a filled node_modules).',
      '',
      `Packages (${copied.length}, production dependencies only):`,
      ...copied.map((p) => `  ${p.name}@${p.version}`).sort(),
      '',
    ].join('\n'),
  )

  // 5. The tarball: one top folder, egov/; owners dropped, entries sorted.
  mkdirSync(outDir, {recursive: true})
  const tarball = join(outDir, name)
  execFileSync('tar', ['-C', stage, '--owner=0', '--group=0', '--numeric-owner', '--sort=name', '-czf', tarball, 'egov'], {stdio: 'inherit'})

  // 6. What went in, and how big it is.
  const mib = (/** @type {number} */ bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`
  const sizes = copied.map((p) => ({name: p.name, bytes: size(join(app, p.rel), true)}))
  sizes.sort((a, b) => b.bytes - a.bytes)
  const lines = [
    tarball,
    `  ${mib(statSync(tarball).size)} compressed, ${mib(size(app))} extracted; ${copied.length} packages; Node ${facts.node} (ABI ${facts.abi}), ${target}`,
    `  egov's own files ${mib(pkg.files.reduce((/** @type {number} */ n, /** @type {string} */ f) => n + size(join(app, f)), 0))}, node_modules ${mib(size(join(app, 'node_modules')))}; the largest packages:`,
    ...sizes.slice(0, 8).map((s) => `    ${mib(s.bytes).padStart(9)}  ${s.name}`),
  ]
  process.stdout.write(lines.join('\n') + '\n')
} finally {
  rmSync(stage, {recursive: true, force: true})
}

/** Whether src, inside the package folder from, goes into the bundle.
 * @param {string} from
 * @param {string} src
 * @param {boolean} native
 */
function keep(from, src, native) {
  if (src === from) return true
  const rel = relative(from, src)
  const parts = rel.split(sep)
  // nested packages are copied on their own, when npm lists them as production ones
  if (parts[0] === 'node_modules') return false
  const file = basename(src)
  if (/\.d\.[cm]?ts$/.test(file) || file.endsWith('.map')) return false
  if (native) {
    // a native module: its JavaScript and the compiled addon, not the C sources or the build tree
    if (parts[0] === 'deps' || parts[0] === 'src') return false
    if (parts[0] === 'build') return parts.length === 1 || (parts[1] === 'Release' && (parts.length === 2 || (parts.length === 3 && file.endsWith('.node'))))
  }
  return true
}

/** Bytes under path (a package's nested node_modules not counted when own is true).
 * @param {string} path
 * @returns {number}
 */
function size(path, own = false) {
  const st = statSync(path)
  if (!st.isDirectory()) return st.size
  let total = 0
  for (const entry of readdirSync(path)) {
    if (own && entry === 'node_modules') continue
    total += size(join(path, entry))
  }
  return total
}

/**
 * @param {string} message
 * @returns {never}
 */
function fail(message) {
  process.stderr.write(`offline bundle: ${message}\n`)
  process.exit(1)
}
