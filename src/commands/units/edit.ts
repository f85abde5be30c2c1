import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {editUnit, type Unit} from '../../core/units/index.js'

export default class UnitsEdit extends EgovCommand<typeof UnitsEdit> {
  static override summary = 'Change a unit’s name, kind, level, district, parent, contacts or budget'
  static override description = `Only the flags given change. --parent "" removes the parent, --district "" the district. Every change is in the audit trail with before and after.`
  static override examples = ['<%= config.bin %> units edit 市邮政分公司 --contact 李四 --phone 0937-6225678']

  static override args = {name: Args.string({description: 'the unit', required: true})}

  static override flags = {
    name: Flags.string({description: 'a new name'}),
    kind: Flags.string({description: 'unit kind'}),
    level: Flags.string({description: 'city, county, township or village'}),
    district: Flags.string({description: 'the district it is in (属地, NET-4); "" clears it'}),
    parent: Flags.string({description: 'the unit it belongs to ("" for none)'}),
    contact: Flags.string({description: 'contact person'}),
    phone: Flags.string({description: 'mobile, or landline with area code'}),
    budget: Flags.string({description: 'city or self', options: ['city', 'self']}),
  }

  async run(): Promise<Unit> {
    const store = await this.store()
    const f = this.flags
    const unit = await editUnit(store, this.args.name, {name: f.name, kind: f.kind, level: f.level, district: f.district, parent: f.parent, contact: f.contact, phone: f.phone, budget: f.budget})
    this.log(this.t('units.edited', {name: unit.name}))
    return unit
  }
}
