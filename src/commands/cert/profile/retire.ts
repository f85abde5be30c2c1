import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../../cli/base.js'
import {profileKeyArg} from '../../../cli/cert-profile.js'
import {type ProfileInfo, retireProfile} from '../../../core/cert/index.js'

export default class CertProfileRetire extends EgovCommand<typeof CertProfileRetire> {
  static override summary = 'Retire a certificate profile: nothing new is issued under it'
  static override description = `No new application may name it, and an application filed under it and not yet approved is refused at approval (exit 4). Certificates issued under it still renew, extend and change medium under it. Final: a profile's key is never reused (add a new profile instead). Retiring a retired profile is exit 4. Audited as cert.profile.retire. Needs: security-admin.`
  static override examples = ['<%= config.bin %> cert profile retire intranet-server --yes']

  static override args = profileKeyArg
  static override flags = {yes: Flags.boolean({description: 'do not ask for confirmation'})}

  async run(): Promise<{profile: ProfileInfo; certificates: number}> {
    await this.confirm(`retire profile ${this.args.key}`, this.flags.yes)
    const store = await this.store()
    const result = await retireProfile(store, this.args.key)
    this.log(this.t('cert.profile.retiredNow', {key: result.profile.key, count: result.certificates}))
    return result
  }
}
