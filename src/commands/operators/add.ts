import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {rolesText} from '../../cli/operators.js'
import {addOperator, type Operator} from '../../core/operators/index.js'

export default class OperatorsAdd extends EgovCommand<typeof OperatorsAdd> {
  static override summary = 'Put a person on the operator roster, with their roles'
  static override description = `LOGIN is how egov knows them: the OS login on SQLite, the database login on PostgreSQL. --roles takes role ids separated by commas (egov operators roles lists them). The three administrators (system-admin, security-admin, auditor) are never one person (X-2). The roster's first entry is the one who starts it, as system-admin; from then on only active people on the roster change anything, each within their roles. Needs: system-admin.`
  static override examples = [
    '<%= config.bin %> operators add "$(whoami)" --name 王敏 --unit 市数据局 --roles system-admin',
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

  async run(): Promise<Operator> {
    const store = await this.store()
    const f = this.flags
    const operator = await store.write((ctx) => addOperator(ctx, this.args.login, {name: f.name, unit: f.unit, roles: f.roles, from: f.from, to: f.to}))
    this.log(this.t('operators.added', {login: operator.login, name: operator.name, roles: rolesText(operator, this.locale)}))
    return operator
  }
}
