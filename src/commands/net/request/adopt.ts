import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../../cli/base.js'
import {filedLine} from '../../../cli/requests.js'
import {parseWholeNumber} from '../../../core/dates.js'
import {type AdoptRequest, applyForAdoption} from '../../../core/net/index.js'
import {type WorkflowResult} from '../../../core/workflow/index.js'

export default class NetRequestAdopt extends EgovCommand<typeof NetRequestAdopt> {
  static override summary = 'Record a connection already in service before egov, with its blocks (存量接入登记, NET-5)'
  static override description = `For a city already on the extranet: the unit's connection is recorded as it is, with the blocks it has (--cidr, repeatable), its access mode, bandwidth and the day it went into service (--since). Each block must lie in a pool of the plane and be free there, or be held already, whole, by the unit itself (from net import or net alloc). The unit must be in the registry and eligible (NET-3); the line's payer follows NET-8. A second person approves it (egov requests approve ID, X-2); the blocks are checked again then, taken in the same transaction, and the connection is in service from --since: change, cut-off, close and the yearly report treat it like any other.`
  static override examples = ['<%= config.bin %> net request adopt 市税务局 --cidr 10.20.144.0/24 --access-mode fiber --bandwidth 100 --since 2019-05-01 --basis "市信息中心〔2019〕8号"']

  static override args = {unit: Args.string({description: 'the unit', required: true})}
  static override flags = {
    cidr: Flags.string({description: 'a block the connection has (repeatable)', multiple: true}),
    'access-mode': Flags.string({description: 'fiber | mstp | vpn | wireless'}),
    bandwidth: Flags.string({description: 'bandwidth in Mbps'}),
    since: Flags.string({description: 'the day it went into service (YYYY-MM-DD)'}),
    basis: Flags.string({description: 'the basis: the original approval or contract'}),
    plane: Flags.string({description: '1 China Telecom (default), 2 China Mobile', options: ['1', '2']}),
    sponsor: Flags.string({description: 'competent department (归口部门), required for category (四) units'}),
    'cost-bearer': Flags.string({description: 'who pays the line: bureau or unit (NET-8)', options: ['bureau', 'unit']}),
  }

  async run(): Promise<WorkflowResult<AdoptRequest>> {
    const f = this.flags
    const cidrs = f.cidr ?? [await this.need(undefined, 'cidr', '地址段')]
    const input = {
      unit: this.args.unit,
      cidrs,
      accessMode: await this.need(f['access-mode'], 'access-mode', '接入方式'),
      bandwidthMbps: parseWholeNumber(await this.need(f.bandwidth, 'bandwidth', '带宽（Mbps）'), 'bandwidth', {min: 1, max: 100_000}),
      since: await this.need(f.since, 'since', '接入日期'),
      basis: await this.need(f.basis, 'basis', '依据'),
      plane: f.plane,
      sponsor: f.sponsor,
      costBearer: f['cost-bearer'],
    }
    const store = await this.store()
    const result = await applyForAdoption(store, input)
    this.log(filedLine(result.request, this.locale))
    this.showWarnings(result.warnings)
    return result
  }
}
