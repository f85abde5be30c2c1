import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../../cli/base.js'
import {parseWholeNumber} from '../../../core/dates.js'
import {type ConnectionRequest, planRequest} from '../../../core/net/index.js'
import {parseRequestId, type WorkflowResult} from '../../../core/workflow/index.js'

export default class NetRequestPlan extends EgovCommand<typeof NetRequestPlan> {
  static override summary = 'The technical plan (制定方案): reserve the unit’s block from a pool (NET-5)'
  static override description = `The block is allocated best-fit from the pool as reserved, in the same transaction as the step: a failure leaves neither. It becomes active when the business test passes. --prefix-length overrides the size the application asked for. --cidr takes the block the network team chose: free in a pool of the request's plane (the innermost pool holding it, unless --pool names one), or held already, exactly, by the applicant unit outside any connection (a block from net alloc or an import), which then becomes the plan's block. A dual-stack request (--prefix-length-v6 at apply) takes its IPv6 block from --pool-v6 in the same transaction; --pool-v6 on a request without one is exit 2.

NET-4 (属地接入、分级接入): a pool that records a district (or level, see net pool add) serves the units of that district (and level); a block from another district's or level's pool is refused (exit 5) naming both, unless --override-reason says why, which the plan records (in the request's history and JSON, and as a warning).`
  static override examples = ['<%= config.bin %> net request plan 3 --pool 市级']

  static override args = {id: Args.string({description: 'request number', required: true})}

  static override flags = {
    pool: Flags.string({description: 'pool to allocate from (name or CIDR)'}),
    'prefix-length': Flags.string({description: 'allocate this size instead'}),
    'pool-v6': Flags.string({description: 'dual stack: the IPv6 pool for the IPv6 block asked for'}),
    cidr: Flags.string({description: 'take this block (free, or already the unit’s)', exclusive: ['prefix-length']}),
    comment: Flags.string({description: 'a note on the plan'}),
    'override-reason': Flags.string({description: 'plan from a pool of another district or level all the same (NET-4), recording why'}),
  }

  async run(): Promise<Omit<WorkflowResult<ConnectionRequest>, 'warnings'> & {warnings: Array<{code: string; message: string}>}> {
    const store = await this.store()
    const prefixLength = this.flags['prefix-length'] === undefined ? undefined : parseWholeNumber(this.flags['prefix-length'], 'prefix-length', {min: 0, max: 128})
    const result = await planRequest(store, parseRequestId(this.args.id), {
      pool: this.flags.pool,
      poolV6: this.flags['pool-v6'],
      prefixLength,
      cidr: this.flags.cidr,
      comment: this.flags.comment,
      overrideReason: this.flags['override-reason'],
    })
    const plan = result.request.payload.plan
    const v6 = result.request.payload.planV6
    this.log(plan ? this.t('netreq.planned', {id: result.request.id, cidr: plan.cidr, pool: plan.pool}) : v6 ? '' : this.t('request.moved', {id: result.request.id, from: 'reviewed', to: 'planned'}))
    if (v6) this.log(this.t('netreq.plannedV6', {id: result.request.id, cidr: v6.cidr, pool: v6.pool}))
    const overrides = [plan?.override, v6?.override].filter((o) => o !== undefined)
    const warnings = [
      ...result.warnings,
      ...overrides.map((o) => ({code: 'net.net4Override', rule: o.rule, message: this.t('netreq.net4Overridden', {pool: o.pool, unit: result.request.payload.unit, reason: o.reason})})),
    ]
    this.showWarnings(warnings)
    return {...result, warnings}
  }
}
