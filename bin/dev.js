#!/usr/bin/env node
// Development entry: runs the compiled commands after `npm run build`, with oclif debug output.
// @oclif/core as bundled by scripts/bundle.mjs: the copy the built commands extend.
import {execute} from '#oclif/execute'

await execute({development: true, dir: import.meta.url})
