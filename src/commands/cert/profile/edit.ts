import {EgovCommand} from '../../../cli/base.js'
import {profileFlags, profileInput, profileKeyArg} from '../../../cli/cert-profile.js'
import {editProfile, type Profile, type ProfileInfo} from '../../../core/cert/index.js'

export default class CertProfileEdit extends EgovCommand<typeof CertProfileEdit> {
  static override summary = 'Change a certificate profile: only the fields given'
  static override description = `The same flags and checks as cert profile add (exit 2, nothing written); values already as asked change nothing (unchanged: true, no audit entry). Certificates already issued keep what they were signed with; their next renewal, extension or new medium uses the profile as it is then. A retired profile is not changed (exit 4). Audited as cert.profile.edit with the values before and after. Needs: security-admin.`
  static override examples = ['<%= config.bin %> cert profile edit staff --key-spec ec-p256', '<%= config.bin %> cert profile edit server --days 365 --max-days 397 --json']

  static override args = profileKeyArg
  static override flags = profileFlags

  async run(): Promise<{profile: ProfileInfo; before: Profile; unchanged: boolean}> {
    const store = await this.store()
    const result = await editProfile(store, this.args.key, profileInput(this.flags))
    const p = result.profile as unknown as Record<string, unknown>
    const before = result.before as unknown as Record<string, unknown>
    const fields = Object.keys(before).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(p[k]))
    this.log(
      result.unchanged
        ? this.t('cert.profile.unchanged', {key: result.profile.key})
        : this.t('cert.profile.edited', {key: result.profile.key, fields: fields.map((k) => `${k} ${JSON.stringify(before[k])} → ${JSON.stringify(p[k])}`).join('; ')}),
    )
    return result
  }
}
