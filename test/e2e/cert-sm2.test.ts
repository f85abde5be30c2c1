import {type ChildProcess, spawn, spawnSync} from 'node:child_process'
import {createPublicKey} from 'node:crypto'
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {BIN, childEnv, egov, isolatedHome} from '../helpers/cli.js'
import {createTestDatabase, type TestDatabase} from '../helpers/db.js'

const PASS = 'ca-test-passphrase'
const UNIT = '市人力资源和社会保障局'
/** GM/T 0009's default distinguishing identifier, which egov signs under. */
const DISTID = '1234567812345678'
const openssl = (args: string[], cwd: string, input?: Buffer) => spawnSync('openssl', args, {cwd, encoding: 'utf8', input})

/**
 * The second verifier (issue 21): sm-crypto, a pure-JavaScript SM2/SM3 from the npm
 * registry that shares no code with egov's signer (src/core/cert/sm2.ts) nor with OpenSSL.
 */
const smCrypto = createRequire(import.meta.url)('sm-crypto') as {
  sm2: {doVerifySignature(msg: Uint8Array | number[] | string, sigHex: string, publicKeyHex: string, options: {der?: boolean; hash?: boolean; userId?: string}): boolean}
}

/** A DER structure's signed part and signature: SEQUENCE { tbs, algorithm, BIT STRING }. */
function signedParts(der: Buffer): {tbs: Buffer; signature: Buffer} {
  const node = (at: number) => {
    let len = der[at + 1]
    if (len === undefined) throw new Error(`DER ends at ${at + 1}`)
    let body = at + 2
    if (len & 0x80) {
      const n = len & 0x7f
      len = 0
      for (let i = 0; i < n; i++) len = len * 256 + der[body + i]!
      body += n
    }
    return {start: at, body, end: body + len}
  }
  const tbs = node(node(0).body)
  const alg = node(tbs.end)
  const sig = node(alg.end)
  return {tbs: der.subarray(tbs.start, tbs.end), signature: der.subarray(sig.body + 1, sig.end)}
}

const pemBody = (pem: string) => Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64')

/**
 * CERT-5: an SM2 CA. Every artefact is checked by the openssl CLI and by sm-crypto. OpenSSL
 * 3.0 verifies SM2 leaves with `openssl verify -vfyopt distid:…`, but takes no identifier
 * for a CRL's signature or a root's self-signature (`-crl_check`, `-check_ss_sig` fail even
 * on what `openssl ca -sigopt distid:…` makes), so those are checked as the issue says: `openssl
 * pkeyutl -verify -rawin -digest sm3 -pkeyopt distid:…` over the signed bytes.
 */
