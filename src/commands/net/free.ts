import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {formatCount} from '../../cli/net.js'
import {parseWholeNumber} from '../../core/dates.js'
import {freeBlocks, type FreeResult} from '../../core/net/index.js'

export default class NetFree extends EgovCommand<typeof NetFree> {
  static override summary = 'Free blocks of a pool, lowest address first, paged'
  static override description = `Read from the free-space index: an IPv6 /32 answers as fast as a /24, without enumerating addresses. With --prefix-length N only blocks that can hold a /N are listed, and the count of /N that fit is given. Page with --limit and --after (the last block shown).

--columns and --output (csv, tsv, json, value) give the blocks alone for a script (the paging and summary lines are left out), by key: cidr, addresses (a plain number) — e.g. --columns cidr --output value for one block a line.`
  static override examples = [
    '<%= config.bin %> net free --pool 市级',
    '<%= config.bin %> net free --pool 市级 --prefix-length 24 --limit 10',
    '<%= config.bin %> net free --pool 市级 --limit 20 --after 10.20.4.0/22 --json',
    '<%= config.bin %> net free --pool 市级 --prefix-length 24 --columns cidr,addresses --output csv',
  ]

  static override flags = {
    pool: Flags.string({description: 'pool name or CIDR'}),
    'prefix-length': Flags.string({description: 'only blocks that can hold a block of this prefix length'}),
    limit: Flags.string({description: 'at most this many blocks', default: '50'}),
    after: Flags.string({description: 'start after this block (paging)'}),
    ...EgovCommand.listFlags,
  }

  async run(): Promise<FreeResult> {
    const pool = await this.need(this.flags.pool, 'pool', this.t('col.pool'))
    const prefixLength = this.flags['prefix-length'] === undefined ? undefined : parseWholeNumber(this.flags['prefix-length'], 'prefix-length', {min: 0, max: 128})
    const limit = parseWholeNumber(this.flags.limit, 'limit', {min: 1, max: 1_000_000})
    const store = await this.store()
    const result = await freeBlocks(store, pool, {prefixLength, limit, after: this.flags.after})
    this.table(
      result.blocks,
      [
        {header: this.t('col.cidr'), get: (b) => b.cidr},
        {header: this.t('col.addresses'), get: (b) => (this.rowsOnly() ? String(b.addresses) : formatCount(b.addresses))},
      ],
      '',
    )
    if (result.totalBlocks > result.blocks.length && !this.flags.after) this.aside(this.t('net.more', {count: result.totalBlocks - result.blocks.length}))
    const fit = result.fit ? this.t('net.freeFit', {count: formatCount(result.fit.count), prefix: result.fit.prefix}) : ''
    this.aside(this.t('net.freeSummary', {blocks: result.totalBlocks, addresses: formatCount(result.addresses), fit}))
    return result
  }
}
