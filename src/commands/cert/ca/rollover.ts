import * as Flags from '@oclif/core/flags'

import {CertCommand} from '../../../cli/cert.js'
import {type CaInfo, KEY_SPECS, parseKeySpec, rolloverCa} from '../../../core/cert/index.js'

export default class CertCaRollover extends CertCommand<typeof CertCaRollover> {
  static override summary = 'Re-key the CA: a new CA key and certificate sign from now on; the old CA is retired, not revoked'
  static override description = `Certificates the old CA issued stay valid until they expire: they can still be revoked, the old CA keeps signing their CRL at its own URL (every revocation, and egov cert crl) and OCSP answers for them (egov cert ocsp serve). New certificates, and renewals, are signed by the new CA. The new CA is named NAME G2, G3 … (or --name), and its CRL and certificate URLs get -g2, -g3 … before the extension (ca.crl → ca-g2.crl), unless --crl-url and --ca-url say otherwise. Under an offline root the root key file signs the new certificate (--root-key, --root-passphrase-file or EGOV_ROOT_PASSPHRASE) and the root's CRL is refreshed; a CA standing alone makes a new self-signed certificate, which relying parties add beside the old one. The new key is kept under the same CA passphrase (--passphrase-file, EGOV_CA_PASSPHRASE).`
  static override examples = ['EGOV_CA_PASSPHRASE=ca-demo-passphrase <%= config.bin %> cert ca rollover']

  static override flags = {
    name: Flags.string({description: 'the new CA’s name [default: the old name with G2, G3 …]'}),
    key: Flags.string({description: `key kind: ${KEY_SPECS.join(', ')} [default: the old CA’s]`}),
    days: Flags.integer({description: 'validity in days [default: 3650; an issuing CA never outlives its root]', min: 1, max: 36500}),
    'crl-url': Flags.string({description: 'http(s) URL of the new CA’s CRL [default: the old one with -g2, -g3 … before the extension]'}),
    'ca-url': Flags.string({description: 'http(s) URL of the new CA’s certificate [default: the old one with -g2, -g3 … before the extension]'}),
    'root-key': Flags.string({description: 'the root key file: signs the new CA under the root'}),
    'root-passphrase-file': Flags.string({description: 'file whose first line is the root key’s passphrase (else EGOV_ROOT_PASSPHRASE, or a prompt)'}),
    'passphrase-file': Flags.string({description: 'file whose first line is the CA passphrase'}),
  }

  async run(): Promise<CaInfo & {previous: {name: string; serial: string; fingerprint: string}}> {
    const f = this.flags
    const keySpec = f.key ? parseKeySpec(f.key) : undefined
    const rootKey = f['root-key'] ? {path: f['root-key'], passphrase: await this.rootPassphrase(f['root-passphrase-file'])} : undefined
    const passphrase = await this.passphrase(f['passphrase-file'])
    const store = await this.store()
    const info = await rolloverCa(store, {passphrase, name: f.name, keySpec, days: f.days, crlUrl: f['crl-url'], caUrl: f['ca-url'], rootKey})
    this.log(this.t('cert.ca.rolledOver', {name: info.name, keySpec: info.keySpec, notAfter: info.notAfter.slice(0, 10), fingerprint: info.fingerprint, previous: info.previous.name}))
    return info
  }
}
