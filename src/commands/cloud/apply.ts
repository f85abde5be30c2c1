import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {stepLines} from '../../cli/cloud.js'
import {applyForCloud, checkApplication, flagOf, type OnboardingRequest, readCloudForm, type StepResult, throwProblems} from '../../core/cloud/index.js'

export default class CloudApply extends EgovCommand<typeof CloudApply> {
  static override summary = 'Apply to put a unit’s system on the city cloud (申请, CLOUD-1, CLOUD-3, CLOUD-9)'
  static override description = `The first step of CLOUD-3, with the resource request (资源申请表) and the signed security responsibility letter (安全责任书, stored by reference: path, size and SHA-256). --vcpu, --memory-gib and the disks are per VM; the request's totals are --vms times them. A system of level 4 or 5, or classified, is refused by CLOUD-1 (exit 5); a unit whose kind is an enterprise (企业, 银行 bank, 邮政企业 post-office, 国有企业 state-enterprise) or a person (个人) is refused by CLOUD-9 (第十三条, exit 5) unless --approved-exception ID names an approved exception granted to the unit (and to this system, when it names systems): egov cloud exception apply, approved by a second person; a number that is no request is exit 3, one that is not a number exit 2. System names are unique. Or give --from-file: a filled 政务云资源申请表 (egov cloud template), or a JSON/YAML file with the same keys (unit, system, level, classified, vms, vcpu, memoryGib, systemDiskGib, dataDiskGib, bandwidthMbps, extranetIps, internetIps, os, securityLetter, approvedException); flags given beside it override the file. Applying again with the same values is a no-op that prints the request.

Then: egov requests approve ID (初审) → egov cloud plan ID --file 上云方案 → egov requests approve ID (审批: capacity reserved) → egov cloud agreement ID --file 服务协议 → egov cloud provision ID.`
  static override examples = [
    '<%= config.bin %> cloud apply --unit 市人力资源和社会保障局 --system 社保业务系统 --level 3 --vms 4 --vcpu 8 --memory-gib 32 --system-disk-gib 100 --data-disk-gib 500 --bandwidth-mbps 100 --extranet-ips 4 --os "麒麟V10" --security-letter fixtures/cloud/安全责任书-人社局.pdf',
    '<%= config.bin %> cloud apply --from-file fixtures/cloud/资源申请表-市医保局.xlsx --json',
  ]

  static override flags = {
    unit: Flags.string({description: 'the applying unit (申请单位), as in the unit registry'}),
    system: Flags.string({description: 'the system’s name (系统名称), unique on the cloud'}),
    level: Flags.string({description: 'graded-protection level (等保级别) 1–5; above 3 is refused (CLOUD-1)'}),
    classified: Flags.boolean({description: 'the system is classified (涉密): refused (CLOUD-1)'}),
    vms: Flags.string({description: 'number of VMs'}),
    vcpu: Flags.string({description: 'vCPU per VM'}),
    'memory-gib': Flags.string({description: 'memory per VM, GiB'}),
    'system-disk-gib': Flags.string({description: 'system disk per VM, GiB'}),
    'data-disk-gib': Flags.string({description: 'data disk per VM, GiB (default 0)'}),
    'bandwidth-mbps': Flags.string({description: 'bandwidth, Mbps'}),
    'extranet-ips': Flags.string({description: 'extranet (电子政务外网) addresses, from the pool the plan names (default 0)'}),
    'internet-ips': Flags.string({description: 'internet addresses (default 0)'}),
    os: Flags.string({description: 'operating system (操作系统)'}),
    'security-letter': Flags.string({description: 'the signed security responsibility letter (安全责任书), a file'}),
    'approved-exception': Flags.string({description: 'the number of the approved exception that lets an enterprise or a person apply (egov cloud exception list, CLOUD-9)'}),
    'from-file': Flags.string({description: 'a filled application workbook, or a JSON/YAML request file'}),
  }

  async run(): Promise<StepResult<OnboardingRequest>> {
    const f = this.flags
    const fromFlags: Record<string, string | undefined> = {
      unit: f.unit,
      system: f.system,
      level: f.level,
      classified: f.classified ? '是' : undefined,
      vms: f.vms,
      vcpu: f.vcpu,
      memoryGib: f['memory-gib'],
      systemDiskGib: f['system-disk-gib'],
      dataDiskGib: f['data-disk-gib'],
      bandwidthMbps: f['bandwidth-mbps'],
      extranetIps: f['extranet-ips'],
      internetIps: f['internet-ips'],
      os: f.os,
      securityLetter: f['security-letter'],
      approvedException: f['approved-exception'],
    }
    let checked
    if (f['from-file']) {
      const form = await readCloudForm('application', f['from-file'])
      const given = defined(fromFlags)
      // A request file may leave 是否涉密 out (not classified); the workbook has the row, and a blank there is an error.
      const values = {...(f['from-file'].toLowerCase().endsWith('.xlsx') ? {} : {classified: '否'}), ...form.values, ...given}
      checked = checkApplication(values, (key) => (key in given ? `--${flagOf(key)}` : form.where(key)), this.locale, 'securityLetter' in given ? undefined : form.base)
      if (checked.problems.length) throwProblems(checked.problems, f['from-file'])
    } else {
      for (const [k, label] of [
        ['unit', '申请单位'],
        ['system', '系统名称'],
        ['level', '等保级别'],
        ['vms', '虚拟机数量'],
        ['vcpu', '每台vCPU'],
        ['memoryGib', '每台内存（GiB）'],
        ['systemDiskGib', '每台系统盘（GiB）'],
        ['bandwidthMbps', '带宽（Mbps）'],
        ['os', '操作系统'],
        ['securityLetter', '安全责任书'],
      ] as const) {
        fromFlags[k] = await this.need(fromFlags[k], flagOf(k), label)
      }
      checked = checkApplication({classified: '否', ...defined(fromFlags)}, (key) => flagOf(key), this.locale)
      if (checked.problems.length) throwProblems(checked.problems, undefined)
    }
    const store = await this.store()
    const result = await applyForCloud(store, checked.values!)
    this.log(stepLines(result, this.locale, this.color, true))
    this.showWarnings(result.warnings)
    return result
  }
}

function defined(values: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Record<string, string>
}
