import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {today} from '../../core/clock.js'
import {EgovError, InvalidInput} from '../../core/errors.js'
import {findOperator, parseRoles, type Role} from '../../core/operators/index.js'
import type {GrantTier} from '../../core/store/index.js'

export default class DbGrant extends EgovCommand<typeof DbGrant> {
  static override summary = "Give a PostgreSQL login the rights its roster roles need on egov's tables, and no more"
  static override description = `PostgreSQL only (issue 18). Run it logged in as the owner role (the one that ran egov db init), for each operator's login, and again after every upgrade (grants are per table).

The roles come from the roster (egov operators show LOGIN), or from --roles before the person is on it. An auditor (审计员) may only read. Every other role may also write the business tables, but only insert into the history and audit tables (audit_log, request_transitions, cert_events, cloud_events), and never touch the schema or the migrations' tables. A retired person loses everything. Whatever the login had before is revoked first, so running it again leaves exactly this.

The database also holds the trail itself, whatever SQL a login runs (migration 020): every history and audit row names the login that wrote it and, on a real database, is dated by the server's clock; those rows are never updated or deleted; a request changes state only together with its history row.

--sql prints the statements instead of running them (for a DBA to review or run with psql). The login must exist (CREATE ROLE alice LOGIN, as a role with CREATEROLE): a login that does not is exit 3; a session that does not own the tables is exit 5.`
  static override examples = ['<%= config.bin %> db grant alice --roles filer,net --sql', '<%= config.bin %> db grant carol --roles auditor --sql --json']

  static override args = {login: Args.string({description: 'the PostgreSQL login, as on the roster', required: true})}

  static override flags = {
    roles: Flags.string({description: "role ids, comma-separated (default: the roster's roles for LOGIN)"}),
    sql: Flags.boolean({description: 'print the statements instead of running them'}),
  }

  async run(): Promise<{login: string; schema: string; tier: GrantTier; roles: Role[]; statements: string[]; applied: boolean}> {
    if (!this.postgresUrl()) throw new EgovError('invalid_input', 'grant.sqliteOnly', {}, {field: 'EGOV_DATABASE_URL'})
    const store = await this.store()
    const login = this.args.login.trim()
    let roles: Role[]
    let active = true
    if (this.flags.roles !== undefined) {
      roles = parseRoles(this.flags.roles)
    } else {
      const operator = await findOperator(store, login, today()).catch((error: unknown) => {
        if (error instanceof EgovError && error.code === 'not_found') throw new InvalidInput('grant.noRoles', {login}, {field: 'roles'})
        throw error
      })
      roles = operator.roles
      // Retired: nothing. Dates ahead or behind are the roster's check, on every write.
      active = operator.retiredAt === null
    }
    const {planGrant, applyGrant} = await import('../../core/store/grants.js')
    const plan = await planGrant(store, login, roles, active)
    if (this.flags.sql) {
      if (!this.jsonEnabled()) for (const statement of plan.statements) this.log(statement)
    } else {
      await applyGrant(store, plan)
      this.log(this.t(`grant.done.${plan.tier}`, {login, schema: plan.schema}))
    }
    return {login, schema: plan.schema, tier: plan.tier, roles, statements: plan.statements, applied: !this.flags.sql}
  }
}
