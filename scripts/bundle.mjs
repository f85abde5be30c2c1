// Start-up speed (bench/startup). tsc has already written dist/ (the core as a library,
// with types); this step replaces dist/commands with one small ESM file per command plus
// shared chunks, bundles Kysely (~400 small modules) into dist/vendor/kysely.js, and the
// parts of @oclif/core every start loads (~120 CommonJS files of it and its dependencies:
// errors, ux, help, parser, config, minimatch, ejs…) into dist/vendor/oclif/.
// Loading a few files instead of hundreds is what keeps `egov … --json` near `node -e 0`.
// Every other package stays external and is loaded from node_modules as published.
import {mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {dirname, join, relative, sep} from 'node:path'

import {build} from 'esbuild'

// Chunk names carry a hash: a new build leaves no chunk of an old one behind.
rmSync('dist/vendor', {recursive: true, force: true})

await build({
  entryPoints: ['node_modules/kysely/dist/esm/index.js'],
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  outfile: 'dist/vendor/kysely.js',
  legalComments: 'inline',
  logLevel: 'warning',
})

// @oclif/core, one entry per subpath egov imports (#oclif/<subpath>, package.json "imports"),
// sharing one chunk: bin/run.js's execute(), the commands' Command and flags, and the help
// class all use the same copy of oclif, so its caches and error classes are one.
// oclif is CommonJS: each entry re-exports its module's names explicitly (an ESM bundle of a
// CommonJS entry would only have a default export).
const oclifSubpaths = ['index', 'args', 'command', 'execute', 'flags']
const requireHere = createRequire(import.meta.url)
const oclifEntry = (/** @type {string} */ subpath) => {
  const specifier = subpath === 'index' ? '@oclif/core' : `@oclif/core/${subpath}`
  const names = Object.keys(requireHere(specifier)).filter((name) => /^[A-Za-z_$][\w$]*$/.test(name) && name !== 'default')
  return `import * as m from '${specifier}'\nexport const {${names.join(', ')}} = m\n`
}
// Packages oclif requires at the top of a module but calls only on paths a start with a
// manifest never takes: tinyglobby and minimatch find commands without a manifest; ejs,
// string-width, widest-line, indent-string and wrap-ansi lay out help and error text;
// cli-spinners draws a spinner; `debug` writes only what DEBUG=… turns on; and Node's
// child_process (a Windows shell's name), perf_hooks (OCLIF_PERF timings) and readline (a flag
// read from standard input). Bundled, each is compiled (and most evaluated) on every start.
// Instead oclif's require of each gets a stand-in that requires the real module, from
// @oclif/core's own folder as oclif itself would, the first time the stand-in is called or a
// property of it is read (oclif's compiled code reads `tinyglobby_1.glob` at the call, never at
// the require). With DEBUG unset the stand-in for `debug` hands oclif's logger a debugger that
// is off, as the real one would be.
const LAZY_DEPENDENCIES = [
  ...['tinyglobby', 'minimatch', 'ejs', 'string-width', 'widest-line', 'indent-string', 'wrap-ansi', 'cli-spinners', 'debug'],
  ...['node:child_process', 'node:perf_hooks', 'node:readline'],
]
/** @type {import('esbuild').Plugin} */
const oclifLazyDependencies = {
  name: 'oclif-lazy-dependencies',
  setup(b) {
    const filter = new RegExp(`^(${LAZY_DEPENDENCIES.join('|')})$`)
    b.onResolve({filter}, (args) => (/[\\/]@oclif[\\/]core[\\/]lib[\\/]/.test(args.importer) ? {path: args.path, namespace: 'oclif-lazy'} : undefined))
    b.onLoad({filter: /.*/, namespace: 'oclif-lazy'}, (args) => ({
      loader: 'js',
      contents: `
const name = ${JSON.stringify(args.path)}
let real
// Resolved from @oclif/core's own folder, where oclif would find it (nested or hoisted).
const load = () => (real ??= require('node:module').createRequire(require.resolve('@oclif/core'))(name))
${
  args.path === 'debug'
    ? `const off = () => {}
off.enabled = false
off.extend = () => off
module.exports = (namespace) => (process.env.DEBUG ? load()(namespace) : Object.assign(off, {namespace}))`
    : `// A function, so that a package whose export is a function (wrap-ansi) can be called through it.
module.exports = new Proxy(function () {}, {
  apply: (_, self, args) => Reflect.apply(load(), self, args),
  get: (_, key) => (key === '__esModule' ? undefined : load()[key]),
  has: (_, key) => key in load(),
})`
}
`,
    }))
  },
}

await build({
  entryPoints: oclifSubpaths.map((subpath) => ({in: `oclif-entry:${subpath}`, out: subpath})),
  outdir: 'dist/vendor/oclif',
  chunkNames: 'core-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minifySyntax: true,
  minifyWhitespace: true,
  // oclif loads TypeScript only to run a plugin's uncompiled sources: never in egov.
  external: ['typescript'],
  // CommonJS inside an ES module: require() for Node's built-ins and what stays external.
  banner: {js: "import {createRequire as __egovCreateRequire} from 'node:module';const require=__egovCreateRequire(import.meta.url);"},
  plugins: [
    oclifLazyDependencies,
    {
      name: 'oclif-entries',
      setup(b) {
        b.onResolve({filter: /^oclif-entry:/}, (args) => ({path: args.path.slice('oclif-entry:'.length), namespace: 'oclif-entry'}))
        b.onLoad({filter: /.*/, namespace: 'oclif-entry'}, (args) => ({contents: oclifEntry(args.path), resolveDir: process.cwd(), loader: 'js'}))
      },
    },
  ],
  legalComments: 'inline',
  logLevel: 'warning',
})

// Commands, the help class and hooks (what oclif loads by path) import @oclif/core through
// the bundle above.
/** @type {import('esbuild').Plugin} */
const oclifImports = {
  name: 'oclif-vendored',
  setup(b) {
    b.onResolve({filter: /^@oclif\/core(\/.*)?$/}, (args) => {
      const subpath = args.path === '@oclif/core' ? 'index' : args.path.slice('@oclif/core/'.length)
      if (!oclifSubpaths.includes(subpath)) return {errors: [{text: `${args.path} is not in scripts/bundle.mjs's oclifSubpaths: add it there`}]}
      return {path: `#oclif/${subpath}`, external: true}
    })
  },
}

const sources = (/** @type {string} */ dir) =>
  readdirSync(dir, {recursive: true, withFileTypes: true})
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name))
// The message catalogue (both languages, ~1,200 entries, 150 KB of text) is not compiled into
// the bundle: each language is a JSON file of its own (dist/catalog/en.json, zh.json, and the
// column headers' keys in columns.json), read and parsed when a start first needs it. V8 parses
// JSON several times faster than it compiles the same data as code, and a start reads one
// language, not both (bench/startup). The files are made from tsc's
// dist/core/i18n/catalog.js, built just before this step; the bundle's stand-in for
// catalog.ts exports what src/core/i18n/index.ts uses of it.
const {columnHeaders, messagesIn} = await import(new URL('../dist/core/i18n/catalog.js', import.meta.url).href)
mkdirSync('dist/catalog', {recursive: true})
for (const locale of /** @type {const} */ (['en', 'zh'])) writeFileSync(`dist/catalog/${locale}.json`, JSON.stringify(messagesIn(locale)))
writeFileSync('dist/catalog/columns.json', JSON.stringify([...columnHeaders()]))
/** Where a bundled file finds dist/catalog: written as a path relative to that file below. */
const CATALOG_DIR = '__EGOV_CATALOG_DIR__'
/** @type {import('esbuild').Plugin} */
const catalogFiles = {
  name: 'catalog-files',
  setup(b) {
    b.onLoad({filter: /[\\/]src[\\/]core[\\/]i18n[\\/]catalog\.ts$/}, () => ({
      contents: `import {readFileSync} from 'node:fs'
const read = (name) => JSON.parse(readFileSync(new URL(\`${CATALOG_DIR}/\${name}.json\`, import.meta.url), 'utf8'))
const byLanguage = {}
export const messagesIn = (locale) => (byLanguage[locale] ??= read(locale))
let headers
export const columnHeaders = () => (headers ??= new Map(read('columns')))
`,
      loader: 'js',
    }))
  },
}

