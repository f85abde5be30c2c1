import {afterAll, afterEach, beforeAll, beforeEach, expect, it} from 'vitest'

import {verifyAudit} from '../../src/core/audit/index.js'
import {setLimitIn} from '../../src/core/config/index.js'
import {Conflict, InvalidInput, NotFound, RuleRefused} from '../../src/core/errors.js'
import type {Store} from '../../src/core/store/index.js'
import {actOnRequest, fileRequest, listRequests, loadRequest} from '../../src/core/workflow/index.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

describeEachDialect('requests workflow', (dialect) => {
  let tdb: TestDatabase
  let filer: Store
  let reviewer: Store

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
  })
  afterAll(async () => {
    await tdb.cleanup()
  })
  beforeEach(async () => {
    filer = await tdb.open('filer')
    reviewer = await tdb.open('reviewer')
    process.env.EGOV_NOW = '2026-09-30T09:00:00+08:00'
  })
  afterEach(async () => {
    delete process.env.EGOV_NOW
    await filer.close()
    await reviewer.close()
  })

  it('files a ticket with a due date in working days from the kind’s limit (X-1)', async () => {
    const {request, warnings} = await fileRequest(filer, {kind: 'ticket', applicantUnit: ' 市数据局 ', payload: {subject: '光纤中断'}})
    expect(warnings).toEqual([])
    expect(request).toMatchObject({kind: 'ticket', state: 'submitted', applicantUnit: '市数据局', terminal: false, summary: '光纤中断'})
    // 2 working days from Wednesday 30 September 2026: 1–7 October are off, so 8 and 9 October.
    expect(request.dueOn).toBe('2026-10-09')
    expect(request.history).toHaveLength(1)
    expect(request.history[0]).toMatchObject({from: null, to: 'submitted', action: 'file'})
    expect(request.filedBy).toBe(tdb.actor('filer'))
  })

  it('moves along approve transitions, each step with its own due date and history', async () => {
    const {request} = await fileRequest(filer, {kind: 'ticket', applicantUnit: '市人社局', payload: {subject: 'VPN 账号'}})
    const accepted = await actOnRequest(reviewer, request.id, 'approve', '同意')
    // 5 working days from 2026-09-30: 8, 9, 10 (Saturday, make-up), 12, 13 October.
    expect(accepted.request).toMatchObject({state: 'accepted', dueOn: '2026-10-13'})
    const resolved = await actOnRequest(reviewer, request.id, 'approve')
    expect(resolved.request).toMatchObject({state: 'resolved', terminal: true, dueOn: null, overdue: false})
    expect(resolved.request.history.map((h) => [h.action, h.to, h.actor, h.comment])).toEqual([
      ['file', 'submitted', tdb.actor('filer'), null],
      ['approve', 'accepted', tdb.actor('reviewer'), '同意'],
      ['approve', 'resolved', tdb.actor('reviewer'), null],
    ])
    await expect(actOnRequest(reviewer, request.id, 'approve')).rejects.toBeInstanceOf(Conflict)
    await expect(actOnRequest(reviewer, request.id, 'reject', 'late')).rejects.toBeInstanceOf(Conflict)
  })

  it('never lets the filer approve or reject their own request (X-2), and changes nothing', async () => {
    const {request} = await fileRequest(filer, {kind: 'ticket', applicantUnit: '市数据局', payload: {subject: '自批'}})
    const auditBefore = (await verifyAudit(filer.db)).count
    for (const action of ['approve', 'reject'] as const) {
      const error = await actOnRequest(filer, request.id, action, 'x').catch((e: unknown) => e)
      expect(error).toBeInstanceOf(RuleRefused)
      expect((error as RuleRefused).context.rule).toBe('X-2')
      expect((error as RuleRefused).exitCode).toBe(5)
    }
    expect((await loadRequest(filer.db, request.id)).state).toBe('submitted')
    expect((await verifyAudit(filer.db)).count).toBe(auditBefore)
  })

  it('requires a reason to reject, naming the field', async () => {
    const {request} = await fileRequest(filer, {kind: 'ticket', applicantUnit: '市数据局', payload: {subject: 'no reason'}})
    const error = await actOnRequest(reviewer, request.id, 'reject', '   ').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InvalidInput)
    expect((error as InvalidInput).context.field).toBe('reason')
  })

  it('refuses bad input before anything is written', async () => {
    const before = await listRequests(filer.db)
    await expect(fileRequest(filer, {kind: 'ticket', applicantUnit: '  ', payload: {subject: 'x'}})).rejects.toMatchObject({context: {field: 'unit'}})
    await expect(fileRequest(filer, {kind: 'ticket', applicantUnit: 'u', payload: {subject: ''}})).rejects.toMatchObject({context: {field: 'subject'}})
    await expect(fileRequest(filer, {kind: 'ticket', applicantUnit: 'u', payload: {subject: 'x'.repeat(201)}})).rejects.toMatchObject({context: {field: 'subject'}})
    await expect(fileRequest(filer, {kind: 'nope', applicantUnit: 'u', payload: {}})).rejects.toMatchObject({context: {field: 'kind'}})
    expect(await listRequests(filer.db)).toHaveLength(before.length)
    await expect(loadRequest(filer.db, 999_999)).rejects.toBeInstanceOf(NotFound)
  })

  it('lists overdue requests first, longest overdue at the top, and filters by kind, state and overdue', async () => {
    process.env.EGOV_NOW = '2026-11-02T09:00:00+08:00'
    const early = await fileRequest(filer, {kind: 'ticket', applicantUnit: 'A', payload: {subject: 'early'}}) // due 2026-11-04
    process.env.EGOV_NOW = '2026-11-05T09:00:00+08:00'
    const later = await fileRequest(filer, {kind: 'ticket', applicantUnit: 'B', payload: {subject: 'later'}}) // due 2026-11-09
    process.env.EGOV_NOW = '2026-11-20T09:00:00+08:00'
    const fresh = await fileRequest(filer, {kind: 'ticket', applicantUnit: 'C', payload: {subject: 'fresh'}}) // due 2026-11-24
    const list = await listRequests(filer.db, {}, '2026-11-20')
    const ids = list.map((r) => r.id)
    expect(ids.indexOf(early.request.id)).toBeLessThan(ids.indexOf(later.request.id))
    expect(ids.indexOf(later.request.id)).toBeLessThan(ids.indexOf(fresh.request.id))
    expect(list.find((r) => r.id === early.request.id)?.overdue).toBe(true)
    const overdue = await listRequests(filer.db, {overdue: true}, '2026-11-20')
    expect(overdue.map((r) => r.id)).toContain(early.request.id)
    expect(overdue.every((r) => r.overdue)).toBe(true)
    expect(overdue.map((r) => r.id)).not.toContain(fresh.request.id)
    expect((await listRequests(filer.db, {kind: 'ticket', state: 'submitted'}, '2026-11-20')).every((r) => r.state === 'submitted')).toBe(true)
    await expect(listRequests(filer.db, {state: 'flying'})).rejects.toMatchObject({context: {field: 'state'}})
  })

  it('lists summaries kept with each request, and works out those of rows written before summaries were kept', async () => {
    const {request} = await fileRequest(filer, {kind: 'ticket', applicantUnit: 'A', payload: {subject: '旧数据'}})
    await tdb.sql(`update requests set summary = null where id = ${request.id}`)
    const listed = (await listRequests(filer.db)).find((r) => r.id === request.id)
    expect(listed).toMatchObject({summary: '旧数据'})
    expect(listed).not.toHaveProperty('payload')
    expect((await loadRequest(filer.db, request.id)).summary).toBe('旧数据')
  })

  it('takes a step’s limit from the team’s setting when one is set', async () => {
    await filer.write((ctx) => setLimitIn(ctx, 'limit.ticket.submitted', '10'))
    const {request} = await fileRequest(filer, {kind: 'ticket', applicantUnit: 'A', payload: {subject: 'slow'}})
    // 10 working days from 2026-09-30: 8, 9, 10(Sat make-up), 12–16, 19, 20 October.
    expect(request.dueOn).toBe('2026-10-20')
    await tdb.sql(`delete from settings where key = 'limit.ticket.submitted'`)
  })

  it('writes all or nothing: a failure inside a write leaves no request, no history, no audit entry', async () => {
    const countOf = (table: string) => tdb.count(table)
    const before = {requests: await countOf('requests'), transitions: await countOf('request_transitions'), audit: await countOf('audit_log')}
    await expect(
      filer.write(async (ctx) => {
        await ctx.db
          .insertInto('requests')
          .values({kind: 'ticket', state: 'submitted', applicant_unit: 'X', filed_by: ctx.actor, payload: '{}', filed_at: ctx.at, updated_at: ctx.at, state_since: ctx.at, due_on: null})
          .execute()
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    expect({requests: await countOf('requests'), transitions: await countOf('request_transitions'), audit: await countOf('audit_log')}).toEqual(before)
    expect((await verifyAudit(filer.db)).ok).toBe(true)
  })
})
