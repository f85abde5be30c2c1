import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {defineConfig} from 'vitest/config'

import SummaryLine from './test/helpers/summary-reporter.js'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    // One audit key for the whole run (issue 18): the stores tests open themselves and every
    // bin/run.js they start, whatever home it has, MAC the chain with the same key. Tests of
    // the key itself set EGOV_AUDIT_KEY to a file of their own, or empty (the config folder).
    env: {EGOV_AUDIT_KEY: join(tmpdir(), 'egov-test-audit.key')},
    // End-to-end tests run tens of egov processes each; on a 2-core machine under load one step can take seconds.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two cores: end-to-end files spawn many node processes of their own.
    maxWorkers: 2,
    reporters: ['default', new SummaryLine()],
  },
})
