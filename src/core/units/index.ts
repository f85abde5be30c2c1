import type {Kysely} from '#kysely'

import {appendAudit} from '../audit/index.js'
import {Conflict, InvalidInput, NotFound} from '../errors.js'
import {type Database, type Reader, readerDb, type Store, type WriteContext} from '../store/index.js'
import {readTemplate} from '../templates.js'
import {checkedText, idReference} from '../names.js'

/**
 * The unit registry (单位) every area shares: what kind of body a unit is (NET-3 categories,
 * KIOSK-1 access units, CLOUD-9 refusals), its level, the department above it, its contacts
 * and whose budget it is paid from (NET-8). No area keeps its own copy of a unit.
 */
export interface UnitKind {
  key: string
  name: string
  /** NET-3 category (第十一条 (一)–(四)); none: not eligible for the extranet. */
  netCategory?: 1 | 2 | 3 | 4
  kiosk?: boolean
  /**
   * CLOUD-9 (第十三条): an enterprise (banks, post offices, state enterprises included) or a
   * person, whom the city cloud serves only under a recorded exception; none: a public body.
   */
  nature?: 'enterprise' | 'person'
}

export type UnitLevel = 'city' | 'county' | 'township' | 'village'
export type Budget = 'city' | 'self'

export interface Unit {
  id: number
  name: string
  kind: string
  kindName: string
  level: UnitLevel
  /** 属地 (NET-4): the district it is in, e.g. 甘州区 or 市本级; null when not recorded. */
  district: string | null
  parent: string | null
  contact: string | null
  phone: string | null
  budget: Budget
  createdAt: string
  updatedAt: string
}

interface KindsFile {
  kinds: UnitKind[]
  levels: Array<{key: UnitLevel; name: string}>
}

let kindsFile: KindsFile | undefined
function kindsData(): KindsFile {
  return (kindsFile ??= readTemplate<KindsFile>('unit-kinds.json'))
}

export function unitKinds(): UnitKind[] {
  return kindsData().kinds
}

export function unitLevels(): Array<{key: UnitLevel; name: string}> {
  return kindsData().levels
}

export function kindOf(key: string): UnitKind {
  const kind = unitKinds().find((k) => k.key === key || k.name === key)
  if (!kind)
    throw new InvalidInput(
      'units.badKind',
      {
        value: key,
        allowed: unitKinds()
          .map((k) => `${k.key} (${k.name})`)
          .join(', '),
      },
      {field: 'kind'},
    )
  return kind
}

/** 属地 (NET-4) as typed: checked as short text; empty is none (null). Units and pools record it alike. */
export function districtText(value: string): string | null {
  return checkedText(value, 'district', 'short') || null
}

/** A level by key or Chinese name (市级, 县级, 乡级, 村级). */
export function levelOf(value: string, field = 'level'): UnitLevel {
  const level = unitLevels().find((l) => l.key === value || l.name === value)
  if (!level)
    throw new InvalidInput(
      'units.badLevel',
      {
        value,
        allowed: unitLevels()
          .map((l) => `${l.key} (${l.name})`)
          .join(', '),
      },
      {field},
    )
  return level.key
}

function budgetOf(value: string): Budget {
  const v = value.trim()
  if (v === 'city' || v === '市级财政' || v === '财政') return 'city'
  if (v === 'self' || v === '自筹') return 'self'
  throw new InvalidInput('units.badBudget', {value}, {field: 'budget', rule: 'NET-8'})
}

/**
 * A Chinese telephone number: a mobile (11 digits starting 1[3-9]) or a landline with its
 * area code (0 + 2–3 digits, then 7–8 digits, an optional extension). Spaces and dashes and
 * full-width digits are accepted and normalised to 0937-6221234 / 13912345678.
 */
