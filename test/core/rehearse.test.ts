import {execFileSync} from 'node:child_process'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, expect, it} from 'vitest'

import {appendAudit, auditLog} from '../../src/core/audit/index.js'
import {hashFile, sha256Hex} from '../../src/core/io/index.js'
import type {Store} from '../../src/core/store/index.js'
import {rehearse, undoable} from '../../src/core/store/rehearse.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

/** The one dry-run/rollback mechanism (issue 20): undo(value) rolls the transaction back and hands the value out. */
describeEachDialect('rehearse: one dry-run and rollback mechanism', (dialect) => {
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

  const write = (n: number) => (ctx: Parameters<Parameters<Store['write']>[0]>[0]) => appendAudit(ctx, {action: 'thing.set', entityType: 'thing', entityId: n, after: {n}})

  it('undo(value) rolls back what the transaction wrote and returns the value; without it the work commits', async () => {
    const before = (await auditLog(store.db)).length
    const dry = await rehearse<{found: string[]}, number>(store, async (ctx, undo) => {
      await write(1)(ctx)
      // The rehearsal sees its own writes, as the real import would.
      expect((await auditLog(ctx.db)).length).toBe(before + 1)
      undo({found: ['a problem']})
      return 1
    })
    expect(dry).toEqual({undone: true, value: {found: ['a problem']}})
    expect((await auditLog(store.db)).length).toBe(before)
    const real = await rehearse<never, number>(store, async (ctx) => {
      await write(2)(ctx)
      return 2
    })
    expect(real).toEqual({undone: false, value: 2})
    expect((await auditLog(store.db)).length).toBe(before + 1)
  })

  it('any other error rolls back and propagates; an inner undoable never catches an outer undo', async () => {
    const before = (await auditLog(store.db)).length
    await expect(rehearse(store, async (ctx) => (await write(3)(ctx), Promise.reject(new Error('boom'))))).rejects.toThrow('boom')
    const outer = await undoable<string>(async (undo) => {
      await undoable<string>(async () => {
        await store.write(async (ctx) => {
          await write(4)(ctx)
          undo('outer')
        })
      })
    })
    expect(outer).toEqual({undone: true, value: 'outer'})
    expect((await auditLog(store.db)).length).toBe(before)
  })
})

it('hashFile: one SHA-256 of a file (or of several, in order), streamed, as sha256sum says; an unreadable file adds nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'egov-hash-'))
  const a = join(dir, 'a.csv')
  const b = join(dir, 'b.csv')
  writeFileSync(a, Buffer.alloc(3 * 1024 * 1024 + 17, '事项'))
  writeFileSync(b, '事项编码,名称\n')
  const sum = (f: string) => execFileSync('sha256sum', [f], {encoding: 'utf8'}).split(' ')[0]
  expect(await hashFile(a)).toBe(sum(a))
  expect(await hashFile([a, join(dir, 'missing.csv'), b])).toBe(execFileSync('sh', ['-c', `cat "${a}" "${b}" | sha256sum`], {encoding: 'utf8'}).split(' ')[0])
  expect(sha256Hex(Buffer.from('事项编码,名称\n'))).toBe(sum(b))
})
