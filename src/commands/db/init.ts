import {existsSync} from 'node:fs'

import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../cli/base.js'
import {AUDIT_KEY_ENV, ensureAuditKey} from '../../core/audit/index.js'
import {countLegacyIdHashes, keyLegacyIdHashes} from '../../core/cert/index.js'
import {EgovError, InvalidInput} from '../../core/errors.js'
import {today} from '../../core/clock.js'
import {activeAdmin, type Operator, startRoster} from '../../core/operators/index.js'
import {checkStoredPayloads, type StoredPayloadProblem} from '../../core/workflow/index.js'

/** A request whose stored payload its kind's schema does not accept, as --json gives it: the problem without its message object. */
type StoredPayloadReport = Omit<StoredPayloadProblem, 'message'>

export default class DbInit extends EgovCommand<typeof DbInit> {
  static override summary = 'Create the database (or bring it to this version): the one command that may create a SQLite file named by --db or EGOV_DB'
  static override description = `Every other command refuses a --db or EGOV_DB file that does not exist (exit 2), so a mistyped path never starts an empty database; the default database (egov.db in the data directory) is created on first use. On PostgreSQL (EGOV_DATABASE_URL) it runs the migrations. Running it again changes nothing.

A new SQLite file is created 0600 (its folder 0700 when egov creates it): it holds the CA key, the audit chain and hashed ID numbers.

--rehearsal makes a rehearsal database, for tests and training: only there are EGOV_NOW (a set clock) and EGOV_OPERATOR (a name typed in) honoured, and every output says REHEARSAL. A real database (the default) dates everything by the system clock and records the login (the OS login on SQLite, the database login on PostgreSQL); EGOV_NOW or another name there is refused (exit 5). A database is one or the other from its creation.

It also makes the audit key, outside the database, when there is none: audit.key in egov's config folder (0600, the folder 0700), or the file EGOV_AUDIT_KEY names. Every audit entry carries an HMAC under it, so a copy of the database alone cannot be given a recomputed chain (see egov audit verify). Back it up apart from the database; on a PostgreSQL team, copy it to each operator's machine.

ID numbers of certificate holders are kept as an HMAC under a sub-key of the audit key (issue 18), so a copy of the database alone cannot test guesses against them. On a database from before that, db init wraps the old hashes (scrypt alone) under the key, in one transaction; until then the next certificate application does.

It checks every stored request payload against its kind's schema (schemas/requests/KIND.schema.json, issue 19) and reports each one that does not match (written by an older egov, or around egov), as a warning naming the request, its kind and the field, and in storedPayloads with --json. It changes none of them: correct them, or file the request again.

--admin LOGIN --name 真实姓名 starts the operator roster with its first 系统管理员 (system-admin), directly: nobody could approve it yet. From then on a change to the roster is a request another system-admin approves (egov operators add; X-2, CERT-4). Given again for someone who is already an active system-admin it changes nothing; on a roster started otherwise it is exit 4.`
  static override examples = [
    '<%= config.bin %> db init --db /tmp/egov-demo.db',
    '<%= config.bin %> db init --db /tmp/egov-training.db --rehearsal',
    '<%= config.bin %> db init --json',
    '<%= config.bin %> db init --db /tmp/egov-roster.db --rehearsal --admin "$(whoami)" --name 王敏 --unit 市数据局',
  ]

  static override flags = {
    admin: Flags.string({description: 'start the operator roster with this login as its first system-admin (needs --name)'}),
    name: Flags.string({description: 'the first system-admin’s real name (with --admin)'}),
    unit: Flags.string({description: 'the first system-admin’s unit (with --admin)'}),
    rehearsal: Flags.boolean({description: 'create a rehearsal database (tests, training): EGOV_NOW and EGOV_OPERATOR honoured, every output marked REHEARSAL'}),
  }

