import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {addUnit, type Unit, unitKinds, unitLevels} from '../../core/units/index.js'

export default class UnitsAdd extends EgovCommand<typeof UnitsAdd> {
  static override summary = 'Add a unit (单位) to the registry every area shares'
  static override description = `KIND (NET-3 categories, and the kinds kiosks and the cloud need): ${unitKinds()
    .map((k) => `${k.key} ${k.name}`)
    .join('; ')}.
LEVEL: ${unitLevels()
    .map((l) => `${l.key} ${l.name}`)
    .join('; ')}.
--district records where the unit is (属地): a connection's plan is then taken from a pool of that district (NET-4, see net request plan).
--budget city marks a unit paid from the city budget: its extranet line is then paid by the bureau (NET-8); the default is self.
Adding a unit that exists with the same values is a no-op (exit 0, \`unchanged: true\`); with other values it is exit 4 naming each field (use units edit).`
  static override examples = [
    '<%= config.bin %> units add 市人力资源和社会保障局 --kind party-government --level city --budget city --contact 张三 --phone 0937-6221234',
    '<%= config.bin %> units add 甘州区民政局 --kind party-government --level county --district 甘州区',
    '<%= config.bin %> units add 市邮政分公司 --kind post-office --level city --phone 13912345678 --json',
  ]

  static override args = {name: Args.string({description: 'the unit’s full name', required: true})}

  static override flags = {
    kind: Flags.string({description: 'unit kind (see above)'}),
    level: Flags.string({description: 'city, county, township or village'}),
    district: Flags.string({description: 'the district it is in (属地, NET-4), e.g. 甘州区 or 市本级'}),
    parent: Flags.string({description: 'the unit it belongs to'}),
    contact: Flags.string({description: 'contact person (联系人)'}),
    phone: Flags.string({description: 'mobile, or landline with area code'}),
    budget: Flags.string({description: 'city (市级财政) or self (自筹)', options: ['city', 'self']}),
  }

  async run(): Promise<Unit & {unchanged?: true}> {
    const kind = await this.need(this.flags.kind, 'kind', this.t('col.kind'))
    const level = await this.need(this.flags.level, 'level', this.t('col.level'))
    const store = await this.store()
    const unit = await addUnit(store, {
      name: this.args.name,
      kind,
      level,
      district: this.flags.district,
      parent: this.flags.parent,
      contact: this.flags.contact,
      phone: this.flags.phone,
      budget: this.flags.budget,
    })
    this.log(unit.unchanged ? this.t('units.unchanged', {name: unit.name}) : this.t('units.added', {name: unit.name, kind: unit.kindName, level: this.t(`units.level.${unit.level}`)}))
    return unit
  }
}
