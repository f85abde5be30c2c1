import * as Flags from '@oclif/core/flags'

import {auditBroken, macWarnings} from '../../cli/audit.js'
import {EgovCommand} from '../../cli/base.js'
import {verifyAudit, type VerifyResult} from '../../core/audit/index.js'

export default class AuditVerify extends EgovCommand<typeof AuditVerify> {
  static override summary = 'Check that no audit entry was altered, removed or reordered, its MACs, and a checkpoint kept elsewhere'
  static override description = `Each entry carries the SHA-256 of the one before it, and the database records the last one. verify walks the whole chain and names the first entry that does not match. Exit 0 when intact; exit 4 and the entry's number when broken.

Each entry written since the audit key existed also carries an HMAC of its hash under that key, kept outside the database (audit.key in egov's config folder, or the file EGOV_AUDIT_KEY names): a MAC that does not match means the chain was recomputed by someone without the key (exit 4, naming the entry). Entries from before the key are counted in a warning; without the key file, a warning says the MACs could not be checked.

--checkpoint FILE (made by "egov audit checkpoint") checks that file's MAC (a changed file: exit 2 naming it), then that the chain still holds its entry with its hash: a chain that now ends before it (tail removed, or an older copy put back) or has another hash there (rewritten) is exit 4, saying which.`
  static override examples = ['<%= config.bin %> audit verify', '<%= config.bin %> audit verify --json', '<%= config.bin %> audit verify --checkpoint audit-checkpoint.json']

  static override flags = {
    checkpoint: Flags.string({description: 'a checkpoint file made by "egov audit checkpoint": the chain must still hold its entry with its hash'}),
  }

  async run(): Promise<VerifyResult & {checkpoint: {path: string; seq: number; hash: string; macChecked: boolean} | null; warnings: Array<{message: string}>}> {
    const warnings: Array<{message: string}> = []
    const checkpointPath = this.flags.checkpoint
    // The file first: a missing or changed checkpoint is said before the chain is walked.
    const checkpointModule = checkpointPath === undefined ? undefined : await import('../../core/audit/checkpoint.js')
    const checkpoint = checkpointModule?.readCheckpoint(checkpointPath!)
    const store = await this.store()
    let macChecked = false
    if (checkpoint && store.auditKeyPath) {
      const {readAuditKey} = await import('../../core/audit/key.js')
      const key = readAuditKey(store.auditKeyPath)
      if (key) {
        checkpointModule!.checkCheckpointMac(checkpoint, key, checkpointPath!)
        macChecked = true
      } else {
        warnings.push({message: this.t('audit.checkpointNoKey', {path: store.auditKeyPath})})
      }
    }
    const progress = this.progress('audit verify')
    const result = await verifyAudit(store, (done, total) => progress.update(done, total), {keyPath: store.auditKeyPath}).finally(() => progress.stop())
    if (result.broken) throw auditBroken(result, (key, params) => this.t(key, params))
    if (checkpoint) {
      const br = await checkpointModule!.compareCheckpoint(store, checkpoint)
      if (br) throw checkpointModule!.checkpointBroken(br, checkpointPath!)
    }
    warnings.push(...macWarnings(result, (key, params) => this.t(key, params)))
    this.log(result.head ? this.t('audit.ok', {count: result.count, head: `#${result.head.seq} ${result.head.hash.slice(0, 12)}`}) : this.t('audit.empty'))
    if (result.macs.checked > 0) this.log(this.t('audit.macsChecked', {count: result.macs.checked, path: result.macs.key}))
    if (checkpoint) this.log(this.t('audit.checkpointOk', {path: checkpointPath, seq: checkpoint.seq}))
    this.showWarnings(warnings)
    return {...result, checkpoint: checkpoint ? {path: checkpointPath!, seq: checkpoint.seq, hash: checkpoint.hash, macChecked} : null, warnings}
  }
}
