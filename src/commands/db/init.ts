import {existsSync} from 'node:fs'

import {EgovCommand} from '../../cli/base.js'

export default class DbInit extends EgovCommand<typeof DbInit> {
  static override summary = 'Create the database (or bring it to this version): the one command that may create a SQLite file named by --db or EGOV_DB'
  static override description = `Every other command refuses a --db or EGOV_DB file that does not exist (exit 2), so a mistyped path never starts an empty database; the default database (egov.db in the data directory) is created on first use. On PostgreSQL (EGOV_DATABASE_URL) it runs the migrations. Running it again changes nothing.`
  static override examples = ['<%= config.bin %> db init --db /tmp/egov-demo.db', '<%= config.bin %> db init --json']

  async run(): Promise<{location: string; dialect: string; created: boolean; unchanged?: true}> {
    const path = this.sqlitePath()
    const existed = this.postgresUrl() ? true : existsSync(path)
    const store = await this.store()
    const created = !existed
    this.log(this.t(created ? 'db.created' : 'db.ready', {location: store.location}))
    return {location: store.location, dialect: store.dialect, created, ...(created ? {} : {unchanged: true as const})}
  }
}
