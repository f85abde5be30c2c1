import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {requestDisconnect, type SwitchRequest} from '../../core/kiosk/index.js'
import type {RequestWithHistory} from '../../core/workflow/index.js'

export default class KioskDisconnect extends EgovCommand<typeof KioskDisconnect> {
  static override summary = 'Disconnect a unit’s kiosks, or one kiosk, from the platform (KIOSK-4)'
  static override description = `Files a kiosk-disconnect request that a second person approves (X-2); the kiosks are disconnected on approval. With --emergency they are disconnected at once, recorded as an emergency, and the request waits for review: approve confirms, reject overrules and reconnects them.`
  static override examples = [
    '<%= config.bin %> kiosk disconnect YZ-0001 --reason "终端存在安全漏洞，影响平台运行"',
    '<%= config.bin %> kiosk disconnect 市邮政分公司 --reason "检测到异常流量" --emergency --yes',
  ]

  static override args = {target: Args.string({description: 'a unit (all its active kiosks) or one kiosk’s serial', required: true})}

  static override flags = {
    reason: Flags.string({description: 'why (第十七条)'}),
    emergency: Flags.boolean({description: 'disconnect at once; reviewed after'}),
    yes: Flags.boolean({description: 'do not ask to confirm an emergency disconnection'}),
  }

  async run(): Promise<RequestWithHistory<SwitchRequest>> {
    const reason = await this.need(this.flags.reason, 'reason', this.t('col.comment'))
    if (this.flags.emergency) await this.confirm(`disconnect ${this.args.target} now`, this.flags.yes)
    const store = await this.store()
    const request = await requestDisconnect(store, this.args.target, reason, Boolean(this.flags.emergency))
    const params = {id: request.id, target: request.payload.target, count: request.payload.serials.length}
    this.log(this.t(this.flags.emergency ? 'kiosk.disconnect.emergency' : 'kiosk.disconnect.filed', params))
    return request
  }
}
