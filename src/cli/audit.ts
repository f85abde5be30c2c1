import type {VerifyResult} from '../core/audit/index.js'
import {EgovError} from '../core/errors.js'
import type {MessageKey} from '../core/i18n/index.js'

/** A broken chain as the error `audit verify` and `audit checkpoint` end with: exit 4 naming the entry and why. */
export function auditBroken(result: VerifyResult, t: (key: MessageKey, params?: Record<string, unknown>) => string): EgovError {
  const {seq, reason, expected, found, history} = result.broken!
  if (reason === 'history' && history) {
    const why = t(`audit.history.${history.reason}`, {...history})
    return new EgovError('conflict', 'audit.historyBroken', {request: history.request, reason: why}, {details: {broken: result.broken, checked: result.count, macs: result.macs}})
  }
  const why = t(`audit.reason.${reason}`, {expected, found})
  return new EgovError('conflict', 'audit.broken', {seq, reason: why}, {details: {broken: result.broken, checked: result.count, macs: result.macs}})
}

/** What a chain that verifies still leaves unchecked, as warnings: entries from before the key, MACs not checked without it. */
export function macWarnings(result: VerifyResult, t: (key: MessageKey, params?: Record<string, unknown>) => string): Array<{message: string}> {
  const warnings: Array<{message: string}> = []
  const {macs} = result
  if (macs.key && !macs.keyFound && result.count > 0) warnings.push({message: t('audit.keyNotFound', {path: macs.key, count: macs.unchecked})})
  if (macs.unsigned > 0) warnings.push({message: t('audit.unsignedEntries', {count: macs.unsigned})})
  return warnings
}
