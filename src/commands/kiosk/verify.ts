import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {verifyKiosks, type VerifyResult} from '../../core/kiosk/index.js'

export default class KioskVerify extends EgovCommand<typeof KioskVerify> {
  static override summary = 'Record the bureau’s check (核验) of kiosks delivered at one site of an onboarding request'
  static override description = `KIOSK-2: each kiosk placed by the form is checked at its site, by serial (unique across the registry). Verifying a serial again at the same site replaces the earlier result. A failed kiosk needs its reason (--note) and stays out of the registry. Once every placed kiosk is verified, the “政银通办” office reviews the request (egov requests approve ID --comment OPINION, by someone other than the filer) and the leader in charge approves it (the same command, by a third person), which admits the kiosks that passed; each approval fills its opinion box of the form (KIOSK-3).`
  static override examples = [
    '<%= config.bin %> kiosk verify 市邮政分公司 --site 1 --serial YZ-0001 YZ-0002 --heartbeat-url http://127.0.0.1:8080/health --result pass',
    '<%= config.bin %> kiosk verify 市邮政分公司 --site 3 --serial YZ-0003 --result fail --note "身份证读卡器故障"',
  ]

  static override args = {request: Args.string({description: 'the kiosk onboarding request: its number, or the applicant unit when it has one open', required: true})}

  static override flags = {
    site: Flags.integer({description: 'the placement’s 编号 on the form', required: true}),
    serial: Flags.string({description: 'kiosk serial numbers (several may follow)', required: true, multiple: true}),
    'heartbeat-url': Flags.string({description: 'the kiosk’s heartbeat URL, probed by "egov kiosk probe"'}),
    result: Flags.string({description: 'the outcome of the check', options: ['pass', 'fail'], required: true}),
    note: Flags.string({description: 'remarks; required when the result is fail'}),
  }

  async run(): Promise<VerifyResult> {
    const store = await this.store()
    const serials = this.flags.serial
    const result = await verifyKiosks(store, this.args.request, {
      site: this.flags.site,
      serials,
      result: this.flags.result as 'pass' | 'fail',
      heartbeatUrl: this.flags['heartbeat-url'],
      note: this.flags.note,
    })
    this.log(
      this.t('kiosk.verify.done', {
        id: result.requestId,
        site: result.site.no,
        name: result.site.name,
        serials: result.kiosks.map((k) => k.serial).join('、'),
        result: this.t(this.flags.result === 'pass' ? 'kiosk.verify.pass' : 'kiosk.verify.fail'),
        verified: result.site.verified,
        quantity: result.site.quantity,
        remaining: result.remaining,
      }),
    )
    return result
  }
}
