import * as Args from '@oclif/core/args'

import {EgovCommand} from '../../../cli/base.js'
import {amounts, size} from '../../../cli/cloud.js'
import {
  type AttachmentCheck,
  checkAttachments,
  cloud7MissingSteps,
  type CloudSystem,
  eventsOf,
  findSystem,
  openRequestsOfSystem,
  securityOf,
  type SecurityRecord,
  showException,
  type SystemEvent,
  totals,
} from '../../../core/cloud/index.js'
import {kindLabel, stateLabel} from '../../../core/workflow/index.js'
import {chinaTime} from '../../../core/clock.js'

export default class CloudSystemShow extends EgovCommand<typeof CloudSystemShow> {
  static override summary = 'One system: configuration, envelope, provider, attachments (checked against their SHA-256), security steps (and those missing before go-live), CLOUD-9 exception, history'
  static override description = `Each attachment is read again and compared with the size and SHA-256 recorded when it was filed: a file changed or missing since is flagged.`
  static override examples = ['<%= config.bin %> cloud system show 社保业务系统', '<%= config.bin %> cloud system show 社保业务系统 --json']

  static override args = {system: Args.string({description: 'the system (SYS)', required: true})}

  async run(): Promise<
    CloudSystem & {
      warnings: Array<{key: string; message: string}>
      openRequests: Array<{id: number; kind: string; state: string}>
      attachments: AttachmentCheck[]
      security: SecurityRecord[]
      missingBeforeGoLive: string[]
      events: SystemEvent[]
      exception?: {id: number; documentNo: string; state: string; basis: string; systems: string[]}
    }
  > {
    const store = await this.store()
    const s = await findSystem(store, this.args.system)
    const attachments = await checkAttachments(store, s.id)
    const security = await securityOf(store, s.id)
    const missing = cloud7MissingSteps(s.level, security)
    const events = await eventsOf(store, s.id)
    const openRequests = await openRequestsOfSystem(store, s)
    const exception = s.exceptionId === null ? undefined : await showException(store, s.exceptionId).then(({id, documentNo, state, basis, systems}) => ({id, documentNo, state, basis, systems}))
    const c = s.config
    this.show(() =>
      [
        `${this.color.bold(s.name)}  ${s.status}  (${s.unit}, 等保${s.level}级, request ${s.requestId})`,
        `provider: ${s.provider ?? '—'}${s.pool ? `   extranet pool: ${s.pool}` : ''}`,
        `running:  ${c.vms} VM × (${c.vcpu} vCPU, ${size(c.memoryGib)}, ${size(c.systemDiskGib)} + ${size(c.dataDiskGib)})  = ${amounts(totals(c))}`,
        `envelope: ${s.envelope ? amounts(s.envelope) : '— (not yet approved)'}`,
        `os:       ${s.os}`,
        ...(exception
          ? [`exception: ${exception.id} ${exception.documentNo} (CLOUD-9, ${exception.state})`]
          : s.exceptionRef
            ? [`exception: ${s.exceptionRef} (recorded as text, before exceptions were records)`]
            : []),
        'attachments:',
        ...attachments.map((a) => `  ${a.state === 'ok' ? 'ok     ' : this.color.red(a.state.padEnd(7))} ${a.role.padEnd(16)} ${a.path}  ${a.sha256.slice(0, 12)}…`),
        'security:',
        ...(security.length
          ? security.map((r) => `  ${r.on} ${this.t(`cloud.kind.${r.kind}`)}${r.result ? ` ${r.result}` : ''}${r.document ? `  ${r.document.path}  ${r.document.sha256.slice(0, 12)}…` : ''}`)
          : ['  —']),
        ...(missing.length ? [`  missing before go-live (CLOUD-7): ${missing.map((m) => m.name).join('、')}`] : []),
        ...(openRequests.length ? ['open requests:', ...openRequests.map((r) => `  #${r.id}  ${kindLabel(r.kind, this.locale)}  ${stateLabel(r.kind, r.state, this.locale)}`)] : []),
        'history:',
        ...events.map((e) => `  ${chinaTime(e.at)} ${e.event.padEnd(16)} ${e.actor}${e.note ? `  ${e.note}` : ''}`),
      ].join('\n'),
    )
    const warnings = attachments
      .filter((a) => a.state !== 'ok')
      .map((a) => ({
        key: a.state === 'changed' ? 'cloud.attachmentChanged' : 'cloud.attachmentMissing',
        message: this.t(a.state === 'changed' ? 'cloud.attachmentChanged' : 'cloud.attachmentMissing', {role: a.role, path: a.path}),
      }))
    this.showWarnings(warnings)
    // The warnings the table shows are in the JSON too.
    return {...s, attachments, security, missingBeforeGoLive: missing.map((m) => m.key), events, openRequests, ...(exception ? {exception} : {}), warnings}
  }
}
