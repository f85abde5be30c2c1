import {EgovCommand} from '../../cli/base.js'
import {verifyAudit, type VerifyResult} from '../../core/audit/index.js'
import {EgovError} from '../../core/errors.js'

export default class AuditVerify extends EgovCommand<typeof AuditVerify> {
  static override summary = 'Check that no audit entry was altered, removed or reordered'
  static override description = `Each entry carries the SHA-256 of the one before it, and the database records the last one. verify walks the whole chain and names the first entry that does not match. Exit 0 when intact; exit 4 and the entry's number when broken.`
  static override examples = ['<%= config.bin %> audit verify', '<%= config.bin %> audit verify --json']

  async run(): Promise<VerifyResult> {
    const store = await this.store()
    const progress = this.progress('audit verify')
    const result = await verifyAudit(store.db, (done, total) => progress.update(done, total)).finally(() => progress.stop())
    if (result.broken) {
      const {seq, reason, expected, found} = result.broken
      const why = this.t(`audit.reason.${reason}`, {expected, found})
      throw new EgovError('conflict', 'audit.broken', {seq, reason: why}, {details: {broken: result.broken, checked: result.count}})
    }
    this.log(result.head ? this.t('audit.ok', {count: result.count, head: `#${result.head.seq} ${result.head.hash.slice(0, 12)}`}) : this.t('audit.empty'))
    return result
  }
}
