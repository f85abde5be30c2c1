import * as Flags from '@oclif/core/flags'

import {CertCommand} from '../../../cli/cert.js'
import {forceFlag, readyToWrite} from '../../../cli/output-flags.js'
import {type CaInfo, initCa, initRoot, KEY_SPECS, parseKeySpec, type RootInfo} from '../../../core/cert/index.js'

export default class CertCaInit extends CertCommand<typeof CertCaInit> {
  static override summary = 'Create the local CA: a self-signed root whose key is kept encrypted, or an offline root and the issuing CA it signs'
  static override description = `The root certificate (default 10 years, RSA-3072) and its private key, stored in the database as PKCS#8 encrypted with the CA passphrase (AES-256-CBC, PBKDF2); the key is never printed. The passphrase comes from --passphrase-file, EGOV_CA_PASSPHRASE, or a hidden prompt on a terminal; at least 8 characters. The first, empty CRL is made at once. There is one CA per database (exit 4 if it exists). --key sm2 makes an SM2 CA (CERT-5): its certificate, the certificates it issues, its CRLs and OCSP responses are signed SM2-with-SM3 (1.2.156.10197.1.501) under the GM/T 0009 default identifier 1234567812345678 (openssl: -vfyopt distid:1234567812345678).

A hierarchy instead: --root --out-key FILE makes an offline root (default 20 years, RSA-4096, pathLen 1; its CRL valid --crl-days, default 180) and writes its key to FILE only, encrypted under a root passphrase of its own (--root-passphrase-file, EGOV_ROOT_PASSPHRASE, or a prompt): the database keeps the root certificate, never its key. Then --root-key FILE makes the issuing CA (pathLen 0) signed by that root; it does the daily work as a self-signed CA would, and every PKCS#12 and PEM carries the chain up to the root. --ca-url is where you publish this CA's certificate (AIA caIssuers in what it signs).`
  // The hierarchy's walk-through (--root, then --root-key) is in the README: these examples share one database, which has its CA.
  static override examples = ['EGOV_CA_PASSPHRASE=ca-demo-passphrase <%= config.bin %> cert ca init --name "市数据局 CA" --key rsa-3072 --crl-url http://pki.example.gov.cn/ca.crl']

  static override flags = {
    name: Flags.string({description: 'the CA’s name (its certificate’s CN)'}),
    key: Flags.string({description: `key kind: ${KEY_SPECS.join(', ')} [default: rsa-3072; rsa-4096 with --root]`}),
    days: Flags.integer({description: 'validity in days [default: 3650; 7300 with --root; an issuing CA never outlives its root]', min: 1, max: 36500}),
    'crl-days': Flags.integer({description: 'days from one CRL to its next update [default: 7; 180 with --root]', min: 1, max: 365}),
    'crl-url': Flags.string({description: 'http(s) URL where you will publish the CRL; written into every certificate as its CRL distribution point'}),
    'ca-url': Flags.string({description: 'http(s) URL where you will publish this CA’s certificate (DER); written into every certificate it signs as AIA caIssuers'}),
    root: Flags.boolean({description: 'make an offline root instead: its key goes to --out-key, never into the database', exclusive: ['root-key', 'passphrase-file']}),
    'out-key': Flags.string({description: 'with --root: write the root’s encrypted key here (mode 0600), the only copy', dependsOn: ['root']}),
    'root-key': Flags.string({description: 'the root key file: make the issuing CA, signed by the root'}),
    'root-passphrase-file': Flags.string({description: 'file whose first line is the root key’s passphrase (else EGOV_ROOT_PASSPHRASE, or a prompt)'}),
    'passphrase-file': Flags.string({description: 'file whose first line is the CA passphrase'}),
    force: forceFlag,
  }

  async run(): Promise<CaInfo | (RootInfo & {keyFile: string})> {
    const f = this.flags
    const name = await this.need(f.name, 'name', 'CA name (CA 名称)')
    if (f.root) {
      const outKey = await this.need(f['out-key'], 'out-key', 'root key file (根密钥文件)')
      const keySpec = parseKeySpec(f.key ?? 'rsa-4096')
      await readyToWrite({'out-key': outKey}, {force: f.force, interactive: this.interactive(), locale: this.locale})
      const keyPassphrase = await this.rootPassphrase(f['root-passphrase-file'], {confirm: true})
      const store = await this.store()
      const info = await initRoot(store, {name, keySpec, days: f.days, crlDays: f['crl-days'], crlUrl: f['crl-url'], caUrl: f['ca-url'], keyPassphrase, outKey})
      this.log(this.t('cert.root.created', {name: info.name, keySpec: info.keySpec, notAfter: info.notAfter.slice(0, 10), fingerprint: info.fingerprint, keyFile: info.keyFile}))
      return info
    }
    const keySpec = parseKeySpec(f.key ?? 'rsa-3072')
    const rootKey = f['root-key'] ? {path: f['root-key'], passphrase: await this.rootPassphrase(f['root-passphrase-file'])} : undefined
    const passphrase = await this.passphrase(f['passphrase-file'], {confirm: true})
    const store = await this.store()
    const info = await initCa(store, {name, keySpec, days: f.days, crlDays: f['crl-days'], crlUrl: f['crl-url'], caUrl: f['ca-url'], passphrase, rootKey})
    this.log(this.t('cert.ca.created', {name: info.name, keySpec: info.keySpec, notAfter: info.notAfter.slice(0, 10), fingerprint: info.fingerprint}))
    return info
  }
}
