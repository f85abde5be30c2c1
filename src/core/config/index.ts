import {mkdirSync, readFileSync, renameSync, statSync, writeFileSync} from 'node:fs'
import {isAbsolute, join} from 'node:path'

import type {Kysely} from '#kysely'

import {appendAudit} from '../audit/index.js'
import {parseWholeNumber} from '../dates.js'
import {InvalidInput, NotFound} from '../errors.js'
import {DEFAULT_CODE_PATTERN} from '../io/values.js'
import {type Database, type Reader, readerDb, type Store, type WriteContext} from '../store/index.js'
import {allKinds, type AnyKind, limitKey} from '../workflow/index.js'

/**
 * Two places hold settings, and the key says which:
 * - `operator` is personal: the user's config file (one per person and machine);
 * - `limit.KIND.STATE` (working days a request may stay in a state) is the team's:
 *   the database, audited, so every operator of a shared registry computes the same due dates.
 */
export interface UserConfig {
  operator?: string
  /** Folder for written notices (.docx); default notices/ in the data folder. */
  notices?: string
}

/** user: the person's config file; database: shared by the team; database-user: the PostgreSQL login, which is the operator there. */
export type ConfigScope = 'user' | 'database' | 'database-user'

export interface ConfigEntry {
  key: string
  value: string
  scope: ConfigScope
  /** True when no one set it and the value is the built-in one. */
  isDefault: boolean
}

export function userConfigPath(configDir: string): string {
  return join(configDir, 'config.json')
}

export function readUserConfig(configDir: string): UserConfig {
  try {
    return JSON.parse(readFileSync(userConfigPath(configDir), 'utf8')) as UserConfig
  } catch {
    return {}
  }
}

export function writeUserConfig(configDir: string, config: UserConfig): void {
  mkdirSync(configDir, {recursive: true})
  const path = userConfigPath(configDir)
  const tmp = `${path}.${process.pid}.tmp`
  writeFileSync(tmp, JSON.stringify(config, null, 2) + '\n', {mode: 0o600})
  renameSync(tmp, path)
}

/** EGOV_OPERATOR, else the configured operator, else the OS user. (PostgreSQL overrides: see Store.actor.) */
export async function resolveOperator(configDir: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const fromEnv = env.EGOV_OPERATOR?.trim()
  if (fromEnv) return fromEnv
  const configured = readUserConfig(configDir).operator?.trim()
  if (configured) return configured
  try {
    const {userInfo} = await import('node:os')
    return userInfo().username
  } catch {
    return env.USER || env.USERNAME || 'unknown'
  }
}

export type ParsedKey = {scope: 'user'; key: 'operator' | 'notices'} | {scope: 'database'; key: string; kind?: string; state?: string}

/** The item-code pattern service-item lists are checked against (ITEM-2): a regular expression, shared by the team. */
export const CODE_PATTERN_SETTING = 'items.code-pattern'

/** The organisation (O) in the subject of every certificate and CA this bureau issues. */
export const CERT_ORG_SETTING = 'cert.organization'
export const DEFAULT_CERT_ORG = '市数据局'

/**
 * The bureau's telephone area code (0826): the example in a message about a number without
 * one ("write it as 0826-6221234"). Unset, the example says 0XXX: never another city's code.
 */
export const AREA_CODE_SETTING = 'area-code'

/** The area code set for the bureau, or undefined. */
export async function areaCode(db: Kysely<Database>): Promise<string | undefined> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', AREA_CODE_SETTING).executeTakeFirst()
  return row?.value || undefined
}

/**
 * Key escrow (CERT-5's signature/encryption pair): `on` keeps the key of an encryption
 * certificate egov generated (profile with encryption: true) after its delivery, so that it
 * can be delivered again after an approved password reset. Signature keys are never kept.
 */
export const CERT_ESCROW_SETTING = 'cert.escrow'

export async function escrowOn(db: Kysely<Database>): Promise<boolean> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', CERT_ESCROW_SETTING).executeTakeFirst()
  return row?.value === 'on'
}

/** The folder every new CRL is published to (DER and PEM), an absolute path; unset: none. */
export const CERT_PUBLISH_SETTING = 'cert.publish'

/**
 * The issuing office's code (机关代字) heading every notice's document number: 甘数 gives
 * 甘数〔2026〕3号. Unset, numbers read 〔2026〕第3号.
 */
export const NOTICE_PREFIX_SETTING = 'notices.prefix'
export const MAX_NOTICE_PREFIX = 16

/** The notice prefix set for the bureau, or '' when none is. */
export async function noticePrefix(db: Kysely<Database>): Promise<string> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', NOTICE_PREFIX_SETTING).executeTakeFirst()
  return row?.value ?? ''
}

