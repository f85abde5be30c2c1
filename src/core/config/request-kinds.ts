import {validateArrangement} from '../calendar/index.js'
import {InvalidInput} from '../errors.js'
import {adminChangeKind} from '../operators/admin-kind.js'
import {js} from '../workflow/index.js'
import {parseConfigKey, validateConfigValue} from './index.js'
import {applySettings, changesDeadlines, SETTINGS_KIND, type SettingsChange, settingsSummary} from './settings-change.js'

/** 设置变更 (issue 18; ): a setting that moves deadlines, in effect when a second 系统管理员 approves it (see settings-change.ts). */
export const settingsChangeKind = adminChangeKind<SettingsChange>({
  kind: SETTINGS_KIND,
  parsePayload(input) {
    const p = (input ?? {}) as Record<string, unknown>
    if (p.op === 'calendar') return {op: 'calendar', arrangement: validateArrangement(p.arrangement, 'arrangement')}
    if ((p.op !== 'set' && p.op !== 'unset') || typeof p.key !== 'string') throw new InvalidInput('config.badChange', {}, {field: 'KEY'})
    const parsed = parseConfigKey(p.key)
    if (!changesDeadlines(parsed.key)) throw new InvalidInput('config.badChange', {}, {field: 'KEY'})
    if (p.op === 'unset') return {op: 'unset', key: parsed.key}
    return {op: 'set', key: parsed.key, value: validateConfigValue(parsed, typeof p.value === 'string' ? p.value : p.value === undefined || p.value === null ? '' : JSON.stringify(p.value))}
  },
  payloadSchema: {
    ...js.object(
      {
        op: js.oneOf(['set', 'unset', 'calendar']),
        key: {...js.line('a working-day limit: limit.KIND.STATE'), pattern: '^limit\\.'},
        value: js.line(),
        arrangement: js.object(
          {
            year: js.int(1900, 2999),
            source: js.text(),
            holidays: js.array(js.object({date: js.date(), name: js.text()}, ['date', 'name'])),
            workdays: js.array(js.object({date: js.date(), name: js.text()}, ['date', 'name'])),
          },
          ['year', 'source', 'holidays', 'workdays'],
          "a year's holiday arrangement (X-1)",
        ),
      },
      ['op'],
    ),
    allOf: [
      {if: {properties: {op: {const: 'calendar'}}}, then: {required: ['arrangement']}},
      {if: {properties: {op: {const: 'set'}}}, then: {required: ['key', 'value']}},
      {if: {properties: {op: {const: 'unset'}}}, then: {required: ['key']}},
    ],
  },
  summary: settingsSummary,
  apply: (ctx, payload) => applySettings(ctx, payload),
})

/** The kinds of this area, as src/core/kinds.ts lists them for the engine. */
export const CONFIG_KINDS = [settingsChangeKind]
