import {spawn, spawnSync} from 'node:child_process'
import {cpSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {afterAll, beforeAll, expect, it} from 'vitest'

import {childEnv, type CliResult, egov, isolatedHome} from '../helpers/cli.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

const PASS = 'ca-test-passphrase'
const UNIT = '市人力资源和社会保障局'
const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const openssl = (args: string[], cwd: string, input?: string) => spawnSync('openssl', args, {cwd, encoding: 'utf8', input})

/**
 * "Another machine": a copy of the installed package whose templates/ has no
 * cert-profiles.json at all. Whatever it renews, it renews from the database.
 */
function otherMachine(): string {
  const dir = mkdtempSync(join(tmpdir(), 'egov-machine-b-'))
  for (const part of ['bin', 'dist', 'templates', 'package.json', 'oclif.manifest.json']) cpSync(join(ROOT, part), join(dir, part), {recursive: true})
  rmSync(join(dir, 'templates', 'cert-profiles.json'))
  symlinkSync(realpathSync(join(ROOT, 'node_modules')), join(dir, 'node_modules'))
  return join(dir, 'bin', 'run.js')
}

/** bin/run.js of the other machine's package, as the helper runs ours. */
function egovAt(bin: string, args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {env: childEnv(env)})
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => {
      let json: unknown
      try {
        json = JSON.parse(stdout)
      } catch {
        json = undefined
      }
      resolve({code: code ?? -1, stdout, stderr, json})
    })
    child.stdin.end()
  })
}

/**
 * Certificate profiles live in the database (issue 21): one operator adds a profile with an
 * EC key kind, another files under it, a third approves; the holder key egov makes is EC
 * (openssl pkcs12 -info, openssl x509 -text); the certificate renews under its profile, as
 * the database has it, on a machine whose package has no profile file at all, and after the
 * profile was retired. Every change is audited; bad input names its flag and rule and writes
 * nothing.
 */
