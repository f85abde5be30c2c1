import type {Kysely} from '#kysely'

import {CODE_PATTERN_SETTING} from '../config/index.js'
import {DEFAULT_CODE_PATTERN} from '../io/values.js'
import type {Database, WriteContext} from '../store/index.js'
import {fileRequestIn} from '../workflow/index.js'

/**
 * The list's versions, shared by import and the lifecycle requests: the item-code pattern
 * items are checked against, a new version numbered, current revisions ended, and the ITEM-5
 * clock a change starts.
 */

/** Codes per statement: within SQLite's parameter limit. */
export const BATCH = 500

/** The item-code pattern: `egov config set items.code-pattern REGEX`, else the national forms. */
export async function codePattern(db: Kysely<Database>): Promise<RegExp> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', CODE_PATTERN_SETTING).executeTakeFirst()
  return row ? new RegExp(row.value) : DEFAULT_CODE_PATTERN
}

export async function newVersion(
  ctx: WriteContext,
  v: {source: string; sha256: string; origin: 'import' | 'change'; bodies: string[]; items: number; added: number; changed: number; removed: number},
): Promise<number> {
  // Numbered here, under the write lock, not by a sequence: a refused import (rolled back) leaves no gap on PostgreSQL.
  const last = await ctx.db
    .selectFrom('item_versions')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst()
  const row = await ctx.db
    .insertInto('item_versions')
    .values({
      id: Number(last?.id ?? 0) + 1,
      created_at: ctx.at,
      created_by: ctx.actor,
      source: v.source,
      sha256: v.sha256,
      origin: v.origin,
      bodies: JSON.stringify(v.bodies),
      items: v.items,
      added: v.added,
      changed: v.changed,
      removed: v.removed,
      request_id: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return Number(row.id)
}

/** Ends the current revision of these items (basic rows, and their parts when removing). */
export async function closeRevisions(ctx: WriteContext, codes: string[], version: number): Promise<void> {
  for (let i = 0; i < codes.length; i += BATCH) {
    await ctx.db
      .updateTable('item_revisions')
      .set({version_to: version})
      .where('version_to', 'is', null)
      .where('code', 'in', codes.slice(i, i + BATCH))
      .execute()
  }
}

/**
 * ITEM-5: once an upstream list changes, the item library is updated within 10 working
 * days. The change files an item-update request whose due date is that deadline; it shows
 * in `egov requests list --overdue` when missed, and a second person approves it when done.
 */
export async function startClock(
  ctx: WriteContext,
  version: number,
  change: {source: string; bodies: string[]; added: number; changed: number; removed: number},
): Promise<{requestId: number; dueOn: string | null}> {
  const unit = change.bodies.length > 3 ? `${change.bodies.slice(0, 3).join('、')}等` : change.bodies.join('、')
  const {request} = await fileRequestIn(ctx, {kind: 'item-update', applicantUnit: unit, payload: {version, ...change}})
  await ctx.db.updateTable('item_versions').set({request_id: request.id}).where('id', '=', version).execute()
  return {requestId: request.id, dueOn: request.dueOn}
}
