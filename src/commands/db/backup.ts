import * as Args from '@oclif/core/args'

import {EgovCommand} from '../../cli/base.js'
import {backupDatabase, type BackupManifest, manifestPath} from '../../core/store/backup.js'

export default class DbBackup extends EgovCommand<typeof DbBackup> {
  static override summary = 'Write a consistent copy of the database and its manifest (002 第十六条)'
  static override description = `SQLite: a snapshot (VACUUM INTO) taken while others keep working, written 0600. PostgreSQL: pg_dump -Fc of the current schema, on the snapshot the manifest's counts were taken from (pg_dump must be installed; exit 5 otherwise).

Beside FILE goes FILE.manifest.json: the copy's SHA-256, the rows of every table, the audit chain's head, the migrations and the notices folder's files (notices are files: copy that folder with the backup). FILE must not exist (exit 2). Restore with egov db restore FILE.

Keep backups elsewhere than the database: a daily backup kept 30 days and a monthly one kept a year is a sound schedule (see the README, "Backup and restore").`
  static override examples = ['<%= config.bin %> db backup egov-$(date +%F).db', '<%= config.bin %> db backup egov-copy.db --json']
  static override args = {FILE: Args.string({description: 'the file to write (must not exist)', required: true})}

  async run(): Promise<BackupManifest & {manifest: string}> {
    const store = await this.store()
    const manifest = await backupDatabase(store, this.args.FILE, {databaseUrl: this.postgresUrl()})
    const rows = Object.entries(manifest.tables).reduce((n, [table, count]) => (table.startsWith('kysely_') ? n : n + count), 0)
    this.log(
      this.t('backup.done', {file: this.args.FILE, rows, tables: Object.keys(manifest.tables).length, head: manifest.audit ? `#${manifest.audit.seq}` : '-', manifest: manifestPath(this.args.FILE)}),
    )
    return {...manifest, manifest: manifestPath(this.args.FILE)}
  }
}
