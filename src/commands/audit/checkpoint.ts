import * as Flags from '@oclif/core/flags'

import {auditBroken} from '../../cli/audit.js'
import {EgovCommand} from '../../cli/base.js'
import {forceFlag, readyToWrite} from '../../cli/output-flags.js'
import {verifyAudit} from '../../core/audit/index.js'
import type {Checkpoint} from '../../core/audit/checkpoint.js'
import {nowIso} from '../../core/clock.js'
import {EgovError} from '../../core/errors.js'

export default class AuditCheckpoint extends EgovCommand<typeof AuditCheckpoint> {
  static override summary = "Write the audit chain's head (entry number, hash, time), MACed with the audit key, to a file kept elsewhere"
  static override description = `The file (small JSON: the last entry's number and hash, when it was written, now, the database and the hash of its first entry, and an HMAC over all of them under the audit key) is for keeping off this machine: another machine, a USB stick, a printout. Later, "egov audit verify --checkpoint FILE" shows a chain cut short, rolled back to an older copy, or rewritten since. Make one daily.

The chain is verified first (a broken chain: exit 4, no file). An empty chain has nothing to checkpoint (exit 4). The key is created (0600) when there is none yet and no entry carries a MAC.`
  static override examples = ['<%= config.bin %> audit checkpoint --out audit-checkpoint.json', '<%= config.bin %> audit checkpoint --out audit-checkpoint.json --force --json']

  static override flags = {
    out: Flags.string({description: 'write the checkpoint here (JSON)', required: true}),
    force: forceFlag,
  }

  async run(): Promise<{path: string; checkpoint: Checkpoint}> {
    const out = this.flags.out
    await readyToWrite({out}, {force: this.flags.force, interactive: this.interactive(), locale: this.locale})
    const store = await this.store()
    const result = await verifyAudit(store, undefined, {keyPath: store.auditKeyPath})
    if (result.broken) throw auditBroken(result, (key, params) => this.t(key, params))
    if (!result.head) throw new EgovError('conflict', 'audit.checkpointEmpty', {})
    const {AUDIT_KEY_ENV, createAuditKey, readAuditKey} = await import('../../core/audit/key.js')
    const keyPath = store.auditKeyPath!
    let key = readAuditKey(keyPath)
    if (!key) {
      // A chain with MACs was written with a key that is not here: a new one would not match it.
      if (result.macs.unchecked > 0) throw new EgovError('conflict', 'audit.keyMissing', {path: keyPath, env: AUDIT_KEY_ENV}, {field: AUDIT_KEY_ENV, details: {path: keyPath}})
      key = createAuditKey(keyPath)
    }
    const {makeCheckpoint} = await import('../../core/audit/checkpoint.js')
    const checkpoint = (await makeCheckpoint(store, key, {dialect: store.dialect, location: store.location}, nowIso()))!
    const {writeOutputFileSync} = await import('../../core/io/output-file.js')
    writeOutputFileSync(out, JSON.stringify(checkpoint, null, 2) + '\n', {field: 'out'})
    this.log(this.t('audit.checkpointWritten', {seq: checkpoint.seq, hash: checkpoint.hash.slice(0, 12), path: out}))
    return {path: out, checkpoint}
  }
}
