import {defineConfig} from 'vitest/config'

import SummaryLine from './test/helpers/summary-reporter.js'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    // End-to-end tests run tens of egov processes each; on a 2-core machine under load one step can take seconds.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two cores: end-to-end files spawn many node processes of their own.
    maxWorkers: 2,
    reporters: ['default', new SummaryLine()],
  },
})
