import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {formatCount} from '../../cli/net.js'
import {parseWholeNumber} from '../../core/dates.js'
import {freeBlocks, type FreeResult} from '../../core/net/index.js'

export default class NetFree extends EgovCommand<typeof NetFree> {
  static override summary = 'Free blocks of a pool, lowest address first, paged'
  static override description = `Read from the free-space index: an IPv6 /32 answers as fast as a /24, without enumerating addresses. With --prefix-length N only blocks that can hold a /N are listed, and the count of /N that fit is given. Page with --limit and --after (the last block shown).`
  static override examples = [
    '<%= config.bin %> net free --pool 市级',
    '<%= config.bin %> net free --pool 市级 --prefix-length 24 --limit 10',
    '<%= config.bin %> net free --pool 市级 --limit 20 --after 10.20.4.0/22 --json',
  ]

  static override flags = {
    pool: Flags.string({description: 'pool name or CIDR'}),
    'prefix-length': Flags.string({description: 'only blocks that can hold a block of this prefix length'}),
    limit: Flags.string({description: 'at most this many blocks', default: '50'}),
    after: Flags.string({description: 'start after this block (paging)'}),
  }

  async run(): Promise<FreeResult> {
    const pool = await this.need(this.flags.pool, 'pool', this.t('col.pool'))
    const prefixLength = this.flags['prefix-length'] === undefined ? undefined : parseWholeNumber(this.flags['prefix-length'], 'prefix-length', {min: 0, max: 128})
    const limit = parseWholeNumber(this.flags.limit, 'limit', {min: 1, max: 1_000_000})
    const store = await this.store()
    const result = await freeBlocks(store.db, pool, {prefixLength, limit, after: this.flags.after})
    for (const b of result.blocks) this.log(`${b.cidr.padEnd(24)} ${formatCount(b.addresses)}`)
    if (result.totalBlocks > result.blocks.length && !this.flags.after) this.log(this.t('net.more', {count: result.totalBlocks - result.blocks.length}))
    const fit = result.fit ? this.t('net.freeFit', {count: formatCount(result.fit.count), prefix: result.fit.prefix}) : ''
    this.log(this.t('net.freeSummary', {blocks: result.totalBlocks, addresses: formatCount(result.addresses), fit}))
    return result
  }
}
