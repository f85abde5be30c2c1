import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../../cli/base.js'
import {stepLines} from '../../../cli/cloud.js'
import {type ProviderApplication, recordAdmissionTest, type StepResult} from '../../../core/cloud/index.js'
import {parseRequestId} from '../../../core/workflow/index.js'

export default class CloudProviderAdmissionTest extends EgovCommand<typeof CloudProviderAdmissionTest> {
  static override summary = 'Record the admission test (纳管测试) of a provider’s request (CLOUD-2)'
  static override description = `After the expert review (egov requests approve ID). A pass admits the provider and records the date it was reported to the provincial big-data centre (--reported-on, today by default; on or after the day the application was filed and not after today, else exit 2 naming CLOUD-2); a fail is recorded and the test may be run again.`
  static override examples = ['<%= config.bin %> cloud provider admission-test 1 --result pass --note "性能与安全测试通过" --reported-on 2026-11-24']

  static override args = {id: Args.string({description: 'the provider’s admission request number', required: true})}
  static override flags = {
    result: Flags.string({description: 'the test’s result', options: ['pass', 'fail'], required: true}),
    note: Flags.string({description: 'what was tested and found', required: true}),
    'reported-on': Flags.string({description: 'the date reported to the provincial big-data centre (YYYY-MM-DD)'}),
  }

  async run(): Promise<StepResult<ProviderApplication> & {admitted: boolean}> {
    const store = await this.store()
    const result = await recordAdmissionTest(store, parseRequestId(this.args.id), {result: this.flags.result, note: this.flags.note, reportedOn: this.flags['reported-on']})
    if (!result.admitted) this.log(this.t('cloud.testFailed', {id: result.request.id}))
    else if (result.unchanged) this.log(stepLines(result, this.locale, this.color))
    else this.log(this.t('cloud.admitted', {name: result.request.payload.name, reported: result.request.payload.reportedOn}))
    return result
  }
}
