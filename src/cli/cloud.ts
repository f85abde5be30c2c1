import type {ChalkInstance} from 'chalk'

import type {Amounts, Resource, StepResult} from '../core/cloud/index.js'
import {type Locale, t} from '../core/i18n/index.js'
import {stateLabel} from '../core/workflow/index.js'
import {movedLine} from './requests.js'

export const RESOURCE_LABEL: Record<Resource, string> = {vcpu: 'vCPU', memoryGib: '内存', storageGib: '存储', bandwidthMbps: '带宽 Mbps', extranetIps: '外网IP', internetIps: '互联网IP'}

/** GiB as people read sizes: 2048 → 2 TiB. */
export function size(gib: number): string {
  return gib >= 1024 && gib % 1024 === 0 ? `${gib / 1024} TiB` : `${gib} GiB`
}

export function amounts(a: Amounts): string {
  return `${a.vcpu} vCPU, ${size(a.memoryGib)} 内存, ${size(a.storageGib)} 存储, ${a.bandwidthMbps} Mbps, 外网IP ${a.extranetIps}, 互联网IP ${a.internetIps}`
}

/** What a cloud step printed: filed, moved, or already done (re-running a finished step changes nothing). */
export function stepLines(result: StepResult<unknown>, locale: Locale, color: ChalkInstance, filed = false): string {
  const r = result.request
  if (result.unchanged) return t('cloud.unchanged', {id: r.id, state: stateLabel(r.kind, r.state, locale)}, locale)
  if (filed) return t('cloud.filed', {id: r.id, summary: r.summary, due: r.dueOn ?? '—'}, locale)
  return movedLine(r, locale, color)
}
