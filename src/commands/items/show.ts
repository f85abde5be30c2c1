import * as Args from '@oclif/core/args'

import {EgovCommand} from '../../cli/base.js'
import {requestTable} from '../../cli/render.js'
import {today} from '../../core/clock.js'
import {type Item, showItem} from '../../core/items/index.js'
import {toHalfWidth} from '../../core/io/values.js'
import {type ListedRequest, listRequests} from '../../core/workflow/index.js'

export default class ItemsShow extends EgovCommand<typeof ItemsShow> {
  static override summary = 'Show an item: every element, its process steps and materials, status and lifecycle requests'
  static override examples = [
    '<%= config.bin %> items show 620A0001234001-620200000000-000-11620200MB1528467X-1-00',
    '<%= config.bin %> items show 620A0001234001-620200000000-000-11620200MB1528467X-1-00 --json',
  ]

  static override args = {code: Args.string({description: '事项编码', required: true})}

  static override flags = {...EgovCommand.asOfFlags}

  async run(): Promise<Item & {requests: ListedRequest[]}> {
    const store = await this.store()
    const code = toHalfWidth(this.args.code).trim().toUpperCase()
    const item = await showItem(store, code, today())
    const requests = (await listRequests(store, {kind: 'item-lifecycle'})).filter((r) => r.summary.includes(` ${code} `))
    this.show(() => {
      const lines = [
        `${this.color.bold(item.code)}  ${item.name}  ${this.t(`items.status.${item.status}`)}${item.next ? ` → ${this.t(`items.status.${item.next.status}`)} ${item.next.effective}` : ''}  (${this.t('col.version')} ${item.version})`,
      ]
      const width = Math.max(...Object.keys(item.elements).map((k) => k.length))
      for (const [k, v] of Object.entries(item.elements)) if (v) lines.push(`  ${k.padEnd(width, '　')}  ${v}`)
      const rows = (title: string, list: Array<Record<string, string>>) => {
        if (!list.length) return
        lines.push('', this.color.bold(title))
        list.forEach((r, i) =>
          lines.push(
            `  ${i + 1}. ${Object.entries(r)
              .filter(([, v]) => v)
              .map(([k, v]) => `${k}：${v}`)
              .join('；')}`,
          ),
        )
      }
      rows(this.t('label.steps'), item.steps)
      rows(this.t('label.materials'), item.materials)
      if (requests.length) lines.push('', this.color.bold(this.t('label.events')), requestTable(requests, this.locale, this.color))
      return lines.join('\n')
    })
    return {...item, requests}
  }
}
