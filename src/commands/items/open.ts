import {LifecycleCommand} from '../../cli/items.js'

export default class ItemsOpen extends LifecycleCommand {
  static override summary = 'Apply to open an item (开通): it goes from pending to open on approval (ITEM-4)'
  static override description =
    'Files an item-lifecycle request; a second person approves it with "egov requests approve ID" (X-2), which carries it out from --effective. The announcement (公告) is printed, and kept with the request. Pause, resume and terminate are refused (exit 5) unless --effective is at least 3 working days after today on the official calendar; a status that does not allow the step is refused with exit 4.'
  static override examples = ['<%= config.bin %> items open 620A0001234001-620200000000-000-11620200MB1528467X-1-00 --effective 2026-12-10 --reason "清单已公布，系统测试通过"']
  protected readonly action = 'open'
}
