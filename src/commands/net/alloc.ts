import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {allocationTable} from '../../cli/net.js'
import {parseWholeNumber} from '../../core/dates.js'
import {InvalidInput} from '../../core/errors.js'
import {type Allocation, allocate} from '../../core/net/index.js'

/** A whole number in a range: out of range says the bound ("at least 1"), not "not a whole number". */
function inRange(value: string, field: string, min: number, max: number): number {
  const n = parseWholeNumber(value, field)
  if (n < min) throw new InvalidInput('net.atLeast', {field, min, value: n}, {field})
  if (n > max) throw new InvalidInput('net.atMost', {field, max, value: n}, {field})
  return n
}

export default class NetAlloc extends EgovCommand<typeof NetAlloc> {
  static override summary = 'Allocate address blocks from a pool to a unit'
  static override description = `Give the size as exactly one of --prefix-length, --hosts (IPv4: the smallest block with that many usable hosts, network and broadcast excluded; /31 and /32 as RFC 3021 has them) or --cidr (that exact block, which must be free).

Placement is best-fit: the pool's free space is kept as maximal aligned CIDR blocks; the smallest block that can hold the request is taken, the lowest-addressed among equals, and the request goes at its start. Large blocks stay whole for the units that will need them later. --count K allocates K blocks in one transaction (all or none).

--unit names a unit in the registry (egov units add): an unknown name is exit 3 with the nearest registered name suggested.`
  static override examples = [
    '<%= config.bin %> units add 市人社局 --kind party-government --level city && <%= config.bin %> units add 市医保局 --kind party-government --level city && <%= config.bin %> units add 市数据局 --kind party-government --level city',
    '<%= config.bin %> net alloc --pool 市级 --hosts 50 --unit 市人社局 --purpose 社保业务专网',
    '<%= config.bin %> net alloc --pool 市级 --prefix-length 29 --unit 市医保局 --count 4 --json',
    '<%= config.bin %> net alloc --pool 市级 --cidr 10.20.255.0/24 --unit 市数据局 --status reserved',
  ]

  static override flags = {
    pool: Flags.string({description: 'pool name or CIDR'}),
    'prefix-length': Flags.string({description: 'block size as a prefix length, e.g. 29'}),
    hosts: Flags.string({description: 'IPv4: usable hosts needed'}),
    cidr: Flags.string({description: 'this exact block'}),
    unit: Flags.string({description: 'the unit (单位) the block is for'}),
    purpose: Flags.string({description: 'what it is for (用途)'}),
    status: Flags.string({description: 'active, or reserved for later', options: ['active', 'reserved'], default: 'active'}),
    count: Flags.string({description: 'how many blocks of that size', default: '1'}),
  }

  async run(): Promise<{allocations: Allocation[]}> {
    const pool = await this.need(this.flags.pool, 'pool', this.t('col.pool'))
    const unit = await this.need(this.flags.unit, 'unit', this.t('col.unit'))
    const f = this.flags
    const prefixLength = f['prefix-length'] === undefined ? undefined : inRange(f['prefix-length'], 'prefix-length', 0, 128)
    const hosts = f.hosts === undefined ? undefined : inRange(f.hosts, 'hosts', 1, 2 ** 31 - 2)
    const count = inRange(f.count, 'count', 1, 100_000)
    const store = await this.store()
    const allocations = await allocate(store, {pool, prefixLength, hosts, cidr: f.cidr, unit, purpose: f.purpose, status: f.status, count, registered: true})
    const [only] = allocations
    if (only && allocations.length === 1) this.log(this.t(only.status === 'reserved' ? 'net.reserved' : 'net.allocated', {cidr: only.cidr, pool: only.pool, unit: only.unit}))
    else this.log(allocationTable(allocations, this.locale, this.color))
    return {allocations}
  }
}