/** Team settings other than limits: kept in the database, audited, with their defaults and checks. */
const SHARED_SETTINGS: Record<string, {default: () => string; check(value: string): void}> = {
  [AREA_CODE_SETTING]: {
    default: () => '',
    check(value) {
      if (!/^0\d{2,3}$/.test(value)) throw new InvalidInput('config.badAreaCode', {key: AREA_CODE_SETTING, value}, {field: 'VALUE'})
    },
  },
  [CERT_PUBLISH_SETTING]: {
    default: () => '',
    check(value) {
      let dir: boolean
      try {
        dir = statSync(value).isDirectory()
      } catch {
        dir = false
      }
      if (!isAbsolute(value) || !dir) throw new InvalidInput('config.badPublishDir', {key: CERT_PUBLISH_SETTING, value}, {field: 'VALUE'})
    },
  },
  [CERT_ESCROW_SETTING]: {
    default: () => 'off',
    check(value) {
      if (value !== 'on' && value !== 'off') throw new InvalidInput('config.badEscrow', {key: CERT_ESCROW_SETTING, value}, {field: 'VALUE', rule: 'CERT-5'})
    },
  },
  [CERT_ORG_SETTING]: {
    default: () => DEFAULT_CERT_ORG,
    check(value) {
      // X.520 ub-organization-name: 64 characters; no control characters in a name people read.
      // eslint-disable-next-line no-control-regex
      if (!value.trim() || [...value].length > 64 || /[\u0000-\u001f\u007f-\u009f]/.test(value)) throw new InvalidInput('config.badOrganization', {key: CERT_ORG_SETTING, value}, {field: 'VALUE'})
    },
  },
  [NOTICE_PREFIX_SETTING]: {
    default: () => '',
    check(value) {
      // Printed on an official document: 1 to 16 characters, no control characters, no white
      // space at either end, none of the brackets the number itself uses.
      // eslint-disable-next-line no-control-regex
      const bad = value.trim() !== value || value === '' || [...value].length > MAX_NOTICE_PREFIX || /[\u0000-\u001f\u007f-\u009f〔〕]/.test(value)
      if (bad) throw new InvalidInput('config.badNoticePrefix', {key: NOTICE_PREFIX_SETTING, value, max: MAX_NOTICE_PREFIX}, {field: 'VALUE', details: {setting: NOTICE_PREFIX_SETTING}})
    },
  },
  [CODE_PATTERN_SETTING]: {
    default: () => DEFAULT_CODE_PATTERN.source,
    check(value) {
      try {
        new RegExp(value)
      } catch (error) {
        throw new InvalidInput('config.badPattern', {key: CODE_PATTERN_SETTING, value, reason: (error as Error).message}, {field: 'VALUE'})
      }
    },
  },
}

/** `kinds`: the request kinds whose limits may be set (the engine's, once the store is open). */
export function parseConfigKey(key: string, kinds: readonly AnyKind[] = allKinds()): ParsedKey {
  if (key === 'operator' || key === 'notices') return {scope: 'user', key}
  if (SHARED_SETTINGS[key]) return {scope: 'database', key}
  const m = /^limit\.([a-z][a-z0-9_-]*)\.([a-z][a-z0-9_-]*)$/.exec(key)
  if (!m) throw new InvalidInput('config.unknownKey', {key}, {field: 'KEY'})
  const def = kinds.find((k) => k.kind === m[1])
  const state = def?.states[m[2]!]
  if (!def || !state || state.terminal) throw new InvalidInput('config.unknownLimit', {key, kind: m[1], state: m[2]}, {field: 'KEY'})
  return {scope: 'database', key, kind: m[1]!, state: m[2]!}
}

export function validateConfigValue(parsed: ParsedKey, value: string): string {
  if (parsed.scope === 'user') {
    const v = value.trim()
    if (!v) throw new InvalidInput('input.empty', {field: 'VALUE'}, {field: 'VALUE'})
    return v
  }
  const shared = SHARED_SETTINGS[parsed.key]
  if (shared) {
    shared.check(value)
    return value
  }
  try {
    return String(parseWholeNumber(value, parsed.key, {min: 0, max: 365}))
  } catch {
    throw new InvalidInput('config.badLimit', {key: parsed.key, value}, {field: 'VALUE'})
  }
}

export async function setLimitIn(ctx: WriteContext, key: string, value: string): Promise<void> {
  const previous = await ctx.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst()
  if (previous) {
    await ctx.db.updateTable('settings').set({value, updated_at: ctx.at, updated_by: ctx.actor}).where('key', '=', key).execute()
  } else {
    await ctx.db.insertInto('settings').values({key, value, updated_at: ctx.at, updated_by: ctx.actor}).execute()
  }
  await appendAudit(ctx, {action: 'settings.set', entityType: 'setting', entityId: key, before: previous ? {value: previous.value} : undefined, after: {value}})
}

/** setLimit in its own transaction: what a command calls (the setLimitIn form joins a caller's transaction). */
export function setLimit(store: Store, key: string, value: string): Promise<void> {
  return store.write((ctx) => setLimitIn(ctx, key, value))
}

export async function unsetLimitIn(ctx: WriteContext, key: string): Promise<void> {
  const previous = await ctx.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst()
  if (!previous) throw new NotFound('config.notSet', {key}, {field: 'KEY'})
  await ctx.db.deleteFrom('settings').where('key', '=', key).execute()
  await appendAudit(ctx, {action: 'settings.unset', entityType: 'setting', entityId: key, before: {value: previous.value}})
}

/** unsetLimit in its own transaction: what a command calls (the unsetLimitIn form joins a caller's transaction). */
export function unsetLimit(store: Store, key: string): Promise<void> {
  return store.write((ctx) => unsetLimitIn(ctx, key))
}

/** Every working-day limit: the team's setting where there is one, else the kind's default. */
export async function listLimits(from: Reader): Promise<ConfigEntry[]> {
  const db = readerDb(from)
  const rows = await db.selectFrom('settings').select(['key', 'value']).execute()
  const set = new Map(rows.map((r) => [r.key, r.value]))
  const out: ConfigEntry[] = []
  for (const [key, s] of Object.entries(SHARED_SETTINGS)) out.push({key, value: set.get(key) ?? s.default(), scope: 'database', isDefault: !set.has(key)})
  for (const def of allKinds()) {
    for (const [state, st] of Object.entries(def.states)) {
      if (st.terminal) continue
      const key = limitKey(def.kind, state)
      const value = set.get(key) ?? (st.limitDays === undefined ? undefined : String(st.limitDays))
      if (value !== undefined) out.push({key, value, scope: 'database', isDefault: !set.has(key)})
    }
  }
  return out
}
