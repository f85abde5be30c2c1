import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {forceFlag, readyToWrite} from '../../cli/output-flags.js'
import {terminalWidth} from '../../cli/table.js'
import {InvalidInput} from '../../core/errors.js'
import {writeOutputFileSync} from '../../core/io/output-file.js'
import {type MapLabels, poolMap, renderSvgMap, renderTerminalMap} from '../../core/net/index.js'

export default class NetMap extends EgovCommand<typeof NetMap> {
  static override summary = 'A picture of a pool: which ranges are taken, by whom, and what is free'
  static override description = `In the terminal: a grid where each cell is an equal slice of the pool, marked with its holder's letter (lowercase when reserved), · when free, ▒ when shared or partly free, and a legend with each holder's blocks and share. With --svg, the same picture as an SVG file to open in a browser, with a tooltip on every cell.`
  static override examples = ['<%= config.bin %> net map --pool 市级', '<%= config.bin %> net map --pool 市级 --svg 市级.svg']

  static override flags = {
    pool: Flags.string({description: 'pool name or CIDR'}),
    svg: Flags.string({description: 'also write the map as an SVG file'}),
    force: forceFlag,
  }

  async run(): Promise<{pool: string; cidr: string; segments: number; svg?: string; map: string}> {
    await readyToWrite({svg: this.flags.svg}, {force: this.flags.force, interactive: this.interactive(), locale: this.locale})
    const pool = await this.need(this.flags.pool, 'pool', this.t('col.pool'))
    const store = await this.store()
    const map = await poolMap(store, pool)
    const labels: MapLabels = {
      free: this.t('net.map.free'),
      pool: this.t('net.map.pool'),
      reserved: this.t('net.map.reserved'),
      mixed: this.t('net.map.mixed'),
      others: this.t('net.map.others'),
      largest: this.t('net.map.largest'),
      cell: this.t('net.map.cell'),
      row: this.t('net.map.row'),
      plane: this.t('net.map.plane'),
    }
    const c = this.color
    const paint = {allocation: c.cyan, reserved: c.yellow, pool: c.magenta, free: c.dim}
    this.show(() => renderTerminalMap(map, {width: Number.isFinite(terminalWidth()) ? terminalWidth() : 80, legendLabels: labels, color: c.level > 0 ? (kind, s) => paint[kind](s) : undefined}))
    if (this.flags.svg) {
      if (!this.flags.svg.toLowerCase().endsWith('.svg')) throw new InvalidInput('io.badExtension', {field: 'svg', path: this.flags.svg}, {field: 'svg'})
      writeOutputFileSync(this.flags.svg, renderSvgMap(map, {legendLabels: labels}), {field: 'svg'})
      this.logToStderr(this.t('net.svgWritten', {path: this.flags.svg}))
    }
    return {pool: map.name, cidr: map.cidr, segments: map.segments.length, ...(this.flags.svg ? {svg: this.flags.svg} : {}), map: renderTerminalMap(map, {width: 80, legendLabels: labels})}
  }
}
