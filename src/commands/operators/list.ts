import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {datesText, rolesText, statusText} from '../../cli/operators.js'
import {today} from '../../core/clock.js'
import {listOperators, type Operator, pendingRosterChanges} from '../../core/operators/index.js'

export default class OperatorsList extends EgovCommand<typeof OperatorsList> {
  static override summary = 'List the operator roster: who may act, with which roles'
  static override description = `Retired people are left out unless --all is given. With no roster, anyone who can open the database may change anything: the message says how to start one. Roster changes filed and not yet approved by a second system-admin are listed after the roster (pending in --json; egov requests list --kind roster-change lists them all).`
  static override examples = ['<%= config.bin %> operators list', '<%= config.bin %> operators list --all --json', '<%= config.bin %> operators list --columns login,roles --output tsv']

  static override flags = {all: Flags.boolean({description: 'retired people too'}), ...EgovCommand.listFlags}

  async run(): Promise<{operators: Operator[]; pending: Awaited<ReturnType<typeof pendingRosterChanges>>}> {
    const store = await this.store()
    const operators = await listOperators(store, today(), {all: this.flags.all})
    this.table(
      operators,
      [
        {header: this.t('col.login'), get: (o) => o.login},
        {header: this.t('col.name'), get: (o) => o.name, shrink: true},
        {header: this.t('col.operatorUnit'), get: (o) => o.unit ?? '', shrink: true},
        {header: this.t('col.roles'), get: (o) => rolesText(o, this.locale), shrink: true},
        {header: this.t('col.active'), get: (o) => datesText(o)},
        {header: this.t('col.status'), get: (o) => statusText(o, this.locale)},
      ],
      this.t('operators.none'),
    )
    const pending = await pendingRosterChanges(store)
    if (pending.length && (this.flags.output ?? 'table') === 'table') {
      this.log('')
      this.log(this.t('operators.pending'))
      for (const p of pending) this.log(`  ${p.id}  ${p.summary}  (${p.filedBy}, ${p.filedAt.slice(0, 10)})`)
    }
    return {operators, pending}
  }
}
