import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../../cli/base.js'
import {parseWholeNumber} from '../../../core/dates.js'
import {type ConnectionRequest, planRequest} from '../../../core/net/requests.js'
import {parseRequestId, type WorkflowResult} from '../../../core/workflow/index.js'

export default class NetRequestPlan extends EgovCommand<typeof NetRequestPlan> {
  static override summary = 'The technical plan (制定方案): reserve the unit’s block from a pool (NET-5)'
  static override description = `The block is allocated best-fit from the pool as reserved, in the same transaction as the step: a failure leaves neither. It becomes active when the business test passes. --prefix-length overrides the size the application asked for. --cidr takes the block the network team chose: free in a pool of the request's plane (the innermost pool holding it, unless --pool names one), or held already, exactly, by the applicant unit outside any connection (a block from net alloc or an import), which then becomes the plan's block. A dual-stack request (--prefix-length-v6 at apply) takes its IPv6 block from --pool-v6 in the same transaction.`
  static override examples = ['<%= config.bin %> net request plan 3 --pool 市级']

  static override args = {id: Args.string({description: 'request number', required: true})}

  static override flags = {
    pool: Flags.string({description: 'pool to allocate from (name or CIDR)'}),
    'prefix-length': Flags.string({description: 'allocate this size instead'}),
    'pool-v6': Flags.string({description: 'dual stack: the IPv6 pool for the IPv6 block asked for'}),
    cidr: Flags.string({description: 'take this block (free, or already the unit’s)', exclusive: ['prefix-length']}),
    comment: Flags.string({description: 'a note on the plan'}),
  }

  async run(): Promise<WorkflowResult<ConnectionRequest>> {
    const store = await this.store()
    const prefixLength = this.flags['prefix-length'] === undefined ? undefined : parseWholeNumber(this.flags['prefix-length'], 'prefix-length', {min: 0, max: 128})
    const result = await planRequest(store, parseRequestId(this.args.id), {pool: this.flags.pool, poolV6: this.flags['pool-v6'], prefixLength, cidr: this.flags.cidr, comment: this.flags.comment})
    const plan = result.request.payload.plan
    const v6 = result.request.payload.planV6
    this.log(plan ? this.t('netreq.planned', {id: result.request.id, cidr: plan.cidr, pool: plan.pool}) : v6 ? '' : this.t('request.moved', {id: result.request.id, from: 'reviewed', to: 'planned'}))
    if (v6) this.log(this.t('netreq.plannedV6', {id: result.request.id, cidr: v6.cidr, pool: v6.pool}))
    return result
  }
}
