import * as Flags from '@oclif/core/flags'

import {CertCommand, csrFlag, daysFlag, filedText, readCsrFile} from '../../cli/cert.js'
import {applyForCertificate, type CertRequest} from '../../core/cert/index.js'
import type {WorkflowResult} from '../../core/workflow/index.js'

export default class CertApply extends CertCommand<typeof CertApply> {
  static override summary = 'Apply for a certificate for a staff member on a medium (申请, CERT-1, CERT-3)'
  static override description = `Files a request of kind cert; the certificate is issued when another operator approves it (egov requests approve ID, with the CA passphrase in EGOV_CA_PASSPHRASE). The holder is a person in a registered unit (egov units add), identified by their resident ID number (18 characters, GB 11643 check character), of which only a salted hash and the last four characters are kept. A medium (USB key) belongs to one holder only, and a holder has one valid certificate per profile (CERT-1, exit 5). Without --csr egov makes the key and keeps it encrypted; it is delivered once as PKCS#12 (egov cert export SERIAL --p12 FILE).`
  static override examples = [
    '<%= config.bin %> cert apply --holder 张三 --unit 市人力资源和社会保障局 --id-number 11010519491231002X --medium UK-2026-0001 --profile staff',
    '<%= config.bin %> cert apply --holder 王五 --unit 市人力资源和社会保障局 --id-number 620200199001011236 --medium UK-2026-0002 --days 365 --json',
    '<%= config.bin %> cert apply --holder 李四 --unit 市人力资源和社会保障局 --id-number 620200198506120038 --profile server --dns hr.example.gov.cn --ip 10.20.0.8',
  ]

  static override flags = {
    holder: Flags.string({description: 'the holder’s name (持有人姓名)'}),
    unit: Flags.string({description: 'the holder’s unit, as registered (所在单位)'}),
    'id-number': Flags.string({description: 'resident ID number (居民身份证号码); only a hash and the last 4 are kept'}),
    medium: Flags.string({description: 'serial of the medium (USB key, 介质序列号); required for staff'}),
    profile: Flags.string({description: 'certificate profile (egov cert profile list): staff, staff-sm2, staff-sm2-enc, server, or one added', default: 'staff'}),
    csr: csrFlag,
    dns: Flags.string({description: 'DNS name for a server certificate (repeatable)', multiple: true}),
    ip: Flags.string({description: 'IP address for a server certificate (repeatable)', multiple: true}),
    days: daysFlag,
  }

  async run(): Promise<WorkflowResult<CertRequest>> {
    const f = this.flags
    const input = {
      holder: await this.need(f.holder, 'holder', '持有人姓名'),
      unit: await this.need(f.unit, 'unit', this.t('col.unit')),
      idNumber: await this.need(f['id-number'], 'id-number', '居民身份证号码'),
      medium: f.medium,
      profile: f.profile,
      csr: await readCsrFile(f.csr),
      dns: f.dns,
      ips: f.ip,
      days: f.days,
    }
    const store = await this.store()
    const result = await applyForCertificate(store, input)
    this.log(filedText(result, this.locale))
    this.showWarnings(result.warnings)
    return result
  }
}
