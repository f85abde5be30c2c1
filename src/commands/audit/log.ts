import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {type AuditEntry, auditLog} from '../../core/audit/index.js'
import {chinaTime} from '../../core/clock.js'
import {parseIsoDate, parseWholeNumber} from '../../core/dates.js'

export default class AuditLog extends EgovCommand<typeof AuditLog> {
  static override summary = 'Show the audit trail, newest first'
  static override description = `Every change egov makes is logged in the same transaction: who, when, what, and the entity before and after. Entries are never deleted (X-2 asks for at least six months).`
  static override examples = ['<%= config.bin %> audit log', '<%= config.bin %> audit log --entity request:1', '<%= config.bin %> audit log --entity request --since 2026-11-01 --json']

  static override flags = {
    entity: Flags.string({description: 'TYPE or TYPE:ID, e.g. request or request:12'}),
    since: Flags.string({description: 'entries on or after this date (YYYY-MM-DD, China time)'}),
    limit: Flags.string({description: 'at most this many entries', default: '200'}),
    ...EgovCommand.listFlags,
  }

  async run(): Promise<{entries: AuditEntry[]}> {
    // A China date starts at 16:00 UTC the day before.
    const since = this.flags.since ? new Date(`${parseIsoDate(this.flags.since, 'since')}T00:00:00+08:00`).toISOString() : undefined
    const limit = parseWholeNumber(this.flags.limit, 'limit', {min: 1, max: 1_000_000})
    const store = await this.store()
    const entries = await auditLog(store, {entity: this.flags.entity, since, limit})
    this.table(
      entries,
      [
        {header: this.t('col.seq'), get: (e) => String(e.seq)},
        {header: this.t('col.at'), get: (e) => chinaTime(e.at)},
        {header: this.t('col.actor'), get: (e) => e.actor, shrink: true},
        {header: this.t('col.action'), get: (e) => e.action},
        {header: this.t('col.entity'), get: (e) => `${e.entityType}:${e.entityId}`, shrink: true},
      ],
      this.t('audit.none'),
    )
    return {entries}
  }
}
