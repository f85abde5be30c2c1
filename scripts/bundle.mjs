// Start-up speed (bench/startup). tsc has already written dist/ (the core as a library,
// with types); this step replaces dist/commands with one small ESM file per command plus
// shared chunks, and bundles Kysely (~400 small modules) into dist/vendor/kysely.js.
// Loading a few files instead of hundreds is what keeps `egov … --json` near `node -e 0`.
// Every other package stays external and is loaded from node_modules as published.
import {readdirSync} from 'node:fs'
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

const commands = readdirSync('src/commands', {recursive: true, withFileTypes: true})
  .filter((e) => e.isFile() && e.name.endsWith('.ts'))
  .map((e) => join(e.parentPath ?? e.path, e.name))

await build({
  entryPoints: commands.map((file) => ({in: file, out: relative('src', file).replace(/\.ts$/, '')})),
  outdir: 'dist',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  external: ['#kysely'],
  logLevel: 'warning',
})
