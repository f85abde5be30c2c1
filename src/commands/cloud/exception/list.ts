import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../../cli/base.js'
import {type ExceptionView, listExceptions} from '../../../core/cloud/index.js'
import {stateLabel} from '../../../core/workflow/index.js'

export default class CloudExceptionList extends EgovCommand<typeof CloudExceptionList> {
  static override summary = 'List the CLOUD-9 exceptions: which enterprise or person, under which document, for which systems, in which state'
  static override description = `States: applied (filed, awaiting the second person), approved (an application may name it with --approved-exception ID), rejected.`
  static override examples = ['<%= config.bin %> cloud exception list', '<%= config.bin %> cloud exception list --state approved --json']

  static override flags = {
    unit: Flags.string({description: 'only this unit’s exceptions'}),
    state: Flags.string({description: 'only this state', options: ['applied', 'approved', 'rejected']}),
    ...EgovCommand.listFlags,
  }

  async run(): Promise<{exceptions: ExceptionView[]}> {
    const store = await this.store()
    const exceptions = await listExceptions(store, this.flags)
    this.table(
      exceptions,
      [
        {header: this.t('col.id'), get: (e) => String(e.id)},
        {header: this.t('col.unit'), get: (e) => e.unit, shrink: true},
        {header: this.t('cloud.col.document'), get: (e) => e.documentNo},
        {header: this.t('cloud.col.covers'), get: (e) => (e.systems.length ? e.systems.join('、') : this.t('cloud.exception.all')), shrink: true},
        {header: this.t('col.state'), get: (e) => stateLabel('cloud-exception', e.state, this.locale)},
      ],
      this.t('cloud.exception.none'),
    )
    return {exceptions}
  }
}
