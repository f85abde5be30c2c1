import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {rolesText, rosterLine} from '../../cli/operators.js'
import {editOperator, type RosterResult} from '../../core/operators/index.js'

export default class OperatorsEdit extends EgovCommand<typeof OperatorsEdit> {
  static override summary = 'Change a person’s name, unit, roles or dates on the roster'
  static override description = `Only the flags given change; --roles replaces the roles. --to "" makes the dates open-ended. The roster always keeps an active system-admin. Once there is a roster the change is a request, in effect when another active system-admin approves it (egov requests approve ID; X-2): it is checked when filed and again when approved. Every change is in the audit trail with before and after. Needs: system-admin.`
  static override examples = ['<%= config.bin %> operators edit lisi --roles net,review-net', '<%= config.bin %> operators edit lisi --to 2027-06-30 --json']

  static override args = {login: Args.string({description: 'the login', required: true})}

  static override flags = {
    name: Flags.string({description: 'real name'}),
    unit: Flags.string({description: 'the unit they work in'}),
    roles: Flags.string({description: 'the roles, comma-separated (replaces the roles held)'}),
    from: Flags.string({description: 'first day they may act (YYYY-MM-DD)'}),
    to: Flags.string({description: 'last day they may act (YYYY-MM-DD; "" for open-ended)'}),
  }

  async run(): Promise<RosterResult> {
    const store = await this.store()
    const f = this.flags
    const operator = await editOperator(store, this.args.login, {name: f.name, unit: f.unit, roles: f.roles, from: f.from, to: f.to})
    this.log(rosterLine(operator, this.locale, (o) => this.t('operators.edited', {login: o.login, fields: `${o.name}; ${rolesText(o, this.locale)}; ${o.activeFrom} – ${o.activeTo ?? ''}`.trimEnd()})))
    return operator
  }
}
