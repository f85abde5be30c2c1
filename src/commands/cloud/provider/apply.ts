import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../../cli/base.js'
import {stepLines} from '../../../cli/cloud.js'
import {applyAsProvider, checkProvider, flagOf, type ProviderApplication, readCloudForm, type StepResult, throwProblems} from '../../../core/cloud/index.js'

export default class CloudProviderApply extends EgovCommand<typeof CloudProviderApply> {
  static override summary = 'A provider applies to be admitted to the city cloud (纳管, CLOUD-2)'
  static override description = `With what it offers the city, in totals. Then: expert review (egov requests approve ID --comment "专家评审意见") → admission test (egov cloud provider admission-test ID --result pass|fail --note …) → admitted, and reported to the provincial big-data centre. Or --from-file: a filled provider form (egov cloud template --form provider) or a JSON/YAML file with the keys name, vcpu, memoryGib, storageTib, bandwidthMbps, extranetIps, internetIps, zones. Applying again with the same offer prints the open request.`
  static override examples = [
    '<%= config.bin %> cloud provider apply 电信云 --vcpu 2000 --memory-gib 8192 --storage-tib 500 --bandwidth-mbps 10000 --extranet-ips 512 --internet-ips 64 --zones 兰州一区 --zones 兰州二区',
    '<%= config.bin %> cloud provider apply --from-file fixtures/cloud/纳管申请-移动云.yaml --json',
  ]

  static override args = {name: Args.string({description: 'the provider’s name'})}
  static override flags = {
    vcpu: Flags.string({description: 'vCPU offered'}),
    'memory-gib': Flags.string({description: 'memory offered, GiB'}),
    'storage-tib': Flags.string({description: 'storage offered, TiB (decimals allowed)'}),
    'bandwidth-mbps': Flags.string({description: 'bandwidth offered, Mbps'}),
    'extranet-ips': Flags.string({description: 'extranet addresses it can host (default 0)'}),
    'internet-ips': Flags.string({description: 'internet addresses offered (default 0)'}),
    zones: Flags.string({description: 'availability zone (repeat the flag for more)', multiple: true}),
    'from-file': Flags.string({description: 'a filled provider form, or a JSON/YAML request file'}),
  }

  async run(): Promise<StepResult<ProviderApplication>> {
    const f = this.flags
    const fromFlags: Record<string, string | undefined> = {
      name: this.args.name,
      vcpu: f.vcpu,
      memoryGib: f['memory-gib'],
      storageTib: f['storage-tib'],
      bandwidthMbps: f['bandwidth-mbps'],
      extranetIps: f['extranet-ips'],
      internetIps: f['internet-ips'],
      zones: f.zones?.join(','),
    }
    let checked
    if (f['from-file']) {
      const form = await readCloudForm('provider', f['from-file'])
      const given = Object.fromEntries(Object.entries(fromFlags).filter(([, v]) => v !== undefined))
      checked = checkProvider({...form.values, ...given}, (key) => (key in given ? (key === 'name' ? 'NAME' : `--${flagOf(key)}`) : form.where(key)), this.locale)
      if (checked.problems.length) throwProblems(checked.problems, f['from-file'])
    } else {
      fromFlags.name = await this.need(fromFlags.name, 'NAME', '服务商名称')
      for (const [k, label] of [
        ['vcpu', 'vCPU'],
        ['memoryGib', '内存（GiB）'],
        ['storageTib', '存储（TiB）'],
        ['bandwidthMbps', '带宽（Mbps）'],
      ] as const) {
        fromFlags[k] = await this.need(fromFlags[k], flagOf(k), label)
      }
      checked = checkProvider(fromFlags, (key) => (key === 'name' ? 'NAME' : flagOf(key)), this.locale)
      if (checked.problems.length) throwProblems(checked.problems, undefined)
    }
    const store = await this.store()
    const result = await applyAsProvider(store, checked.values!)
    this.log(stepLines(result, this.locale, this.color, true))
    this.showWarnings(result.warnings)
    return result
  }
}
