import {appendAudit} from '../audit/index.js'
import {RuleRefused} from '../errors.js'
import {contentHash, currentContent, decidedStatus, packRow, packRows, type PartKey, PARTS, sheetOf} from './model.js'
import type {Applying, ImportRequest, Outcome, Proposal} from './import-model.js'
import {earliestFor, fileLifecycleIn, waitingRequest} from './lifecycle.js'
import {startClock} from './versions.js'

/**
 * ITEM-4: open items change or leave the list by a request, announced ahead and approved by a
 * second person: a change request for each proposal, a terminate request for each open item a
 * --replace leaves out. With refuseOpen, the import is refused instead.
 */
export async function fileRequests(a: Applying, terminating: string[]): Promise<void> {
  const {run, ctx, events} = a
  const asked = [...a.proposed.keys()].sort()
  const refused = [...asked.filter((c) => decidedStatus(events.get(c))?.status !== 'terminated'), ...terminating]
  if (run.options.refuseOpen && refused.length > 0) {
    const codes = refused
    throw new RuleRefused('ITEM-4', 'items.import.refuseOpen', {count: codes.length, codes: codes.join(', ')}, {field: 'FILE', details: {items: codes}})
  }
  for (const code of asked) {
    const p = a.proposed.get(code)!
    // An item already scheduled to terminate keeps its elements until then: nothing to change.
    if (decidedStatus(events.get(code))?.status === 'terminated') {
      run.result.terminating.push(code)
      continue
    }
    const item = await currentContent(ctx.db, code)
    const set: Record<string, string> = {}
    if (p.basic)
      sheetOf('basic').columns.forEach((c, i) => {
        if ((item.content.basic[i] ?? '') !== (p.basic![i] ?? '')) set[c.header] = p.basic![i] ?? ''
      })
    const whole = [packRow(p.basic ?? item.content.basic), ...PARTS.map((k) => (p.parts[k] ? packRows(p.parts[k].map(packRow)) : '-'))]
    await fileOne(a, code, 'change', contentHash(packRows(whole)), {set, parts: p.parts})
  }
  for (const code of terminating) await fileOne(a, code, 'terminate', 'terminate')
}

/** One request, unless the same proposal already waits (then listed as awaiting); a dry run lists what it would file. */
async function fileOne(a: Applying, code: string, action: 'change' | 'terminate', proposal: string, change?: {set: Record<string, string>; parts: Proposal['parts']}): Promise<void> {
  const {run, ctx} = a
  const result = run.result
  const item = await currentContent(ctx.db, code)
  const entry: ImportRequest = {
    id: null,
    action,
    code,
    name: item.name,
    effective: null,
    ...(change ? {set: change.set, parts: Object.keys(change.parts).map((k) => sheetOf(k as PartKey).name)} : {}),
  }
  const waiting = await waitingRequest(ctx, code)
  if (waiting?.payload.action === action && waiting.payload.proposal === proposal) {
    result.awaiting.push({...entry, id: waiting.id, effective: waiting.payload.effective})
    return
  }
  const {earliest, from} = await earliestFor(ctx, code)
  const effective = run.effectiveGiven ?? (from && from > earliest ? from : earliest)
  if (a.dry) {
    result.requests.push({...entry, effective})
    return
  }
  const {request} = await fileLifecycleIn(ctx, {action, code, effective, reason: run.reason, source: run.label, proposal, ahead: true, ...(change ? {set: change.set, parts: change.parts} : {})})
  result.requests.push({...entry, id: request.id, effective})
}

/**
 * What changed the list directly becomes the version (its counts, the ITEM-5 clock, the audit
 * entry); an import that changed nothing directly records no version (its requests, if any,
 * carry the change, audited). Then the --report copy, the transaction's last step.
 */
export async function recordImport(a: Applying, outcome: Outcome): Promise<void> {
  const {run, ctx, version} = a
  const {result, label, sha256} = run
  if (result.added + result.changed + result.removed === 0) {
    // Nothing in the list changed directly: no version (requests, if any, carry the change).
    await ctx.db.deleteFrom('item_versions').where('id', '=', version).execute()
    if (result.requests.length) {
      await appendAudit(ctx, {
        action: 'items.import',
        entityType: 'item-list',
        entityId: label,
        after: {source: label, sha256, bodies: result.bodies, items: result.items, requests: result.requests.map((r) => r.id)},
      })
    }
    await run.report(outcome)
    return
  }
  result.version = version
  await ctx.db
    .updateTable('item_versions')
    .set({bodies: JSON.stringify(result.bodies), items: result.items, added: result.added, changed: result.changed, removed: result.removed})
    .where('id', '=', version)
    .execute()
  result.clock = await startClock(ctx, version, {source: label, bodies: result.bodies, added: result.added, changed: result.changed, removed: result.removed})
  await appendAudit(ctx, {
    action: 'items.import',
    entityType: 'item-list',
    entityId: version,
    after: {
      source: label,
      sha256,
      bodies: result.bodies,
      items: result.items,
      added: result.added,
      changed: result.changed,
      removed: result.removed,
      ...(result.requests.length ? {requests: result.requests.map((r) => r.id)} : {}),
    },
  })
  await run.report(outcome)
}
