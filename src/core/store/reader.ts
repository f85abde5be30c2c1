import type {Kysely} from '#kysely'

import type {Database} from './schema.js'

/**
 * What a read takes (issue 17, one use-case shape). A command hands it the store it opened:
 * `findUnit(store, name)`, `(store, input) → result`, never the store's connection. Inside a
 * change, core hands it the change's WriteContext or transaction, so the read sees the change's
 * own rows. A Store and a WriteContext are both `{db}`; a bare Kysely or transaction is
 * accepted for core's own helpers and the tests.
 */
export type Reader = Kysely<Database> | {readonly db: Kysely<Database>}

/** The connection or transaction a Reader reads through. */
export function readerDb(from: Reader): Kysely<Database> {
  // Structural, not instanceof: a test's Kysely may come from the package, not dist/vendor's copy.
  return 'selectFrom' in from ? from : from.db
}
