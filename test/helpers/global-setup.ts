import pg from 'pg'
import type {TestProject} from 'vitest/node'

import {pgAdminUrl} from './pg-url.js'

/**
 * Probes PostgreSQL once for the whole run. Without it the PostgreSQL tests skip with a
 * notice; in CI (CI=true) an unreachable server fails the run instead.
 */
export default async function setup(project: TestProject): Promise<void> {
  const client = new pg.Client({connectionString: pgAdminUrl(), connectionTimeoutMillis: 5000})
  let available = false
  try {
    await client.connect()
    await client.query('select 1')
    available = true
  } catch (error) {
    if (process.env.CI) {
      throw new Error(`CI=true but PostgreSQL at ${pgAdminUrl()} is unreachable: ${(error as Error).message}`, {cause: error})
    }
    process.stderr.write(
      `\n*** PostgreSQL at ${pgAdminUrl()} is unreachable (${(error as Error).message}): the PostgreSQL tests are SKIPPED. ***\n` +
        `*** Start it (pg_ctlcluster … main start) or set EGOV_TEST_PG_URL to run them. ***\n\n`,
    )
  } finally {
    await client.end().catch(() => {})
  }
  project.provide('pgAvailable', available)
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgAvailable: boolean
  }
}
