import * as Flags from '@oclif/core/flags'

import {CertCommand} from '../../../cli/cert.js'
import {type CaInfo, initCa} from '../../../core/cert/ca.js'
import {KEY_SPECS, parseKeySpec} from '../../../core/cert/keys.js'

export default class CertCaInit extends CertCommand<typeof CertCaInit> {
  static override summary = 'Create the local CA: a self-signed root whose key is kept encrypted'
  static override description = `The root certificate (default 10 years, RSA-3072) and its private key, stored in the database as PKCS#8 encrypted with the CA passphrase (AES-256-CBC, PBKDF2); the key is never printed. The passphrase comes from --passphrase-file, EGOV_CA_PASSPHRASE, or a hidden prompt on a terminal; at least 8 characters. The first, empty CRL is made at once. There is one CA per database (exit 4 if it exists). --key sm2 makes an SM2 CA (CERT-5): its certificate, the certificates it issues, its CRLs and OCSP responses are signed SM2-with-SM3 (1.2.156.10197.1.501) under the GM/T 0009 default identifier 1234567812345678 (openssl: -vfyopt distid:1234567812345678).`
  static override examples = ['EGOV_CA_PASSPHRASE=ca-demo-passphrase <%= config.bin %> cert ca init --name "市数据局 CA" --key rsa-3072 --crl-url http://pki.example.gov.cn/ca.crl']

  static override flags = {
    name: Flags.string({description: 'the CA’s name (its certificate’s CN)'}),
    key: Flags.string({description: `key kind: ${KEY_SPECS.join(', ')}`, default: 'rsa-3072'}),
    days: Flags.integer({description: 'validity of the root in days', default: 3650, min: 1, max: 36500}),
    'crl-days': Flags.integer({description: 'days from one CRL to its next update', default: 7, min: 1, max: 365}),
    'crl-url': Flags.string({description: 'http(s) URL where you will publish the CRL; written into every certificate as its CRL distribution point'}),
    'passphrase-file': Flags.string({description: 'file whose first line is the CA passphrase'}),
  }

  async run(): Promise<CaInfo> {
    const f = this.flags
    const name = await this.need(f.name, 'name', 'CA name (CA 名称)')
    const keySpec = parseKeySpec(f.key)
    const passphrase = await this.passphrase(f['passphrase-file'], {confirm: true})
    const store = await this.store()
    const info = await initCa(store, {name, keySpec, days: f.days, crlDays: f['crl-days'], crlUrl: f['crl-url'], passphrase})
    this.log(this.t('cert.ca.created', {name: info.name, keySpec: info.keySpec, notAfter: info.notAfter.slice(0, 10), fingerprint: info.fingerprint}))
    return info
  }
}
