#!/usr/bin/env node
import module from 'node:module'
import {fileURLToPath} from 'node:url'

// Node 22.8+ can cache compiled code between runs: a faster start for free (bench/startup).
module.enableCompileCache?.()

const {execute} = await import('@oclif/core/execute')

// egov installs no oclif plugins at run time: skipping the look-up of user and dev
// plugins saves a file read and a directory walk on every start.
await execute({loadOptions: {root: fileURLToPath(new URL('..', import.meta.url)), userPlugins: false, devPlugins: false}})
