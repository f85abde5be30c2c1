// One of several processes allocating from the same pool at once (test/e2e/net-concurrency).
// Uses the built core as a library: node test/helpers/alloc-worker.mjs POOL COUNT PREFIX UNIT
// with EGOV_DB or EGOV_DATABASE_URL saying which database. Prints one JSON line.
import {allocateIn} from '../../dist/core/net/index.js'
import {KINDS} from '../../dist/core/kinds.js'
import {Store} from '../../dist/core/store/index.js'

const [pool, count, prefix, unit] = process.argv.slice(2)
if (pool === undefined || count === undefined || prefix === undefined || unit === undefined) throw new Error('usage: node test/helpers/alloc-worker.mjs POOL COUNT PREFIX UNIT')
const store = await Store.open({databaseUrl: process.env.EGOV_DATABASE_URL || undefined, sqlitePath: process.env.EGOV_DB, operator: unit, kinds: KINDS})
const cidrs = []
const errors = []
for (let i = 0; i < Number(count); i++) {
  try {
    const [a] = await store.write((ctx) => allocateIn(ctx, {pool, prefixLength: Number(prefix), unit}))
    if (a === undefined) throw new Error('allocateIn returned no block')
    cidrs.push(a.cidr)
  } catch (error) {
    const e = /** @type {{code?: string, message?: string}} */ (error)
    errors.push(`${e.code ?? ''} ${e.message}`)
  }
}
await store.close()
process.stdout.write(JSON.stringify({cidrs, errors}) + '\n')
