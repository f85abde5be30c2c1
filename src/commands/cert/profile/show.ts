import {EgovCommand} from '../../../cli/base.js'
import {profileKeyArg, profileLines, statusWord} from '../../../cli/cert-profile.js'
import {now} from '../../../core/clock.js'
import {findProfile, type ProfileInfo, validCertificates} from '../../../core/cert/index.js'

export default class CertProfileShow extends EgovCommand<typeof CertProfileShow> {
  static override summary = 'Show a certificate profile: usages, key kind, validity, who made and changed it'
  static override description = 'With the number of valid certificates issued under it (they renew under it, whatever becomes of the profile). An unknown key is exit 3.'
  static override examples = ['<%= config.bin %> cert profile show staff', '<%= config.bin %> cert profile show staff --json']

  static override args = profileKeyArg

  async run(): Promise<ProfileInfo & {validCertificates: number}> {
    const store = await this.store()
    const p = await findProfile(store, this.args.key)
    const valid = await validCertificates(store, p.key, now().toISOString())
    this.show(() =>
      [
        `${this.color.bold(p.key)}  ${p.name}  (${statusWord(p, this.locale)})`,
        ...profileLines(p, this.locale),
        `${this.t('cert.profile.label.valid')}: ${valid}`,
        `${this.t('cert.profile.label.created')}: ${p.createdAt.slice(0, 10)} ${p.createdBy}${p.updatedAt ? `; ${this.t('cert.profile.label.updated')}: ${p.updatedAt.slice(0, 10)} ${p.updatedBy}` : ''}${p.retiredAt ? `; ${this.t('cert.profile.status.retired')}: ${p.retiredAt.slice(0, 10)} ${p.retiredBy}` : ''}`,
      ].join('\n'),
    )
    return {...p, validCertificates: valid}
  }
}
