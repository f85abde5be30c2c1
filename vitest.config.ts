import {defineConfig} from 'vitest/config'

import SummaryLine from './test/helpers/summary-reporter.js'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two cores: end-to-end files spawn many node processes of their own.
    maxWorkers: 2,
    reporters: ['default', new SummaryLine()],
  },
})