const commands = sources('src/commands')

rmSync('dist/chunks', {recursive: true, force: true})
const {metafile} = await build({
  entryPoints: [...commands, 'src/cli/help.ts', ...sources('src/hooks')].map((file) => ({in: file, out: relative('src', file).replace(/\.ts$/, '')})),
  outdir: 'dist',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  external: ['#kysely'],
  // Less to read and parse on every start; names are kept (no identifier minifying), so
  // stack traces and class names stay readable.
  minifyWhitespace: true,
  minifySyntax: true,
  plugins: [oclifImports, catalogFiles],
  metafile: true,
  logLevel: 'warning',
})

// The bundles name Kysely and oclif by their package.json "imports" (#kysely, #oclif/…), which
// Node resolves by reading package.json on every start. Written as relative paths, they are
// the same files, found without it.
const vendored = {'#kysely': 'dist/vendor/kysely.js', ...Object.fromEntries(oclifSubpaths.map((subpath) => [`#oclif/${subpath}`, `dist/vendor/oclif/${subpath}.js`]))}
for (const output of Object.keys(metafile.outputs).filter((file) => file.endsWith('.js'))) {
  const text = readFileSync(output, 'utf8')
  const relativeTo = (/** @type {string} */ target) => {
    const path = relative(dirname(output), target).split(sep).join('/')
    return path.startsWith('.') ? path : `./${path}`
  }
  const rewritten = text
    .replace(/(\bfrom\s*|\bimport\s*\(\s*|\bimport\s*)"(#kysely|#oclif\/[a-z]+)"/g, (_whole, before, specifier) => {
      const target = vendored[/** @type {keyof typeof vendored} */ (specifier)]
      if (!target) throw new Error(`${output}: ${specifier} is not a vendored module of scripts/bundle.mjs`)
      return `${before}"${relativeTo(target)}"`
    })
    .replaceAll(`${CATALOG_DIR}/`, `${relativeTo('dist/catalog')}/`)
  if (rewritten !== text) writeFileSync(output, rewritten)
}
