#!/usr/bin/env node
// The `node-gyp` that native addons in this project build with: better-sqlite3 12 on
// Node 20, whose prebuilt binaries are published outside the npm registry, so
// `npm install` compiles it. This package is a devDependency (file:scripts/node-gyp), so
// npm links this file as node_modules/.bin/node-gyp, which comes before npm's own
// node-gyp on the PATH of every install script. (npm's `node-gyp=` setting in a project
// .npmrc is not passed to dependencies' install scripts by npm 11.)
//
// node-gyp needs the headers of the running Node. Unless told where they are (nodedir),
// it downloads them from outside the registry, which fails on a machine that reaches only
// the registry. Node installs its headers beside itself (<prefix>/include/node: Debian's
// nodejs package, the official tarballs, nvm), so when those match the running Node
// exactly, this points node-gyp at them; a nodedir you set yourself wins, and anything
// else is left to node-gyp as before. Then it hands over to npm's own node-gyp.
'use strict'
const {readFileSync} = require('node:fs')
const path = require('node:path')

if (!process.env.npm_config_nodedir) {
  const prefix = path.dirname(path.dirname(process.execPath))
  try {
    const header = readFileSync(path.join(prefix, 'include', 'node', 'node_version.h'), 'utf8')
    const part = (/** @type {string} */ name) => new RegExp(`#define\\s+NODE_${name}_VERSION\\s+(\\d+)`).exec(header)?.[1]
    if (`${part('MAJOR')}.${part('MINOR')}.${part('PATCH')}` === process.versions.node) process.env.npm_config_nodedir = prefix
  } catch {
    // no headers beside this Node: node-gyp looks for them as it always does
  }
}

// Compile on every core (node-gyp's JOBS): better-sqlite3's two translation units build side
// by side instead of one after the other. A JOBS or --jobs you set yourself wins.
if (!process.env.JOBS && !process.env.npm_config_jobs) process.env.JOBS = 'max'

// npm's own node-gyp, found from the npm that is running this script.
const npm = process.env.npm_execpath
let nodeGyp
try {
  nodeGyp = require.resolve('node-gyp/bin/node-gyp.js', {paths: npm ? [path.dirname(npm)] : []})
} catch {
  process.stderr.write('egov: node-gyp was not found beside npm; run `npm install` with the npm that ships with Node.js\n')
  process.exit(1)
}
require(nodeGyp)
