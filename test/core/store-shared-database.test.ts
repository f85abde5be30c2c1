import pg from 'pg'
import {afterAll, beforeAll, describe, expect, inject, it} from 'vitest'

import {Store} from '../../src/core/store/index.js'
import {pgAdminUrl, pgSchemaUrl} from '../helpers/pg-url.js'

/**
 * egov's schema on a PostgreSQL database it shares with others. Migrating (`egov db init`,
 * an upgrade) looks at egov's own schema only: Kysely's migrator, left alone, introspects
 * every table of every schema by name and failed with `schema "…" does not exist` when
 * another application dropped its schema meanwhile (CI saw it when another test file cleaned
 * up). Here a neighbour creates and drops schemas without pause while egov migrates new ones.
 */
describe.skipIf(!inject('pgAvailable'))('migrating beside schemas that come and go [postgres]', () => {
  const tag = `${process.pid}_${Math.random().toString(36).slice(2, 8)}`
  const ours: string[] = []
  let admin: pg.Client
  let stop = false
  let churned = 0
  let neighbours: Array<Promise<void>> = []

  /** Another application: schemas with a few tables of serial columns each, made and dropped in a loop. */
  async function neighbour(n: number): Promise<void> {
    const client = new pg.Client({connectionString: pgAdminUrl()})
    await client.connect()
    try {
      for (let i = 0; !stop; i++) {
        const name = `egov_neighbour_${tag}_${n}_${i}`
        const tables = Array.from({length: 20}, (_, t) => `create table ${name}.t${t} (id serial primary key, a text, b integer)`).join('; ')
        await client.query(`create schema ${name}; ${tables}`)
        await client.query(`drop schema ${name} cascade`)
        churned++
      }
    } finally {
      await client.end()
    }
  }

  beforeAll(async () => {
    admin = new pg.Client({connectionString: pgAdminUrl()})
    await admin.connect()
    neighbours = [0, 1].map((n) => neighbour(n))
  })

  afterAll(async () => {
    stop = true
    await Promise.allSettled(neighbours)
    for (const schema of ours) await admin.query(`drop schema if exists ${schema} cascade`)
    const left = await admin.query(`select nspname from pg_namespace where nspname like $1`, [`egov_neighbour_${tag}_%`])
    for (const r of left.rows) await admin.query(`drop schema if exists ${r.nspname as string} cascade`)
    await admin.end()
  })

  it('every new schema migrates to the end, whatever the neighbours drop meanwhile', async () => {
    for (let i = 0; i < 6; i++) {
      const schema = `egov_t_shared_${tag}_${i}`
      ours.push(schema)
      await admin.query(`create schema ${schema}`)
      const store = await Store.open({databaseUrl: pgSchemaUrl(schema), operator: 'admin', rehearsal: true})
      await store.close()
      const migrated = await admin.query(`select count(*)::int as n from ${schema}.kysely_migration`)
      expect(migrated.rows[0].n).toBeGreaterThan(20)
    }
    // The neighbours really were at work while egov migrated.
    expect(churned).toBeGreaterThan(0)
    // A schema egov does not own is none of its business: nothing of egov's was made there.
    const stray = await admin.query(`select count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname like $1 and c.relname like 'kysely%'`, [
      `egov_neighbour_${tag}_%`,
    ])
    expect(stray.rows[0].n).toBe(0)
  })
})
