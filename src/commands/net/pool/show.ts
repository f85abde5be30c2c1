import * as Args from '@oclif/core/args'

import {EgovCommand} from '../../../cli/base.js'
import {formatCount} from '../../../cli/net.js'
import {findPool, freeBlocks, type Pool, type PoolUsage, usage} from '../../../core/net/index.js'

export default class NetPoolShow extends EgovCommand<typeof NetPoolShow> {
  static override summary = 'Show one pool: its place in the tree, figures and largest free blocks'
  static override examples = ['<%= config.bin %> net pool show 市级', '<%= config.bin %> net pool show 10.20.16.0/20 --json']

  static override args = {
    pool: Args.string({description: 'pool name or CIDR', required: true}),
  }

  async run(): Promise<Pool & {usage: PoolUsage; children: string[]; largestFree: string[]}> {
    const store = await this.store()
    const pool = await findPool(store, this.args.pool)
    const report = await usage(store, pool.name)
    const figures = report.pools.find((p) => p.name === pool.name)!
    const children = report.pools.filter((p) => p.parent === pool.name).map((p) => p.name)
    const free = await freeBlocks(store, pool.name, {limit: 1_000})
    const largestFree = [...free.blocks]
      .sort((a, b) => a.prefix - b.prefix)
      .slice(0, 5)
      .map((b) => b.cidr)
    const t = (k: Parameters<typeof this.t>[0]) => this.t(k)
    this.log(`${this.color.bold(pool.name)}  ${pool.cidr}  ${this.t(pool.plane === 1 ? 'net.plane.1' : 'net.plane.2')}`)
    if (figures.parent) this.log(`${t('col.pool')}: ${figures.parent} › ${pool.name}`)
    if (pool.note) this.log(pool.note)
    this.log(
      `${t('col.size')}: ${formatCount(figures.size)}   ${t('col.used')}: ${formatCount(BigInt(figures.allocated) + BigInt(figures.reserved))} (${figures.usedPercent}%)   ${t('col.free')}: ${formatCount(figures.free)}`,
    )
    if (children.length) this.log(`${t('col.name')}: ${children.join(', ')}`)
    if (largestFree.length) this.log(`${t('col.free')}: ${largestFree.join(', ')}`)
    return {...pool, usage: figures, children, largestFree}
  }
}
