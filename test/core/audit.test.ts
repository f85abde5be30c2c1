import {afterAll, beforeAll, beforeEach, expect, it} from 'vitest'

import {appendAudit, auditLog, entryHash, verifyAudit} from '../../src/core/audit/index.js'
import type {Store} from '../../src/core/store/index.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

describeEachDialect('audit trail', (dialect) => {
  let tdb: TestDatabase
  let store: Store

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    store = await tdb.open('auditor')
  })
  afterAll(async () => {
    await store.close()
    await tdb.cleanup()
  })

  beforeEach(async () => {
    // Each test starts from a fresh chain of five entries.
    await tdb.sql('delete from audit_log')
    await tdb.sql('delete from audit_head')
    for (let i = 1; i <= 5; i++) {
      await store.write((ctx) => appendAudit(ctx, {action: 'thing.set', entityType: 'thing', entityId: i, before: i > 1 ? {n: i - 1} : undefined, after: {n: i, 名称: `第${i}`}}))
    }
  })

  it('records who, when, what, and before/after, each entry carrying the hash of the one before', async () => {
    const entries = await auditLog(store.db)
    expect(entries.map((e) => e.seq)).toEqual([5, 4, 3, 2, 1])
    expect(entries[0]).toMatchObject({actor: tdb.actor('auditor'), action: 'thing.set', entityType: 'thing', entityId: '5', before: {n: 4}, after: {n: 5, 名称: '第5'}})
    expect(entries[4]!.prevHash).toBe('0'.repeat(64))
    for (let i = 0; i < 4; i++) expect(entries[i]!.prevHash).toBe(entries[i + 1]!.hash)
    expect(await auditLog(store.db, {entity: 'thing:3'})).toHaveLength(1)
    expect(await verifyAudit(store.db)).toMatchObject({ok: true, count: 5, head: {seq: 5}})
  })

  it('detects an altered entry and names it', async () => {
    await tdb.sql(`update audit_log set after_json = '{"n":300}' where seq = 3`)
    expect(await verifyAudit(store.db)).toMatchObject({ok: false, broken: {seq: 3, reason: 'altered'}})
  })

  it('detects a changed actor even with that entry’s hash recomputed: the next entry no longer links', async () => {
    const row = await tdb.one<Parameters<typeof entryHash>[0]>('select * from audit_log where seq = 2')
    const forged = {...row, seq: 2, actor: 'mallory'}
    const hash = await entryHash(forged)
    await tdb.sql(dialect === 'postgres' ? 'update audit_log set actor = $1, hash = $2 where seq = 2' : 'update audit_log set actor = ?, hash = ? where seq = 2', ['mallory', hash])
    expect(await verifyAudit(store.db)).toMatchObject({ok: false, broken: {seq: 3, reason: 'chain'}})
  })

  it('detects a removed entry in the middle', async () => {
    await tdb.sql('delete from audit_log where seq = 3')
    expect(await verifyAudit(store.db)).toMatchObject({ok: false, broken: {seq: 3, reason: 'missing', found: 4}})
  })

  it('detects entries removed from the end, against the recorded head', async () => {
    await tdb.sql('delete from audit_log where seq >= 4')
    expect(await verifyAudit(store.db)).toMatchObject({ok: false, broken: {seq: 4, reason: 'head', expected: 5, found: 3}})
  })

  it('detects reordered entries', async () => {
    // Swap the contents of entries 2 and 3, keeping their numbers.
    const rows = await tdb.sql('select seq, action, entity_id, before_json, after_json, prev_hash, hash from audit_log where seq in (2, 3) order by seq')
    expect(rows).toHaveLength(2)
    const [a, b] = rows as [Record<string, unknown>, Record<string, unknown>]
    const set = (target: number, r: Record<string, unknown>) =>
      tdb.sql(
        dialect === 'postgres'
          ? 'update audit_log set entity_id = $1, before_json = $2, after_json = $3, prev_hash = $4, hash = $5 where seq = $6'
          : 'update audit_log set entity_id = ?, before_json = ?, after_json = ?, prev_hash = ?, hash = ? where seq = ?',
        [r.entity_id, r.before_json, r.after_json, r.prev_hash, r.hash, target],
      )
    await set(2, b)
    await set(3, a)
    const result = await verifyAudit(store.db)
    expect(result.ok).toBe(false)
    expect(result.broken?.seq).toBe(2)
  })

  it('keeps appending one chain when writers follow each other', async () => {
    const other = await tdb.open('second')
    await Promise.all([
      store.write((ctx) => appendAudit(ctx, {action: 'a', entityType: 'thing', entityId: 'x'})),
      other.write((ctx) => appendAudit(ctx, {action: 'b', entityType: 'thing', entityId: 'y'})),
    ])
    await other.close()
    expect(await verifyAudit(store.db)).toMatchObject({ok: true, count: 7})
  })
})
