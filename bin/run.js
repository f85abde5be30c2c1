#!/usr/bin/env node
import {readFileSync} from 'node:fs'
import module from 'node:module'
import {fileURLToPath} from 'node:url'

// An offline bundle (npm run bundle) carries better-sqlite3 compiled for one Node ABI and
// platform, named in its bundle.json: on another Node, say so plainly instead of failing
// inside the driver. A checkout has no bundle.json and skips this.
let bundle
try {
  bundle = JSON.parse(readFileSync(new URL('../bundle.json', import.meta.url), 'utf8'))
} catch {
  // not a bundle
}
if (bundle && (bundle.abi !== process.versions.modules || bundle.platform !== process.platform || bundle.arch !== process.arch)) {
  const here = `Node.js ${process.versions.node} (ABI ${process.versions.modules}) on ${process.platform}-${process.arch}`
  const built = `Node.js ${bundle.node} (ABI ${bundle.abi}) on ${bundle.platform}-${bundle.arch}`
  const zh = /^zh/i.test(process.env.LC_ALL || process.env.LC_MESSAGES || process.env.LANG || '')
  process.stderr.write(
    zh
      ? `egov：此离线包为 ${built} 构建，本机是 ${here}；其 SQLite 驱动（better-sqlite3）无法加载。请用相符的 Node.js 运行，或在装有本机 Node.js 的机器上以 npm run bundle 重新打包。\n`
      : `egov: this offline bundle was built for ${built}; this is ${here}, where its SQLite driver (better-sqlite3) cannot load. Run it with a matching Node.js, or make a bundle for this one with \`npm run bundle\` on a machine that has it.\n`,
  )
  process.exit(1)
}

// Node 22.8+ can cache compiled code between runs: a faster start for free (bench/startup).
// (@types/node for Node 20 does not declare it: hence the type.)
;/** @type {{enableCompileCache?: () => unknown}} */ (module).enableCompileCache?.()

// @oclif/core as bundled by scripts/bundle.mjs: one file instead of ~120 (bench/startup). A
// relative path (#oclif/execute in package.json "imports" names the same file) is resolved
// without reading package.json.
const oclifExecute = new URL('../dist/vendor/oclif/execute.js', import.meta.url).href
const {execute} = /** @type {typeof import('#oclif/execute')} */ (await import(oclifExecute))

// egov installs no oclif plugins at run time: skipping the look-up of user and dev
// plugins saves a file read and a directory walk on every start.
await execute({loadOptions: {root: fileURLToPath(new URL('..', import.meta.url)), userPlugins: false, devPlugins: false}})