  async run(): Promise<{
    location: string
    dialect: string
    created: boolean
    rehearsal: boolean
    auditKey: {path: string; created: boolean; missing: boolean} | null
    idHashesKeyed: number
    admin?: Operator & {unchanged?: true}
    storedPayloads: StoredPayloadReport[]
    warnings: Array<{message: string}>
    unchanged?: true
  }> {
    const f = this.flags
    if (f.admin === undefined && (f.name !== undefined || f.unit !== undefined)) throw new InvalidInput('input.missingFlagParse', {flag: 'admin'}, {field: 'admin'})
    if (f.admin !== undefined && !f.name?.trim()) throw new InvalidInput('input.missingFlagParse', {flag: 'name'}, {field: 'name'})
    const path = this.sqlitePath()
    const existed = this.postgresUrl() ? true : existsSync(path)
    const store = await this.store()
    // On PostgreSQL the schema exists before egov: new is when its tables were made now.
    const created = this.postgresUrl() ? store.created : !existed
    const auditKey = store.auditKeyPath ? await ensureAuditKey(store, store.auditKeyPath) : null
    this.log(this.t(created ? 'db.created' : 'db.ready', {location: store.location}))
    if (auditKey?.created) this.log(this.t('audit.keyCreated', {path: auditKey.path}))
    const warnings = auditKey?.missing ? [{message: this.t('audit.keyMissingAtInit', {path: auditKey.path, env: AUDIT_KEY_ENV})}] : []
    // Old ID hashes wrapped under the audit key (issue 18): only with the key at hand; a write
    // refused (no key, an operator not on the roster) leaves them for the next one, and says so.
    let idHashesKeyed = 0
    const legacy = await countLegacyIdHashes(store)
    if (legacy > 0) {
      try {
        if (!auditKey) throw new EgovError('conflict', 'cert.idKeyNotSet', {env: AUDIT_KEY_ENV}, {field: AUDIT_KEY_ENV})
        if (auditKey.missing) throw new EgovError('conflict', 'audit.keyMissing', {path: auditKey.path, env: AUDIT_KEY_ENV}, {field: AUDIT_KEY_ENV})
        idHashesKeyed = await keyLegacyIdHashes(store)
        this.log(this.t('cert.idHashesKeyed', {count: idHashesKeyed}))
      } catch (error) {
        if (!(error instanceof EgovError)) throw error
        warnings.push({message: this.t('cert.idHashesNotKeyed', {count: legacy, reason: error.localized(this.locale)})})
      }
    }
    // Stored payloads its kind's schema does not accept (issue 19): reported, each request and field, never changed.
    const problems = await checkStoredPayloads(store)
    const storedPayloads = problems.map((p) => ({
      id: p.id,
      kind: p.kind,
      field: p.field,
      rule: p.rule,
      ...(p.expected ? {expected: p.expected} : {}),
      ...(p.suggestion ? {suggestion: p.suggestion} : {}),
    }))
    for (const p of problems) warnings.push({message: p.message.render(this.locale)})
    // The roster's first 系统管理员 (issue 18), directly: nobody could approve it yet.
    const present = f.admin === undefined ? undefined : await activeAdmin(store, f.admin, today())
    const admin = f.admin === undefined ? undefined : present ? {...present, unchanged: true as const} : await startRoster(store, f.admin, {name: f.name!, unit: f.unit})
    if (admin) this.log(this.t(admin.unchanged ? 'operators.unchanged' : 'db.adminAdded', {login: admin.login, name: admin.name}))
    this.showWarnings(warnings)
    const same = !created && !idHashesKeyed && (admin === undefined || admin.unchanged)
    return {
      location: store.location,
      dialect: store.dialect,
      created,
      rehearsal: store.rehearsal,
      auditKey,
      idHashesKeyed,
      ...(admin ? {admin} : {}),
      storedPayloads,
      warnings,
      ...(same ? {unchanged: true as const} : {}),
    }
  }
}
