import {execFileSync, spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {createServer, type Server} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {egov, isolatedHome, onTerminal} from '../helpers/cli.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

const PASS = 'ca-test-passphrase'
const UNIT = '市人力资源和社会保障局'
const openssl = (args: string[], cwd: string) => spawnSync('openssl', args, {cwd, encoding: 'utf8'})

/**
 * A staff certificate's whole life through bin/run.js, each event filed by alice and
 * approved by bob (CERT-3, X-2), checked by a second implementation: the openssl CLI.
 */
describeEachDialect('certificates through bin/run.js (CERT-1..4)', (dialect) => {
  let tdb: TestDatabase
  let env: Record<string, string>
  const dir = mkdtempSync(join(tmpdir(), 'egov-cert-'))
  const as = (who: string, extra: Record<string, string> = {}) =>
    dialect === 'postgres' ? {...env, ...extra, EGOV_DATABASE_URL: tdb.url!.replace(/^postgres:\/\/[^@]*@/, `postgres://${tdb.actor(who)}@`)} : {...env, ...extra, EGOV_OPERATOR: who}
  const alice = (args: string[], extra?: Record<string, string>) => egov(args, as('alice', extra))
  const bob = (args: string[], extra?: Record<string, string>) => egov(args, as('bob', {EGOV_CA_PASSPHRASE: PASS, ...extra}))
  /** Files with alice, approves with bob; returns the request as approved. */
  const approved = async (args: string[], extra?: Record<string, string>) => {
    const filed = await alice([...args, '--json'], extra)
    expect(filed.code, filed.stdout + filed.stderr).toBe(0)
    const r = await bob(['requests', 'approve', String(filed.json.request.id), '--json'], extra)
    expect(r.code, r.stdout + r.stderr).toBe(0)
    return r.json.request
  }
  const show = async (ref: string) => (await alice(['cert', 'show', ref, '--json'])).json
  const pemOf = async (ref: string, name: string) => {
    const r = await alice(['cert', 'export', ref, '--out', join(dir, name), '--force'])
    expect(r.code, r.stderr).toBe(0)
    return join(dir, name)
  }
  const crl = async () => {
    const r = await alice(['cert', 'crl', '--pem', '--out', join(dir, 'crl.pem'), '--force', '--json'], {EGOV_CA_PASSPHRASE: PASS})
    expect(r.code, r.stderr).toBe(0)
    return r.json
  }
  const verifyWithCrl = (cert: string) => openssl(['verify', '-crl_check', '-CAfile', 'ca.pem', '-CRLfile', 'crl.pem', cert], dir)

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    for (const who of ['alice', 'bob']) await (await tdb.open(who)).close()
    env = {...isolatedHome(), ...tdb.env}
    writeFileSync(join(dir, 'ca.pass'), `${PASS}\n`)
    writeFileSync(join(dir, 'short.pass'), 'short\n')
    writeFileSync(join(dir, 'wrong.pass'), 'not-the-passphrase\n')
    writeFileSync(join(dir, 'p12.pass'), 'Delivery-2026\n')
    const unit = await alice(['units', 'add', UNIT, '--kind', 'party-government', '--level', 'city'])
    expect(unit.code, unit.stderr).toBe(0)
  })
  afterAll(async () => {
    await tdb.cleanup()
  })

  it('creates the CA with its key encrypted, and not twice; a short passphrase is refused (CERT-2)', async () => {
    const noCa = await alice(['cert', 'apply', '--holder', '张三', '--unit', UNIT, '--id-number', '11010519491231002X', '--medium', 'UK-1', '--json'])
    expect(noCa.code).toBe(3)
    expect(noCa.json.error.details.field).toBe('ca')
    const short = await alice(['cert', 'ca', 'init', '--name', '市数据局 CA', '--passphrase-file', join(dir, 'short.pass'), '--json'])
    expect(short.code).toBe(2)
    expect(short.json.error.details).toMatchObject({field: 'passphrase', rule: 'CERT-2'})
    const init = await alice(['cert', 'ca', 'init', '--name', '市数据局 CA', '--key', 'ec-p256', '--crl-url', 'http://127.0.0.1:8/egov.crl', '--passphrase-file', join(dir, 'ca.pass'), '--json'])
    expect(init.code, init.stderr).toBe(0)
    expect(init.json.keySpec).toBe('ec-p256')
    expect(init.stdout).not.toContain('PRIVATE KEY')
    const again = await alice(['cert', 'ca', 'init', '--name', 'x', '--passphrase-file', join(dir, 'ca.pass'), '--json'])
    expect(again.code).toBe(4)
    expect(await tdb.value('select key_pem from cert_ca')).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/)
    const pem = await alice(['cert', 'ca', 'show', '--pem'])
    writeFileSync(join(dir, 'ca.pem'), pem.stdout)
    expect(openssl(['x509', '-in', 'ca.pem', '-noout', '-subject'], dir).stdout).toContain('CN')
  })

  it('refuses bad input naming the field and the rule, and files nothing (CERT-1, CERT-3)', async () => {
    const base = ['cert', 'apply', '--holder', '张三', '--unit', UNIT, '--medium', 'UK-1', '--json']
    const cases: Array<[string[], number, Record<string, unknown>]> = [
      [[...base, '--id-number', '110105194912310021'], 2, {field: 'id-number', rule: 'CERT-1'}],
      [[...base, '--id-number', '11010519491331002X'], 2, {field: 'id-number', rule: 'CERT-1'}],
      [[...base, '--id-number', '1101051949'], 2, {field: 'id-number', rule: 'CERT-1'}],
      [['cert', 'apply', '--holder', '张三', '--unit', UNIT, '--id-number', '11010519491231002X', '--json'], 2, {field: 'medium', rule: 'CERT-1'}],
      [[...base, '--id-number', '11010519491231002X', '--profile', 'robot'], 2, {field: 'profile'}],
      [['cert', 'apply', '--holder', '张三', '--unit', '不存在的单位', '--id-number', '11010519491231002X', '--medium', 'UK-1', '--json'], 3, {field: 'unit'}],
      [['cert', 'revoke', 'deadbeef', '--reason', 'keyCompromise', '--json'], 3, {field: 'SERIAL'}],
    ]
    for (const [args, code, details] of cases) {
      const r = await alice(args)
      expect(r.code, args.join(' ') + r.stdout).toBe(code)
      expect(r.json.error.details).toMatchObject(details)
    }
    const malformed = join(dir, 'malformed.csr')
    writeFileSync(malformed, '-----BEGIN CERTIFICATE REQUEST-----\nbm90IGEgY3Ny\n-----END CERTIFICATE REQUEST-----\n')
    const bad = await alice([...base, '--id-number', '11010519491231002X', '--csr', malformed])
    expect(bad.code).toBe(2)
    expect(bad.json.error.details.field).toBe('csr')
    // A CSR whose signature does not match: one byte of the signature flipped.
    openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'tampered.key', '-subj', '/CN=x', '-outform', 'DER', '-out', 'tampered.der'], dir)
    const der = readFileSync(join(dir, 'tampered.der'))
    der[der.length - 10]! ^= 0xff
    writeFileSync(join(dir, 'tampered.der'), der)
    const tampered = await alice([...base, '--id-number', '11010519491231002X', '--csr', join(dir, 'tampered.der')])
    expect(tampered.code).toBe(2)
    expect(tampered.json.error.details.field).toBe('csr')
    expect(tampered.json.error.message).toContain('signature')
    expect((await alice(['requests', 'list', '--kind', 'cert', '--json'])).json.requests).toHaveLength(0)
    expect(await tdb.sql('select * from cert_holders')).toHaveLength(0)
  })

  let serial: string
  it('issues on approval by a second person only (CERT-3, X-2); openssl verifies the certificate', async () => {
    const filed = await alice(['cert', 'apply', '--holder', '张三', '--unit', UNIT, '--id-number', '11010519491231002X', '--medium', 'UK-1', '--json'])
    expect(filed.code, filed.stderr).toBe(0)
    const id = String(filed.json.request.id)
    const own = await alice(['requests', 'approve', id, '--json'], {EGOV_CA_PASSPHRASE: PASS})
    expect(own.code).toBe(5)
    expect(own.json.error.details.rule).toBe('X-2')
    const noPass = await bob(['requests', 'approve', id, '--json'], {EGOV_CA_PASSPHRASE: ''})
    expect(noPass.code).toBe(2)
    expect(noPass.json.error.details.field).toBe('EGOV_CA_PASSPHRASE')
    const wrong = await bob(['requests', 'approve', id, '--json'], {EGOV_CA_PASSPHRASE: 'not-the-passphrase'})
    expect(wrong.code).toBe(2)
    expect(wrong.json.error.details.field).toBe('passphrase')
    expect((await alice(['cert', 'list', '--json'])).json.certificates).toHaveLength(0)
    expect((await alice(['requests', 'show', id, '--json'])).json.state).toBe('applied')
    const ok = await bob(['requests', 'approve', id, '--json'])
    expect(ok.code, ok.stderr).toBe(0)
    serial = ok.json.request.payload.issued
    const cert = await show('UK-1')
    expect(cert).toMatchObject({serial, status: 'valid', medium: 'UK-1', profile: 'staff', holder: {name: '张三', idNumber: '**************002X'}})
    // The ID number itself is nowhere in the database (CERT-1).
    const holders = await tdb.sql('select * from cert_holders')
    expect(JSON.stringify(holders)).not.toContain('11010519491231002')
    expect(JSON.stringify(await tdb.sql('select payload from requests'))).not.toContain('11010519491231002')
    const pem = await pemOf(serial, 'zhangsan.pem')
    expect(openssl(['verify', '-CAfile', 'ca.pem', pem], dir).stdout).toContain('OK')
    const text = openssl(['x509', '-in', pem, '-noout', '-text'], dir).stdout
    expect(text).toContain('Digital Signature, Non Repudiation')
    expect(text).toContain('TLS Web Client Authentication')
    // Issued on a rehearsal database (the tests' kind): the certificate says so (issue 18).
    expect(text).toContain('egov REHEARSAL database: not a real certificate')
    // No e-mail address in the certificate: nothing for emailProtection to protect.
    expect(text).not.toContain('E-mail Protection')
    expect(text).toContain('URI:http://127.0.0.1:8/egov.crl')
  })

  it('one valid certificate per holder and profile, and a medium for one holder only (CERT-1)', async () => {
    const second = await alice(['cert', 'apply', '--holder', '张三', '--unit', UNIT, '--id-number', '11010519491231002X', '--medium', 'UK-1', '--json'])
    expect(second.code).toBe(5)
    expect(second.json.error.details).toMatchObject({rule: 'CERT-1', field: 'profile'})
    const lent = await alice(['cert', 'apply', '--holder', '王五', '--unit', UNIT, '--id-number', '620200199001011236', '--medium', 'UK-1', '--json'])
    expect(lent.code).toBe(5)
    expect(lent.json.error.details).toMatchObject({rule: 'CERT-1', field: 'medium'})
    const otherName = await alice(['cert', 'apply', '--holder', '张叁', '--unit', UNIT, '--id-number', '11010519491231002X', '--medium', 'UK-7', '--json'])
    expect(otherName.code).toBe(5)
    expect(otherName.json.error.details).toMatchObject({rule: 'CERT-1', field: 'id-number'})
  })

  it('delivers PKCS#12 once and destroys the key; AES by default and 3DES with --legacy; openssl opens both (CERT-2, CERT-3)', async () => {
    const p12 = await alice(['cert', 'export', 'UK-1', '--p12', join(dir, 'zs.p12'), '--password-file', join(dir, 'p12.pass'), '--json'], {EGOV_CA_PASSPHRASE: PASS})
    expect(p12.code, p12.stderr).toBe(0)
    expect(statSync(join(dir, 'zs.p12')).mode & 0o777).toBe(0o600)
    const info = openssl(['pkcs12', '-info', '-in', 'zs.p12', '-passin', 'pass:Delivery-2026', '-noout'], dir)
    expect(info.status, info.stderr).toBe(0)
    expect(info.stderr).toContain('AES-256-CBC')
    const wrongPass = openssl(['pkcs12', '-info', '-in', 'zs.p12', '-passin', 'pass:wrong-one', '-noout'], dir)
    expect(wrongPass.status).not.toBe(0)
    // The key was destroyed with the delivery: no second PKCS#12, and no password reset either.
    const again = await alice(['cert', 'export', 'UK-1', '--p12', join(dir, 'again.p12'), '--password-file', join(dir, 'p12.pass'), '--json'], {EGOV_CA_PASSPHRASE: PASS})
    expect(again.code).toBe(4)
    expect(again.json.error.details.rule).toBe('CERT-3')
    const reset = await alice(['cert', 'reset-password', 'UK-1', '--json'])
    expect(reset.code).toBe(4)
    expect(reset.json.error.details.rule).toBe('CERT-3')
    const other = await approved(['cert', 'apply', '--holder', '孙八', '--unit', UNIT, '--id-number', '110105194912310046', '--medium', 'UK-8'])
    const wrongCa = await alice([
      'cert',
      'export',
      'UK-8',
      '--p12',
      join(dir, 'legacy.p12'),
      '--legacy',
      '--password-file',
      join(dir, 'p12.pass'),
      '--passphrase-file',
      join(dir, 'wrong.pass'),
      '--json',
    ])
    expect(wrongCa.code).toBe(2)
    expect(wrongCa.json.error.details.field).toBe('passphrase')
    const legacy = await alice(['cert', 'export', 'UK-8', '--p12', join(dir, 'legacy.p12'), '--legacy', '--password-file', join(dir, 'p12.pass'), '--passphrase-file', join(dir, 'ca.pass'), '--json'])
    expect(legacy.code, legacy.stderr).toBe(0)
    let opened = openssl(['pkcs12', '-info', '-in', 'legacy.p12', '-passin', 'pass:Delivery-2026', '-noout'], dir)
    if (opened.status !== 0) opened = openssl(['pkcs12', '-legacy', '-info', '-in', 'legacy.p12', '-passin', 'pass:Delivery-2026', '-noout'], dir)
    expect(opened.status, opened.stderr).toBe(0)
    expect(opened.stderr).toMatch(/3-KeyTripleDES|des-ede3/i)
    expect(opened.stderr).toContain('MAC: sha1')
    // The key inside is the certificate's.
    const key = execFileSync('openssl', ['pkcs12', '-in', 'legacy.p12', '-passin', 'pass:Delivery-2026', '-nocerts', '-nodes'], {cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']})
    writeFileSync(join(dir, 'sb.key'), key)
    const pubFromKey = execFileSync('openssl', ['pkey', '-in', 'sb.key', '-pubout'], {cwd: dir, encoding: 'utf8'})
    const pubFromCert = execFileSync('openssl', ['x509', '-in', await pemOf(other.payload.issued, 'sunba.pem'), '-noout', '-pubkey'], {cwd: dir, encoding: 'utf8'})
    expect(pubFromKey).toBe(pubFromCert)
  })

  it('signs a CSR made by openssl; a password reset for it says a re-key is the answer (CERT-3)', async () => {
    openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ls.key', '-subj', '/CN=ignored', '-out', 'ls.csr'], dir)
    const req = await approved(['cert', 'apply', '--holder', '李四', '--unit', UNIT, '--id-number', '620200198506120038', '--medium', 'UK-2', '--csr', join(dir, 'ls.csr')])
    const pem = await pemOf(req.payload.issued, 'lisi.pem')
    expect(openssl(['verify', '-CAfile', 'ca.pem', pem], dir).stdout).toContain('OK')
    const pubFromKey = execFileSync('openssl', ['pkey', '-in', 'ls.key', '-pubout'], {cwd: dir, encoding: 'utf8'})
    const pubFromCert = execFileSync('openssl', ['x509', '-in', 'lisi.pem', '-noout', '-pubkey'], {cwd: dir, encoding: 'utf8'})
    expect(pubFromKey).toBe(pubFromCert)
    const reset = await alice(['cert', 'reset-password', 'UK-2', '--json'])
    expect(reset.code).toBe(4)
    expect(reset.json.error.message).toContain('renew')
  })

  it('a hold is on the CRL as Certificate Hold and off it after resume; openssl verify -crl_check agrees (CERT-3)', async () => {
    const before = await crl()
    const pem = join(dir, 'zhangsan.pem')
    expect(verifyWithCrl(pem).status).toBe(0)
    const held = await approved(['cert', 'suspend', 'UK-1'])
    expect(held.payload.crlNumber).toBeGreaterThan(before.number)
    expect((await show('UK-1')).status).toBe('hold')
    const c1 = await crl()
    expect(c1.number).toBeGreaterThan(held.payload.crlNumber)
    expect(verifyWithCrl(pem).status).not.toBe(0)
    expect(openssl(['crl', '-in', 'crl.pem', '-noout', '-text'], dir).stdout).toContain('Certificate Hold')
    // Not twice: a held certificate cannot be suspended again.
    const twice = await alice(['cert', 'suspend', 'UK-1', '--json'])
    expect(twice.code).toBe(4)
    expect(twice.json.error.details.field).toBe('SERIAL')
    const zh = await alice(['cert', 'suspend', 'UK-1'], {LANG: 'zh_CN.UTF-8'})
    expect(zh.stderr).toContain('当前状态为“暂停”，仅在“有效”时可停用')
    await approved(['cert', 'resume', 'UK-1'])
    await crl()
    expect(verifyWithCrl(pem).status).toBe(0)
    await approved(['cert', 'report-lost', 'UK-1'])
    const lost = await show('UK-1')
    expect(lost).toMatchObject({status: 'hold', holdKind: 'lost'})
    expect(lost.history.map((h: {event: string}) => h.event)).toEqual(expect.arrayContaining(['suspended', 'resumed', 'reported-lost']))
    await approved(['cert', 'resume', 'UK-1'])
  })

  it('renewal revokes the old certificate as superseded; extension is refused outside its window (CERT-3)', async () => {
    const early = await alice(['cert', 'extend', 'UK-1', '--json'])
    expect(early.code).toBe(5)
    expect(early.json.error.details).toMatchObject({rule: 'CERT-3', field: 'SERIAL'})
    const renewed = await approved(['cert', 'renew', 'UK-1'])
    const old = await show(serial)
    expect(old).toMatchObject({status: 'revoked', reason: 'superseded', replacedBy: renewed.payload.issued})
    const now = await show('UK-1')
    expect(now).toMatchObject({serial: renewed.payload.issued, status: 'valid', replaces: serial})
    await crl()
    expect(verifyWithCrl(join(dir, 'zhangsan.pem')).status).not.toBe(0)
    expect(openssl(['crl', '-in', 'crl.pem', '-noout', '-text'], dir).stdout).toContain('Superseded')
    expect(verifyWithCrl(await pemOf('UK-1', 'renewed.pem')).status).toBe(0)
    // 20 days before the end: extension allowed, same key, new certificate.
    const end = new Date(now.notAfter)
    const at = {EGOV_NOW: new Date(end.getTime() - 20 * 86_400_000).toISOString()}
    const extended = await approved(['cert', 'extend', 'UK-1', '--days', '365'], at)
    const ext = (await alice(['cert', 'show', 'UK-1', '--json'], at)).json
    expect(ext.serial).toBe(extended.payload.issued)
    const a = readFileSync(await pemOf(now.serial, 'before-ext.pem'), 'utf8')
    const b = readFileSync(await pemOf(ext.serial, 'after-ext.pem'), 'utf8')
    const pub = (f: string) => execFileSync('openssl', ['x509', '-in', f, '-noout', '-pubkey'], {cwd: dir, encoding: 'utf8'})
    expect(a).not.toBe(b)
    expect(pub('before-ext.pem')).toBe(pub('after-ext.pem'))
  })

  it('replaces a lost medium: old revoked as keyCompromise, new on the new medium; revoke shows its reason (CERT-1, CERT-3)', async () => {
    const taken = await alice(['cert', 'replace-medium', 'UK-2', '--medium', 'UK-1', '--reason', 'lost', '--json'])
    expect(taken.code).toBe(5)
    expect(taken.json.error.details).toMatchObject({rule: 'CERT-1', field: 'medium'})
    const lisi = await show('UK-2')
    openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ls2.key', '-subj', '/CN=x', '-out', 'ls2.csr'], dir)
    await approved(['cert', 'replace-medium', 'UK-2', '--medium', 'UK-3', '--reason', 'lost', '--csr', join(dir, 'ls2.csr')])
    expect(await show(lisi.serial)).toMatchObject({status: 'revoked', reason: 'keyCompromise'})
    expect(await show('UK-3')).toMatchObject({status: 'valid', medium: 'UK-3', holder: {name: '李四'}})
    await approved(['cert', 'revoke', 'UK-3', '--reason', 'affiliationChanged'])
    await crl()
    const text = openssl(['crl', '-in', 'crl.pem', '-noout', '-text'], dir).stdout
    expect(text).toContain('Key Compromise')
    expect(text).toContain('Affiliation Changed')
    expect(verifyWithCrl(await pemOf('UK-3', 'ls3.pem')).status).not.toBe(0)
    const again = await alice(['cert', 'resume', 'UK-3', '--json'])
    expect(again.code).toBe(4)
  })

  it('lists by status and expiry, and warns when the CRL is about to lapse', async () => {
    const all = (await alice(['cert', 'list', '--json'])).json.certificates
    expect(all.length).toBeGreaterThanOrEqual(5)
    const revoked = (await alice(['cert', 'list', '--status', 'revoked', '--json'])).json.certificates
    expect(revoked.every((c: {status: string}) => c.status === 'revoked')).toBe(true)
    const soon = new Date(Date.now() + 6 * 86_400_000).toISOString()
    const warned = await alice(['cert', 'list', '--expiring', '30'], {EGOV_NOW: soon})
    expect(warned.stderr).toContain('CRL')
    const expiringJson = (await alice(['cert', 'list', '--expiring', '800', '--json'])).json
    expect(expiringJson.certificates.every((c: {status: string}) => c.status !== 'revoked')).toBe(true)
    const lapsed = await alice(['cert', 'ca', 'show', '--json'], {EGOV_NOW: new Date(Date.now() + 9 * 86_400_000).toISOString()})
    expect(lapsed.json.warnings[0].message).toContain('expired')
  })

  describe('certificates issued elsewhere', () => {
    let server: Server
    let port: number
    const out = mkdtempSync(join(tmpdir(), 'egov-outside-ca-'))
    let hits = 0
    beforeAll(async () => {
      server = createServer((req, res) => {
        hits++
        if (req.url === '/ca.crl') res.end(readFileSync(join(out, 'crl.pem')))
        else res.writeHead(404).end()
      })
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      port = (server.address() as {port: number}).port
      // An outside CA made with the openssl CLI: two certificates, one revoked, a CRL.
      writeFileSync(join(out, 'index.txt'), '')
      writeFileSync(join(out, 'serial'), '1000\n')
      writeFileSync(
        join(out, 'ca.cnf'),
        `[ca]\ndefault_ca=own\n[own]\ndir=${out}\ndatabase=$dir/index.txt\nserial=$dir/serial\nnew_certs_dir=$dir\ncertificate=$dir/oca.pem\nprivate_key=$dir/oca.key\ndefault_md=sha256\ndefault_days=365\ndefault_crl_days=7\npolicy=any\nx509_extensions=ext\ncopy_extensions=none\nunique_subject=no\n[any]\ncommonName=supplied\n[ext]\ncrlDistributionPoints=URI:http://127.0.0.1:${port}/ca.crl\n`,
      )
      const run = (args: string[]) => {
        const r = openssl(args, out)
        expect(r.status, args.join(' ') + r.stderr).toBe(0)
      }
      run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'oca.key', '-out', 'oca.pem', '-subj', '/CN=Outside CA', '-days', '30'])
      for (const n of ['good', 'bad']) {
        run(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${n}.key`, '-out', `${n}.csr`, '-subj', `/CN=${n}`])
        run(['ca', '-batch', '-config', 'ca.cnf', '-in', `${n}.csr`, '-out', `${n}.pem`, '-notext'])
      }
      run(['ca', '-config', 'ca.cnf', '-revoke', 'bad.pem', '-crl_reason', 'keyCompromise'])
      run(['ca', '-config', 'ca.cnf', '-gencrl', '-out', 'crl.pem'])
      run(['pkcs12', '-export', '-in', 'bad.pem', '-inkey', 'bad.key', '-out', 'bad.p12', '-passout', 'pass:outside-pass'])
      writeFileSync(join(out, 'p12.pass'), 'outside-pass\n')
    })
    afterAll(() => {
      server.close()
    })

    it('imports PEM and PKCS#12, and cert check finds the revoked one on its CRL over HTTP, cached till next update', async () => {
      const wrongIssuer = await alice(['cert', 'import', join(out, 'good.pem'), '--holder', '赵六', '--unit', UNIT, '--issuer', join(dir, 'ca.pem'), '--json'])
      expect(wrongIssuer.code).toBe(2)
      expect(wrongIssuer.json.error.details.field).toBe('issuer')
      const good = await alice(['cert', 'import', join(out, 'good.pem'), '--holder', '赵六', '--unit', UNIT, '--issuer', join(out, 'oca.pem'), '--json'])
      expect(good.code, good.stderr).toBe(0)
      expect(good.json.crlUrl).toBe(`http://127.0.0.1:${port}/ca.crl`)
      const noPass = await alice(['cert', 'import', join(out, 'bad.p12'), '--holder', '钱七', '--unit', UNIT, '--json'])
      expect(noPass.code).toBe(2)
      expect(noPass.json.error.details.field).toBe('password-file')
      const bad = await alice(['cert', 'import', join(out, 'bad.p12'), '--holder', '钱七', '--unit', UNIT, '--password-file', join(out, 'p12.pass'), '--json'])
      expect(bad.code, bad.stderr).toBe(0)
      const twice = await alice(['cert', 'import', join(out, 'good.pem'), '--holder', '赵六', '--unit', UNIT, '--json'])
      expect(twice.code).toBe(4)
      const checked = await alice(['cert', 'check', '--json'])
      expect(checked.code, checked.stderr).toBe(0)
      const bySerial = Object.fromEntries(checked.json.results.map((r: {serial: string}) => [r.serial, r]))
      expect(bySerial[good.json.serial]).toMatchObject({result: 'good', verified: true})
      expect(bySerial[bad.json.serial]).toMatchObject({result: 'revoked', reason: 'keyCompromise', verified: false})
      expect(hits).toBe(1)
      expect(await show(bad.json.serial)).toMatchObject({status: 'revoked'})
      const cached = await alice(['cert', 'check', good.json.serial, '--json'])
      expect(cached.json.results[0]).toMatchObject({result: 'good', cached: true})
      expect(hits).toBe(1)
    })
  })

  it('every step is in the audit trail, and the chain verifies', async () => {
    const log = await alice(['audit', 'log', '--json', '--limit', '1000'])
    const actions = new Set((log.json.entries ?? log.json).map((e: {action: string}) => e.action))
    for (const a of ['cert.ca.init', 'cert.issue', 'cert.revoked', 'cert.crl', 'cert.export', 'cert.import']) expect(actions, a).toContain(a)
    expect(JSON.stringify(log.json)).not.toContain('PRIVATE KEY')
    expect((await alice(['audit', 'verify'])).code).toBe(0)
  })
})

describe('the CA passphrase on a terminal', () => {
  let tdb: TestDatabase
  beforeAll(async () => {
    tdb = await createTestDatabase('sqlite')
  })
  afterAll(async () => {
    await tdb.cleanup()
  })

  it('is asked for twice, hidden, and never shown (CERT-2)', async () => {
    const env = {...isolatedHome(), ...tdb.env, EGOV_OPERATOR: 'clerk'}
    const secret = 'typed-on-the-terminal'
    const r = await onTerminal(['cert', 'ca', 'init', '--name', 'TTY CA'], env, [
      {when: /CA passphrase/, type: `${secret}\r`},
      {when: /✓/, type: `${secret}\r`},
    ])
    expect(r.code, r.screen).toBe(0)
    expect(r.screen).toContain('TTY CA')
    expect(r.screen).not.toContain(secret)
    const crl = await egov(['cert', 'crl', '--json'], {...env, EGOV_CA_PASSPHRASE: secret})
    expect(crl.code, crl.stderr).toBe(0)
  })
})
