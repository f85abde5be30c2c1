import * as Flags from '@oclif/core/flags'

import {CertCommand, serialArg} from '../../cli/cert.js'
import {forceFlag, readyToWrite} from '../../cli/output-flags.js'
import {exportPem, exportPkcs12, type ExportResult} from '../../core/cert/index.js'
import {InvalidInput} from '../../core/errors.js'

export default class CertExport extends CertCommand<typeof CertExport> {
  static override summary = 'Write a certificate as PEM, or deliver its key and certificate as PKCS#12'
  static override description = `--out FILE.pem writes the certificate followed by the CA certificate; anyone may have it. --p12 FILE writes the key egov made and the certificate chain, protected by a password the operator sets (--password-file, or a hidden prompt), mode 0600: AES-256 (PBES2, SHA-256 MAC) by default, or --legacy 3DES with a SHA-1 MAC for older Windows and USB-key tools; an SM2 key is encrypted with SM4-CBC instead of AES (CERT-5). The key is delivered once and destroyed with that delivery: egov keeps no copy, and a second PKCS#12 is refused (exit 4, CERT-3; a new key is a renewal, egov cert renew SERIAL). The holder changes the password on receipt (CERT-2). Unwrapping the key needs the CA passphrase (--passphrase-file or EGOV_CA_PASSPHRASE).`
  static override examples = [
    '<%= config.bin %> cert export UK-2026-0001 --out zhangsan.pem',
    'printf "Delivery-2026\\n" > p12.pass && EGOV_CA_PASSPHRASE=ca-demo-passphrase <%= config.bin %> cert export UK-2026-0001 --p12 zhangsan.p12 --legacy --password-file p12.pass',
  ]

  static override args = serialArg
  static override flags = {
    out: Flags.string({description: 'write the certificate (PEM) here', exclusive: ['p12']}),
    p12: Flags.string({description: 'write key and certificate as PKCS#12 here'}),
    legacy: Flags.boolean({description: 'PKCS#12 with 3DES and SHA-1 for older Windows and USB-key tools', dependsOn: ['p12']}),
    'password-file': Flags.string({description: 'file whose first line is the PKCS#12 password'}),
    'passphrase-file': Flags.string({description: 'file whose first line is the CA passphrase'}),
    force: forceFlag,
  }

  async run(): Promise<ExportResult> {
    await readyToWrite({out: this.flags.out, p12: this.flags.p12}, {force: this.flags.force, interactive: this.interactive(), locale: this.locale})
    const f = this.flags
    const store = await this.store()
    if (f.out) {
      const result = await exportPem(store, this.args.serial, f.out)
      this.log(this.t('cert.exportedPem', {serial: result.serial, path: result.path}))
      return result
    }
    if (!f.p12) throw new InvalidInput('cert.outNeeded', {}, {field: 'out'})
    const password = await this.password(f['password-file'])
    const passphrase = await this.passphrase(f['passphrase-file'])
    const {cipher, ...result} = await exportPkcs12(store, this.args.serial, {path: f.p12, password, legacy: f.legacy, passphrase})
    this.log(this.t('cert.exportedP12', {serial: result.serial, path: result.path, format: cipher === '3des' ? '3DES/SHA-1' : cipher === 'sm4-cbc' ? 'SM4/SHA-256' : 'AES-256/SHA-256'}))
    this.log(this.t(result.keyDestroyed ? 'cert.keyDelivered' : 'cert.keyEscrowed'))
    return result
  }
}
