import * as Flags from '@oclif/core/flags'

import {LifecycleCommand} from '../../cli/items.js'

export default class ItemsChange extends LifecycleCommand {
  static override summary = 'Apply to change an item’s elements (变更), with its announcement (ITEM-4, ITEM-5)'
  static override description = `Each --set names a 基本信息 element by its header and gives the new value, checked as an import would (types, lists, 承诺 ≤ 法定, fee details). On approval by a second person (egov requests approve ID) the change becomes a new version of the list, which "egov items diff" shows. The review is due within 3 working days of filing (ITEM-5).`
  static override examples = [
    '<%= config.bin %> items change 620A0001234001-620200000000-000-11620200MB1528467X-1-00 --effective 2026-12-10 --reason "压缩办理时限" --set 承诺办结时限=5 --set 咨询电话=0937-6221299',
  ]

  static override flags = {
    ...LifecycleCommand.flags,
    set: Flags.string({description: '字段=值: a 基本信息 element and its new value', multiple: true, required: true}),
  }

  protected readonly action = 'change'

  protected override set(): string[] | undefined {
    return (this.flags as {set?: string[]}).set
  }
}
