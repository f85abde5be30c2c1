import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {type Kiosk, retireKiosk} from '../../core/kiosk/index.js'

export default class KioskRetire extends EgovCommand<typeof KioskRetire> {
  static override summary = 'Retire a kiosk: take it out of service for good'
  static override examples = ['<%= config.bin %> kiosk retire YZ-0002 --reason "设备报废" --yes']

  static override args = {serial: Args.string({description: 'the kiosk’s serial number', required: true})}

  static override flags = {
    reason: Flags.string({description: 'why it is retired'}),
    yes: Flags.boolean({description: 'do not ask for confirmation'}),
  }

  async run(): Promise<Kiosk> {
    const reason = await this.need(this.flags.reason, 'reason', this.t('col.comment'))
    await this.confirm(`retire ${this.args.serial}`, this.flags.yes)
    const store = await this.store()
    const kiosk = await retireKiosk(store, this.args.serial, reason)
    this.log(this.t('kiosk.retired', {serial: kiosk.serial}))
    return kiosk
  }
}
