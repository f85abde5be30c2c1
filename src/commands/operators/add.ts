import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {rolesText, rosterLine} from '../../cli/operators.js'
import {addOperator, type RosterResult} from '../../core/operators/index.js'

export default class OperatorsAdd extends EgovCommand<typeof OperatorsAdd> {
  static override summary = 'Put a person on the operator roster, with their roles'
  static override description = `LOGIN is how egov knows them: the OS login on SQLite, the database login on PostgreSQL. --roles takes role ids separated by commas (egov operators roles lists them). The three administrators (system-admin, security-admin, auditor) are never one person (X-4). The roster's first entry is the one who starts it, as system-admin (or egov db init --admin); from then on only active people on the roster change anything, each within their roles.

Once there is a roster, a change to it is a request (roster-change) that takes effect when another active system-admin approves it: egov requests approve ID (X-2; CERT-4; 002 第二十二条). The filer cannot approve their own. One exception, so that there can be two: while fewer than two system-admins are active, adding a new person whose only role is system-admin takes effect at once. Needs: system-admin.`
  static override examples = [
    '<%= config.bin %> operators add "$(whoami)" --name 王敏 --unit 市数据局 --roles system-admin',
    '<%= config.bin %> operators add wangwu --name 王五 --unit 市数据局 --roles system-admin',
    '<%= config.bin %> operators add lisi --name 李四 --unit 市数据局 --roles net,review-cloud --from 2026-12-01',
  ]

  static override args = {login: Args.string({description: 'the login (OS login on SQLite, database login on PostgreSQL)', required: true})}

  static override flags = {
    name: Flags.string({description: 'real name, as notices and reports show it', required: true}),
    unit: Flags.string({description: 'the unit they work in'}),
    roles: Flags.string({description: 'role ids, comma-separated (egov operators roles)', required: true}),
    from: Flags.string({description: 'first day they may act (YYYY-MM-DD; default today)'}),
    to: Flags.string({description: 'last day they may act (YYYY-MM-DD; default open-ended)'}),
  }

  async run(): Promise<RosterResult> {
    const store = await this.store()
    const f = this.flags
    const operator = await addOperator(store, this.args.login, {name: f.name, unit: f.unit, roles: f.roles, from: f.from, to: f.to})
    this.log(rosterLine(operator, this.locale, (o) => this.t('operators.added', {login: o.login, name: o.name, roles: rolesText(o, this.locale)})))
    return operator
  }
}
