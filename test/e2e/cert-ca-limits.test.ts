import {spawnSync} from 'node:child_process'
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
 * The CA's own limits, as a PKI administrator meets them (CERT-3): a CA that ends before a
 * staff certificate would is said so before and at every issue; certificates are valid from
 * a few minutes back (clock skew) but never before their CA; only an act that signs asks for
 * the CA passphrase, and the message says how an approver gives it; a CA's certificate is no
 * person's. Every certificate is read back by openssl.
 */
describeEachDialect('the CA’s limits (CERT-3)', (dialect) => {
  let tdb: TestDatabase
  let env: Record<string, string>
  const dir = mkdtempSync(join(tmpdir(), 'egov-ca-limits-'))
  const as = (who: string, extra: Record<string, string> = {}) => ({...env, ...tdb.envFor(who), ...extra})
  const alice = (args: string[], extra: Record<string, string> = {}) => egov(args, as('alice', extra))
  const bob = (args: string[], extra: Record<string, string> = {}) => egov(args, as('bob', {EGOV_CA_PASSPHRASE: PASS, ...extra}))
  const count = (table: string) => tdb.count(table)
  let apply = 0

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    for (const who of ['alice', 'bob']) await (await tdb.open(who)).close()
    // The CA is made at 10:00 China time; the first certificate is signed at the same minute.
    env = {...isolatedHome(), ...tdb.env, EGOV_NOW: '2026-12-01T10:00:00+08:00'}
    writeFileSync(join(dir, 'ca.pass'), `${PASS}\n`)
    expect((await alice(['units', 'add', UNIT, '--kind', 'party-government', '--level', 'city'])).code).toBe(0)
    expect((await alice(['config', 'set', 'cert.organization', '嘉峪关市数据局'])).code).toBe(0)
    // A CA of one year: a 730-day staff certificate would outlive it.
    const init = await alice(['cert', 'ca', 'init', '--name', '市数据局 CA', '--key', 'ec-p256', '--days', '365', '--passphrase-file', join(dir, 'ca.pass'), '--json'])
    expect(init.code, init.stderr).toBe(0)
    writeFileSync(join(dir, 'ca.pem'), (await alice(['cert', 'ca', 'show', '--pem'])).stdout)
    const r = await alice(['cert', 'apply', '--holder', '张三', '--unit', UNIT, '--id-number', '11010519491231002X', '--medium', 'UK-1', '--json'])
    expect(r.code, r.stderr).toBe(0)
    apply = r.json.request.id
  })
  afterAll(async () => {
    await tdb.cleanup()
  })

  it('an approval that signs, without the CA passphrase, says how an approver gives it, and changes nothing', async () => {
    const before = [await count('cert_certs'), await count('audit_log')]
    const r = await egov(['requests', 'approve', String(apply), '--json'], as('bob'))
    expect(r.code).toBe(2)
    expect(r.json.error.details.field).toBe('EGOV_CA_PASSPHRASE')
    expect(r.json.error.message).toContain('EGOV_CA_PASSPHRASE_FILE')
    // requests approve has no --passphrase-file: the message must not send the approver there.
    expect(r.json.error.message).not.toContain('--passphrase-file')
    expect([await count('cert_certs'), await count('audit_log')]).toEqual(before)
  })

  it('a certificate cut short to end with the CA says so on approval; cert ca show and cert list warn before (CERT-3)', async () => {
    const approved = await bob(['requests', 'approve', String(apply), '--json'])
    expect(approved.code, approved.stderr).toBe(0)
    const serial = approved.json.request.payload.issued
    expect(approved.json.request.payload.outcome).toContain('2027-12-01')
    const human = await egov(['requests', 'show', String(apply), '--json'], as('alice'))
    expect(human.json.payload.outcome).toMatch(/ends on 2027-12-01, with the CA, not after the 730 days/)
    const show = await alice(['cert', 'ca', 'show', '--json'])
    expect(show.json.warnings).toEqual(expect.arrayContaining([expect.objectContaining({key: 'cert.caExpiring'})]))
    const list = await alice(['cert', 'list'], {LANG: 'zh_CN.UTF-8'})
    expect(list.stderr).toContain('CA 将于 2027-12-01 到期')
    // openssl: the leaf ends with the CA, and begins when the CA began (signed the same minute).
    const out = join(dir, 'zs.pem')
    expect((await alice(['cert', 'export', serial, '--out', out, '--force'])).code).toBe(0)
    const dates = openssl(['x509', '-in', out, '-noout', '-startdate', '-enddate'], dir).stdout
    const ca = await alice(['cert', 'ca', 'show', '--json'])
    expect(dates).toContain('notBefore=Dec  1 02:00:00 2026 GMT')
    expect(new Date(ca.json.notAfter).getTime()).toBe(new Date(/notAfter=(.*)/.exec(dates)![1]!).getTime())
  })

  it('a certificate signed later is valid from five minutes before its signing, for clocks that run behind', async () => {
    const later = {EGOV_NOW: '2026-12-01T11:00:00+08:00'}
    openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ls.key', '-subj', '/CN=x', '-out', 'ls.csr'], dir)
    const filed = await alice(['cert', 'apply', '--holder', '李四', '--unit', UNIT, '--id-number', '620200198506120038', '--medium', 'UK-2', '--csr', join(dir, 'ls.csr'), '--json'], later)
    const approved = await bob(['requests', 'approve', String(filed.json.request.id), '--json'], later)
    expect(approved.code, approved.stderr).toBe(0)
    const out = join(dir, 'ls.pem')
    expect((await alice(['cert', 'export', approved.json.request.payload.issued, '--out', out, '--force'])).code).toBe(0)
    expect(openssl(['x509', '-in', out, '-noout', '-startdate'], dir).stdout).toContain('notBefore=Dec  1 02:55:00 2026 GMT')
    expect(openssl(['verify', '-attime', String(Date.parse('2026-12-01T02:56:00Z') / 1000), '-CAfile', join(dir, 'ca.pem'), out], dir).stdout).toContain('OK')
  })

  it('a password reset signs nothing and is approved without the CA passphrase (CERT-3)', async () => {
    const filed = await alice(['cert', 'reset-password', 'UK-1', '--json'])
    expect(filed.code, filed.stderr).toBe(0)
    const approved = await egov(['requests', 'approve', String(filed.json.request.id), '--json'], as('bob'))
    expect(approved.code, approved.stderr).toBe(0)
    expect((await alice(['cert', 'show', 'UK-1', '--json'])).json.exportsLeft).toBe(1)
  })

  it('subjects name the person uniquely, in the order openssl prints: C, O, OU, CN, serialNumber', async () => {
    const subject = (file: string) => openssl(['x509', '-in', file, '-noout', '-subject', '-nameopt', 'utf8,sep_comma_plus_space,space_eq'], dir).stdout.trim()
    expect(subject(join(dir, 'ca.pem'))).toBe('subject=C = CN, O = 嘉峪关市数据局, CN = 市数据局 CA')
    const first = subject(join(dir, 'zs.pem'))
    expect(first).toMatch(new RegExp(`^subject=C = CN, O = 嘉峪关市数据局, OU = ${UNIT}, CN = 张三, serialNumber = H\\d{6}$`))
    // A second 张三 in the same unit is another subject.
    const filed = await alice(['cert', 'apply', '--holder', '张三', '--unit', UNIT, '--id-number', '620200198203030035', '--medium', 'UK-3', '--json'])
    const approved = await bob(['requests', 'approve', String(filed.json.request.id), '--json'])
    expect(approved.code, approved.stderr).toBe(0)
    const out = join(dir, 'zs2.pem')
    expect((await alice(['cert', 'export', approved.json.request.payload.issued, '--out', out, '--force'])).code).toBe(0)
    const second = subject(out)
    expect(second).toMatch(/CN = 张三, serialNumber = H\d{6}$/)
    expect(second).not.toBe(first)
  })

  it('cert.organization takes 1 to 64 characters and no control characters (exit 2, VALUE)', async () => {
    for (const bad of ['', 'x'.repeat(65), '市\u001b[2J局']) {
      const r = await alice(['config', 'set', 'cert.organization', bad, '--json'])
      expect(r.code, bad).toBe(2)
      expect(r.json.error.details.field).toBe('VALUE')
    }
    expect((await alice(['config', 'get', 'cert.organization', '--json'])).json.value).toBe('嘉峪关市数据局')
  })

  it('a CA certificate is refused as a person’s (exit 2, FILE), with nothing written', async () => {
    const before = await count('cert_certs')
    const r = await alice(['cert', 'import', join(dir, 'ca.pem'), '--holder', '王五', '--unit', UNIT, '--json'])
    expect(r.code).toBe(2)
    expect(r.json.error.details.field).toBe('FILE')
    expect(r.json.error.message).toContain('CA:TRUE')
    expect(await count('cert_certs')).toBe(before)
  })
})
