import {spawnSync} from 'node:child_process'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'

import {verifyAudit} from '../../src/core/audit/index.js'
import {
  applyForCertificate,
  buildCrl,
  EVENT_ZH,
  EVENTS,
  buildPkcs12,
  caCertificate,
  fileEvent,
  findCertificate,
  generateKey,
  initCa,
  keyIdentifier,
  listCertificates,
  makeSigner,
  newSerial,
  parseIdNumber,
  signCertificate,
  toPem,
  x509,
} from '../../src/core/cert/index.js'
import {time} from '../../src/core/cert/primitives.js'
import {EgovError} from '../../src/core/errors.js'
import {type MessageKey, t} from '../../src/core/i18n/index.js'
import type {Store} from '../../src/core/store/index.js'
import {addUnitIn} from '../../src/core/units/index.js'
import {actOnRequest, loadRequest} from '../../src/core/workflow/index.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

const PASS = 'core-test-passphrase'
const UNIT = '市数据局'

async function refused(p: Promise<unknown>): Promise<EgovError> {
  try {
    await p
  } catch (error) {
    if (error instanceof EgovError) return error
    throw error
  }
  throw new Error('expected a refusal')
}

describe('resident ID numbers (CERT-1)', () => {
  it('accepts a number with the right GB 11643 check character, full-width or lower-case x', () => {
    expect(parseIdNumber('11010519491231002X')).toBe('11010519491231002X')
    expect(parseIdNumber('11010519491231002x')).toBe('11010519491231002X')
    expect(parseIdNumber('６２０２００１９８５０６１２００３８')).toBe('620200198506120038')
  })
  it('refuses a wrong check character, an impossible birth date and a short number, naming CERT-1', () => {
    for (const [value, key] of [
      ['110105194912310021', 'cert.badIdCheck'],
      ['110105194902300020', 'cert.badIdBirth'],
      ['11010519491231', 'cert.badIdNumber'],
    ] as const) {
      let error: EgovError | undefined
      try {
        parseIdNumber(value)
      } catch (e) {
        error = e as EgovError
      }
      expect(error?.key, value).toBe(key)
      expect(error?.context).toMatchObject({field: 'id-number', rule: 'CERT-1'})
    }
  })
})

describe('CRL and PKCS#12 writers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'egov-cert-core-'))
  it('writes a CRL that @peculiar/x509 and openssl read and verify, with reason codes and its number', async () => {
    const {privateKey} = await generateKey('ec-p384')
    const spki = (await import('node:crypto')).createPublicKey(privateKey).export({type: 'spki', format: 'der'})
    const at = new Date('2026-03-02T02:00:00Z')
    const caDer = await signCertificate(
      {serial: newSerial(), subject: [['CN', '测试 CA']], spki, notBefore: at, notAfter: new Date('2060-01-01T00:00:00Z'), ca: true},
      {certDer: Buffer.alloc(0), subjectDer: Buffer.alloc(0), keyId: keyIdentifier(spki), key: privateKey, spec: 'ec-p384'},
    )
    const signer = await makeSigner(caDer, privateKey, 'ec-p384')
    const der = buildCrl(signer, {
      number: 42,
      thisUpdate: at,
      nextUpdate: new Date('2026-03-09T02:00:00Z'),
      entries: [
        {serial: '00ff01', revokedAt: at, reason: 'keyCompromise'},
        {serial: '7a', revokedAt: at, reason: 'certificateHold'},
        {serial: '7b', revokedAt: at, reason: 'unspecified'},
      ],
    })
    const lib = await x509()
    const crl = new lib.X509Crl(der)
    const ca = new lib.X509Certificate(caDer)
    expect(await crl.verify({publicKey: ca})).toBe(true)
    expect(crl.entries.map((e) => [e.serialNumber.toLowerCase(), e.reason])).toEqual([
      ['ff01', 1],
      ['7a', 6],
      ['7b', undefined],
    ])
    writeFileSync(join(dir, 'ca.pem'), toPem(caDer))
    writeFileSync(join(dir, 'crl.der'), der)
    const text = spawnSync('openssl', ['crl', '-inform', 'DER', '-in', 'crl.der', '-CAfile', 'ca.pem', '-noout', '-text'], {cwd: dir, encoding: 'utf8'})
    expect(text.stderr).toContain('verify OK')
    expect(text.stdout).toContain('Certificate Hold')
    expect(text.stdout).toMatch(/CRL Number:\s+42/)
  })

  it('writes dates from 2050 as GeneralizedTime (RFC 5280)', () => {
    expect(time(new Date('2049-12-31T23:59:59Z'))[0]).toBe(0x17)
    expect(time(new Date('2050-01-01T00:00:00Z'))[0]).toBe(0x18)
  })

  it('puts an EC key in a PKCS#12 that openssl opens (node-forge alone cannot)', async () => {
    const {privateKey} = await generateKey('ec-p256')
    const spki = (await import('node:crypto')).createPublicKey(privateKey).export({type: 'spki', format: 'der'})
    const self = {certDer: Buffer.alloc(0), subjectDer: Buffer.alloc(0), keyId: keyIdentifier(spki), key: privateKey, spec: 'ec-p256' as const}
    const der = await signCertificate({serial: newSerial(), subject: [['CN', 'ec']], spki, notBefore: new Date(), notAfter: new Date(Date.now() + 86_400_000), ca: true}, self)
    writeFileSync(join(dir, 'ec.p12'), buildPkcs12(privateKey, [der], 'ec-password-1', {friendlyName: 'Zhang San'}))
    const r = spawnSync('openssl', ['pkcs12', '-in', 'ec.p12', '-passin', 'pass:ec-password-1', '-nodes'], {cwd: dir, encoding: 'utf8'})
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toContain('BEGIN PRIVATE KEY')
    expect(r.stdout).toMatch(/friendlyName:\s+Zhang San/)
  })
})

