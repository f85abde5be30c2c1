import {Conflict, type EgovError, InvalidInput} from '../errors.js'
import type {WriteContext} from '../store/index.js'
import {editAllocationIn, type EditedAllocation} from './edit.js'
import {freeContaining, PoolFreeSpace} from './free-space.js'
import {blockEnd, parseCidr, type ParsedCidr} from './ip.js'
import {parsePlane, parseStatus, type Plane, type Pool} from './model.js'
import {cell, type ImportProblem, problemFrom, type RowValues, type Say} from './plan-rows.js'
import {allPools, findPool} from './pools.js'
import {registeredNames, unitNotRegistered} from './registry.js'

/**
 * The 地址分配 sheet of a plan import (plan.ts): each row checked — its block, plane, status
 * and unit, its pool (named, or the deepest that contains it), an edit of a block already
 * recorded, overlaps with the file's other rows, and the block free in its pool — every
 * problem located, nothing placed here.
 */

export interface ImportUpdate {
  sheet: string
  row: number
  cidr: string
  plane: Plane
  allocationId: number
  changes: EditedAllocation['changes']
}

export interface Placement {
  row: RowValues
  pool: Pool
  block: ParsedCidr
  unchanged?: boolean
  fields: {unit: string; purpose: string | null; status: 'active' | 'reserved'}
}

/** 已收回 (released), as `net export --all` writes a released block's row. */
const RELEASED = new Set(['已收回', '收回', 'released'])

/** What every row's check reads: the database's pools, units and holding blocks, read once for the sheet. */
interface SheetCheck {
  ctx: WriteContext
  problems: ImportProblem[]
  say: Say
  pools: Pool[]
  units: string[]
  known: Set<string>
  /** The file's blocks already recorded (holding), by `cidr|plane`. */
  holding: Map<string, {id: number; unit: string}>
  /** A pool named in many rows is looked up once (its refusal too, so each row gets the same problem). */
  named: Map<string, Promise<Pool>>
}

export async function checkAllocations(ctx: WriteContext, rows: RowValues[], problems: ImportProblem[], say: Say): Promise<{placements: Placement[]; updates: ImportUpdate[]; history: number}> {
  const pools = await allPools(ctx.db)
  const units = await registeredNames(ctx.db)
  // The file's blocks already recorded (holding), read in a few statements instead of one or two per row.
  const holding = await holdingByBlock(ctx, rows)
  const check: SheetCheck = {ctx, problems, say, pools, units, known: new Set(units), holding, named: new Map()}
  const placements: Placement[] = []
  const updates: ImportUpdate[] = []
  let history = 0
  for (const r of rows) {
    const block = cell(r, 'cidr', (v) => parseCidr(v, 'cidr'), problems, say)
    const plane = cell(r, 'plane', parsePlane, problems, say)
    if (RELEASED.has((r.values.status ?? '').trim().toLowerCase())) {
      // History: a block given back. It is neither placed nor checked against the plan as it stands.
      history++
      continue
    }
    const status = cell(r, 'status', (v) => (v ? parseStatus(v) : 'active'), problems, say) ?? 'active'
    const unit = checkUnit(check, r)
    if (!block || !plane) continue
    const pool = await poolOfRow(check, r, block, plane)
    if (!pool) continue
    const fields = {unit, purpose: r.values.purpose || null, status}
    // A row over a recorded allocation of the very same block: an edit of its purpose, status or holder.
    const recorded = unit && check.known.has(unit) ? check.holding.get(`${block.text}|${plane}`) : undefined
    if (recorded) {
      const edit = await editRecorded(check, r, recorded, block, plane, fields)
      if (edit === 'unchanged') placements.push({row: r, pool, block, unchanged: true, fields})
      else if (edit) updates.push(edit)
      continue
    }
    placements.push({row: r, pool, block, fields})
  }
  const clashing = checkRowOverlaps(placements, problems, say)
  await checkFree(check, placements, clashing)
  return {placements, updates, history}
}

