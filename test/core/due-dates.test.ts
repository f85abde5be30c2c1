import {afterAll, beforeAll, expect, it} from 'vitest'

import {validateArrangement} from '../../src/core/calendar/index.js'
import {KINDS} from '../../src/core/kinds.js'
import type {Store} from '../../src/core/store/index.js'
import {loadCalendarYear} from '../../src/core/workflow/due-dates.js'
import {defineKind, fileRequest, loadRequest} from '../../src/core/workflow/index.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

// A kind whose first state has a deadline the filer sets, not a limit in working days (as a fix order's).
const deadlineKind = defineKind<{subject: string; deadline: string}>({
  kind: 'test-deadline',
  initial: 'open',
  states: {open: {}, done: {terminal: true}},
  transitions: [{action: 'approve', from: 'open', to: 'done'}],
  parsePayload: (input) => input as {subject: string; deadline: string},
  payloadSchema: {type: 'object', properties: {subject: {type: 'string'}, deadline: {type: 'string'}}, required: ['subject', 'deadline'], additionalProperties: false},
  summary: (p) => p.subject,
  onEnter: async (ctx, r, state) => {
    if (state === 'open') await ctx.db.updateTable('requests').set({due_on: r.payload.deadline}).where('id', '=', r.id).execute()
  },
})

describeEachDialect('due dates recounted when a year is loaded (X-1)', (dialect) => {
  let tdb: TestDatabase
  let store: Store
  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    store = await tdb.open('admin', [...KINDS, deadlineKind])
    process.env.EGOV_NOW = '2026-12-29T10:00:00+08:00'
  })
  afterAll(async () => {
    delete process.env.EGOV_NOW
    await store.close()
    await tdb.cleanup()
  })

  it('moves a due date counted in working days and leaves a fixed deadline as it was set', async () => {
    const ticket = (await fileRequest(store, {kind: 'ticket', applicantUnit: '市人社局', payload: {subject: '四日'}})).request
    // Two working days from Tuesday 29 December: 30 and 31 December, inside 2026.
    expect(ticket.dueOn).toBe('2026-12-31')
    const fixed = (await fileRequest(store, {kind: 'test-deadline', applicantUnit: '市人社局', payload: {subject: '限期', deadline: '2027-01-04'}})).request
    expect(fixed.dueOn).toBe('2027-01-04')
    await tdb.sql(`update requests set due_on = '2027-01-04' where id = ${ticket.id}`)
    const arrangement = validateArrangement({year: 2027, holidays: [{name: '元旦', from: '2027-01-01', to: '2027-01-03'}]}, 'test')
    const {recomputed} = await loadCalendarYear(store, arrangement)
    // The ticket's four working days (30, 31 December, 1 and 4 January on weekends alone) now end on 5 January.
    expect(recomputed).toEqual([{id: ticket.id, kind: 'ticket', state: 'submitted', from: '2027-01-04', to: '2027-01-05'}])
    expect((await loadRequest(store.db, fixed.id)).dueOn).toBe('2027-01-04')
  })
})
