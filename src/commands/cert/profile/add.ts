import {EgovCommand} from '../../../cli/base.js'
import {profileFlags, profileInput, profileKeyArg, profileLines} from '../../../cli/cert-profile.js'
import {addProfile, type ProfileInfo} from '../../../core/cert/index.js'

export default class CertProfileAdd extends EgovCommand<typeof CertProfileAdd> {
  static override summary = 'Add a certificate profile (证书模板), shared by everyone on this database'
  static override description = `Needs --name, --key-usage and --days; --key-spec defaults to rsa-2048, --max-days to --days, --ext-key-usage and --san to none, --no-medium. Every field is checked before anything is written (exit 2, naming the flag and the rule): key usages a holder's certificate may carry (RFC 5280; not keyCertSign or cRLSign), no keyEncipherment or dataEncipherment with an EC key (RFC 5480), extended key usages egov writes, a key kind egov makes (CERT-5), 1 ≤ --days ≤ --max-days ≤ 3650. A key already used, even by a retired profile, is exit 4. Audited as cert.profile.add. Needs: security-admin.`
  static override examples = [
    '<%= config.bin %> cert profile add staff-ec --name "工作人员个人证书（EC）" --key-usage digitalSignature,nonRepudiation --ext-key-usage clientAuth --key-spec ec-p256 --days 730 --max-days 1095 --medium',
    '<%= config.bin %> cert profile add intranet-server --name 内网服务器证书 --key-usage digitalSignature,keyEncipherment --ext-key-usage serverAuth --san dns,ip --days 397 --json',
  ]

  static override args = profileKeyArg
  static override flags = profileFlags

  async run(): Promise<{profile: ProfileInfo}> {
    const store = await this.store()
    const result = await addProfile(store, this.args.key, profileInput(this.flags))
    const p = result.profile
    this.log(this.t('cert.profile.added', {key: p.key, name: p.name, keySpec: p.key_spec, days: p.days, maxDays: p.maxDays}))
    this.show(() =>
      profileLines(p, this.locale)
        .map((l) => `  ${l}`)
        .join('\n'),
    )
    return result
  }
}
