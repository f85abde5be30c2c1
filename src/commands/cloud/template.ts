import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {forceFlag, readyToWrite} from '../../cli/output-flags.js'
import {formLayout, type FormName, writeCloudForm} from '../../core/cloud/index.js'

export default class CloudTemplate extends EgovCommand<typeof CloudTemplate> {
  static override summary = 'Write a blank 政务云资源申请表 (or the provider admission form) to fill in'
  static override description = `The workbook a unit fills in to apply (CLOUD-3): each field is a label with its value to its right, drop-downs for listed values. CPU, memory and disks are per VM. The same layout (templates/cloud-application.json) reads the filled form (egov cloud apply --from-file) and writes a request back out (egov cloud export). --form provider writes the provider's admission form (CLOUD-2) instead.`
  static override examples = ['<%= config.bin %> cloud template --out 政务云资源申请表.xlsx', '<%= config.bin %> cloud template --form provider --out 服务商纳管申请表.xlsx']

  static override flags = {
    out: Flags.string({description: 'the .xlsx file to write', required: true}),
    form: Flags.string({description: 'which form', options: ['application', 'provider'], default: 'application'}),
    force: forceFlag,
  }

  async run(): Promise<{file: string; form: string}> {
    await readyToWrite({out: this.flags.out}, {force: this.flags.force, interactive: this.interactive(), locale: this.locale})
    const name = this.flags.form as FormName
    await writeCloudForm(name, this.flags.out)
    const form = formLayout(name).form
    this.log(this.t('cloud.template.written', {file: this.flags.out, form}))
    return {file: this.flags.out, form}
  }
}