/** The row's unit: required, and only registry units hold blocks (a typo would make a holder nobody owns). */
function checkUnit(check: SheetCheck, r: RowValues): string {
  const unit = r.values.unit ?? ''
  if (!unit) check.problems.push({sheet: r.sheet, row: r.row, field: 'unit', column: r.headers.unit ?? 'unit', value: '', message: check.say.t('net.import.required', {column: r.headers.unit})})
  else if (!check.known.has(unit)) check.problems.push(problemFrom(r, 'unit', unitNotRegistered(unit, check.units, r.headers.unit ?? 'unit'), check.say))
  return unit
}

/** The pool a row's block goes in: the one it names (on the block's plane, containing it), else the deepest on the plane that contains it; undefined with a problem recorded. */
async function poolOfRow(check: SheetCheck, r: RowValues, block: ParsedCidr, plane: Plane): Promise<Pool | undefined> {
  const {problems, say} = check
  if (!r.values.pool) {
    const pool = check.pools
      .filter((p) => p.plane === plane && p.family === block.family && p.prefix <= block.prefix)
      .filter((p) => {
        const pb = parseCidr(p.cidr, 'pool')
        return block.start >= pb.start && blockEnd(block) <= blockEnd(pb)
      })
      .sort((a, b) => b.prefix - a.prefix)[0]
    if (!pool) {
      problems.push({
        sheet: r.sheet,
        row: r.row,
        field: 'cidr',
        column: r.headers.cidr ?? 'cidr',
        value: r.values.cidr ?? '',
        message: say.t('net.import.outsideEveryPool', {cidr: block.text, plane}),
        rule: 'NET-1',
      })
    }
    return pool
  }
  let pool: Pool
  try {
    let found = check.named.get(r.values.pool)
    if (!found) {
      found = findPool(check.ctx.db, r.values.pool)
      found.catch(() => {})
      check.named.set(r.values.pool, found)
    }
    pool = await found
  } catch (e) {
    problems.push(problemFrom(r, 'pool', e, say))
    return undefined
  }
  const pb = parseCidr(pool.cidr, 'pool')
  if (pool.plane !== plane) {
    problems.push(
      problemFrom(r, 'plane', new InvalidInput('net.planeMismatch', {cidr: block.text, plane, pool: pool.name, poolCidr: pool.cidr, poolPlane: pool.plane}, {field: 'plane', rule: 'NET-2'}), say),
    )
    return undefined
  }
  if (pool.family !== block.family || block.prefix < pb.prefix || block.start < pb.start || blockEnd(block) > blockEnd(pb)) {
    problems.push(problemFrom(r, 'cidr', new InvalidInput('net.outsidePool', {cidr: block.text, pool: pool.name, poolCidr: pool.cidr}, {field: 'cidr', rule: 'NET-1'}), say))
    return undefined
  }
  return pool
}

/** A row over a recorded allocation of its block: edited in this transaction; 'unchanged', the update, or undefined with a problem recorded. */
async function editRecorded(
  check: SheetCheck,
  r: RowValues,
  recorded: {id: number; unit: string},
  block: ParsedCidr,
  plane: Plane,
  fields: Placement['fields'],
): Promise<ImportUpdate | 'unchanged' | undefined> {
  try {
    // An empty 用途 or 状态 cell leaves the recorded value as it is.
    const edited = await editAllocationIn(check.ctx, String(recorded.id), {
      unit: fields.unit,
      ...(r.values.purpose ? {purpose: r.values.purpose} : {}),
      ...(r.values.status ? {status: fields.status} : {}),
    })
    recorded.unit = fields.unit
    if (edited.unchanged) return 'unchanged'
    return {sheet: r.sheet, row: r.row, cidr: block.text, plane, allocationId: Number(recorded.id), changes: edited.changes}
  } catch (e) {
    const err = e as EgovError
    check.problems.push(problemFrom(r, ['unit', 'purpose', 'status'].includes(String(err.context?.field)) ? String(err.context.field) : 'cidr', e, check.say))
    return undefined
  }
}