describeEachDialect('certificate life events in the core (CERT-1, CERT-3, X-2)', (dialect) => {
  let tdb: TestDatabase
  let alice: Store
  let bob: Store

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    alice = await tdb.open('alice')
    bob = await tdb.open('bob')
    await alice.write((ctx) => addUnitIn(ctx, {name: UNIT, kind: 'party-government', level: 'city'}))
    await initCa(alice, {name: 'Core CA', keySpec: 'ec-p256', passphrase: PASS})
  })
  afterEach(() => {
    delete process.env.EGOV_CA_PASSPHRASE
  })
  afterAll(async () => {
    await alice.close()
    await bob.close()
    await tdb.cleanup()
  })

  const apply = (medium: string, idNumber = '11010519491231002X', holder = '张三') => applyForCertificate(alice, {holder, unit: UNIT, idNumber, medium, profile: 'staff'})

  it('the applicant cannot approve; a failed carrying out changes nothing (X-2, CERT-3)', async () => {
    const filed = await apply('K-1')
    process.env.EGOV_CA_PASSPHRASE = PASS
    expect((await refused(actOnRequest(alice, filed.request.id, 'approve'))).context.rule).toBe('X-2')
    process.env.EGOV_CA_PASSPHRASE = 'wrong-passphrase'
    expect((await refused(actOnRequest(bob, filed.request.id, 'approve'))).code).toBe('invalid_input')
    expect(await listCertificates(alice.db)).toHaveLength(0)
    expect((await loadRequest(alice.db, filed.request.id)).state).toBe('applied')
    process.env.EGOV_CA_PASSPHRASE = PASS
    const done = await actOnRequest(bob, filed.request.id, 'approve')
    const cert = await findCertificate(alice.db, 'K-1')
    expect(cert.serial).toBe((done.request.payload as {issued: string}).issued)
    expect(cert.keySpec).toBe('rsa-2048')
    const lib = await x509()
    const pem = await tdb.value<string>('select cert_pem from cert_certs')
    expect(await new lib.X509Certificate(pem).verify({publicKey: new lib.X509Certificate(await caCertificate(alice.db))})).toBe(true)
  })

  it('one request at a time per certificate, one valid certificate per holder and profile (CERT-1)', async () => {
    const first = await fileEvent(alice, 'suspend', {serial: 'K-1'})
    expect((await refused(fileEvent(alice, 'revoke', {serial: 'K-1', reason: 'keyCompromise'}))).code).toBe('conflict')
    await actOnRequest(bob, first.request.id, 'reject', '不予停用')
    expect((await findCertificate(alice.db, 'K-1')).status).toBe('valid')
    const again = await refused(apply('K-9'))
    expect(again.context).toMatchObject({rule: 'CERT-1', field: 'profile'})
  })

  it('a medium stays with its holder: another holder cannot apply on it (CERT-1)', async () => {
    const lent = await refused(apply('K-1', '620200199001011236', '王五'))
    expect(lent.code).toBe('refused')
    expect(lent.context).toMatchObject({rule: 'CERT-1', field: 'medium'})
  })

  it('keeps neither the ID number nor a key in the clear, and the audit chain holds', async () => {
    const dump = JSON.stringify([
      await tdb.sql('select * from cert_holders'),
      await tdb.sql('select * from cert_certs'),
      await tdb.sql('select * from audit_log'),
      await tdb.sql('select * from requests'),
    ])
    expect(dump).not.toContain('11010519491231002')
    expect(dump).not.toContain('BEGIN PRIVATE KEY')
    expect(dump).not.toContain(PASS)
    expect((await verifyAudit(alice.db)).ok).toBe(true)
  })
})

describe('the life events by name (CERT-3)', () => {
  it("one Chinese name per event: request lists (EVENT_ZH) and the catalogue's cert.event.* say the same", () => {
    for (const event of EVENTS) expect(t(`cert.event.${event}` as MessageKey, {}, 'zh'), event).toBe(EVENT_ZH[event])
  })
})
