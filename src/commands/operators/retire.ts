import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {type Operator, retireOperator} from '../../core/operators/index.js'

export default class OperatorsRetire extends EgovCommand<typeof OperatorsRetire> {
  static override summary = 'Retire a person: they stay on the roster for the history, and can only read'
  static override description = `The last active system-admin cannot be retired (add another first). Retiring someone already retired changes nothing and says so. Needs: system-admin.`
  static override examples = ['<%= config.bin %> operators retire lisi --yes']

  static override args = {login: Args.string({description: 'the login', required: true})}

  static override flags = {yes: Flags.boolean({description: 'do not ask for confirmation'})}

  async run(): Promise<Operator & {unchanged?: true}> {
    await this.confirm(`retire ${this.args.login}`, this.flags.yes)
    const store = await this.store()
    const operator = await store.write((ctx) => retireOperator(ctx, this.args.login))
    this.log(operator.unchanged ? this.t('operators.unchanged', {login: operator.login}) : this.t('operators.retired', {login: operator.login, name: operator.name}))
    return operator
  }
}
