import * as Args from '@oclif/core/args'

import {EgovCommand} from '../../cli/base.js'
import {datesText, rolesText, statusText} from '../../cli/operators.js'
import {today} from '../../core/clock.js'
import {findOperator, type Operator, pendingRosterChanges} from '../../core/operators/index.js'

export default class OperatorsShow extends EgovCommand<typeof OperatorsShow> {
  static override summary = 'Show a person on the roster'
  static override description = `Roster changes for them filed and not yet approved by a second system-admin are shown too (pending in --json).`
  static override examples = ['<%= config.bin %> operators show lisi', '<%= config.bin %> operators show lisi --json']

  static override args = {login: Args.string({description: 'the login', required: true})}

  async run(): Promise<Operator & {pending: Awaited<ReturnType<typeof pendingRosterChanges>>}> {
    const store = await this.store()
    const o = await findOperator(store, this.args.login, today())
    this.log(`${this.color.bold(o.login)}  ${o.name}${o.unit ? `  ${o.unit}` : ''}  (${statusText(o, this.locale)})`)
    this.log(`${this.t('col.roles')}: ${rolesText(o, this.locale)}`)
    this.log(`${this.t('col.active')}: ${datesText(o)}`)
    const pending = await pendingRosterChanges(store, o.login)
    if (pending.length) {
      this.log(this.t('operators.pending'))
      for (const p of pending) this.log(`  ${p.id}  ${p.summary}  (${p.filedBy}, ${p.filedAt.slice(0, 10)})`)
    }
    return {...o, pending}
  }
}
