import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {createServer, type Server} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, expect, it} from 'vitest'

import {egov, isolatedHome} from '../helpers/cli.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

const UNIT = '市人力资源和社会保障局'
const DAY = 86_400_000

/**
 * The outside inventory tells the truth: an outside CA made with the openssl CLI, its CRL
 * served on 127.0.0.1, and `egov cert check` trying every distribution point in order,
 * skipping what is not http(s), refusing a CRL past its next update and one its issuer did
 * not sign (never cached), following a hold placed and released upstream, and fetching
 * again with --refresh.
 */
describeEachDialect('certificates issued elsewhere, checked against their CRLs', (dialect) => {
  let tdb: TestDatabase
  let env: Record<string, string>
  let server: Server
  let port = 0
  let hits = 0
  const served = new Map<string, Buffer>()
  const out = mkdtempSync(join(tmpdir(), 'egov-outside-'))
  const alice = (args: string[], extra: Record<string, string> = {}) => egov(args, {...env, ...tdb.envFor('alice'), ...extra})
  const run = (args: string[]) => {
    const r = spawnSync('openssl', args, {cwd: out, encoding: 'utf8'})
    expect(r.status, `${args.join(' ')}\n${r.stderr}`).toBe(0)
    return r.stdout
  }
  const publish = (extra: string[] = []) => {
    run(['ca', '-config', 'ca.cnf', '-gencrl', '-out', 'crl.pem', ...extra])
    served.set('/ca.crl', readFileSync(join(out, 'crl.pem')))
  }
  const check = async (serial: string, flags: string[] = [], extra: Record<string, string> = {}) => {
    const r = await alice(['cert', 'check', serial, '--json', ...flags], extra)
    expect(r.code, r.stderr).toBe(0)
    return r.json.results[0]
  }
  let held = ''
  let plain = ''

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits++
      const body = served.get(req.url ?? '')
      if (body) res.end(body)
      else res.writeHead(404).end()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    port = (server.address() as {port: number}).port
    writeFileSync(join(out, 'index.txt'), '')
    writeFileSync(join(out, 'serial'), '1000\n')
    // One distribution point with three names: a file: URI, an http one that is not there, the real one.
    writeFileSync(
      join(out, 'ca.cnf'),
      `[ca]\ndefault_ca=own\n[own]\ndir=${out}\ndatabase=$dir/index.txt\nserial=$dir/serial\nnew_certs_dir=$dir\ncertificate=$dir/oca.pem\nprivate_key=$dir/oca.key\ndefault_md=sha256\ndefault_days=365\ndefault_crl_days=7\npolicy=any\nx509_extensions=ext\ncopy_extensions=none\nunique_subject=no\n[any]\ncommonName=supplied\n[ext]\ncrlDistributionPoints=URI:file:///nonexistent/ca.crl,URI:http://127.0.0.1:${port}/missing.crl,URI:http://127.0.0.1:${port}/ca.crl\n`,
    )
    run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'oca.key', '-out', 'oca.pem', '-subj', '/CN=Outside CA', '-days', '400'])
    // A second CA with the same name: whatever it signs is a forgery of the first one's CRL.
    run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'fake.key', '-out', 'fake.pem', '-subj', '/CN=Outside CA', '-days', '400'])
    for (const n of ['plain', 'held']) {
      run(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${n}.key`, '-out', `${n}.csr`, '-subj', `/CN=${n}`])
      run(['ca', '-batch', '-config', 'ca.cnf', '-in', `${n}.csr`, '-out', `${n}.pem`, '-notext'])
    }
    publish()

    tdb = await createTestDatabase(dialect)
    await (await tdb.open('alice')).close()
    env = {...isolatedHome(), ...tdb.env}
    expect((await alice(['units', 'add', UNIT, '--kind', 'party-government', '--level', 'city'])).code).toBe(0)
    for (const [n, holder] of [
      ['plain', '赵六'],
      ['held', '钱七'],
    ] as const) {
      const r = await alice(['cert', 'import', join(out, `${n}.pem`), '--holder', holder, '--unit', UNIT, '--issuer', join(out, 'oca.pem'), '--json'])
      expect(r.code, r.stderr).toBe(0)
      if (n === 'plain') plain = r.json.serial
      else held = r.json.serial
    }
  })
  afterAll(async () => {
    server.close()
    await tdb.cleanup()
  })

  it('tries every distribution point in order: file: skipped with a note, a 404 noted, the next http one used', async () => {
    const shown = await alice(['cert', 'show', plain, '--json'])
    expect(shown.json.crlUrl).toBe(`http://127.0.0.1:${port}/missing.crl`)
    const r = await check(plain)
    expect(r).toMatchObject({result: 'good', verified: true, cached: false, crlUrl: `http://127.0.0.1:${port}/ca.crl`})
    expect(r.tried).toEqual([
      {url: 'file:///nonexistent/ca.crl', outcome: 'skipped', note: 'not an http(s) URL'},
      {url: `http://127.0.0.1:${port}/missing.crl`, outcome: 'failed', note: 'HTTP 404'},
      {url: `http://127.0.0.1:${port}/ca.crl`, outcome: 'used'},
    ])
  })

  it('a CRL is kept until its next update, and --refresh fetches it again', async () => {
    const before = hits
    expect(await check(plain)).toMatchObject({result: 'good', cached: true})
    // Only the missing point was asked again; the CRL came from the cache.
    expect(hits).toBe(before + 1)
    expect(await check(plain, ['--refresh'])).toMatchObject({result: 'good', cached: false})
    expect(hits).toBe(before + 3)
  })

  it('a hold placed by the issuer holds the certificate here, and its release releases it', async () => {
    run(['ca', '-config', 'ca.cnf', '-revoke', 'held.pem', '-crl_reason', 'certificateHold', '-crl_hold', 'holdInstructionReject'])
    publish()
    expect(await check(held, ['--refresh'])).toMatchObject({result: 'hold', reason: 'certificateHold', changed: 'held'})
    expect((await alice(['cert', 'show', held, '--json'])).json).toMatchObject({status: 'hold', holdKind: 'issuer'})
    const zh = await alice(['cert', 'show', held], {LANG: 'zh_CN.UTF-8'})
    expect(zh.stdout).toContain('签发机构暂停')
    // The issuer releases the hold: the entry leaves its database and its next CRL.
    const index = readFileSync(join(out, 'index.txt'), 'utf8').split('\n')
    writeFileSync(join(out, 'index.txt'), index.map((line) => (line.startsWith('R\t') ? line.replace(/^R\t([^\t]*)\t[^\t]*\t/, 'V\t$1\t\t') : line)).join('\n'))
    publish()
    expect(await check(held, ['--refresh'])).toMatchObject({result: 'good', changed: 'released'})
    const released = await alice(['cert', 'show', held, '--json'])
    expect(released.json).toMatchObject({status: 'valid', holdKind: null})
    expect(released.json.history.map((h: {event: string}) => h.event)).toEqual(expect.arrayContaining(['held-by-issuer', 'released-by-issuer']))
    const audit = await alice(['audit', 'log', '--entity', 'certificate', '--json'])
    expect(audit.json.entries.map((e: {action: string}) => e.action)).toEqual(expect.arrayContaining(['cert.check.held', 'cert.check.released']))
  })

  it('a CRL past its next update gives unknown (CRL expired), as openssl says', async () => {
    publish(['-crlhours', '1'])
    const later = {EGOV_NOW: new Date(Date.now() + 2 * DAY).toISOString()}
    // openssl agrees the CRL has expired by then.
    const verify = spawnSync('openssl', ['verify', '-crl_check', '-attime', String(Math.floor((Date.now() + 2 * DAY) / 1000)), '-CAfile', 'oca.pem', '-CRLfile', 'crl.pem', 'plain.pem'], {
      cwd: out,
      encoding: 'utf8',
    })
    expect(verify.stdout + verify.stderr).toContain('CRL has expired')
    const r = await check(plain, ['--refresh'], later)
    expect(r).toMatchObject({result: 'unknown', errorKey: 'cert.check.crlExpired', verified: false})
    expect(r.tried.at(-1)).toMatchObject({outcome: 'expired'})
    const human = await alice(['cert', 'check', plain, '--refresh'], later)
    expect(human.stdout).toContain('CRL expired')
    publish()
  })

  it('a CRL its issuer did not sign is not believed and not cached', async () => {
    await check(plain, ['--refresh'])
    const good = await tdb.value(`select der from cert_crl_cache where url = 'http://127.0.0.1:${port}/ca.crl'`)
    // Same issuer name, another key: revoking 'plain' in it proves nothing.
    writeFileSync(
      join(out, 'fake.cnf'),
      readFileSync(join(out, 'ca.cnf'), 'utf8')
        .replace('certificate=$dir/oca.pem', 'certificate=$dir/fake.pem')
        .replace('private_key=$dir/oca.key', 'private_key=$dir/fake.key')
        .replace('database=$dir/index.txt', 'database=$dir/fake-index.txt'),
    )
    writeFileSync(join(out, 'fake-index.txt'), '')
    run(['ca', '-config', 'fake.cnf', '-gencrl', '-out', 'fake-crl.pem'])
    served.set('/ca.crl', readFileSync(join(out, 'fake-crl.pem')))
    const r = await check(plain, ['--refresh'])
    expect(r).toMatchObject({result: 'unknown', errorKey: 'cert.check.forgedCrl'})
    const still = await tdb.value(`select der from cert_crl_cache where url = 'http://127.0.0.1:${port}/ca.crl'`)
    expect(still).toBe(good)
    expect((await alice(['cert', 'show', plain, '--json'])).json.status).toBe('valid')
    publish()
  })
})
