import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {requestReconnect, type SwitchRequest} from '../../core/kiosk/index.js'
import type {RequestWithHistory} from '../../core/workflow/index.js'

export default class KioskReconnect extends EgovCommand<typeof KioskReconnect> {
  static override summary = 'Reconnect disconnected kiosks, through approval (KIOSK-4)'
  static override description = `Files a kiosk-reconnect request for the unit's disconnected kiosks, or one kiosk; a second person approves it (X-2), which reconnects them.`
  static override examples = ['<%= config.bin %> kiosk reconnect YZ-0001 --note "漏洞已修复，复测通过"']

  static override args = {target: Args.string({description: 'a unit (all its disconnected kiosks) or one kiosk’s serial', required: true})}

  static override flags = {note: Flags.string({description: 'what was fixed'})}

  async run(): Promise<RequestWithHistory<SwitchRequest>> {
    const note = await this.need(this.flags.note, 'note', this.t('col.comment'))
    const store = await this.store()
    const request = await requestReconnect(store, this.args.target, note)
    this.log(this.t('kiosk.reconnect.filed', {id: request.id, target: request.payload.target, count: request.payload.serials.length}))
    return request
  }
}
