import {type ChildProcess, spawn, spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, expect, it} from 'vitest'

import {BIN, childEnv, egov, isolatedHome} from '../helpers/cli.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

const PASS = 'ca-test-passphrase'
const UNIT = '市人力资源和社会保障局'

/**
 * Issue 21, through bin/run.js on both databases, every artefact checked by the openssl CLI:
 * the CA key at rest (PBKDF2-SHA256, 600,000 iterations; an older wrap re-wrapped), holder
 * keys destroyed after their one delivery (CERT-3), the passphrase asked only by acts that
 * sign, CRLs published as DER and PEM, the OCSP responder (openssl ocsp, POST and GET, on
 * 127.0.0.1) and the outside inventory keyed by issuer and serial.
 */
describeEachDialect('keys, publication, OCSP and the inventory by issuer and serial (issue 21)', (dialect) => {
  let tdb: TestDatabase
  let env: Record<string, string>
  const dir = mkdtempSync(join(tmpdir(), 'egov-publish-'))
  const pub = join(dir, 'pub')
  const as = (who: string, extra: Record<string, string> = {}) => ({...env, ...tdb.envFor(who), ...extra})
  const alice = (args: string[], extra?: Record<string, string>) => egov(args, as('alice', extra))
  const bob = (args: string[], extra?: Record<string, string>) => egov(args, as('bob', {EGOV_CA_PASSPHRASE: PASS, ...extra}))
  const openssl = (args: string[]) => spawnSync('openssl', args, {cwd: dir, encoding: 'utf8'})
  const approved = async (args: string[]) => {
    const filed = await alice([...args, '--json'])
    expect(filed.code, filed.stdout + filed.stderr).toBe(0)
    const r = await bob(['requests', 'approve', String(filed.json.request.id), '--json'])
    expect(r.code, r.stdout + r.stderr).toBe(0)
    return r.json.request
  }
  const pemOf = async (ref: string, name: string) => {
    const r = await alice(['cert', 'export', ref, '--out', join(dir, name), '--force'])
    expect(r.code, r.stderr).toBe(0)
    return name
  }
  const caKeyPem = async () => String(await tdb.value('select key_pem from cert_ca'))
  let zs = ''
  let ww = ''

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    for (const who of ['alice', 'bob']) await (await tdb.open(who)).close()
    env = {...isolatedHome(), ...tdb.env}
    writeFileSync(join(dir, 'p12.pass'), 'Delivery-2026\n')
    expect((await alice(['units', 'add', UNIT, '--kind', 'party-government', '--level', 'city'])).code).toBe(0)
    const init = await alice(['cert', 'ca', 'init', '--name', '市数据局 CA', '--key', 'ec-p256', '--crl-url', 'http://127.0.0.1:8/egov.crl', '--json'], {EGOV_CA_PASSPHRASE: PASS})
    expect(init.code, init.stderr).toBe(0)
    writeFileSync(join(dir, 'ca.pem'), (await alice(['cert', 'ca', 'show', '--pem'])).stdout)
  })
  afterAll(async () => {
    await tdb.cleanup()
  })

  it('the CA key at rest is PBES2 with PBKDF2-SHA256 at 600,000 iterations, and openssl pkey decrypts it with the passphrase only', async () => {
    writeFileSync(join(dir, 'cakey.pem'), await caKeyPem())
    const parsed = openssl(['asn1parse', '-in', 'cakey.pem'])
    expect(parsed.stdout).toContain(':PBES2')
    expect(parsed.stdout).toContain(':hmacWithSHA256')
    expect(parsed.stdout).toContain(':aes-256-cbc')
    expect(parsed.stdout).toMatch(/INTEGER\s+:0927C0/) // 600,000
    expect(openssl(['pkey', '-in', 'cakey.pem', '-passin', `pass:${PASS}`, '-noout']).status).toBe(0)
    expect(openssl(['pkey', '-in', 'cakey.pem', '-passin', 'pass:not-the-passphrase', '-noout']).status).not.toBe(0)
    const shown = await alice(['cert', 'ca', 'show', '--json'])
    expect(shown.json.keyWrap).toEqual({kdf: 'pbkdf2', iterations: 600_000, prf: 'hmacWithSHA256'})
  })

  it('an older 2,048-iteration wrap is still read, and re-wrapped at the next unlock that signs (cert.ca.rewrap audited); showing the CA does not', async () => {
    const good = await caKeyPem()
    const plain = spawnSync('openssl', ['pkey', '-passin', `pass:${PASS}`], {input: good, encoding: 'utf8'}).stdout
    const old = spawnSync('openssl', ['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-v2prf', 'hmacWithSHA256', '-iter', '2048', '-passout', `pass:${PASS}`], {input: plain, encoding: 'utf8'})
    expect(old.status, old.stderr).toBe(0)
    await tdb.sql(dialect === 'postgres' ? 'update cert_ca set key_pem = $1' : 'update cert_ca set key_pem = ?', [old.stdout])
    expect((await alice(['cert', 'ca', 'show', '--json'])).json.keyWrap.iterations).toBe(2048)
    const crl = await alice(['cert', 'crl', '--out', join(dir, 'any.crl'), '--force', '--json'], {EGOV_CA_PASSPHRASE: PASS})
    expect(crl.code, crl.stderr).toBe(0)
    const now = await caKeyPem()
    expect(now).not.toBe(old.stdout)
    writeFileSync(join(dir, 'rewrapped.pem'), now)
    expect(openssl(['asn1parse', '-in', 'rewrapped.pem']).stdout).toMatch(/INTEGER\s+:0927C0/)
    expect(openssl(['pkey', '-in', 'rewrapped.pem', '-passin', `pass:${PASS}`, '-pubout']).stdout).toBe(openssl(['pkey', '-in', 'cakey.pem', '-passin', `pass:${PASS}`, '-pubout']).stdout)
    const audit = await tdb.sql("select action from audit_log where action = 'cert.ca.rewrap'")
    expect(audit.length).toBe(1)
  })

  it('only the act that signs asks for the CA passphrase: filing never, approving a password reset not, an issue without it is refused (exit 2) and changes nothing', async () => {
    const filed = await alice(['cert', 'apply', '--holder', '张三', '--unit', UNIT, '--id-number', '11010519491231002X', '--medium', 'UK-1', '--json'])
    expect(filed.code, filed.stderr).toBe(0)
    const id = String(filed.json.request.id)
    const without = await egov(['requests', 'approve', id, '--json'], as('bob'))
    expect(without.code).toBe(2)
    expect(without.json.error.details.field).toBe('EGOV_CA_PASSPHRASE')
    expect((await alice(['requests', 'show', id, '--json'])).json.state).toBe('applied')
    expect((await bob(['requests', 'approve', id, '--json'])).code).toBe(0)
    zs = (await alice(['cert', 'show', 'UK-1', '--json'])).json.serial
    // A password reset before delivery signs nothing: neither filing nor approving needs the passphrase.
    const reset = await alice(['cert', 'reset-password', 'UK-1', '--json'])
    expect(reset.code, reset.stderr).toBe(0)
    const ok = await egov(['requests', 'approve', String(reset.json.request.id), '--json'], as('bob'))
    expect(ok.code, ok.stderr).toBe(0)
    for (const args of [
      ['cert', 'suspend', 'UK-1'],
      ['cert', 'revoke', 'UK-1', '--reason', 'superseded'],
      ['cert', 'renew', 'UK-1'],
    ]) {
      const r = await alice([...args, '--json'])
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0)
      expect((await bob(['requests', 'reject', String(r.json.request.id), '--reason', '测试', '--json'])).code).toBe(0)
    }
  })

  it('a key egov made waits under a secret of the CA key, not the passphrase; delivered once as PKCS#12, then destroyed; a second delivery or a password reset is refused (exit 4, CERT-3)', async () => {
    const row = await tdb.one(`select key_pem from cert_certs where serial = '${zs}'`)
    writeFileSync(join(dir, 'holder-wrapped.pem'), String(row.key_pem))
    // The CA passphrase does not open it: guessing the passphrase on a cheap wrap is no way in.
    expect(openssl(['pkey', '-in', 'holder-wrapped.pem', '-passin', `pass:${PASS}`, '-noout']).status).not.toBe(0)
    const p12 = await alice(['cert', 'export', 'UK-1', '--p12', join(dir, 'zs.p12'), '--password-file', join(dir, 'p12.pass'), '--json'], {EGOV_CA_PASSPHRASE: PASS})
    expect(p12.code, p12.stderr).toBe(0)
    expect(p12.json).toMatchObject({keyDestroyed: true, exportsLeft: 0})
    const info = openssl(['pkcs12', '-info', '-in', 'zs.p12', '-passin', 'pass:Delivery-2026', '-noout'])
    expect(info.status, info.stderr).toBe(0)
    const key = spawnSync('openssl', ['pkcs12', '-in', 'zs.p12', '-passin', 'pass:Delivery-2026', '-nocerts', '-nodes'], {cwd: dir, encoding: 'utf8'}).stdout
    const fromKey = spawnSync('openssl', ['pkey', '-pubout'], {input: key, encoding: 'utf8'}).stdout
    expect(fromKey).toBe(openssl(['x509', '-in', await pemOf('UK-1', 'zs.pem'), '-noout', '-pubkey']).stdout)
    expect(await tdb.one(`select key_pem, p12_allowance from cert_certs where serial = '${zs}'`)).toMatchObject({key_pem: null})
    const again = await alice(['cert', 'export', 'UK-1', '--p12', join(dir, 'again.p12'), '--password-file', join(dir, 'p12.pass'), '--json'], {EGOV_CA_PASSPHRASE: PASS})
    expect(again.code).toBe(4)
    expect(again.json.error.details).toMatchObject({field: 'SERIAL', rule: 'CERT-3'})
    expect(again.json.error.message).toContain('egov cert renew')
    expect(existsSync(join(dir, 'again.p12'))).toBe(false)
    const reset = await alice(['cert', 'reset-password', 'UK-1', '--json'])
    expect(reset.code).toBe(4)
    expect(reset.json.error.details).toMatchObject({field: 'SERIAL', rule: 'CERT-3'})
    expect(JSON.parse(String(await tdb.value("select after_json from audit_log where action = 'cert.export'")))).toMatchObject({keyDestroyed: true})
    const shown = await alice(['cert', 'show', 'UK-1', '--json'])
    expect(shown.json.history.find((h: {event: string}) => h.event === 'exported').detail).toMatchObject({keyDestroyed: true})
  })

  it('a revoked certificate keeps no key, delivered or not', async () => {
    const req = await approved(['cert', 'apply', '--holder', '王五', '--unit', UNIT, '--id-number', '620200199001011236', '--medium', 'UK-2'])
    ww = req.payload.issued
    expect(await tdb.value(`select key_pem from cert_certs where serial = '${ww}'`)).toBeTruthy()
    await pemOf('UK-2', 'ww.pem')
    await approved(['cert', 'revoke', 'UK-2', '--reason', 'keyCompromise'])
    expect(await tdb.value(`select key_pem from cert_certs where serial = '${ww}'`)).toBeNull()
    expect(await tdb.count('cert_certs', "status = 'revoked' and key_pem is not null")).toBe(0)
  })

  it('cert.publish: a relative or missing folder is refused (exit 2, naming it) and nothing is set', async () => {
    const relative = await alice(['config', 'set', 'cert.publish', 'pub', '--json'])
    expect(relative.code).toBe(2)
    expect(relative.json.error.details.field).toBe('VALUE')
    const missing = await alice(['config', 'set', 'cert.publish', pub, '--json'])
    expect(missing.code).toBe(2)
    expect(missing.json.error.message).toContain(pub)
    expect(await tdb.sql("select value from settings where key = 'cert.publish'")).toEqual([])
  })

  it('every new CRL is published as DER and PEM, renamed into place; openssl verifies it; an approval publishes with no more than its own signing', async () => {
    mkdirSync(pub)
    const set = await alice(['config', 'set', 'cert.publish', pub])
    expect(set.code, set.stderr).toBe(0)
    const made = await alice(['cert', 'crl', '--json'], {EGOV_CA_PASSPHRASE: PASS})
    expect(made.code, made.stderr).toBe(0)
    expect(made.json.published).toEqual({der: join(pub, 'egov.crl'), pem: join(pub, 'egov.crl.pem')})
    expect(readdirSync(pub).sort()).toEqual(['egov.crl', 'egov.crl.pem'])
    const der = openssl(['crl', '-inform', 'DER', '-in', join(pub, 'egov.crl'), '-CAfile', 'ca.pem', '-noout', '-crlnumber'])
    expect(der.stderr).toContain('verify OK')
    expect(der.stdout).toContain(`crlNumber=0x${made.json.number.toString(16).toUpperCase().padStart(2, '0')}`)
    const pem = openssl(['crl', '-in', join(pub, 'egov.crl.pem'), '-outform', 'DER'])
    expect(Buffer.from(pem.stdout, 'latin1').length).toBeGreaterThan(0)
    expect(openssl(['crl', '-in', join(pub, 'egov.crl.pem'), '-CAfile', 'ca.pem', '-noout']).stderr).toContain('verify OK')
    // A revocation approved: its CRL is published at once, with the key compromise on it.
    const req = await approved(['cert', 'apply', '--holder', '李四', '--unit', UNIT, '--id-number', '620200198506120038', '--medium', 'UK-3'])
    await pemOf(req.payload.issued, 'ls.pem')
    const revoked = await approved(['cert', 'suspend', 'UK-3'])
    const text = openssl(['crl', '-in', join(pub, 'egov.crl.pem'), '-noout', '-text']).stdout
    expect(text).toContain(req.payload.issued.toUpperCase())
    expect(text).toContain('Certificate Hold')
    expect(text).toMatch(new RegExp(`CRL Number: *\\n\\s+${revoked.payload.crlNumber}\\n`))
    const verified = openssl(['verify', '-crl_check', '-CAfile', 'ca.pem', '-CRLfile', join(pub, 'egov.crl.pem'), 'ls.pem'])
    expect(verified.stdout + verified.stderr).toContain('certificate revoked')
    expect(readdirSync(pub).sort()).toEqual(['egov.crl', 'egov.crl.pem'])
  })

  it('a publication folder gone later is a warning; the approval still carries out and the CRL is in the database', async () => {
    rmSync(pub, {recursive: true})
    const filed = await alice(['cert', 'resume', 'UK-3', '--json'])
    const r = await bob(['requests', 'approve', String(filed.json.request.id)])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain(`the publication folder ${pub} (cert.publish) is gone`)
    const crl = await alice(['cert', 'crl', '--out', join(dir, 'x.crl'), '--force'], {EGOV_CA_PASSPHRASE: PASS})
    expect(crl.code).toBe(0)
    expect(crl.stderr).toContain(pub)
    mkdirSync(pub)
  })

  describe_ocsp()

  function describe_ocsp() {
    let server: ChildProcess | undefined
    let url = ''
    const start = (args: string[], extra: Record<string, string> = {}) =>
      new Promise<{child: ChildProcess; url: string}>((resolve, reject) => {
        const child = spawn(process.execPath, [BIN, 'cert', 'ocsp', 'serve', ...args], {env: childEnv(as('alice', extra)), stdio: ['ignore', 'pipe', 'pipe']})
        let out = ''
        child.stdout.setEncoding('utf8').on('data', (d: string) => {
          out += d
          const m = /http:\/\/127\.0\.0\.1:\d+/.exec(out)
          if (m) resolve({child, url: m[0]})
        })
        child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d))
        child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)))
      })
    const ask = (args: string[]) => openssl(['ocsp', '-issuer', 'ca.pem', '-url', url, '-CAfile', 'ca.pem', ...args])

    it('OCSP: openssl ocsp on 127.0.0.1 hears good, revoked with time and reason, held, and unknown, each signed by the CA with the nonce echoed', async () => {
      ;({child: server, url} = await start(['--port', '0'], {EGOV_CA_PASSPHRASE: PASS}))
      const good = ask(['-cert', 'zs.pem', '-resp_text'])
      expect(good.stderr).toContain('Response verify OK')
      expect(good.stderr).not.toContain('nonce')
      expect(good.stdout).toContain('zs.pem: good')
      expect(good.stdout).toContain('OCSP Nonce')
      const revoked = ask(['-cert', 'ww.pem'])
      expect(revoked.stdout).toContain('ww.pem: revoked')
      expect(revoked.stdout).toContain('Reason: keyCompromise')
      expect(revoked.stdout).toMatch(/Revocation Time: \w+ +\d+ [\d:]+ \d{4} GMT/)
      const unknown = ask(['-serial', '0x1000'])
      expect(unknown.stderr).toContain('Response verify OK')
      expect(unknown.stdout).toContain('0x1000: unknown')
      // A hold is revoked with certificateHold while it lasts.
      await approved(['cert', 'suspend', 'UK-3'])
      const held = ask(['-cert', 'ls.pem'])
      expect(held.stdout).toContain('ls.pem: revoked')
      expect(held.stdout).toContain('Reason: certificateHold')
      await approved(['cert', 'resume', 'UK-3'])
      expect(ask(['-cert', 'ls.pem']).stdout).toContain('ls.pem: good')
    })

    it('OCSP: GET (RFC 6960 A.1) answers as POST; a malformed request gets HTTP 400 and malformedRequest', async () => {
      expect(openssl(['ocsp', '-issuer', 'ca.pem', '-cert', 'ww.pem', '-no_nonce', '-reqout', 'req.der']).status).toBe(0)
      const res = await fetch(`${url}/${encodeURIComponent(readFileSync(join(dir, 'req.der')).toString('base64'))}`)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('application/ocsp-response')
      writeFileSync(join(dir, 'resp.der'), Buffer.from(await res.arrayBuffer()))
      const read = openssl(['ocsp', '-respin', 'resp.der', '-issuer', 'ca.pem', '-cert', 'ww.pem', '-CAfile', 'ca.pem'])
      expect(read.stderr).toContain('Response verify OK')
      expect(read.stdout).toContain('ww.pem: revoked')
      for (const bad of [await fetch(url, {method: 'POST', body: 'not DER at all', headers: {'content-type': 'application/ocsp-request'}}), await fetch(`${url}/%%%`), await fetch(`${url}/`)]) {
        expect(bad.status).toBe(400)
        expect(Buffer.from(await bad.arrayBuffer()).toString('hex')).toBe('30030a0101')
      }
      writeFileSync(join(dir, 'bad.der'), Buffer.from('30030a0101', 'hex'))
      expect(openssl(['ocsp', '-respin', 'bad.der', '-resp_text']).stdout + openssl(['ocsp', '-respin', 'bad.der', '-resp_text']).stderr).toMatch(/malformedrequest/i)
      server!.removeAllListeners('exit')
      const stopped = new Promise<number | null>((resolve) => server!.once('exit', resolve))
      server!.kill('SIGTERM')
      expect(await stopped).toBe(0)
    })

    it('OCSP: a bad port (exit 2, port), a port in use (exit 2, host), no passphrase (exit 2)', async () => {
      const bad = await alice(['cert', 'ocsp', 'serve', '--port', '70000', '--json'], {EGOV_CA_PASSPHRASE: PASS})
      expect(bad.code).toBe(2)
      expect(bad.json.error.details.field).toBe('port')
      const busy = await start(['--port', '0'], {EGOV_CA_PASSPHRASE: PASS})
      const port = new URL(busy.url).port
      const inUse = await alice(['cert', 'ocsp', 'serve', '--port', port, '--json'], {EGOV_CA_PASSPHRASE: PASS})
      expect(inUse.code).toBe(2)
      expect(inUse.json.error.details.field).toBe('host')
      busy.child.removeAllListeners('exit')
      busy.child.kill('SIGTERM')
      const noPass = await alice(['cert', 'ocsp', 'serve', '--port', '0', '--json'])
      expect(noPass.code).toBe(2)
    })
  }

  it('the outside inventory is keyed by issuer and serial: another CA’s serial 1000 is accepted, the same issuer’s refused (exit 4); a bare ambiguous serial is refused (exit 2) and SERIAL@ISSUER names one', async () => {
    const run = (args: string[]) => {
      const r = openssl(args)
      expect(r.status, `${args.join(' ')}\n${r.stderr}`).toBe(0)
    }
    for (const ca of ['One', 'Two']) {
      run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${ca}.key`, '-out', `${ca}.pem`, '-subj', `/CN=Outside CA ${ca}`, '-days', '400'])
      run(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `leaf${ca}.key`, '-out', `leaf${ca}.csr`, '-subj', `/CN=leaf ${ca}`])
      run(['x509', '-req', '-in', `leaf${ca}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-set_serial', '0x1000', '-days', '300', '-out', `leaf${ca}.pem`])
    }
    const one = await alice(['cert', 'import', join(dir, 'leafOne.pem'), '--holder', '赵六', '--unit', UNIT, '--issuer', join(dir, 'One.pem'), '--json'])
    expect(one.code, one.stderr).toBe(0)
    expect(one.json.serial).toBe('1000')
    const two = await alice(['cert', 'import', join(dir, 'leafTwo.pem'), '--holder', '钱七', '--unit', UNIT, '--issuer', join(dir, 'Two.pem'), '--json'])
    expect(two.code, two.stderr).toBe(0)
    expect(two.json.serial).toBe(`1000@${two.json.issuerTag}`)
    expect(two.json.issuerTag).not.toBe(one.json.issuerTag)
    const same = await alice(['cert', 'import', join(dir, 'leafOne.pem'), '--holder', '赵六', '--unit', UNIT, '--json'])
    expect(same.code).toBe(4)
    expect(same.json.error.details.field).toBe('FILE')
    const ambiguous = await alice(['cert', 'show', '1000', '--json'])
    expect(ambiguous.code).toBe(2)
    expect(ambiguous.json.error.details.field).toBe('SERIAL')
    expect(ambiguous.json.error.message).toContain(`1000@${one.json.issuerTag}`)
    expect(ambiguous.json.error.message).toContain(`1000@${two.json.issuerTag}`)
    expect((await alice(['cert', 'show', `1000@${one.json.issuerTag}`, '--json'])).json.holder.name).toBe('赵六')
    expect((await alice(['cert', 'show', '10:00@Outside CA Two', '--json'])).json.holder.name).toBe('钱七')
    expect((await alice(['cert', 'show', `1000@ffffffff`, '--json'])).code).toBe(3)
    const rows = await tdb.sql("select serial_number, issuer_key from cert_certs where serial_number = '1000'")
    expect(rows.length).toBe(2)
  })
})