export function normalisePhone(value: string, field = 'phone'): string {
  const v = value
    .replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[－—–]/g, '-')
    .replace(/[\s()（）]/g, '')
  const digits = v.replace(/-/g, '')
  if (/^1[3-9]\d{9}$/.test(digits)) return digits
  const m = /^(0\d{2,3})-?(\d{7,8})(?:-(\d{1,6}))?$/.exec(v)
  if (m) return `${m[1]}-${m[2]}${m[3] ? `-${m[3]}` : ''}`
  throw new InvalidInput('units.badPhone', {field, value}, {field})
}

type UnitRow = Database['units'] extends infer T ? {[K in keyof T]: K extends 'id' ? number : T[K]} : never

async function toUnit(db: Kysely<Database>, row: UnitRow): Promise<Unit> {
  const parent = row.parent_id === null ? null : await db.selectFrom('units').select('name').where('id', '=', Number(row.parent_id)).executeTakeFirst()
  return {
    id: Number(row.id),
    name: row.name,
    kind: row.kind,
    kindName: unitKinds().find((k) => k.key === row.kind)?.name ?? row.kind,
    level: row.level as UnitLevel,
    district: row.district ?? null,
    parent: parent?.name ?? null,
    contact: row.contact,
    phone: row.phone,
    budget: row.budget as Budget,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

/** A unit by name, or by the id egov printed (`#2`, or `2` when no unit has that name). */
export async function findUnit(from: Reader, name: string, field = 'unit'): Promise<Unit> {
  const db = readerDb(from)
  const ref = idReference(name)
  let row = ref?.explicit ? undefined : await db.selectFrom('units').selectAll().where('name', '=', name.trim()).executeTakeFirst()
  if (!row && ref) row = await db.selectFrom('units').selectAll().where('id', '=', ref.id).executeTakeFirst()
  if (!row) throw new NotFound('units.notFound', {name}, {field})
  return toUnit(db, row)
}

export async function listUnits(from: Reader, filter: {kind?: string} = {}): Promise<Unit[]> {
  const db = readerDb(from)
  let q = db.selectFrom('units').selectAll()
  if (filter.kind) q = q.where('kind', '=', kindOf(filter.kind).key)
  const rows = await q.orderBy('name').execute()
  return Promise.all(rows.map((r) => toUnit(db, r)))
}

export interface UnitInput {
  name?: string
  kind?: string
  level?: string
  district?: string | null
  parent?: string | null
  contact?: string | null
  phone?: string | null
  budget?: string
}

/** A unit's field as `units add` compares it with the registry's. */
type Said = string | number | boolean | null | undefined

export async function addUnitIn(ctx: WriteContext, input: UnitInput & {name: string; kind: string; level: string}): Promise<Unit & {unchanged?: true}> {
  const name = checkedText(input.name, 'NAME')
  if (!name) throw new InvalidInput('input.empty', {field: 'NAME'}, {field: 'NAME'})
  if (input.contact) checkedText(input.contact, 'contact', 'short')
  const kind = kindOf(input.kind)
  const level = levelOf(input.level)
  const budget = input.budget ? budgetOf(input.budget) : 'self'
  const phone = input.phone ? normalisePhone(input.phone) : null
  const district = input.district ? districtText(input.district) : null
  const parent = input.parent ? await findUnit(ctx.db, input.parent, 'parent') : null
  if (await ctx.db.selectFrom('units').select('id').where('name', '=', name).executeTakeFirst()) {
    // Adding what is there already is a no-op a script can rely on ("make sure it exists");
    // a value said differently is a conflict naming each field (units edit changes it).
    const existing = await findUnit(ctx.db, name)
    const said: Array<[string, Said, Said]> = [
      ['kind', kind.key, existing.kind],
      ['level', level, existing.level],
      ['district', district ?? undefined, existing.district],
      ['parent', parent?.name, existing.parent],
      ['contact', input.contact?.trim() || undefined, existing.contact],
      ['phone', phone ?? undefined, existing.phone],
      ['budget', input.budget ? budget : undefined, existing.budget],
    ]
    const differing = said.filter(([, given, recorded]) => given !== undefined && given !== recorded)
    if (differing.length) {
      throw new Conflict(
        'units.existsDiffers',
        {name, fields: differing.map(([field, given, recorded]) => `${field} ${String(recorded ?? '—')} ≠ ${String(given)}`).join('; ')},
        {field: differing[0]![0], details: {fields: differing.map(([field, given, recorded]) => ({field, given, recorded}))}},
      )
    }
    return {...existing, unchanged: true}
  }
  const inserted = await ctx.db
    .insertInto('units')
    .values({
      name,
      kind: kind.key,
      level,
      district,
      parent_id: parent?.id ?? null,
      contact: input.contact?.trim() || null,
      phone,
      budget,
      created_at: ctx.at,
      created_by: ctx.actor,
      updated_at: ctx.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const unit = await findUnit(ctx.db, name)
  await appendAudit(ctx, {action: 'unit.add', entityType: 'unit', entityId: Number(inserted.id), after: unit})
  return unit
}

/** addUnit in its own transaction: what a command calls (the addUnitIn form joins a caller's transaction). */
export function addUnit(store: Store, input: UnitInput & {name: string; kind: string; level: string}): Promise<Unit & {unchanged?: true}> {
  return store.write((ctx) => addUnitIn(ctx, input))
}

export async function editUnitIn(ctx: WriteContext, name: string, input: UnitInput): Promise<Unit> {
  const before = await findUnit(ctx.db, name, 'NAME')
  const changes: Partial<Omit<Database['units'], 'id'>> = {}
  if (input.name !== undefined && input.name.trim() !== before.name) {
    const newName = checkedText(input.name, 'name')
    if (!newName) throw new InvalidInput('input.empty', {field: 'name'}, {field: 'name'})
    if (await ctx.db.selectFrom('units').select('id').where('name', '=', newName).executeTakeFirst()) throw new Conflict('units.exists', {name: newName}, {field: 'name'})
    changes.name = newName
  }
  if (input.kind !== undefined) changes.kind = kindOf(input.kind).key
  if (input.level !== undefined) changes.level = levelOf(input.level)
  if (input.district !== undefined) changes.district = input.district ? districtText(input.district) : null
  if (input.budget !== undefined) changes.budget = budgetOf(input.budget)
  if (input.phone !== undefined) changes.phone = input.phone ? normalisePhone(input.phone) : null
  if (input.contact !== undefined) changes.contact = input.contact ? checkedText(input.contact, 'contact', 'short') || null : null
  if (input.parent !== undefined) {
    if (input.parent === null || input.parent === '') changes.parent_id = null
    else {
      const parent = await findUnit(ctx.db, input.parent, 'parent')
      // A unit cannot sit under itself, directly or through its own subordinates.
      for (let p: Unit | null = parent; p; p = p.parent ? await findUnit(ctx.db, p.parent) : null) {
        if (p.id === before.id) throw new Conflict('units.parentCycle', {name: before.name, parent: parent.name}, {field: 'parent'})
      }
      changes.parent_id = parent.id
    }
  }
  if (!Object.keys(changes).length) return before
  await ctx.db
    .updateTable('units')
    .set({...changes, updated_at: ctx.at})
    .where('id', '=', before.id)
    .execute()
  const unit = await toUnit(ctx.db, await ctx.db.selectFrom('units').selectAll().where('id', '=', before.id).executeTakeFirstOrThrow())
  await appendAudit(ctx, {action: 'unit.edit', entityType: 'unit', entityId: before.id, before, after: unit})
  return unit
}

/** editUnit in its own transaction: what a command calls (the editUnitIn form joins a caller's transaction). */
export function editUnit(store: Store, name: string, input: UnitInput): Promise<Unit> {
  return store.write((ctx) => editUnitIn(ctx, name, input))
}
