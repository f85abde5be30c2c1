import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {fileLifecycle, type LifecycleAction, type LifecycleRequest} from '../core/items/index.js'
import type {RequestWithHistory} from '../core/workflow/index.js'
import {EgovCommand} from './base.js'

/**
 * The five ITEM-4 lifecycle commands are one command with a different action: each files
 * an item-lifecycle request, prints it and the draft announcement (公告).
 */
export abstract class LifecycleCommand extends EgovCommand<typeof LifecycleCommand> {
  static override args = {code: Args.string({description: '事项编码', required: true})}
  static override flags = {
    effective: Flags.string({description: 'the date it takes effect (YYYY-MM-DD)'}),
    reason: Flags.string({description: 'why (it goes into the announcement)'}),
  }

  protected abstract readonly action: LifecycleAction

  protected set(): string[] | undefined {
    return undefined
  }

  async run(): Promise<{request: RequestWithHistory<LifecycleRequest>; announcement: string}> {
    const effective = await this.need(this.flags.effective, 'effective', this.t('col.due'))
    const reason = await this.need(this.flags.reason, 'reason', this.t('col.comment'))
    const store = await this.store()
    const {request, warnings} = await fileLifecycle(store, {action: this.action, code: this.args.code, effective, reason, set: this.set()})
    this.showWarnings(warnings)
    this.log(this.t('items.lifecycle.filed', {id: request.id, action: this.t(`items.action.${this.action}`), code: request.payload.code, effective: request.payload.effective}))
    this.log('')
    this.log(this.t('items.lifecycle.notice'))
    this.log(request.payload.announcement)
    return {request, announcement: request.payload.announcement}
  }
}
