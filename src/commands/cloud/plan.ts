import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {RESOURCE_LABEL, stepLines} from '../../cli/cloud.js'
import {type OnboardingRequest, planOnboarding, type Proposal, type StepResult} from '../../core/cloud/index.js'
import {parseRequestId} from '../../core/workflow/index.js'

export default class CloudPlan extends EgovCommand<typeof CloudPlan> {
  static override summary = 'Record the unit’s onboarding or migration plan (上云方案/迁移方案) and its provider (CLOUD-3, CLOUD-6)'
  static override description = `After the initial review (egov requests approve ID). The plan is stored by reference (path, size, SHA-256). It names the provider; without --provider egov proposes one by CLOUD-6 (部门高度集中、行业相对集中) among the admitted providers with room for it, and says why: the one already hosting most of the unit's own systems; else the one hosting most systems of its department's units (the department above it and the units under that department); else the one with the most free capacity. A system needing extranet addresses names the net pool they come from (--pool); they are reserved when the bureau approves. Then egov requests approve ID: capacity is reserved on the provider at that moment, or refused (exit 4) naming the resource short.`
  static override examples = [
    '<%= config.bin %> cloud plan 3 --file fixtures/cloud/上云方案-社保业务系统.pdf --pool 政务外网-市级',
    '<%= config.bin %> cloud plan 3 --file fixtures/cloud/上云方案-社保业务系统.pdf --provider 电信云 --pool 政务外网-市级 --json',
  ]

  static override args = {id: Args.string({description: 'the onboarding request’s number', required: true})}
  static override flags = {
    file: Flags.string({description: 'the plan document (上云方案 or 迁移方案)', required: true}),
    provider: Flags.string({description: 'the provider the plan names; proposed by CLOUD-6 when left out'}),
    pool: Flags.string({description: 'the net pool the system’s extranet addresses come from'}),
    comment: Flags.string({description: 'a note for the history'}),
  }

  async run(): Promise<StepResult<OnboardingRequest> & {proposal?: Proposal}> {
    const store = await this.store()
    const result = await planOnboarding(store, parseRequestId(this.args.id), {file: this.flags.file, provider: this.flags.provider, pool: this.flags.pool, comment: this.flags.comment})
    if (result.proposal) {
      const p = result.proposal
      const reason =
        p.reason === 'unit'
          ? this.t('cloud.proposal.unit', {count: p.figure})
          : p.reason === 'sector'
            ? this.t('cloud.proposal.sector', {count: p.figure, department: p.department})
            : this.t('cloud.proposal.free', {share: p.figure, resource: RESOURCE_LABEL[p.resource as keyof typeof RESOURCE_LABEL] ?? p.resource})
      this.log(this.t('cloud.proposed', {provider: p.provider, reason}))
    }
    this.log(stepLines(result, this.locale, this.color))
    this.showWarnings(result.warnings)
    return result
  }
}
