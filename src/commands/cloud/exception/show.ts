import * as Args from '@oclif/core/args'

import {EgovCommand} from '../../../cli/base.js'
import {chinaTime} from '../../../core/clock.js'
import {showException} from '../../../core/cloud/index.js'
import {parseRequestId, stateLabel} from '../../../core/workflow/index.js'

export default class CloudExceptionShow extends EgovCommand<typeof CloudExceptionShow> {
  static override summary = 'One CLOUD-9 exception: its unit, basis, document number, the systems it covers, who filed and approved it, and the systems applied for under it'
  static override examples = ['<%= config.bin %> cloud exception show 10', '<%= config.bin %> cloud exception show 10 --json']

  static override args = {id: Args.string({description: 'the exception’s number (its request number)', required: true})}

  async run(): Promise<Awaited<ReturnType<typeof showException>>> {
    const store = await this.store()
    const e = await showException(store, parseRequestId(this.args.id))
    this.show(() =>
      [
        `${this.color.bold(`例外审批 ${e.id}`)}  ${stateLabel('cloud-exception', e.state, this.locale)}${e.dueOn ? `  (due ${e.dueOn})` : ''}`,
        `unit:     ${e.unit} (${e.unitKindName})`,
        `document: ${e.documentNo}`,
        `basis:    ${e.basis}`,
        `covers:   ${e.systems.length ? e.systems.join('、') : this.t('cloud.exception.all')}`,
        `filed:    ${chinaTime(e.filedAt)} by ${e.filedBy}${e.approvedBy ? `; approved ${chinaTime(e.approvedAt!)} by ${e.approvedBy}` : ''}`,
        `used by:  ${e.usedBy.map((u) => `${u.system} (${u.status}, request ${u.requestId})`).join('; ') || '—'}`,
      ].join('\n'),
    )
    return e
  }
}
