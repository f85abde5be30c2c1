import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {rosterLine} from '../../cli/operators.js'
import {retireOperator, type RosterResult} from '../../core/operators/index.js'

export default class OperatorsRetire extends EgovCommand<typeof OperatorsRetire> {
  static override summary = 'Retire a person: they stay on the roster for the history, and can only read'
  static override description = `The last active system-admin cannot be retired (add another first). Once there is a roster the retirement is a request, in effect when another active system-admin approves it (egov requests approve ID; X-2). Retiring someone already retired changes nothing and says so. Needs: system-admin.`
  static override examples = ['<%= config.bin %> operators retire lisi --yes']

  static override args = {login: Args.string({description: 'the login', required: true})}

  static override flags = {yes: Flags.boolean({description: 'do not ask for confirmation'})}

  async run(): Promise<RosterResult> {
    await this.confirm(`retire ${this.args.login}`, this.flags.yes)
    const store = await this.store()
    const operator = await retireOperator(store, this.args.login)
    this.log(rosterLine(operator, this.locale, (o) => this.t('operators.retired', {login: o.login, name: o.name})))
    return operator
  }
}