describeEachDialect('certificate profiles in the database (issue 21)', (dialect) => {
  let tdb: TestDatabase
  let env: Record<string, string>
  let machineB: string
  const dir = mkdtempSync(join(tmpdir(), 'egov-profiles-'))
  const as = (who: string, extra: Record<string, string> = {}) => ({...env, ...tdb.envFor(who), ...extra})
  const sec = (args: string[]) => egov(args, as('sec'))
  const clerk = (args: string[]) => egov(args, as('clerk'))
  const bob = (args: string[]) => egov(args, as('bob', {EGOV_CA_PASSPHRASE: PASS}))
  const count = (table: string) => tdb.count(table)
  const ok = (r: CliResult) => {
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0)
    return r
  }
  let first = ''

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    for (const who of ['sec', 'clerk', 'bob']) await (await tdb.open(who)).close()
    env = {...isolatedHome(), ...tdb.env}
    machineB = otherMachine()
    mkdirSync(dir, {recursive: true})
    writeFileSync(join(dir, 'p12.pass'), 'Delivery-2026\n')
    ok(await clerk(['units', 'add', UNIT, '--kind', 'party-government', '--level', 'city']))
    ok(await egov(['cert', 'ca', 'init', '--name', '市数据局 CA', '--key', 'ec-p256', '--json'], as('sec', {EGOV_CA_PASSPHRASE: PASS})))
    writeFileSync(join(dir, 'ca.pem'), ok(await clerk(['cert', 'ca', 'show', '--pem'])).stdout)
  })
  afterAll(async () => {
    await tdb.cleanup()
  })

  it('a database starts with the shipped profiles (migration 023)', async () => {
    const list = ok(await clerk(['cert', 'profile', 'list', '--json']))
    expect(list.json.profiles.map((p: {key: string}) => p.key)).toEqual(['server', 'staff', 'staff-sm2', 'staff-sm2-enc'])
    expect(list.json.profiles[1]).toMatchObject({key: 'staff', key_spec: 'rsa-2048', days: 730, maxDays: 1095, medium: true, encryption: false, status: 'active', createdBy: 'migration 023'})
    // The SM2 pair (CERT-5): the encryption certificate's profile carries the flag escrow reads.
    expect(list.json.profiles[3]).toMatchObject({key: 'staff-sm2-enc', key_spec: 'sm2', encryption: true})
  })

  it('a profile one operator adds is what another files under and a third approves; the key egov makes is EC (openssl)', async () => {
    const added = ok(
      await sec([
        'cert',
        'profile',
        'add',
        'staff-ec',
        '--name',
        '工作人员个人证书（EC）',
        '--key-usage',
        'digitalSignature,nonRepudiation',
        '--ext-key-usage',
        'clientAuth',
        '--key-spec',
        'ec-p256',
        '--days',
        '730',
        '--max-days',
        '1095',
        '--medium',
        '--json',
      ]),
    )
    expect(added.json.profile).toMatchObject({key: 'staff-ec', key_spec: 'ec-p256', createdBy: tdb.actor('sec')})
    // Another login (on PostgreSQL another database user, another process) sees it at once.
    const seen = ok(await clerk(['cert', 'profile', 'show', 'staff-ec', '--json']))
    expect(seen.json).toMatchObject({key: 'staff-ec', status: 'active', validCertificates: 0})
    const filed = ok(await clerk(['cert', 'apply', '--holder', '张三', '--unit', UNIT, '--id-number', '11010519491231002X', '--medium', 'UK-1', '--profile', 'staff-ec', '--json']))
    const approved = ok(await bob(['requests', 'approve', String(filed.json.request.id), '--json']))
    first = approved.json.request.payload.issued
    // The delivered PKCS#12 holds an EC P-256 key.
    ok(await egov(['cert', 'export', first, '--p12', join(dir, 'zs.p12'), '--password-file', join(dir, 'p12.pass')], as('bob', {EGOV_CA_PASSPHRASE: PASS})))
    const info = openssl(['pkcs12', '-info', '-in', 'zs.p12', '-passin', 'pass:Delivery-2026', '-nodes'], dir)
    expect(info.status, info.stderr).toBe(0)
    const key = openssl(['pkey', '-noout', '-text'], dir, info.stdout)
    expect(key.stdout).toContain('ASN1 OID: prime256v1')
    // And the certificate says what the profile says.
    ok(await clerk(['cert', 'export', first, '--out', join(dir, 'zs.pem')]))
    const text = openssl(['x509', '-in', 'zs.pem', '-noout', '-text'], dir).stdout
    expect(text).toContain('id-ecPublicKey')
    expect(text).toMatch(/Key Usage: critical\s+Digital Signature, Non Repudiation/)
    expect(text).toContain('TLS Web Client Authentication')
    expect(openssl(['verify', '-CAfile', 'ca.pem', 'zs.pem'], dir).stdout).toContain('OK')
  })

  it('retired, the profile issues nothing new (exit 4, nothing written) but its certificate renews under it, as edited, on a machine with no profile file', async () => {
    // Edited first: renewal follows the profile as the database has it now.
    const edited = ok(await sec(['cert', 'profile', 'edit', 'staff-ec', '--days', '400', '--json']))
    expect(edited.json).toMatchObject({unchanged: false, before: {days: 730}, profile: {days: 400}})
    const retired = ok(await egov(['cert', 'profile', 'retire', 'staff-ec', '--yes', '--json'], as('sec')))
    expect(retired.json).toMatchObject({profile: {status: 'retired', retiredBy: tdb.actor('sec')}, certificates: 1})

    const requests = await count('requests')
    const refused = await clerk(['cert', 'apply', '--holder', '李四', '--unit', UNIT, '--id-number', '620200198506120038', '--medium', 'UK-2', '--profile', 'staff-ec', '--json'])
    expect(refused.code).toBe(4)
    expect(refused.json.error.details).toMatchObject({key: 'cert.profileRetired', field: 'profile'})
    expect(await count('requests')).toBe(requests)

    // Machine B's package has no templates/cert-profiles.json: the renewal reads the database.
    const b = (who: string, args: string[], extra: Record<string, string> = {}) => egovAt(machineB, args, as(who, extra))
    const filed = ok(await b('clerk', ['cert', 'renew', first, '--json']))
    const approved = ok(await b('bob', ['requests', 'approve', String(filed.json.request.id), '--json'], {EGOV_CA_PASSPHRASE: PASS}))
    const renewed = approved.json.request.payload.issued
    const shown = ok(await b('clerk', ['cert', 'show', renewed, '--json']))
    expect(shown.json).toMatchObject({profile: 'staff-ec', keySpec: 'ec-p256'})
    const days = (Date.parse(shown.json.notAfter) - Date.parse(shown.json.notBefore)) / 86_400_000
    expect(Math.round(days)).toBe(400)
    ok(await b('clerk', ['cert', 'export', renewed, '--out', join(dir, 'renewed.pem')]))
    const text = openssl(['x509', '-in', 'renewed.pem', '-noout', '-text'], dir).stdout
    expect(text).toContain('ASN1 OID: prime256v1')
    expect(text).toMatch(/Key Usage: critical\s+Digital Signature, Non Repudiation/)
    // A new key, as a renewal makes.
    const spki = (f: string) => openssl(['x509', '-in', f, '-noout', '-pubkey'], dir).stdout
    expect(spki('renewed.pem')).not.toBe(spki('zs.pem'))
  })

  it('every change is in the audit trail, with who and the values before and after', async () => {
    const log = ok(await clerk(['audit', 'log', '--entity', 'cert-profile:staff-ec', '--json']))
    const entries = log.json.entries as Array<{action: string; actor: string; before: Record<string, unknown> | null; after: Record<string, unknown>}>
    expect(entries.map((e) => e.action).reverse()).toEqual(['cert.profile.add', 'cert.profile.edit', 'cert.profile.retire'])
    expect(entries.every((e) => e.actor === tdb.actor('sec'))).toBe(true)
    const edit = entries.find((e) => e.action === 'cert.profile.edit')!
    expect([edit.before?.days, edit.after.days]).toEqual([730, 400])
  })

  // Each rule of checkProfile is in test/core/cert-profiles.test.ts; here, through the CLI, one of each exit code.
  it('bad input names the flag and the rule, with the documented exit code, and writes nothing', async () => {
    const before = [await count('cert_profiles'), await count('audit_log')]
    const add =
      (key: string, ...flags: string[]) =>
      () =>
        sec(['cert', 'profile', 'add', key, '--name', '测试模板', ...flags, '--json'])
    const cases: Array<[() => Promise<CliResult>, number, string, string | undefined]> = [
      [add('t1', '--key-usage', 'digitalSignature,fooUsage', '--days', '30'), 2, 'key-usage', 'RFC 5280 4.2.1.3'],
      [add('t4', '--key-usage', 'digitalSignature', '--days', '400', '--max-days', '397'), 2, 'days', undefined],
      [add('staff', '--key-usage', 'digitalSignature', '--days', '30'), 4, 'KEY', undefined],
      [() => clerk(['cert', 'profile', 'show', 'nope', '--json']), 3, 'KEY', undefined],
      [() => clerk(['cert', 'apply', '--holder', '王五', '--unit', UNIT, '--id-number', '620200199001011236', '--medium', 'UK-3', '--profile', 'nope', '--json']), 2, 'profile', undefined],
    ]
    for (const [run, code, field, rule] of cases) {
      const r = await run()
      expect(r.code, r.stdout + r.stderr).toBe(code)
      expect(r.json.error.details.field, r.stdout).toBe(field)
      if (rule) expect(r.json.error.details.rule, r.stdout).toBe(rule)
      expect(r.json.error.message, r.stdout).toContain(field)
    }
    expect([await count('cert_profiles'), await count('audit_log')]).toEqual(before)
  })
})
