import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {listUnits, type Unit} from '../../core/units/index.js'

export default class UnitsList extends EgovCommand<typeof UnitsList> {
  static override summary = 'List the units in the registry'
  static override examples = ['<%= config.bin %> units list', '<%= config.bin %> units list --kind post-office --json', '<%= config.bin %> units list --columns name,phone --output tsv']

  static override flags = {kind: Flags.string({description: 'only units of this kind'}), ...EgovCommand.listFlags}

  async run(): Promise<{units: Unit[]}> {
    const store = await this.store()
    const units = await listUnits(store, {kind: this.flags.kind})
    this.table(
      units,
      [
        {header: this.t('col.id'), get: (u) => String(u.id)},
        {header: this.t('col.name'), get: (u) => u.name, shrink: true},
        {header: this.t('col.kind'), get: (u) => u.kindName, shrink: true},
        {header: this.t('col.level'), get: (u) => this.t(`units.level.${u.level}`)},
        {header: this.t('col.district'), get: (u) => u.district ?? '', shrink: true},
        {header: this.t('col.parent'), get: (u) => u.parent ?? '', shrink: true},
        {header: this.t('col.phone'), get: (u) => u.phone ?? ''},
        {header: this.t('col.budget'), get: (u) => this.t(`units.budget.${u.budget}`)},
      ],
      this.t('units.none'),
    )
    return {units}
  }
}
