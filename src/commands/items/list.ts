import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {InvalidInput} from '../../core/errors.js'
import {today} from '../../core/clock.js'
import {ITEM_STATUSES, type ItemStatus, type ItemSummary, listItems, sheetOf} from '../../core/items/index.js'

export default class ItemsList extends EgovCommand<typeof ItemsList> {
  static override summary = 'List the items of the current list, with their status today'
  static override description = `Statuses (ITEM-4): pending (待开通, imported but not yet opened), open (在用), paused (暂停), terminated (终止). A change approved for a later date shows as "→ status from DATE".`
  static override examples = ['<%= config.bin %> items list', '<%= config.bin %> items list --unit 嘉峪关市市场监督管理局 --type 行政许可 --status pending', '<%= config.bin %> items list --json']

  static override flags = {
    ...EgovCommand.asOfFlags,
    unit: Flags.string({description: 'only items of this 实施主体'}),
    type: Flags.string({description: 'only items of this 事项类型 (行政许可, 公共服务, …)'}),
    status: Flags.string({description: `only items with this status today: ${ITEM_STATUSES.join(', ')}`}),
    ...EgovCommand.listFlags,
  }

  async run(): Promise<{items: ItemSummary[]}> {
    const status = this.flags.status as ItemStatus | undefined
    if (status && !ITEM_STATUSES.includes(status)) throw new InvalidInput('items.badStatus', {value: status, list: ITEM_STATUSES.join(', ')}, {field: 'status'})
    const types = sheetOf('basic').columns.find((c) => c.key === 'type')!.list!
    if (this.flags.type && !types.includes(this.flags.type)) throw new InvalidInput('items.badType', {value: this.flags.type, list: types.join('、')}, {field: 'type'})
    const store = await this.store()
    const items = await listItems(store, {body: this.flags.unit, type: this.flags.type, status}, today())
    this.table(
      items,
      [
        {header: this.t('col.code'), get: (i) => i.code},
        {header: this.t('col.itemName'), get: (i) => i.name, shrink: true},
        {header: this.t('col.itemType'), get: (i) => i.type},
        {header: this.t('col.body'), get: (i) => i.body, shrink: true},
        {header: this.t('col.itemStatus'), get: (i) => this.t(`items.status.${i.status}`) + (i.next ? ` → ${this.t(`items.status.${i.next.status}`)} ${i.next.effective}` : '')},
      ],
      this.t('items.stats.none'),
    )
    return {items}
  }
}
