// Start-up speed (bench/startup). tsc has already written dist/ (the core as a library,
// with types); this step replaces dist/commands with one small ESM file per command plus
// shared chunks, bundles Kysely (~400 small modules) into dist/vendor/kysely.js, and the
// parts of @oclif/core every start loads (~120 CommonJS files of it and its dependencies:
// errors, ux, help, parser, config, minimatch, ejs…) into dist/vendor/oclif/.
// Loading a few files instead of hundreds is what keeps `egov … --json` near `node -e 0`.
// Every other package stays external and is loaded from node_modules as published.
import {readdirSync} from 'node:fs'
import {createRequire} from 'node:module'
import {join, relative} from 'node:path'

import {build} from 'esbuild'

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
// The message catalogue (both languages, ~1,200 entries) as one JSON.parse of a string
// instead of an object literal: V8 parses JSON several times faster than it compiles the
// same data as code (about 10 ms less on every start on the 2-core machine, bench/startup).
// Its values are those of tsc's dist/core/i18n/catalog.js, built just before this step.
const {catalog} = await import(new URL('../dist/core/i18n/catalog.js', import.meta.url).href)
/** @type {import('esbuild').Plugin} */
const catalogAsJson = {
  name: 'catalog-as-json',
  setup(b) {
    b.onLoad({filter: /[\\/]src[\\/]core[\\/]i18n[\\/]catalog\.ts$/}, () => ({
      contents: `export const catalog = JSON.parse(${JSON.stringify(JSON.stringify(catalog))})\n`,
      loader: 'js',
    }))
  },
}

const commands = sources('src/commands')

await build({
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
  plugins: [oclifImports, catalogAsJson],
  logLevel: 'warning',
})
