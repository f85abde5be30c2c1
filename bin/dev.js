#!/usr/bin/env node
// Development entry: runs the compiled commands after `npm run build`, with oclif debug output.
import {execute} from '@oclif/core/execute'

await execute({development: true, dir: import.meta.url})
