import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../../cli/base.js'
import {stepLines} from '../../../cli/cloud.js'
import {applyForException, type CloudException, type StepResult} from '../../../core/cloud/index.js'

export default class CloudExceptionApply extends EgovCommand<typeof CloudExceptionApply> {
  static override summary = 'Record the bureau’s approval that lets the city cloud serve an enterprise or a person (例外审批, CLOUD-9)'
  static override description = `第十三条: 未经政务云管理单位批准，不得向个人或企业提供政务云服务. A unit whose kind is an enterprise (企业, 银行 bank, 邮政企业 post-office, 国有企业 state-enterprise) or a person (个人) applies for the cloud only under an exception recorded here: the bureau files it with its basis (--basis) and the document number of the decision (--document-no, e.g. 嘉数发〔2026〕12号); a second person approves it (egov requests approve ID, X-2) or rejects it (egov requests reject ID --reason …). The unit then applies with egov cloud apply … --approved-exception ID. --system (repeatable) limits the exception to those systems; without it, it covers every system of the unit. Filing the same exception again prints it; the same document number with another basis or other systems is refused (exit 4).`
  static override examples = [
    '<%= config.bin %> cloud exception apply --unit 某银行嘉峪关分行 --basis "市政府专题会议纪要：同意该行金融服务系统接入政务云" --document-no 嘉数发〔2026〕12号 --system 金融服务系统',
  ]

  static override flags = {
    unit: Flags.string({description: 'the unit the exception is granted to, as in the unit registry (an enterprise or a person)'}),
    basis: Flags.string({description: 'the basis of the approval (批准依据)'}),
    'document-no': Flags.string({description: 'the document number of the decision (文号), e.g. 嘉数发〔2026〕12号'}),
    system: Flags.string({description: 'a system the exception covers (repeat for more; none: every system of the unit)', multiple: true}),
  }

  async run(): Promise<StepResult<CloudException>> {
    const unit = await this.need(this.flags.unit, 'unit', '单位')
    const basis = await this.need(this.flags.basis, 'basis', '批准依据')
    const documentNo = await this.need(this.flags['document-no'], 'document-no', '文号')
    const store = await this.store()
    const result = await applyForException(store, {unit, basis, documentNo, systems: this.flags.system})
    const r = result.request
    this.log(result.unchanged ? stepLines(result, this.locale, this.color) : this.t('cloud.exception.filed', {id: r.id, summary: r.summary, due: r.dueOn ?? '—'}))
    this.showWarnings(result.warnings)
    return result
  }
}