/** Rows that overlap each other: sorted by address, each is compared with the furthest-reaching row before it. Returns the rows refused. */
function checkRowOverlaps(placements: Placement[], problems: ImportProblem[], say: Say): Set<Placement> {
  const byPlane = [...placements].sort((a, b) => a.pool.plane - b.pool.plane || a.block.family - b.block.family || (a.block.start < b.block.start ? -1 : a.block.start > b.block.start ? 1 : 0))
  let reach: Placement | undefined
  const clashing = new Set<Placement>()
  for (const p of byPlane) {
    if (reach?.pool.plane === p.pool.plane && reach.block.family === p.block.family && p.block.start <= blockEnd(reach.block)) {
      problems.push({
        sheet: p.row.sheet,
        row: p.row.row,
        field: 'cidr',
        column: p.row.headers.cidr ?? 'cidr',
        value: p.row.values.cidr ?? '',
        message: say.t('net.import.rowOverlap', {cidr: p.block.text, other: reach.row.row, otherCidr: reach.block.text}),
        rule: 'NET-1',
      })
      clashing.add(p)
    }
    if (reach?.pool.plane !== p.pool.plane || reach.block.family !== p.block.family || blockEnd(p.block) > blockEnd(reach.block)) reach = p
  }
  return clashing
}

/**
 * Against the database: the block must be free in its pool (no allocation, no child pool there);
 * a block recorded already for the same unit is marked unchanged. The pools' free space is read
 * once per pool and asked in memory; only a block that is not free asks the database what holds it.
 */
async function checkFree(check: SheetCheck, placements: Placement[], clashing: Set<Placement>): Promise<void> {
  const spaces = new Map<number, PoolFreeSpace>()
  for (const p of placements) {
    if (clashing.has(p) || p.unchanged) continue
    const same = check.holding.get(`${p.block.text}|${p.pool.plane}`)
    if (same?.unit === p.fields.unit) {
      p.unchanged = true
      continue
    }
    let space = spaces.get(p.pool.id)
    if (!space) spaces.set(p.pool.id, (space = await PoolFreeSpace.load(check.ctx.db, p.pool)))
    const holder = space.holding(p.block) ? undefined : await freeContaining(check.ctx.db, p.pool, p.block)
    if (holder)
      check.problems.push(
        problemFrom(p.row, 'cidr', new Conflict('net.taken', {cidr: p.block.text, pool: p.pool.name, holder: holder.name, other: holder.cidr}, {field: 'cidr', rule: 'NET-1'}), check.say),
      )
  }
}

/**
 * The holding allocations at the blocks the rows name, by `cidr|plane`: a few `in` queries
 * instead of a query per row (a cell that is not a block is skipped here and reported by the
 * row's own check).
 */
async function holdingByBlock(ctx: WriteContext, rows: RowValues[]): Promise<Map<string, {id: number; unit: string}>> {
  const texts = new Set<string>()
  for (const r of rows) {
    try {
      texts.add(parseCidr(r.values.cidr ?? '', 'cidr').text)
    } catch {
      // reported by the row's check
    }
  }
  const found = new Map<string, {id: number; unit: string}>()
  const all = [...texts]
  for (let i = 0; i < all.length; i += 500) {
    const chunk = all.slice(i, i + 500)
    const recorded = await ctx.db.selectFrom('net_allocations').select(['id', 'cidr', 'plane', 'unit']).where('cidr', 'in', chunk).where('status', '<>', 'released').execute()
    for (const a of recorded) found.set(`${a.cidr}|${Number(a.plane)}`, {id: Number(a.id), unit: a.unit})
  }
  return found
}
