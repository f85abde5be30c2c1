import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {forceFlag, readyToWrite} from '../../cli/output-flags.js'
import {formLayout, type OnboardingRequest, writeCloudForm} from '../../core/cloud/index.js'
import {InvalidInput} from '../../core/errors.js'
import {loadRequest, parseRequestId} from '../../core/workflow/index.js'

const LEVEL_NAMES = ['', '第一级', '第二级', '第三级', '第四级', '第五级']

export default class CloudExport extends EgovCommand<typeof CloudExport> {
  static override summary = 'Write an onboarding request back out as its filled 政务云资源申请表'
  static override description = `The same layout as the template and the reader: the written workbook reads back with egov cloud apply --from-file to the same values. The security letter is written as the path recorded.`
  static override examples = ['<%= config.bin %> cloud export 3 --out 资源申请表-社保业务系统.xlsx']

  static override args = {id: Args.string({description: 'the onboarding request’s number', required: true})}
  static override flags = {out: Flags.string({description: 'the .xlsx file to write', required: true}), force: forceFlag}

  async run(): Promise<{file: string; id: number}> {
    await readyToWrite({out: this.flags.out}, {force: this.flags.force, interactive: this.interactive(), locale: this.locale})
    const id = parseRequestId(this.args.id)
    const store = await this.store()
    const request = await loadRequest(store, id)
    if (request.kind !== 'cloud-onboarding') throw new InvalidInput('request.wrongKind', {id, kind: request.kind, expected: 'cloud-onboarding'}, {field: 'ID'})
    const p = request.payload as OnboardingRequest
    await writeCloudForm('application', this.flags.out, {
      unit: p.unit,
      system: p.system,
      level: LEVEL_NAMES[p.level],
      classified: p.classified ? '是' : '否',
      ...p.config,
      os: p.os,
      securityLetter: p.securityLetter.path,
      approvedException: p.exceptionId ?? p.exceptionRef,
    })
    this.log(this.t('cloud.exported', {file: this.flags.out, form: formLayout('application').form, id}))
    return {file: this.flags.out, id}
  }
}