describe('an SM2 CA: certificates, CRLs, OCSP and PKCS#12 signed SM2-with-SM3 (CERT-5) [sqlite]', () => {
  // SQLite only: nothing here depends on the database (SM2 is signing, not storage; the rows are
  // the same as for RSA, which cert.test.ts runs on both), and the file stays within its time.
  const dialect = 'sqlite'
  let tdb: TestDatabase
  let env: Record<string, string>
  const dir = mkdtempSync(join(tmpdir(), 'egov-sm2-'))
  const as = (who: string, extra: Record<string, string> = {}) => ({...env, ...tdb.envFor(who), ...extra})
  const alice = (args: string[], extra: Record<string, string> = {}) => egov(args, as('alice', extra))
  const bob = (args: string[]) => egov(args, as('bob', {EGOV_CA_PASSPHRASE: PASS}))
  const approved = async (args: string[]) => {
    const filed = await alice([...args, '--json'])
    expect(filed.code, filed.stdout + filed.stderr).toBe(0)
    const r = await bob(['requests', 'approve', String(filed.json.request.id), '--json'])
    expect(r.code, r.stdout + r.stderr).toBe(0)
    return r.json.request.payload.issued as string
  }
  const count = (table: string) => tdb.count(table)
  const written = async () => [await count('requests'), await count('cert_certs'), await count('audit_log')]
  /** The CA's public key: for openssl as a PEM file, for sm-crypto as the uncompressed point in hex. */
  let caPoint = ''
  const pkeyutl = (parts: {tbs: Buffer; signature: Buffer}, id = DISTID) => {
    writeFileSync(join(dir, 'signed.bin'), parts.tbs)
    writeFileSync(join(dir, 'signature.bin'), parts.signature)
    return openssl(['pkeyutl', '-verify', '-rawin', '-digest', 'sm3', '-pubin', '-inkey', 'ca.pub', '-in', 'signed.bin', '-sigfile', 'signature.bin', '-pkeyopt', `distid:${id}`], dir)
  }
  const smVerify = (parts: {tbs: Buffer; signature: Buffer}, point = caPoint) =>
    smCrypto.sm2.doVerifySignature([...parts.tbs], parts.signature.toString('hex'), point, {der: true, hash: true, userId: DISTID})
  /** Both verifiers accept the signature, and both refuse it over one byte changed. */
  const bothVerify = (parts: {tbs: Buffer; signature: Buffer}) => {
    expect(pkeyutl(parts).stdout).toContain('Signature Verified Successfully')
    expect(smVerify(parts)).toBe(true)
    const altered = Buffer.from(parts.tbs)
    altered[altered.length - 3]! ^= 1
    expect(pkeyutl({tbs: altered, signature: parts.signature}).status).not.toBe(0)
    expect(smVerify({tbs: altered, signature: parts.signature})).toBe(false)
  }
  const sm2Csr = (name: string, sigopt = [`distid:${DISTID}`]) => {
    expect(openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:SM2', '-out', `${name}.key`], dir).status).toBe(0)
    const r = openssl(['req', '-new', '-key', `${name}.key`, '-sm3', ...sigopt.flatMap((o) => ['-sigopt', o]), '-subj', `/CN=${name}`, '-out', `${name}.csr`], dir)
    expect(r.status, r.stderr).toBe(0)
    return join(dir, `${name}.csr`)
  }

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    for (const who of ['alice', 'bob']) await (await tdb.open(who)).close()
    env = {...isolatedHome(), ...tdb.env}
    expect((await alice(['units', 'add', UNIT, '--kind', 'party-government', '--level', 'city'])).code).toBe(0)
  })
  afterAll(async () => {
    await tdb.cleanup()
  })

  it('a key kind egov does not know is refused, exit 2, naming sm2 among the kinds (CERT-5); nothing is made', async () => {
    for (const key of ['sm3']) {
      const r = await alice(['cert', 'ca', 'init', '--name', 'X', '--key', key, '--json'], {EGOV_CA_PASSPHRASE: PASS})
      expect(r.code).toBe(2)
      expect(r.json.error.details).toMatchObject({key: 'cert.badKeySpec', field: 'key', rule: 'CERT-5'})
      expect(r.json.error.message).toContain('sm2')
    }
    expect(await count('cert_ca')).toBe(0)
  })

  it('cert ca init --key sm2: openssl shows SM2-with-SM3 on the SM2 curve; the self-signature verifies with openssl pkeyutl and sm-crypto under the GM/T 0009 ID', async () => {
    const init = await alice(['cert', 'ca', 'init', '--name', '市数据局 SM2 CA', '--key', 'sm2', '--json'], {EGOV_CA_PASSPHRASE: PASS})
    expect(init.code, init.stderr).toBe(0)
    expect(init.json.keySpec).toBe('sm2')
    const show = await alice(['cert', 'ca', 'show', '--pem', '--json'])
    writeFileSync(join(dir, 'ca.pem'), show.json.pem)
    const text = openssl(['x509', '-in', 'ca.pem', '-text', '-noout'], dir).stdout
    expect(text.match(/Signature Algorithm: SM2-with-SM3/g)).toHaveLength(2)
    expect(text).toContain('ASN1 OID: SM2')
    expect(text).toContain('id-ecPublicKey')
    // GM/T 0015: the algorithm is 1.2.156.10197.1.501 with no parameters, in the TBS and outside it.
    const der = pemBody(show.json.pem)
    const alg = Buffer.from('300a06082a811ccf55018375', 'hex')
    expect(der.indexOf(alg)).toBeGreaterThan(0)
    expect(der.lastIndexOf(alg)).toBeGreaterThan(der.indexOf(alg))
    writeFileSync(join(dir, 'ca.pub'), openssl(['x509', '-in', 'ca.pem', '-pubkey', '-noout'], dir).stdout)
    caPoint = createPublicKey(readFileSync(join(dir, 'ca.pub')))
      .export({type: 'spki', format: 'der'})
      .subarray(-65)
      .toString('hex')
    const parts = signedParts(der)
    bothVerify(parts)
    // The identifier is part of what is signed: OpenSSL's default (empty) one does not verify it.
    expect(pkeyutl(parts, '').status).not.toBe(0)
  })

  it('the second verifier is proven first on a certificate openssl made (openssl req -x509 -sm3 -sigopt distid)', () => {
    sm2Csr('own')
    const r = openssl(['req', '-x509', '-key', 'own.key', '-sm3', '-sigopt', `distid:${DISTID}`, '-subj', '/CN=openssl', '-days', '1', '-out', 'own.pem'], dir)
    expect(r.status, r.stderr).toBe(0)
    const point = createPublicKey(readFileSync(join(dir, 'own.key')))
      .export({type: 'spki', format: 'der'})
      .subarray(-65)
      .toString('hex')
    const parts = signedParts(pemBody(readFileSync(join(dir, 'own.pem'), 'utf8')))
    expect(smVerify(parts, point)).toBe(true)
    expect(smVerify(parts, caPoint)).toBe(false)
  })

  it('cert import of an SM2 certificate from an outside SM2 CA: its signature is checked against --issuer (a look-alike issuer is refused, exit 2)', async () => {
    sm2Csr('ext')
    const sign = openssl(
      ['x509', '-req', '-in', 'ext.csr', '-CA', 'own.pem', '-CAkey', 'own.key', '-sm3', '-sigopt', `distid:${DISTID}`, '-vfyopt', `distid:${DISTID}`, '-days', '30', '-out', 'ext.pem'],
      dir,
    )
    expect(sign.status, sign.stderr).toBe(0)
    // Same subject as own.pem, another key.
    sm2Csr('fake')
    expect(openssl(['req', '-x509', '-key', 'fake.key', '-sm3', '-sigopt', `distid:${DISTID}`, '-subj', '/CN=openssl', '-days', '1', '-out', 'fake.pem'], dir).status).toBe(0)
    const before = await written()
    const fake = await alice(['cert', 'import', join(dir, 'ext.pem'), '--holder', '周九', '--unit', UNIT, '--issuer', join(dir, 'fake.pem'), '--json'])
    expect(fake.code).toBe(2)
    expect(fake.json.error.details).toMatchObject({key: 'cert.notTheIssuer', field: 'issuer'})
    expect(await written()).toEqual(before)
    const ok = await alice(['cert', 'import', join(dir, 'ext.pem'), '--holder', '周九', '--unit', UNIT, '--issuer', join(dir, 'own.pem'), '--json'])
    expect(ok.code, ok.stdout + ok.stderr).toBe(0)
    expect(ok.json.keySpec).toBe('sm2')
  })

  let leaf = ''
  it('an SM2 CSR (openssl req -sm3 -sigopt distid) is filed and issued; openssl verify -vfyopt distid and sm-crypto accept the leaf', async () => {
    const csr = sm2Csr('zs')
    expect(openssl(['req', '-verify', '-in', 'zs.csr', '-vfyopt', `distid:${DISTID}`, '-noout'], dir).stderr).toMatch(/verify OK/)
    leaf = await approved(['cert', 'apply', '--holder', '张三', '--unit', UNIT, '--id-number', '11010519491231002X', '--medium', 'UK-SM2-1', '--profile', 'staff-sm2', '--csr', csr])
    expect((await alice(['cert', 'export', leaf, '--out', join(dir, 'zs.pem')])).code).toBe(0)
    const text = openssl(['x509', '-in', 'zs.pem', '-text', '-noout'], dir).stdout
    expect(text).toContain('Signature Algorithm: SM2-with-SM3')
    expect(text).toContain('ASN1 OID: SM2')
    expect(text).toMatch(/Subject: C = CN, O = .*, OU = .*, CN = .*, serialNumber = H\d{6}/)
    const ok = openssl(['verify', '-vfyopt', `distid:${DISTID}`, '-CAfile', 'ca.pem', 'zs.pem'], dir)
    expect(ok.stdout, ok.stderr).toContain('zs.pem: OK')
    expect(openssl(['verify', '-CAfile', 'ca.pem', 'zs.pem'], dir).status).not.toBe(0)
    // The certificate holds the CSR's key.
    expect(openssl(['x509', '-in', 'zs.pem', '-pubkey', '-noout'], dir).stdout).toBe(openssl(['pkey', '-in', 'zs.key', '-pubout'], dir).stdout)
    bothVerify(signedParts(pemBody(readFileSync(join(dir, 'zs.pem'), 'utf8'))))
  })

  it('an SM2 CSR signed under OpenSSL’s default (empty) ID is accepted too; a secp256k1 CSR is verified, then refused by key policy, exit 2 (CERT-5)', async () => {
    const plain = await alice([
      'cert',
      'apply',
      '--holder',
      '李四',
      '--unit',
      UNIT,
      '--id-number',
      '620200198102020022',
      '--medium',
      'UK-SM2-2',
      '--profile',
      'staff-sm2',
      '--csr',
      sm2Csr('ls', []),
      '--json',
    ])
    expect(plain.code, plain.stdout).toBe(0)
    const before = await written()
    expect(openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:secp256k1', '-nodes', '-keyout', 'k1.key', '-subj', '/CN=k1', '-out', 'k1.csr'], dir).status).toBe(0)
    expect(openssl(['req', '-verify', '-in', 'k1.csr', '-noout'], dir).stderr).toMatch(/verify OK/)
    const k1 = await alice(['cert', 'apply', '--holder', '王五', '--unit', UNIT, '--id-number', '62020019800101001X', '--medium', 'UK-K1', '--csr', join(dir, 'k1.csr'), '--json'])
    expect(k1.code).toBe(2)
    expect(k1.json.error.details).toMatchObject({key: 'cert.csrKey', field: 'csr', rule: 'CERT-5'})
    expect(k1.json.error.message).toContain('EC secp256k1')
    expect(k1.json.error.message).toContain('sm2')
    expect(k1.json.error.message).not.toContain('altered')
    expect(await written()).toEqual(before)
  })

  it('bad CSRs: an altered SM2 CSR is refused as altered, an RSA CSR for the SM2 profile names the profile’s kind; exit 2, nothing written', async () => {
    const before = await written()
    // One byte of the subject changed after signing.
    const der = pemBody(readFileSync(join(dir, 'zs.csr'), 'utf8'))
    const at = der.indexOf(Buffer.from('zs'))
    der[at] = 'x'.charCodeAt(0)
    writeFileSync(join(dir, 'altered.csr'), der)
    const altered = await alice([
      'cert',
      'apply',
      '--holder',
      '王五',
      '--unit',
      UNIT,
      '--id-number',
      '62020019800101001X',
      '--medium',
      'UK-X',
      '--profile',
      'staff-sm2',
      '--csr',
      join(dir, 'altered.csr'),
      '--json',
    ])
    expect(altered.code).toBe(2)
    expect(altered.json.error.details).toMatchObject({key: 'cert.csrSignature', field: 'csr'})
    expect(openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'r.key', '-subj', '/CN=r', '-out', 'r.csr'], dir).status).toBe(0)
    const rsa = await alice([
      'cert',
      'apply',
      '--holder',
      '王五',
      '--unit',
      UNIT,
      '--id-number',
      '62020019800101001X',
      '--medium',
      'UK-X',
      '--profile',
      'staff-sm2',
      '--csr',
      join(dir, 'r.csr'),
      '--json',
    ])
    expect(rsa.code).toBe(2)
    expect(rsa.json.error.details).toMatchObject({key: 'cert.profileKey', field: 'csr', rule: 'CERT-5'})
    expect(rsa.json.error.message).toContain('staff-sm2')
    const zh = await egov(
      ['cert', 'apply', '--holder', '王五', '--unit', UNIT, '--id-number', '62020019800101001X', '--medium', 'UK-X', '--profile', 'staff-sm2', '--csr', join(dir, 'r.csr')],
      as('alice', {LANG: 'zh_CN.UTF-8'}),
    )
    expect(zh.code).toBe(2)
    expect(zh.stderr).toContain('只签发 sm2 密钥')
    expect(await written()).toEqual(before)
  })

  it('an SM2 key egov generates is delivered once in PKCS#12 under SM4-CBC, which openssl pkcs12 reads', async () => {
    // A signature key comes from the holder's medium as a CSR: egov never makes one (CERT-5).
    const made = await alice(['cert', 'apply', '--holder', '王五', '--unit', UNIT, '--id-number', '62020019800101001X', '--medium', 'UK-SM2-3', '--profile', 'staff-sm2', '--json'])
    expect(made.code).toBe(2)
    expect(made.json.error.details).toMatchObject({field: 'csr', rule: 'CERT-5'})
    // The encryption key of the pair is the one egov makes.
    const serial = await approved(['cert', 'apply', '--holder', '王五', '--unit', UNIT, '--id-number', '62020019800101001X', '--medium', 'UK-SM2-3', '--profile', 'staff-sm2-enc'])
    writeFileSync(join(dir, 'p12.pass'), 'Delivery-2026\n')
    const out = await alice(['cert', 'export', serial, '--p12', join(dir, 'ww.p12'), '--password-file', join(dir, 'p12.pass')], {EGOV_CA_PASSPHRASE: PASS})
    expect(out.code, out.stderr).toBe(0)
    expect(out.stdout).toContain('SM4/SHA-256')
    const info = openssl(['pkcs12', '-info', '-in', 'ww.p12', '-passin', 'pass:Delivery-2026', '-nodes'], dir)
    expect(info.status, info.stderr).toBe(0)
    expect(info.stderr).toContain('Shrouded Keybag: PBES2, PBKDF2, SM4-CBC')
    expect(info.stderr).toContain('MAC: sha256')
    const key = openssl(['pkcs12', '-in', 'ww.p12', '-passin', 'pass:Delivery-2026', '-nodes', '-nocerts'], dir).stdout
    writeFileSync(join(dir, 'ww.key'), key)
    expect(openssl(['pkey', '-in', 'ww.key', '-text', '-noout'], dir).stdout).toContain('ASN1 OID: SM2')
    const cert = openssl(['pkcs12', '-in', 'ww.p12', '-passin', 'pass:Delivery-2026', '-nokeys', '-clcerts'], dir).stdout
    writeFileSync(join(dir, 'ww.pem'), cert)
    expect(openssl(['x509', '-in', 'ww.pem', '-pubkey', '-noout'], dir).stdout).toBe(openssl(['pkey', '-in', 'ww.key', '-pubout'], dir).stdout)
    expect(openssl(['verify', '-vfyopt', `distid:${DISTID}`, '-CAfile', 'ca.pem', 'ww.pem'], dir).stdout).toContain('ww.pem: OK')
    // The key signs what openssl then verifies as SM2 under the same identifier.
    writeFileSync(join(dir, 'm.txt'), 'CERT-5')
    expect(openssl(['pkeyutl', '-sign', '-rawin', '-digest', 'sm3', '-inkey', 'ww.key', '-in', 'm.txt', '-out', 'm.sig', '-pkeyopt', `distid:${DISTID}`], dir).status).toBe(0)
    expect(openssl(['pkeyutl', '-verify', '-rawin', '-digest', 'sm3', '-certin', '-inkey', 'ww.pem', '-in', 'm.txt', '-sigfile', 'm.sig', '-pkeyopt', `distid:${DISTID}`], dir).stdout).toContain(
      'Verified Successfully',
    )
  })

  it('the signature/encryption pair: the encryption certificate’s generated key is kept after delivery only with cert.escrow on; a signature key never is (CERT-5)', async () => {
    const bad = await alice(['config', 'set', 'cert.escrow', 'yes', '--json'])
    expect(bad.code).toBe(2)
    expect(bad.json.error.details).toMatchObject({key: 'config.badEscrow', field: 'VALUE', rule: 'CERT-5'})
    writeFileSync(join(dir, 'p12.pass'), 'Delivery-2026\n')
    const deliver = (serial: string, file: string) => alice(['cert', 'export', serial, '--p12', join(dir, file), '--password-file', join(dir, 'p12.pass'), '--json'], {EGOV_CA_PASSPHRASE: PASS})
    const keyKept = async (serial: string) => (await tdb.value(`select key_pem from cert_certs where serial = '${serial}'`)) !== null
    // 张三's signature key came from his medium as a CSR; his encryption key egov makes. Escrow off: destroyed at delivery.
    const enc1 = await approved(['cert', 'apply', '--holder', '张三', '--unit', UNIT, '--id-number', '11010519491231002X', '--medium', 'UK-SM2-1', '--profile', 'staff-sm2-enc'])
    expect((await deliver(enc1, 'enc1.p12')).json.keyDestroyed).toBe(true)
    expect(await keyKept(enc1)).toBe(false)
    expect((await alice(['config', 'set', 'cert.escrow', 'on'])).code).toBe(0)
    const enc2 = await approved(['cert', 'apply', '--holder', '李四', '--unit', UNIT, '--id-number', '620200198102020022', '--medium', 'UK-SM2-2', '--profile', 'staff-sm2-enc'])
    const sig = await approved(['cert', 'apply', '--holder', '赵六', '--unit', UNIT, '--id-number', '620200198203030035', '--medium', 'UK-SM2-4', '--profile', 'staff-sm2', '--csr', sm2Csr('zl')])
    const escrowed = await deliver(enc2, 'enc2.p12')
    expect(escrowed.code, escrowed.stderr).toBe(0)
    expect(escrowed.json.keyDestroyed).toBe(false)
    expect(await keyKept(enc2)).toBe(true)
    // The signature key never reached egov: there is nothing to deliver or keep.
    expect((await deliver(sig, 'sig.p12')).code).not.toBe(0)
    expect(await keyKept(sig)).toBe(false)
    const text = openssl(['pkcs12', '-in', 'enc2.p12', '-passin', 'pass:Delivery-2026', '-nokeys', '-clcerts'], dir).stdout
    writeFileSync(join(dir, 'enc2.pem'), text)
    const shown = openssl(['x509', '-in', 'enc2.pem', '-text', '-noout'], dir).stdout
    expect(shown).toContain('Key Encipherment, Data Encipherment, Key Agreement')
    expect(shown).not.toContain('Digital Signature')
    expect(openssl(['verify', '-vfyopt', `distid:${DISTID}`, '-CAfile', 'ca.pem', 'enc2.pem'], dir).stdout).toContain('enc2.pem: OK')
    const audit = await alice(['audit', 'log', '--json'])
    const exports = audit.json.entries.filter((e: {action: string}) => e.action === 'cert.export')
    expect(exports).toHaveLength(3)
    expect(exports.filter((e: {after: {escrowed?: boolean}}) => e.after.escrowed)).toEqual([expect.objectContaining({entityId: enc2, after: expect.objectContaining({keyDestroyed: false})})])
  })

  it('the CRL after a revocation: SM2-with-SM3, the serial listed, its signature verified by openssl pkeyutl and sm-crypto', async () => {
    await approved(['cert', 'revoke', leaf, '--reason', 'keyCompromise'])
    const crl = await alice(['cert', 'crl', '--out', join(dir, 'crl.der')], {EGOV_CA_PASSPHRASE: PASS})
    expect(crl.code, crl.stderr).toBe(0)
    const text = openssl(['crl', '-inform', 'DER', '-in', 'crl.der', '-text', '-noout'], dir).stdout
    expect(text.match(/Signature Algorithm: SM2-with-SM3/g)).toHaveLength(2)
    expect(text.replace(/:/g, '').toLowerCase()).toContain(leaf.toLowerCase())
    expect(text).toContain('Key Compromise')
    bothVerify(signedParts(readFileSync(join(dir, 'crl.der'))))
  })

  it('OCSP: an SM2 CA’s responses are signed SM2-with-SM3; openssl reads the status, pkeyutl and sm-crypto verify the signature', async () => {
    const child: ChildProcess = spawn(process.execPath, [BIN, 'cert', 'ocsp', 'serve', '--port', '0', '--max-requests', '1', '--for', '30'], {
      env: childEnv(as('alice', {EGOV_CA_PASSPHRASE: PASS})),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const url = await new Promise<string>((resolve, reject) => {
      let out = ''
      child.stdout!.setEncoding('utf8').on('data', (d: string) => {
        out += d
        const m = /http:\/\/127\.0\.0\.1:\d+/.exec(out)
        if (m) resolve(m[0])
      })
      child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)))
    })
    const r = openssl(['ocsp', '-issuer', 'ca.pem', '-cert', 'zs.pem', '-url', url, '-noverify', '-respout', 'resp.der', '-resp_text'], dir)
    await new Promise((resolve) => child.on('exit', resolve))
    expect(r.stdout).toContain('zs.pem: revoked')
    expect(r.stdout).toContain('Signature Algorithm: SM2-with-SM3')
    // OCSPResponse → responseBytes [0] → SEQUENCE { OID, OCTET STRING { BasicOCSPResponse } }.
    const resp = readFileSync(join(dir, 'resp.der'))
    const basic = resp.subarray(resp.indexOf(Buffer.from('06092b0601050507300101', 'hex')) + 11)
    const inner = basic.subarray(basic[1]! & 0x80 ? 2 + (basic[1]! & 0x7f) : 2)
    bothVerify(signedParts(inner))
  })
})
