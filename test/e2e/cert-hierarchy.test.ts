import {type ChildProcess, spawn, spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, expect, it} from 'vitest'

import {BIN, childEnv, egov, isolatedHome} from '../helpers/cli.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

const PASS = 'ca-test-passphrase'
const ROOT_PASS = 'root-test-passphrase'
const UNIT = '市人力资源和社会保障局'
const PKI = 'http://pki.example.gov.cn'

/**
 * The CA hierarchy (issue 21, CERT-3/CERT-5 context): an offline root whose key egov writes to
 * a file and never keeps, an issuing CA it signs that does the daily work, chains in every
 * PEM and PKCS#12, AIA caIssuers, and a rollover that leaves issued certificates valid and
 * revocable. Every artefact is checked by the openssl CLI, CRLs of the whole chain included.
 */
describeEachDialect('cert CA hierarchy: offline root, issuing CA, rollover', (dialect) => {
  let tdb: TestDatabase
  let env: Record<string, string>
  const dir = mkdtempSync(join(tmpdir(), 'egov-hierarchy-'))
  const pub = join(dir, 'pub')
  const f = (name: string) => join(dir, name)
  const openssl = (args: string[]) => spawnSync('openssl', args, {cwd: dir, encoding: 'utf8'})
  const as = (who: string, extra: Record<string, string> = {}) => ({...env, ...tdb.envFor(who), ...extra})
  const alice = (args: string[], extra: Record<string, string> = {}) => egov(args, as('alice', extra))
  const bob = (args: string[]) => egov(args, as('bob', {EGOV_CA_PASSPHRASE: PASS}))
  const count = (table: string) => tdb.count(table)
  const rootFlags = ['--root-key', f('root-key.pem'), '--root-passphrase-file', f('root.pass')]
  /** Files a request as alice and has bob approve it; the approval's JSON. */
  const approved = async (args: string[]) => {
    const filed = await alice([...args, '--json'])
    expect(filed.code, filed.stderr).toBe(0)
    const r = await bob(['requests', 'approve', String(filed.json.request.id), '--json'])
    expect(r.code, r.stderr).toBe(0)
    return r.json
  }
  const verify = (leaf: string, issuing: string, crls: string[]) => openssl(['verify', '-crl_check_all', '-CAfile', 'root.pem', '-untrusted', issuing, ...crls.flatMap((c) => ['-CRLfile', c]), leaf])
  const certsIn = (text: string) => text.match(/-----BEGIN CERTIFICATE-----/g)?.length ?? 0
  let oldLeaf = ''

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    for (const who of ['alice', 'bob']) await (await tdb.open(who)).close()
    env = {...isolatedHome(), ...tdb.env}
    mkdirSync(pub)
    writeFileSync(f('root.pass'), `${ROOT_PASS}\n`)
    writeFileSync(f('wrong.pass'), 'not-the-root-passphrase\n')
    writeFileSync(f('ca.pass'), `${PASS}\n`)
    writeFileSync(f('p12.pass'), 'Delivery-2026\n')
    expect((await alice(['units', 'add', UNIT, '--kind', 'party-government', '--level', 'city'])).code).toBe(0)
    expect((await alice(['config', 'set', 'cert.publish', pub])).code).toBe(0)
    const root = await alice([
      'cert',
      'ca',
      'init',
      '--root',
      '--name',
      '市数据局根 CA',
      '--key',
      'ec-p384',
      '--out-key',
      f('root-key.pem'),
      '--root-passphrase-file',
      f('root.pass'),
      '--crl-url',
      `${PKI}/root.crl`,
      '--ca-url',
      `${PKI}/root.crt`,
      '--json',
    ])
    expect(root.code, root.stderr).toBe(0)
    writeFileSync(f('root.pem'), (await alice(['cert', 'ca', 'show', '--root'])).stdout)
  })
  afterAll(async () => {
    await tdb.cleanup()
  })

  it('the root: pathlen 1, its key in a 0600 file openssl decrypts with the root passphrase, and nowhere in the database', async () => {
    expect(statSync(f('root-key.pem')).mode & 0o777).toBe(0o600)
    expect(openssl(['pkey', '-in', 'root-key.pem', '-passin', `file:root.pass`, '-noout']).status).toBe(0)
    expect(openssl(['pkey', '-in', 'root-key.pem', '-passin', 'pass:wrong-passphrase', '-noout']).status).not.toBe(0)
    expect(readFileSync(f('root-key.pem'), 'utf8')).toContain('ENCRYPTED PRIVATE KEY')
    const text = openssl(['x509', '-in', 'root.pem', '-noout', '-text']).stdout
    expect(text).toMatch(/CA:TRUE, pathlen:1/)
    // The database holds the root certificate and its CRL, and no key of any kind.
    const root = await tdb.one('select * from cert_ca_roots')
    expect(Object.keys(root)).not.toContain('key_pem')
    expect(JSON.stringify(root)).not.toMatch(/PRIVATE KEY/)
    expect(await count('cert_ca')).toBe(0)
    // Its CRL was published, signed by the root.
    expect(openssl(['crl', '-in', join(pub, 'root.crl.pem'), '-CAfile', 'root.pem', '-noout']).stderr).toContain('verify OK')
  })

  // PostgreSQL runs the hierarchy itself; the refusals and OCSP, which touch no SQL of their own, run on SQLite (time).
  const sqliteOnly = dialect === 'sqlite' ? it : it.skip

  sqliteOnly('refused, with nothing written: a second root (exit 4), a wrong root passphrase, a key that is not the root’s, no root key (exit 2)', async () => {
    const audit = await count('audit_log')
    const again = await alice(['cert', 'ca', 'init', '--root', '--name', '第二根', '--key', 'ec-p256', '--out-key', f('root2.pem'), '--root-passphrase-file', f('root.pass'), '--json'])
    expect(again.code).toBe(4)
    expect(again.json.error.details.field).toBe('root')
    expect(existsSync(f('root2.pem'))).toBe(false)
    const wrong = await alice([
      'cert',
      'ca',
      'init',
      '--name',
      '签发 CA',
      '--key',
      'ec-p256',
      '--root-key',
      f('root-key.pem'),
      '--root-passphrase-file',
      f('wrong.pass'),
      '--passphrase-file',
      f('ca.pass'),
      '--json',
    ])
    expect(wrong.code).toBe(2)
    expect(wrong.json.error.details.field).toBe('root-passphrase-file')
    expect(openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384', '-out', 'other.pem']).status).toBe(0)
    const other = await alice([
      'cert',
      'ca',
      'init',
      '--name',
      '签发 CA',
      '--key',
      'ec-p256',
      '--root-key',
      f('other.pem'),
      '--root-passphrase-file',
      f('root.pass'),
      '--passphrase-file',
      f('ca.pass'),
      '--json',
    ])
    expect(other.code).toBe(2)
    expect(other.json.error.details.field).toBe('root-key')
    expect(other.json.error.message).toContain('not the key of the root')
    const none = await alice(['cert', 'ca', 'init', '--name', '签发 CA', '--key', 'ec-p256', '--passphrase-file', f('ca.pass'), '--json'])
    expect(none.code).toBe(2)
    expect(none.json.error.details.field).toBe('root-key')
    expect([await count('cert_ca'), await count('cert_ca_roots'), await count('audit_log')]).toEqual([0, 1, audit])
  })

  it('the issuing CA (pathlen 0, AIA to the root) signs leaves whose PEM and PKCS#12 carry the chain; openssl verifies it with both CRLs', async () => {
    const init = await alice([
      'cert',
      'ca',
      'init',
      '--name',
      '市数据局签发 CA',
      '--key',
      'ec-p256',
      ...rootFlags,
      '--passphrase-file',
      f('ca.pass'),
      '--crl-url',
      `${PKI}/issuing.crl`,
      '--ca-url',
      `${PKI}/issuing.crt`,
      '--json',
    ])
    expect(init.code, init.stderr).toBe(0)
    expect(init.json.root.name).toBe('市数据局根 CA')
    writeFileSync(f('issuing.pem'), (await alice(['cert', 'ca', 'show', '--pem'])).stdout)
    const ca = openssl(['x509', '-in', 'issuing.pem', '-noout', '-text']).stdout
    expect(ca).toMatch(/CA:TRUE, pathlen:0/)
    expect(ca).toContain(`CA Issuers - URI:${PKI}/root.crt`)
    expect(ca).toContain(`URI:${PKI}/root.crl`)
    // The chain, published where the AIA points: the issuing CA's certificate as DER.
    expect(
      openssl(['x509', '-inform', 'DER', '-in', join(pub, 'issuing.crt'), '-noout', '-fingerprint', '-sha256'])
        .stdout.replace(/:/g, '')
        .toLowerCase(),
    ).toContain(init.json.fingerprint)
    const chain = await alice(['cert', 'ca', 'show', '--chain'])
    expect(certsIn(chain.stdout)).toBe(2)

    const made = await approved(['cert', 'apply', '--holder', '张三', '--unit', UNIT, '--id-number', '11010519491231002X', '--medium', 'UK-1'])
    oldLeaf = made.request.payload.issued
    expect((await alice(['cert', 'export', oldLeaf, '--out', f('zs.pem')])).code).toBe(0)
    expect(certsIn(readFileSync(f('zs.pem'), 'utf8'))).toBe(3)
    const leaf = openssl(['x509', '-in', 'zs.pem', '-noout', '-text']).stdout
    expect(leaf).toContain(`CA Issuers - URI:${PKI}/issuing.crt`)
    expect(leaf).toContain(`URI:${PKI}/issuing.crl`)
    const ok = verify('zs.pem', 'issuing.pem', [join(pub, 'root.crl.pem'), join(pub, 'issuing.crl.pem')])
    expect(ok.stdout + ok.stderr).toContain('zs.pem: OK')
    // Without the root's CRL, -crl_check_all fails: the chain's CRLs are both needed and both there.
    expect(verify('zs.pem', 'issuing.pem', [join(pub, 'issuing.crl.pem')]).status).not.toBe(0)

    const p12 = await egov(['cert', 'export', oldLeaf, '--p12', f('zs.p12'), '--password-file', f('p12.pass'), '--json'], as('alice', {EGOV_CA_PASSPHRASE: PASS}))
    expect(p12.code, p12.stderr).toBe(0)
    const info = openssl(['pkcs12', '-in', 'zs.p12', '-passin', 'file:p12.pass', '-nokeys', '-info'])
    expect(info.status, info.stderr).toBe(0)
    expect(certsIn(info.stdout)).toBe(3)
    const body = (file: string) => readFileSync(f(file), 'utf8').trim()
    expect(info.stdout).toContain(body('root.pem'))
    expect(info.stdout).toContain(body('issuing.pem'))
  })

  it('rollover: refused without the root key or with a wrong CA passphrase; then G2 signs new leaves, the old leaf still verifies and is revoked on the old CA’s CRL', async () => {
    const before = await count('audit_log')
    const noRoot = await alice(['cert', 'ca', 'rollover', '--passphrase-file', f('ca.pass'), '--json'])
    expect(noRoot.code).toBe(2)
    expect(noRoot.json.error.details.field).toBe('root-key')
    const badPass = await alice(['cert', 'ca', 'rollover', ...rootFlags, '--json'], {EGOV_CA_PASSPHRASE: 'wrong-ca-passphrase'})
    expect(badPass.code).toBe(2)
    expect(badPass.json.error.details.field).toBe('passphrase')
    expect([await count('cert_ca'), await count('audit_log')]).toEqual([1, before])

    const rolled = await alice(['cert', 'ca', 'rollover', ...rootFlags, '--passphrase-file', f('ca.pass'), '--json'])
    expect(rolled.code, rolled.stderr).toBe(0)
    expect(rolled.json.name).toBe('市数据局签发 CA G2')
    expect(rolled.json.crlUrl).toBe(`${PKI}/issuing-g2.crl`)
    expect(rolled.json.previous.name).toBe('市数据局签发 CA')
    expect(rolled.json.retired.map((r: {name: string}) => r.name)).toEqual(['市数据局签发 CA'])
    writeFileSync(f('issuing-g2.pem'), (await alice(['cert', 'ca', 'show', '--pem'])).stdout)
    expect(openssl(['x509', '-in', 'issuing-g2.pem', '-noout', '-text']).stdout).toMatch(/CA:TRUE, pathlen:0/)

    // A new leaf is signed by the new key.
    const made = await approved(['cert', 'apply', '--holder', '李四', '--unit', UNIT, '--id-number', '620200198506120038', '--medium', 'UK-2'])
    const newLeaf = made.request.payload.issued
    expect((await alice(['cert', 'export', newLeaf, '--out', f('ls.pem')])).code).toBe(0)
    expect(openssl(['x509', '-in', 'ls.pem', '-noout', '-issuer', '-nameopt', 'utf8,sep_comma_plus_space,space_eq']).stdout).toContain('市数据局签发 CA G2')
    expect(openssl(['x509', '-in', 'ls.pem', '-noout', '-text']).stdout).toContain(`CA Issuers - URI:${PKI}/issuing-g2.crt`)
    expect(readFileSync(f('ls.pem'), 'utf8')).toContain(readFileSync(f('issuing-g2.pem'), 'utf8').trim())
    const crls = [join(pub, 'root.crl.pem'), join(pub, 'issuing.crl.pem'), join(pub, 'issuing-g2.crl.pem')]
    const g2 = verify('ls.pem', 'issuing-g2.pem', crls)
    expect(g2.stdout + g2.stderr).toContain('ls.pem: OK')
    // The old leaf is still valid under the old CA.
    const old = verify('zs.pem', 'issuing.pem', crls)
    expect(old.stdout + old.stderr).toContain('zs.pem: OK')
    // … and revocable: the old CA signs a new CRL that lists it; the new CA's does not.
    const revoked = await approved(['cert', 'revoke', oldLeaf, '--reason', 'keyCompromise'])
    expect(revoked.request.payload.crlNumber).toBe(2)
    expect(openssl(['crl', '-in', join(pub, 'issuing.crl.pem'), '-CAfile', 'issuing.pem', '-noout']).stderr).toContain('verify OK')
    const serialHex = (file: string) => openssl(['x509', '-in', file, '-noout', '-serial']).stdout.trim().replace('serial=', '')
    expect(openssl(['crl', '-in', join(pub, 'issuing.crl.pem'), '-noout', '-text']).stdout).toContain(serialHex('zs.pem'))
    expect(openssl(['crl', '-in', join(pub, 'issuing-g2.crl.pem'), '-noout', '-text']).stdout).not.toContain(serialHex('zs.pem'))
    const gone = verify('zs.pem', 'issuing.pem', crls)
    expect(gone.status).not.toBe(0)
    expect(gone.stdout + gone.stderr).toContain('certificate revoked')
    expect(verify('ls.pem', 'issuing-g2.pem', crls).stdout).toContain('ls.pem: OK')
  })

  sqliteOnly('a CA standing alone rolls over to a new self-signed CA (G2, ca-g2.crl); a root is not put above it (exit 4, root)', async () => {
    const db = f('alone.db')
    expect((await alice(['db', 'init', '--rehearsal', '--db', db])).code).toBe(0)
    const init = await alice(['cert', 'ca', 'init', '--db', db, '--name', '单独 CA', '--key', 'ec-p256', '--crl-url', `${PKI}/ca.crl`, '--passphrase-file', f('ca.pass'), '--json'])
    expect(init.code, init.stderr).toBe(0)
    const root = await alice(['cert', 'ca', 'init', '--db', db, '--root', '--name', '根', '--key', 'ec-p256', '--out-key', f('alone-root.pem'), '--root-passphrase-file', f('root.pass'), '--json'])
    expect(root.code).toBe(4)
    expect(root.json.error.details.field).toBe('root')
    expect(existsSync(f('alone-root.pem'))).toBe(false)
    const rolled = await alice(['cert', 'ca', 'rollover', '--db', db, '--passphrase-file', f('ca.pass'), '--json'])
    expect(rolled.code, rolled.stderr).toBe(0)
    expect([rolled.json.name, rolled.json.crlUrl, rolled.json.root]).toEqual(['单独 CA G2', `${PKI}/ca-g2.crl`, undefined])
  })

  sqliteOnly('cert crl re-signs every CA’s CRL, the root’s with --root-key; OCSP answers for the retired CA’s certificates, signed by it', async () => {
    const crl = await alice(['cert', 'crl', '--out', f('now.crl'), ...rootFlags, '--passphrase-file', f('ca.pass'), '--json'])
    expect(crl.code, crl.stderr).toBe(0)
    expect(crl.json.retired).toEqual([{ca: '市数据局签发 CA', number: 3}])
    expect(crl.json.root.number).toBeGreaterThan(1)
    expect(openssl(['crl', '-in', join(pub, 'root.crl.pem'), '-CAfile', 'root.pem', '-noout']).stderr).toContain('verify OK')
    const server: ChildProcess = spawn(process.execPath, [BIN, 'cert', 'ocsp', 'serve', '--port', '0', '--max-requests', '2', '--for', '30'], {
      env: childEnv(as('alice', {EGOV_CA_PASSPHRASE: PASS})),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const url = await new Promise<string>((resolve, reject) => {
      let out = ''
      server.stdout!.setEncoding('utf8').on('data', (d: string) => {
        out += d
        const m = /http:\/\/127\.0\.0\.1:\d+/.exec(out)
        if (m) resolve(m[0])
      })
      server.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)))
    })
    try {
      const oldAnswer = openssl(['ocsp', '-issuer', 'issuing.pem', '-cert', 'zs.pem', '-url', url, '-CAfile', 'root.pem', '-verify_other', 'issuing.pem'])
      expect(oldAnswer.stderr).toContain('Response verify OK')
      expect(oldAnswer.stdout).toContain('zs.pem: revoked')
      const newAnswer = openssl(['ocsp', '-issuer', 'issuing-g2.pem', '-cert', 'ls.pem', '-url', url, '-CAfile', 'root.pem', '-verify_other', 'issuing-g2.pem'])
      expect(newAnswer.stderr).toContain('Response verify OK')
      expect(newAnswer.stdout).toContain('ls.pem: good')
    } finally {
      server.kill()
    }
  })
})
