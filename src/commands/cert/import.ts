import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {CertCommand} from '../../cli/cert.js'
import {type Certificate, importCertificate, readSecretFile} from '../../core/cert/index.js'

export default class CertImport extends CertCommand<typeof CertImport> {
  static override summary = 'Track a certificate issued elsewhere in the same inventory'
  static override description =
    'PEM, DER or PKCS#12 (with --password-file; only the certificate is kept, never the key). With the issuer’s certificate (--issuer, or a chain in FILE), checked to have signed it, cert check verifies each CRL’s signature and distrusts one it did not sign. The certificate shows in cert list with its expiry, and cert check tests it against its issuer’s CRL. The inventory is keyed by issuer and serial: another CA’s certificate with a serial already there is a certificate of its own, listed as SERIAL@TAG (TAG: the first 8 hex characters of the SHA-256 of its issuer’s name); the same issuer and serial twice is refused (exit 4).'
  static override examples = ['<%= config.bin %> cert import fixtures/cert/outside-staff.pem --holder 赵六 --unit 市人力资源和社会保障局']

  static override args = {
    file: Args.string({description: 'certificate file: PEM, DER or PKCS#12', required: true}),
  }

  static override flags = {
    holder: Flags.string({description: 'the holder’s name'}),
    unit: Flags.string({description: 'the holder’s unit, as registered'}),
    medium: Flags.string({description: 'the medium (USB key) it is on'}),
    'password-file': Flags.string({description: 'password of a PKCS#12 file'}),
    issuer: Flags.string({description: 'the issuing CA’s certificate (PEM or DER), so cert check can verify its CRLs; a chain in FILE serves too'}),
  }

  async run(): Promise<Certificate> {
    const f = this.flags
    const holder = await this.need(f.holder, 'holder', '持有人姓名')
    const unit = await this.need(f.unit, 'unit', this.t('col.unit'))
    const password = f['password-file'] ? readSecretFile(f['password-file'], 'password-file') : undefined
    const store = await this.store()
    const cert = await importCertificate(store, {file: this.args.file, holder, unit, medium: f.medium, password, issuerFile: f.issuer})
    this.log(this.t('cert.imported', {serial: cert.serial, holder: cert.holder.name, issuer: cert.issuer, notAfter: cert.notAfter.slice(0, 10)}))
    return cert
  }
}
