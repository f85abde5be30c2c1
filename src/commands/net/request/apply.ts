import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../../cli/base.js'
import {filedLine} from '../../../cli/requests.js'
import {parseWholeNumber} from '../../../core/dates.js'
import {accessModes, applyForConnection, type ApplyInput, type ConnectionRequest, readApplication} from '../../../core/net/index.js'
import {type WorkflowResult} from '../../../core/workflow/index.js'

export default class NetRequestApply extends EgovCommand<typeof NetRequestApply> {
  static override summary = 'Apply for a unit’s extranet connection (申请, NET-3, NET-5, NET-8)'
  static override description = `The first step of NET-5: the application with its basis (申请依据), access mode (接入方式: ${accessModes()
    .map((m) => `${m.key} ${m.name}`)
    .join(
      ', ',
    )}), scope (接入范围), address need (--hosts or --prefix-length; with --prefix-length-v6 an IPv6 block too, dual stack) and business need. The unit must be in the registry (egov units add) and eligible (NET-3); a category (四) unit applies through its competent department (--sponsor), which carries its security responsibility, or is refused (exit 5). The line is paid by the bureau for city-budget units and by the unit otherwise (NET-8); --cost-bearer may only confirm that. A unit holds one connection per plane (NET-2): a second on the same plane is exit 4, one on the other (--plane 2) is an onboarding of its own. Or give --from-file: a filled 电子政务外网接入申请表 (egov net request template), or a JSON/YAML file with the same keys (unit, basis, accessMode, scope, hosts, prefixLength, plane, bandwidthMbps, business, sponsor, costBearer, prefixLengthV6).

Then: egov requests approve ID (审核) → egov net request plan ID --pool P (制定方案) → implement ID (实施) → test ID (业务测试) → in service.`
  static override examples = [
    '<%= config.bin %> net request apply --unit 市人力资源和社会保障局 --basis "甘政办发〔2026〕12号" --access-mode fiber --scope "机关办公楼三层" --hosts 50 --bandwidth 100 --business "社保业务系统"',
    '<%= config.bin %> net request apply --from-file fixtures/net/接入申请表-市邮政分公司.xlsx --json',
  ]

  static override flags = {
    unit: Flags.string({description: 'the applying unit (申请单位)'}),
    basis: Flags.string({description: 'the basis of the application (申请依据)'}),
    'access-mode': Flags.string({description: 'fiber | mstp | vpn | wireless'}),
    scope: Flags.string({description: 'what is connected (接入范围)'}),
    hosts: Flags.string({description: 'address need: usable hosts'}),
    'prefix-length': Flags.string({description: 'address need: a block of this prefix length'}),
    'prefix-length-v6': Flags.string({description: 'dual stack: an IPv6 block of this prefix length too, e.g. 64'}),
    plane: Flags.string({description: '1 China Telecom (default), 2 China Mobile', options: ['1', '2']}),
    bandwidth: Flags.string({description: 'bandwidth in Mbps'}),
    business: Flags.string({description: 'the business need (业务需求)'}),
    sponsor: Flags.string({description: 'competent department (归口部门), required for category (四) units'}),
    'cost-bearer': Flags.string({description: 'who pays the line: bureau or unit (NET-8)', options: ['bureau', 'unit']}),
    'from-file': Flags.string({description: 'a filled application workbook, or a JSON/YAML request file'}),
  }

  async run(): Promise<WorkflowResult<ConnectionRequest>> {
    const f = this.flags
    let input: ApplyInput
    if (f['from-file']) {
      input = (await readApplication(f['from-file'], this.locale)).input
    } else {
      const int = (v: string | undefined, field: string) => (v === undefined ? undefined : parseWholeNumber(v, field, {min: 1, max: 1_000_000}))
      input = {
        unit: await this.need(f.unit, 'unit', this.t('col.unit')),
        basis: await this.need(f.basis, 'basis', '申请依据'),
        accessMode: await this.need(f['access-mode'], 'access-mode', '接入方式'),
        scope: await this.need(f.scope, 'scope', '接入范围'),
        hosts: int(f.hosts, 'hosts'),
        prefixLength: int(f['prefix-length'], 'prefix-length'),
        prefixLengthV6: int(f['prefix-length-v6'], 'prefix-length-v6'),
        plane: f.plane,
        bandwidthMbps: int(await this.need(f.bandwidth, 'bandwidth', '带宽（Mbps）'), 'bandwidth')!,
        business: await this.need(f.business, 'business', '业务需求'),
        sponsor: f.sponsor,
        costBearer: f['cost-bearer'],
      }
    }
    const store = await this.store()
    const result = await applyForConnection(store, input)
    this.log(filedLine(result.request, this.locale))
    this.showWarnings(result.warnings)
    return result
  }
}
