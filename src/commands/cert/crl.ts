import * as Flags from '@oclif/core/flags'

import {CertCommand} from '../../cli/cert.js'
import {forceFlag, readyToWrite} from '../../cli/output-flags.js'
import {issueCrls, toPem, writeSecretFile} from '../../core/cert/index.js'

export default class CertCrl extends CertCommand<typeof CertCrl> {
  static override summary = 'Make a new CRL now, signed by the CA, and write it out'
  static override description = `Each CRL has the next CRL number, every revoked or held certificate that has not expired with its reason code (certificateHold for holds), and a next update 7 days ahead (ca init --crl-days). egov makes one after every revocation, hold or resume by itself; run this at least weekly so the published CRL never lapses (cert ca show and cert list warn 2 days before). DER by default, --pem for PEM; without --out, PEM goes to stdout. With a publication folder set (egov config set cert.publish DIR), every CRL egov makes, here or on an approval, is also written there as DER and PEM (see the README). Each CA a rollover retired gets a new CRL too (for the certificates it issued, at its own URL); --root-key also re-signs the offline root's CRL.`
  static override examples = [
    'EGOV_CA_PASSPHRASE=ca-demo-passphrase <%= config.bin %> cert crl --out ca.crl',
    'EGOV_CA_PASSPHRASE=ca-demo-passphrase <%= config.bin %> cert crl --pem --out ca-crl.pem --json',
  ]

  static override flags = {
    out: Flags.string({description: 'write the CRL here'}),
    pem: Flags.boolean({description: 'PEM instead of DER'}),
    'passphrase-file': Flags.string({description: 'file whose first line is the CA passphrase'}),
    'root-key': Flags.string({description: 'the offline root’s key file: also make a new root CRL (the root’s CRL otherwise lasts its --crl-days)'}),
    'root-passphrase-file': Flags.string({description: 'file whose first line is the root key’s passphrase (else EGOV_ROOT_PASSPHRASE, or a prompt)'}),
    force: forceFlag,
  }

  async run(): Promise<{
    number: number
    thisUpdate: string
    nextUpdate: string
    entries: number
    path: string | null
    published: {der: string; pem: string} | null
    retired?: Array<{ca: string; number: number}>
    root?: {number: number; nextUpdate: string}
  }> {
    await readyToWrite({out: this.flags.out}, {force: this.flags.force, interactive: this.interactive(), locale: this.locale})
    const rootKey = this.flags['root-key'] ? {path: this.flags['root-key'], passphrase: await this.rootPassphrase(this.flags['root-passphrase-file'])} : undefined
    const passphrase = await this.passphrase(this.flags['passphrase-file'])
    const store = await this.store()
    const {crl, retired, rootCrl} = await issueCrls(store, {passphrase, rootKey})
    if (crl.published) this.log(this.t('cert.crlPublished', {...crl.published}))
    if (crl.warning) this.showWarnings([{message: crl.warning}])
    const pem = toPem(crl.der, 'X509 CRL')
    if (this.flags.out) {
      writeSecretFile(this.flags.out, this.flags.pem ? pem : crl.der, 0o644)
      this.log(this.t('cert.crlWritten', {number: crl.number, entries: crl.entries, nextUpdate: crl.nextUpdate}))
    } else {
      this.show(() => pem.trimEnd())
    }
    return {
      number: crl.number,
      thisUpdate: crl.thisUpdate,
      nextUpdate: crl.nextUpdate,
      entries: crl.entries,
      path: this.flags.out ?? null,
      published: crl.published ?? null,
      ...(retired.length ? {retired} : {}),
      ...(rootCrl ? {root: {number: rootCrl.number, nextUpdate: rootCrl.nextUpdate}} : {}),
    }
  }
}
