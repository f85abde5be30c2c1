import {createHash} from 'node:crypto'
import {execFileSync, spawnSync} from 'node:child_process'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, expect, it} from 'vitest'

import {egov, isolatedHome} from '../helpers/cli.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

const PASS = 'ca-test-passphrase'
const UNIT = '市人力资源和社会保障局'
const openssl = (args: string[], cwd: string) => spawnSync('openssl', args, {cwd, encoding: 'utf8'})

/**
 * CERT-3 撤销 for key compromise: the key goes on a blocklist and is never certified again —
 * not for the same holder, not for another, not by a renewal, not by an approval filed
 * before the compromise — and a renewal or a new medium takes a new key pair. Keys egov
 * generated do not outlive their certificate's revocation. CSRs are made by openssl, and
 * the blocklist's key is checked against openssl's own SPKI of the key.
 */
describeEachDialect('keys revoked for compromise are never certified again (CERT-3)', (dialect) => {
  let tdb: TestDatabase
  let env: Record<string, string>
  const dir = mkdtempSync(join(tmpdir(), 'egov-compromise-'))
  const as = (who: string, extra: Record<string, string> = {}) => ({...env, ...tdb.envFor(who), ...extra})
  const alice = (args: string[]) => egov(args, as('alice'))
  const bob = (args: string[]) => egov(args, as('bob', {EGOV_CA_PASSPHRASE: PASS}))
  const filed = async (args: string[]) => {
    const r = await alice([...args, '--json'])
    expect(r.code, r.stdout + r.stderr).toBe(0)
    return r.json.request.id as number
  }
  const approve = async (id: number) => {
    const r = await bob(['requests', 'approve', String(id), '--json'])
    expect(r.code, r.stdout + r.stderr).toBe(0)
    return r.json.request
  }
  const csr = (name: string, alg: 'ec' | 'rsa' = 'ec') => {
    const r = openssl(
      ['req', '-new', '-newkey', ...(alg === 'ec' ? ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['rsa:2048']), '-nodes', '-keyout', `${name}.key`, '-subj', `/CN=${name}`, '-out', `${name}.csr`],
      dir,
    )
    expect(r.status, r.stderr).toBe(0)
    return join(dir, `${name}.csr`)
  }
  const spkiSha256 = (name: string) =>
    createHash('sha256')
      .update(execFileSync('openssl', ['pkey', '-in', `${name}.key`, '-pubout', '-outform', 'DER'], {cwd: dir}))
      .digest('hex')
  const count = (table: string) => tdb.count(table)
  const written = async () => [await count('requests'), await count('cert_certs'), await count('audit_log')]

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    for (const who of ['alice', 'bob']) await (await tdb.open(who)).close()
    env = {...isolatedHome(), ...tdb.env}
    writeFileSync(join(dir, 'ca.pass'), `${PASS}\n`)
    expect((await alice(['units', 'add', UNIT, '--kind', 'party-government', '--level', 'city'])).code).toBe(0)
    const init = await alice(['cert', 'ca', 'init', '--name', '市数据局 CA', '--key', 'ec-p256', '--passphrase-file', join(dir, 'ca.pass'), '--json'])
    expect(init.code, init.stderr).toBe(0)
  })
  afterAll(async () => {
    await tdb.cleanup()
  })

  let wangwu = ''
  it('a revocation for keyCompromise puts the key on the blocklist, named as openssl hashes it (CERT-3)', async () => {
    const id = await filed(['cert', 'apply', '--holder', '王五', '--unit', UNIT, '--id-number', '62020019800101001X', '--medium', 'UK-11', '--csr', csr('k1')])
    wangwu = (await approve(id)).payload.issued
    await approve(await filed(['cert', 'revoke', wangwu, '--reason', 'keyCompromise']))
    const rows = await tdb.sql('select spki_sha256, serial from cert_blocked_keys')
    expect(rows).toEqual([{spki_sha256: spkiSha256('k1'), serial: wangwu}])
    const audit = await alice(['audit', 'log', '--json'])
    expect(audit.json.entries.map((e: {action: string}) => e.action)).toContain('cert.key-blocked')
  })

  it('the same CSR is refused for the same holder and for another, exit 5, with nothing written (CERT-3)', async () => {
    const before = await written()
    const again = await alice(['cert', 'apply', '--holder', '王五', '--unit', UNIT, '--id-number', '62020019800101001X', '--medium', 'UK-12', '--csr', join(dir, 'k1.csr'), '--json'])
    expect(again.code).toBe(5)
    expect(again.json.error.details).toMatchObject({rule: 'CERT-3', field: 'csr', revokedSerial: wangwu, spkiSha256: spkiSha256('k1')})
    expect(again.json.error.message).toContain('key compromise')
    const other = await egov(
      ['cert', 'apply', '--holder', '赵六', '--unit', UNIT, '--id-number', '620200198102020022', '--medium', 'UK-13', '--csr', join(dir, 'k1.csr')],
      as('alice', {LANG: 'zh_CN.UTF-8'}),
    )
    expect(other.code).toBe(5)
    expect(other.stderr).toContain('因密钥泄露撤销')
    expect(await written()).toEqual(before)
  })

  it('a renewal takes a new key: the certificate’s own key and a compromised one are refused (CERT-3)', async () => {
    const id = await filed(['cert', 'apply', '--holder', '王五', '--unit', UNIT, '--id-number', '62020019800101001X', '--medium', 'UK-14', '--csr', csr('k2', 'rsa')])
    await approve(id)
    const before = await written()
    const same = await alice(['cert', 'renew', 'UK-14', '--csr', join(dir, 'k2.csr'), '--json'])
    expect(same.code).toBe(5)
    expect(same.json.error.details).toMatchObject({rule: 'CERT-3', field: 'csr', key: 'cert.sameKey'})
    expect(same.json.error.message).toContain('cert extend')
    const compromised = await alice(['cert', 'renew', 'UK-14', '--csr', join(dir, 'k1.csr'), '--json'])
    expect(compromised.code).toBe(5)
    expect(compromised.json.error.details.key).toBe('cert.keyCompromised')
    const medium = await alice(['cert', 'replace-medium', 'UK-14', '--medium', 'UK-15', '--reason', 'damaged', '--csr', join(dir, 'k2.csr'), '--json'])
    expect(medium.code).toBe(5)
    expect(medium.json.error.details.key).toBe('cert.sameKey')
    expect(await written()).toEqual(before)
    const renewed = await approve(await filed(['cert', 'renew', 'UK-14', '--csr', csr('k3')]))
    expect(renewed.payload.issued).toBeTruthy()
  })

  it('an application filed before the compromise is refused when approved after it (CERT-3)', async () => {
    // 钱七 and 孙八 bring the same key; 钱七's certificate is then revoked for compromise.
    const shared = csr('k4')
    const qian = (await approve(await filed(['cert', 'apply', '--holder', '钱七', '--unit', UNIT, '--id-number', '620200198203030035', '--medium', 'UK-16', '--csr', shared]))).payload.issued
    const sun = await filed(['cert', 'apply', '--holder', '孙八', '--unit', UNIT, '--id-number', '620200198304040048', '--medium', 'UK-17', '--csr', shared])
    await approve(await filed(['cert', 'revoke', qian, '--reason', 'keyCompromise']))
    const before = await written()
    const late = await bob(['requests', 'approve', String(sun), '--json'])
    expect(late.code).toBe(5)
    expect(late.json.error.details).toMatchObject({rule: 'CERT-3', revokedSerial: qian})
    expect(await written()).toEqual(before)
  })

  it('a key egov generated is destroyed when its certificate is revoked; privilegeWithdrawn is on the CRL (CERT-3)', async () => {
    const issued = (await approve(await filed(['cert', 'apply', '--holder', '赵六', '--unit', UNIT, '--id-number', '620200198102020022', '--medium', 'UK-18']))).payload.issued
    const kept = await tdb.one(`select key_pem from cert_certs where serial = '${issued}'`)
    expect(kept.key_pem).toMatch(/ENCRYPTED PRIVATE KEY/)
    await approve(await filed(['cert', 'revoke', issued, '--reason', 'privilegeWithdrawn']))
    const [gone] = await tdb.sql(`select key_pem, status, reason from cert_certs where serial = '${issued}'`)
    expect(gone).toEqual({key_pem: null, status: 'revoked', reason: 'privilegeWithdrawn'})
    // Every revoked certificate, whatever its reason, keeps no key.
    expect(await tdb.count('cert_certs', "status = 'revoked' and key_pem is not null")).toBe(0)
    const log = await alice(['audit', 'log', '--entity', 'certificate', '--json'])
    expect(log.json.entries.find((e: {action: string; entityId: string}) => e.action === 'cert.revoked' && e.entityId === issued).after.keyDestroyed).toBe(true)
    const crl = await bob(['cert', 'crl', '--pem', '--out', join(dir, 'crl.pem'), '--force', '--json'])
    expect(crl.code, crl.stderr).toBe(0)
    expect(openssl(['crl', '-in', 'crl.pem', '-noout', '-text'], dir).stdout).toContain('Privilege Withdrawn')
  })

  it('revoke without --reason off a terminal is exit 2 naming the flag, in the JSON envelope; a bad reason lists the reasons', async () => {
    const before = await written()
    const none = await alice(['cert', 'revoke', 'UK-14', '--json'])
    expect(none.code).toBe(2)
    expect(none.json.error.details.field).toBe('reason')
    const human = await alice(['cert', 'revoke', 'UK-14'])
    expect(human.code).toBe(2)
    expect(human.stderr).toContain('--reason')
    const bad = await alice(['cert', 'revoke', 'UK-14', '--reason', 'stolen', '--json'])
    expect(bad.code).toBe(2)
    expect(bad.json.error.message).toContain('privilegeWithdrawn')
    expect(await written()).toEqual(before)
  })
})
