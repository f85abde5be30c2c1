import {noticePrefix} from '../config/index.js'
import type {WriteContext} from '../store/index.js'

/**
 * Document numbers (发文字号) of written notices: a sequence per notice kind and year, taken in
 * the decision's own write transaction (writers are serialised: BEGIN IMMEDIATE on SQLite,
 * the advisory lock on PostgreSQL), so two decisions never get the same number and a decision
 * that fails gives its number back.
 */

export interface NoticeNumber {
  /** As printed: 甘数〔2026〕3号, or 〔2026〕第3号 without a prefix. */
  text: string
  year: number
  sequence: number
}

/** GB/T 9704: 机关代字〔年份〕序号号, the sequence without leading zeros. */
export function formatNoticeNumber(prefix: string, year: number, sequence: number): string {
  return prefix ? `${prefix}〔${year}〕${sequence}号` : `〔${year}〕第${sequence}号`
}

/** The next number of `kind` in the year of the decision (its date in China). */
export async function nextNoticeNumber(ctx: WriteContext, kind: string): Promise<NoticeNumber> {
  const year = Number(ctx.today.slice(0, 4))
  const row = await ctx.db.selectFrom('notice_numbers').select('last_number').where('kind', '=', kind).where('year', '=', year).executeTakeFirst()
  const sequence = row ? Number(row.last_number) + 1 : 1
  if (row) {
    await ctx.db.updateTable('notice_numbers').set({last_number: sequence}).where('kind', '=', kind).where('year', '=', year).execute()
  } else {
    await ctx.db.insertInto('notice_numbers').values({kind, year, last_number: sequence}).execute()
  }
  return {text: formatNoticeNumber(await noticePrefix(ctx.db), year, sequence), year, sequence}
}
