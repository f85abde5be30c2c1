import * as Args from '@oclif/core/args'

import {EgovCommand} from '../../cli/base.js'
import {datesText, rolesText, statusText} from '../../cli/operators.js'
import {today} from '../../core/clock.js'
import {findOperator, type Operator} from '../../core/operators/index.js'

export default class OperatorsShow extends EgovCommand<typeof OperatorsShow> {
  static override summary = 'Show a person on the roster'
  static override examples = ['<%= config.bin %> operators show lisi', '<%= config.bin %> operators show lisi --json']

  static override args = {login: Args.string({description: 'the login', required: true})}

  async run(): Promise<Operator> {
    const store = await this.store()
    const o = await findOperator(store.db, this.args.login, today())
    this.log(`${this.color.bold(o.login)}  ${o.name}${o.unit ? `  ${o.unit}` : ''}  (${statusText(o, this.locale)})`)
    this.log(`${this.t('col.roles')}: ${rolesText(o, this.locale)}`)
    this.log(`${this.t('col.active')}: ${datesText(o)}`)
    return o
  }
}
