import {EgovCommand} from '../../cli/base.js'
import {ROLE_IDS, ROLES, type Role} from '../../core/operators/index.js'

export default class OperatorsRoles extends EgovCommand<typeof OperatorsRoles> {
  static override summary = 'List the roles a person can hold, and what each may do'
  static override description = `Every command that changes something needs one of its topic's roles once a roster exists (the README's "Operators and roles" has the table); approving or rejecting a request needs the reviewer role of its area (review-net for extranet requests, …). Reading needs no role.`
  static override examples = ['<%= config.bin %> operators roles', '<%= config.bin %> operators roles --json', '<%= config.bin %> operators roles --columns role,name --output csv']

  static override flags = {...EgovCommand.listFlags}

  run(): Promise<{roles: Array<{role: Role; name: string; duties: string}>}> {
    const roles = ROLE_IDS.map((role) => ({role, name: ROLES[role].zh, duties: ROLES[role].en}))
    this.table(roles, [
      {header: this.t('col.role'), get: (r) => r.role},
      {header: this.t('col.roleName'), get: (r) => r.name},
      {header: this.t('col.duties'), get: (r) => r.duties, shrink: true},
    ])
    return Promise.resolve({roles})
  }
}
