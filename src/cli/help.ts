import {type Command, Help} from '@oclif/core'

import {permitFor, ROLES, type Role} from '../core/operators/roles.js'

const named = (role: Role) => `${role} (${ROLES[role].zh})`

/**
 * The role each command needs (issue 18, X-2), as a ROLES section of its --help: what
 * permitFor knows, so the help and the check never disagree. Reading needs no role.
 */
export function rolesHelp(commandId: string): string {
  if (commandId === 'requests:approve' || commandId === 'requests:reject') {
    return 'the reviewer role of the request’s area: review-net, review-cloud, review-cert, review-items, review-kiosk, review-ticket; system-admin (系统管理员) for roster-change and settings-change requests (a second one: never the filer, X-2)'
  }
  const roles = permitFor(commandId)
  const who = roles === null ? 'any active operator on the roster' : roles.map(named).join(' or ')
  return `${who}, when it changes something, once there is an operator roster; reading needs no role (egov operators roles; X-2)`
}

export default class EgovHelp extends Help {
  protected override formatCommand(command: Command.Loadable): string {
    const text = super.formatCommand(command)
    return `${text}\n\n${this.section('ROLES', this.wrap(rolesHelp(command.id.replaceAll(' ', ':'))))}`
  }
}
