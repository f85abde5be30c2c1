import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../../cli/base.js'
import {addPool, type AddPoolResult} from '../../../core/net/index.js'

export default class NetPoolAdd extends EgovCommand<typeof NetPoolAdd> {
  static override summary = 'Add an address pool on a carrier plane (NET-1, NET-2)'
  static override description = `Pools nest: a pool inside an existing pool becomes its child and its space is no longer free in the parent (city /16 → district /20 → town /24); a pool around existing pools becomes their parent, and allocations of the parent that fall inside it move with it. A pool that would cut into an allocation is refused (exit 4). Plane 1 is run by China Telecom, plane 2 by China Mobile. IPv4 and IPv6.

--district and --level (NET-4, 属地接入 and 分级接入) say whom the pool serves: net request plan takes a unit's block only from a pool of its district and level unless an --override-reason is recorded. A pool without them inherits its parent's.`
  static override examples = [
    '<%= config.bin %> net pool add 10.20.0.0/16 --name 市级 --plane 1',
    '<%= config.bin %> net pool add 10.20.16.0/20 --name 城区 --plane 1 --note "城区各部门"',
    '<%= config.bin %> net pool add 10.20.32.0/20 --name 甘州区 --plane 1 --district 甘州区 --level county',
    '<%= config.bin %> net pool add 2001:db8::/32 --name 市级IPv6 --plane 1 --json',
  ]

  static override args = {
    cidr: Args.string({description: 'the block, e.g. 10.20.0.0/16 or 2001:db8::/32', required: true}),
  }

  static override flags = {
    name: Flags.string({description: 'the pool’s name (unique)'}),
    plane: Flags.string({description: 'carrier plane: 1 China Telecom, 2 China Mobile', options: ['1', '2']}),
    note: Flags.string({description: 'a note'}),
    district: Flags.string({description: 'the district the pool serves (属地, NET-4), e.g. 甘州区 or 市本级'}),
    level: Flags.string({description: 'the level of unit it serves (分级, NET-4): city, county, township or village'}),
  }

  async run(): Promise<AddPoolResult> {
    const name = await this.need(this.flags.name, 'name', this.t('col.name'))
    const plane = await this.need(this.flags.plane, 'plane', this.t('col.plane'))
    const store = await this.store()
    const result = await addPool(store, {cidr: this.args.cidr, name, plane, note: this.flags.note, district: this.flags.district, level: this.flags.level})
    const {pool} = result
    this.log(this.t('net.poolAdded', {name: pool.name, cidr: pool.cidr, plane: pool.plane, parent: result.parent ? this.t('net.poolAddedParent', {parent: result.parent}) : ''}))
    const adopted = [...result.adoptedPools, ...result.adoptedAllocations]
    if (adopted.length) this.log(this.t('net.poolAdopted', {count: adopted.length, names: adopted.slice(0, 10).join(', ') + (adopted.length > 10 ? ' …' : '')}))
    return result
  }
}
