import {LifecycleCommand} from '../../cli/items.js'

export default class ItemsPause extends LifecycleCommand {
  static override summary = 'Apply to pause an open item (暂停), at least 3 working days ahead, with its announcement (ITEM-4)'
  static override description =
    'Files an item-lifecycle request; a second person approves it with "egov requests approve ID" (X-2), which carries it out from --effective. The announcement (公告) is printed, and kept with the request. Pause, resume and terminate are refused (exit 5) unless --effective is at least 3 working days after today on the official calendar; a status that does not allow the step is refused with exit 4.'
  static override examples = ['<%= config.bin %> items pause 620A0001234001-620200000000-000-11620200MB1528467X-1-00 --effective 2026-12-21 --reason "办事大厅搬迁"']
  protected readonly action = 'pause'
}
