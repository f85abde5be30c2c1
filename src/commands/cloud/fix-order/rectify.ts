import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../../cli/base.js'
import {type FixOrder, rectifyFixOrder} from '../../../core/cloud/index.js'
import {parseRequestId, type RequestWithHistory, stateLabel} from '../../../core/workflow/index.js'

export default class CloudFixOrderRectify extends EgovCommand<typeof CloudFixOrderRectify> {
  static override summary = 'Record what the unit did to rectify (整改情况, CLOUD-8)'
  static override description = `The order moves from issued to rectified; another operator confirms it within 5 working days (egov cloud fix-order confirm). Recording the same measures again is a no-op.`
  static override examples = ['<%= config.bin %> cloud fix-order rectify 9 --measures "已缩容至每台 1 vCPU、8 GiB"']

  static override args = {id: Args.string({description: 'the fix order’s request number', required: true})}
  static override flags = {measures: Flags.string({description: 'what was done'})}

  async run(): Promise<{request: RequestWithHistory<FixOrder>; unchanged?: boolean}> {
    const store = await this.store()
    const result = await rectifyFixOrder(store, parseRequestId(this.args.id), this.flags.measures)
    const r = result.request
    this.log(result.unchanged ? this.t('cloud.order.unchanged', {id: r.id, state: stateLabel(r.kind, r.state, this.locale)}) : this.t('cloud.order.rectified', {id: r.id, due: r.dueOn ?? '—'}))
    return result
  }
}
