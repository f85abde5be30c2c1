import {expect} from 'vitest'

import {egov, type CliResult} from './cli.js'
import type {TestDatabase} from './db.js'

/**
 * Two operators of one test database, as the extranet's tests need them (X-2: alice files,
 * bob approves): each call runs bin/run.js as that person. ok() expects exit 0 and returns
 * the result.
 */
export function team(tdb: () => TestDatabase, env: () => Record<string, string>) {
  const as = (who: string) => ({...env(), ...tdb().envFor(who)})
  return {
    as,
    alice: (args: string[]) => egov(args, as('alice')),
    bob: (args: string[]) => egov(args, as('bob')),
    ok: async (r: Promise<CliResult>): Promise<CliResult> => {
      const done = await r
      expect(done.code, `${done.stderr}\n${done.stdout}`).toBe(0)
      return done
    },
  }
}
