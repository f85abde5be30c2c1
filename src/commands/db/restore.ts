import * as Args from '@oclif/core/args'

import {EgovCommand} from '../../cli/base.js'
import {InvalidInput} from '../../core/errors.js'
import {checkBackupFile, checkRestored, readManifest, restorePostgres, restoreSqliteFile} from '../../core/store/backup.js'

export default class DbRestore extends EgovCommand<typeof DbRestore> {
  static override summary = 'Restore a backup into an empty database, then check it against its manifest and verify the audit chain'
  static override description = `The copy is checked against FILE.manifest.json first (SHA-256: a changed or truncated copy is exit 4, nothing restored). SQLite: the database named by --db or EGOV_DB must not exist yet (or be empty): a restore never overwrites a database (exit 4). PostgreSQL: the target schema, of the same name as the one backed up, must hold no tables; pg_restore must be installed.

Afterwards the rows of every table and the audit head must match the manifest and the audit chain must verify (exit 4 otherwise). Copy the notices folder back from where the backup's notices were kept.`
  static override examples = ['<%= config.bin %> db restore egov-copy.db --db egov-restored.db']
  static override args = {FILE: Args.string({description: 'the backup written by egov db backup', required: true})}

  async run(): Promise<{restored: string; into: string; tables: Record<string, number>; audit: {count: number; head: {seq: number; hash: string} | null}}> {
    const manifest = readManifest(this.args.FILE)
    await checkBackupFile(this.args.FILE, manifest)
    const url = this.postgresUrl()
    if ((manifest.dialect === 'postgres') !== Boolean(url)) throw new InvalidInput('backup.otherDialect', {dialect: manifest.dialect}, {field: 'FILE'})
    if (manifest.dialect === 'sqlite') restoreSqliteFile(this.args.FILE, this.sqlitePath())
    if (manifest.dialect === 'postgres') {
      // Into the empty schema as it is: migrating it first would fill it.
      await restorePostgres(await this.store({connectOnly: true}), this.args.FILE, manifest, url!)
      await this.closeStore()
    }
    const store = await this.store()
    const {verify, tables} = await checkRestored(store, manifest)
    this.log(this.t('backup.restored', {file: this.args.FILE, into: store.location, count: verify.count, head: verify.head ? `#${verify.head.seq}` : '-'}))
    return {restored: this.args.FILE, into: store.location, tables, audit: {count: verify.count, head: verify.head}}
  }
}
