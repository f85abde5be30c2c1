import * as Flags from '@oclif/core/flags'

import {CertCommand} from '../../../cli/cert.js'
import {caResponders, checkPort, serveOcsp} from '../../../core/cert/index.js'

export default class CertOcspServe extends CertCommand<typeof CertOcspServe> {
  static override summary = 'Answer OCSP requests (RFC 6960) for the certificates this CA issued'
  static override description = `An OCSP responder over HTTP, POST and GET: good, revoked (with its time and reason; a hold is revoked with certificateHold, and good again once resumed) or unknown, from the inventory at each request. Responses are signed by the CA key, so the CA certificate is all a relying party needs (openssl ocsp -issuer ca.pem -CAfile ca.pem); the CA passphrase is asked once, at start (--passphrase-file, EGOV_CA_PASSPHRASE). A nonce in the request is echoed. A request that cannot be read gets HTTP 400 and malformedRequest. Listens on 127.0.0.1 unless --host says otherwise; --port 0 picks a free port (printed). Stops on Ctrl-C or SIGTERM, after --max-requests answers, or after --for seconds.`
  static override examples = [
    'EGOV_CA_PASSPHRASE=ca-demo-passphrase <%= config.bin %> cert ocsp serve --port 18960 --max-requests 1 --for 60 & for i in $(seq 30); do sleep 1; openssl ocsp -issuer ca.pem -cert zhangsan.pem -url http://127.0.0.1:18960 -CAfile ca.pem 2>&1 && break; done; wait',
  ]

  static override flags = {
    port: Flags.string({description: 'TCP port (0: a free one)', required: true}),
    host: Flags.string({description: 'address to listen on', default: '127.0.0.1'}),
    'max-requests': Flags.integer({description: 'stop after this many answers (scripts, tests)', min: 1}),
    for: Flags.integer({description: 'stop after this many seconds (scripts, demonstrations)', min: 1}),
    'passphrase-file': Flags.string({description: 'file whose first line is the CA passphrase'}),
  }

  async run(): Promise<{url: string; answered: number}> {
    const f = this.flags
    const port = checkPort(f.port)
    const passphrase = await this.passphrase(f['passphrase-file'])
    const store = await this.store()
    const {caInfo} = await import('../../../core/cert/index.js')
    const ca = await caInfo(store)
    // One per CA: after a rollover the retired CA answers, signing with its own key, for what it issued.
    const responders = await caResponders(store, passphrase)
    let stop: () => void = () => {}
    const stopped = new Promise<void>((resolve) => (stop = resolve))
    const max = f['max-requests']
    const answered = () => running.answered()
    const running = await serveOcsp(responders, {host: f.host, port, onError: (error) => process.stderr.write(`${error.message}\n`)})
    if (max) running.server.on('request', (_req, res) => res.on('finish', () => answered() >= max && stop()))
    const timer = f.for ? setTimeout(() => stop(), f.for * 1000) : undefined
    this.log(this.t('cert.ocspListening', {ca: ca.name, url: running.url}))
    const onSignal = () => stop()
    process.once('SIGINT', onSignal)
    process.once('SIGTERM', onSignal)
    await stopped
    if (timer) clearTimeout(timer)
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    await running.close()
    return {url: running.url, answered: answered()}
  }
}
