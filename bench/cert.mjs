#!/usr/bin/env node
// Certificate speed (issue 5), each figure beside the openssl CLI doing the same work in
// the same run:
//  1. issue 200 RSA-2048 staff certificates, key generation included (egov also encrypts
//     each key it keeps); both sides run as many at once as the machine has cores;
//     target: egov no slower than openssl.
//  2. write a CRL with 100,000 revoked entries (with reason codes), signed; beside
//     `openssl ca -gencrl` over an index of the same entries; target: within 3× openssl.
//  2b. issue 200 SM2 staff certificates under an SM2 CA, signed SM2-with-SM3 under the GM/T 0009
//     identifier (CERT-5), key generation included, beside `openssl req -x509 -newkey ec
//     -pkeyopt ec_paramgen_curve:SM2 -CA … -sm3 -sigopt distid:1234567812345678`; target ≤ 1×.
//     The last certificate of each side is verified with `openssl verify -vfyopt distid:…`.
//  3. the KDF cost of one CA unlock: the CA key as egov keeps it (PBES2, PBKDF2-HMAC-SHA256 at
//     600,000 iterations, AES-256-CBC) decrypted as an approval does, beside `openssl pkey`
//     decrypting the same file (minus openssl reading the key unencrypted: its start-up);
//     and the old 2,048-iteration wrap for comparison.
// Calls the core library (dist/), as the approval of a request does inside its transaction.
//
//   node bench/cert.mjs [certs=200] [crlEntries=100000] [unlocks=10]
import {execFile, execFileSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {availableParallelism, tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'

import {
  buildCrl,
  CA_KDF_ITERATIONS,
  decryptKey,
  encryptKey,
  encryptKeyStrong,
  generateKey,
  keyIdentifier,
  makeSigner,
  newSerial,
  publicKeyOf,
  shippedProfiles,
  signCertificate,
  toPem,
  wrapHolderKey,
} from '../dist/core/cert/index.js'

const certs = Number(process.argv[2] ?? 200)
const crlEntries = Number(process.argv[3] ?? 100_000)
const unlocks = Number(process.argv[4] ?? 10)
const parallel = Math.max(1, availableParallelism())
const dir = mkdtempSync(join(tmpdir(), 'egov-bench-cert-'))
const run = promisify(execFile)
/** @typedef {import('../dist/core/cert/index.js').CrlReason} CrlReason */
const ms = (/** @type {bigint} */ t0) => Number(process.hrtime.bigint() - t0) / 1e6
/** CPU time (ms) of this process, all its threads: what egov's own work costs, whatever else the machine runs. */
const ownCpu = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}
/** CPU time (ms) of the children this process has waited for (openssl), from /proc: fields cutime and cstime. */
const childCpu = () => {
  const after = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]
  if (after === undefined) throw new Error('/proc/self/stat is not what Linux writes')
  const fields = after.split(' ')
  return (Number(fields[13]) + Number(fields[14])) * 10
}
const DAY = 86_400_000

/**
 * @param {number} n
 * @param {(i: number) => Promise<void>} fn
 */
async function pool(n, fn) {
  let next = 0
  await Promise.all(
    Array.from({length: parallel}, async () => {
      while (next < n) await fn(next++)
    }),
  )
}

// One CA for both sides: RSA-2048, made by egov, its key written out for openssl.
const {privateKey: caKey} = await generateKey('rsa-2048')
const caSpki = publicKeyOf(caKey).export({type: 'spki', format: 'der'})
const now = new Date()
const caDer = await signCertificate(
  {
    serial: newSerial(),
    subject: [
      ['CN', 'Bench CA'],
      ['C', 'CN'],
    ],
    spki: caSpki,
    notBefore: now,
    notAfter: new Date(now.getTime() + 3650 * DAY),
    ca: true,
  },
  {certDer: Buffer.alloc(0), subjectDer: Buffer.alloc(0), keyId: keyIdentifier(caSpki), key: caKey, spec: 'rsa-2048'},
)
writeFileSync(join(dir, 'ca.pem'), toPem(caDer))
writeFileSync(join(dir, 'ca.key'), caKey.export({type: 'pkcs8', format: 'pem'}), {mode: 0o600})
const signer = await makeSigner(caDer, caKey, 'rsa-2048')
const staff = shippedProfiles().find((p) => p.key === 'staff')

// ---- 1. issuing, in alternating rounds of 20 so that load from elsewhere on the machine
// falls on both sides alike
async function egovIssueOne(/** @type {number} */ i) {
  const {privateKey} = await generateKey('rsa-2048')
  const spki = publicKeyOf(privateKey).export({type: 'spki', format: 'der'})
  await signCertificate(
    {
      serial: newSerial(),
      subject: [
        ['CN', `员工${i}`],
        ['OU', '市数据局'],
        ['C', 'CN'],
      ],
      spki,
      notBefore: now,
      notAfter: new Date(now.getTime() + 730 * DAY),
      profile: staff,
    },
    signer,
  )
  // Kept until its one delivery, wrapped under a secret of the CA key (as issue() does).
  wrapHolderKey(privateKey, caKey)
}
async function opensslIssueOne(/** @type {number} */ i) {
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    join(dir, `k${i}.pem`),
    '-out',
    join(dir, `c${i}.pem`),
    '-subj',
    `/CN=staff${i}/OU=bureau/C=CN`,
    '-CA',
    join(dir, 'ca.pem'),
    '-CAkey',
    join(dir, 'ca.key'),
    '-days',
    '730',
    '-addext',
    'basicConstraints=critical,CA:FALSE',
    '-addext',
    'keyUsage=critical,digitalSignature,nonRepudiation',
    '-addext',
    'extendedKeyUsage=clientAuth,emailProtection',
  ])
}
let egovIssue = 0
let opensslIssue = 0
let egovIssueCpu = 0
let opensslIssueCpu = 0
let t0
let c0
for (let done = 0; done < certs; done += 20) {
  const n = Math.min(20, certs - done)
  t0 = process.hrtime.bigint()
  c0 = ownCpu()
  await pool(n, (i) => egovIssueOne(done + i))
  egovIssue += ms(t0)
  egovIssueCpu += ownCpu() - c0
  t0 = process.hrtime.bigint()
  c0 = childCpu()
  await pool(n, (i) => opensslIssueOne(done + i))
  opensslIssue += ms(t0)
  opensslIssueCpu += childCpu() - c0
}

// ---- 1b. the same with SM2: an SM2 CA made by egov, its key written out for openssl
const DISTID = 'distid:1234567812345678'
const {privateKey: smCaKey} = await generateKey('sm2')
const smCaSpki = publicKeyOf(smCaKey).export({type: 'spki', format: 'der'})
const smCaDer = await signCertificate(
  {
    serial: newSerial(),
    subject: [
      ['CN', 'Bench SM2 CA'],
      ['C', 'CN'],
    ],
    spki: smCaSpki,
    notBefore: now,
    notAfter: new Date(now.getTime() + 3650 * DAY),
    ca: true,
  },
  {certDer: Buffer.alloc(0), subjectDer: Buffer.alloc(0), keyId: keyIdentifier(smCaSpki), key: smCaKey, spec: 'sm2'},
)
writeFileSync(join(dir, 'sm2ca.pem'), toPem(smCaDer))
writeFileSync(join(dir, 'sm2ca.key'), smCaKey.export({type: 'pkcs8', format: 'pem'}), {mode: 0o600})
const smSigner = await makeSigner(smCaDer, smCaKey, 'sm2')
const smStaff = shippedProfiles().find((p) => p.key === 'staff-sm2')
/** @type {Buffer} */
let lastSm2 = Buffer.alloc(0)
async function egovSm2One(/** @type {number} */ i) {
  const {privateKey} = await generateKey('sm2')
  const spki = publicKeyOf(privateKey).export({type: 'spki', format: 'der'})
  lastSm2 = await signCertificate(
    {
      serial: newSerial(),
      subject: [
        ['CN', `员工${i}`],
        ['OU', '市数据局'],
        ['C', 'CN'],
      ],
      spki,
      notBefore: now,
      notAfter: new Date(now.getTime() + 730 * DAY),
      profile: smStaff,
    },
    smSigner,
  )
  wrapHolderKey(privateKey, smCaKey)
}
async function opensslSm2One(/** @type {number} */ i) {
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:SM2',
    '-nodes',
    '-keyout',
    join(dir, `s${i}.key`),
    '-out',
    join(dir, `s${i}.pem`),
    '-subj',
    `/CN=staff${i}/OU=bureau/C=CN`,
    '-CA',
    join(dir, 'sm2ca.pem'),
    '-CAkey',
    join(dir, 'sm2ca.key'),
    '-days',
    '730',
    '-sm3',
    '-sigopt',
    DISTID,
    '-addext',
    'basicConstraints=critical,CA:FALSE',
    '-addext',
    'keyUsage=critical,digitalSignature,nonRepudiation',
    '-addext',
    'extendedKeyUsage=clientAuth',
  ])
}
let egovSm2 = 0
let opensslSm2 = 0
let egovSm2Cpu = 0
let opensslSm2Cpu = 0
for (let done = 0; done < certs; done += 20) {
  const n = Math.min(20, certs - done)
  t0 = process.hrtime.bigint()
  c0 = ownCpu()
  await pool(n, (i) => egovSm2One(done + i))
  egovSm2 += ms(t0)
  egovSm2Cpu += ownCpu() - c0
  t0 = process.hrtime.bigint()
  c0 = childCpu()
  await pool(n, (i) => opensslSm2One(done + i))
  opensslSm2 += ms(t0)
  opensslSm2Cpu += childCpu() - c0
}
// Both sides made what they claim: SM2-with-SM3 leaves that openssl verifies under the identifier.
writeFileSync(join(dir, 'sm2-egov.pem'), toPem(lastSm2))
for (const leaf of ['sm2-egov.pem', `s${certs - 1}.pem`])
  execFileSync('openssl', ['verify', '-vfyopt', DISTID, '-CAfile', join(dir, 'sm2ca.pem'), join(dir, leaf)], {stdio: ['ignore', 'ignore', 'pipe']})

// ---- 2. a CRL of 100,000 entries
/** @type {CrlReason[]} */
const reasons = ['keyCompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation', 'certificateHold']
const entries = Array.from({length: crlEntries}, (_, i) => ({
  serial: (0x1000000 + i).toString(16),
  revokedAt: new Date(now.getTime() - (i % 1000) * 60_000),
  reason: /** @type {CrlReason} */ (reasons[i % reasons.length]),
}))
t0 = process.hrtime.bigint()
c0 = ownCpu()
const crl = buildCrl(signer, {number: 1, thisUpdate: now, nextUpdate: new Date(now.getTime() + 7 * DAY), entries})
writeFileSync(join(dir, 'egov.crl'), crl)
const egovCrl = ms(t0)
const egovCrlCpu = ownCpu() - c0

const stamp = (/** @type {Date} */ d) => d.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z'
/** @type {Record<string, string>} */
const opensslReason = {
  keyCompromise: 'keyCompromise',
  affiliationChanged: 'affiliationChanged',
  superseded: 'superseded',
  cessationOfOperation: 'cessationOfOperation',
  certificateHold: 'certificateHold',
}
const expiry = stamp(new Date(now.getTime() + 365 * DAY))
writeFileSync(
  join(dir, 'index.txt'),
  entries
    .map(
      (e) =>
        `R\t${expiry}\t${stamp(e.revokedAt)},${opensslReason[e.reason]}${e.reason === 'certificateHold' ? ',holdInstructionReject' : ''}\t${e.serial.toUpperCase().padStart(8, '0')}\tunknown\t/CN=x${e.serial}\n`,
    )
    .join(''),
)
writeFileSync(
  join(dir, 'ca.cnf'),
  `[ca]\ndefault_ca=own\n[own]\ndir=${dir}\ndatabase=$dir/index.txt\ncertificate=$dir/ca.pem\nprivate_key=$dir/ca.key\ndefault_md=sha256\ndefault_crl_days=7\ncrlnumber=$dir/crlnumber\n`,
)
writeFileSync(join(dir, 'crlnumber'), '01\n')
t0 = process.hrtime.bigint()
c0 = childCpu()
execFileSync('openssl', ['ca', '-gencrl', '-config', join(dir, 'ca.cnf'), '-out', join(dir, 'openssl.crl')], {stdio: ['ignore', 'ignore', 'pipe']})
const opensslCrl = ms(t0)
const opensslCrlCpu = childCpu() - c0

// Both CRLs must be what they claim: openssl reads ours and counts the same entries.
const count = (/** @type {string} */ file) =>
  (
    execFileSync('openssl', ['crl', '-inform', file.startsWith('egov') ? 'DER' : 'PEM', '-in', join(dir, file), '-noout', '-text'], {encoding: 'utf8', maxBuffer: 1 << 30}).match(/Serial Number:/g) ??
    []
  ).length
const ours = count('egov.crl')
const theirs = count('openssl.crl')
execFileSync('openssl', ['crl', '-inform', 'DER', '-in', join(dir, 'egov.crl'), '-CAfile', join(dir, 'ca.pem'), '-noout'], {stdio: 'ignore'})

// ---- 3. one CA unlock: the KDF
const PASSPHRASE = 'bench-ca-passphrase'
writeFileSync(join(dir, 'ca-strong.pem'), encryptKeyStrong(caKey, PASSPHRASE))
writeFileSync(join(dir, 'ca-old.pem'), encryptKey(caKey, PASSPHRASE))
const strongPem = readFileSync(join(dir, 'ca-strong.pem'), 'utf8')
const oldPem = readFileSync(join(dir, 'ca-old.pem'), 'utf8')
const perUnlock = (/** @type {() => unknown} */ fn) => {
  const t = process.hrtime.bigint()
  for (let i = 0; i < unlocks; i++) fn()
  return ms(t) / unlocks
}
/** @type {(file: string, pass?: string) => () => unknown} */
const opensslPkey = (file, pass) => () => execFileSync('openssl', ['pkey', '-in', join(dir, file), ...(pass ? ['-passin', `pass:${pass}`] : []), '-noout'], {stdio: 'ignore'})
const egovUnlock = perUnlock(() => decryptKey(strongPem, PASSPHRASE))
const egovUnlockOld = perUnlock(() => decryptKey(oldPem, PASSPHRASE))
const opensslStart = perUnlock(opensslPkey('ca.key'))
const opensslUnlock = perUnlock(opensslPkey('ca-strong.pem', PASSPHRASE)) - opensslStart
const opensslUnlockOld = perUnlock(opensslPkey('ca-old.pem', PASSPHRASE)) - opensslStart

const sec = (/** @type {number} */ v, d = 2) => `${(v / 1000).toFixed(d)} s`
/** @type {(label: string, a: string, b: string, ratio: string) => void} */
const row = (label, a, b, ratio) => console.log(`${label.padEnd(52)}${a.padEnd(11)}${b.padEnd(11)}${ratio}`)
row(`cert bench (${parallel} at a time)`, 'egov', 'openssl', 'ratio')
row(`issue ${certs} RSA-2048 staff certificates  wall`, sec(egovIssue), sec(opensslIssue), `${(egovIssue / opensslIssue).toFixed(2)}×  (target ≤ 1×)`)
row('                                               cpu', sec(egovIssueCpu), sec(opensslIssueCpu), `${(egovIssueCpu / opensslIssueCpu).toFixed(2)}×`)
row(`issue ${certs} SM2 staff certificates (SM2-SM3)  wall`, sec(egovSm2), sec(opensslSm2), `${(egovSm2 / opensslSm2).toFixed(2)}×  (target ≤ 1×)`)
row('                                               cpu', sec(egovSm2Cpu), sec(opensslSm2Cpu), `${(egovSm2Cpu / opensslSm2Cpu).toFixed(2)}×`)
row(`CRL of ${crlEntries} entries (read back: ${ours})  wall`, sec(egovCrl, 3), sec(opensslCrl, 3), `${(egovCrl / opensslCrl).toFixed(2)}×  (target ≤ 3×; openssl's read back: ${theirs})`)
row('                                               cpu', sec(egovCrlCpu, 3), sec(opensslCrlCpu, 3), `${(egovCrlCpu / opensslCrlCpu).toFixed(2)}×`)
row(
  `CA unlock, PBKDF2-SHA256 ×${CA_KDF_ITERATIONS.toLocaleString('en')} (mean of ${unlocks})`,
  `${egovUnlock.toFixed(0)} ms`,
  `${opensslUnlock.toFixed(0)} ms`,
  `${(egovUnlock / opensslUnlock).toFixed(2)}×  (openssl pkey, less its ${opensslStart.toFixed(0)} ms start-up)`,
)
row('CA unlock, the old wrap: ×2,048', `${egovUnlockOld.toFixed(1)} ms`, `${Math.max(0, opensslUnlockOld).toFixed(1)} ms`, '')
console.log('wall: elapsed time; cpu: processor time of egov (all threads) and of the openssl processes, which load from elsewhere does not inflate')
if (ours !== crlEntries) {
  console.error(`egov CRL holds ${ours} entries, expected ${crlEntries}`)
  process.exitCode = 1
}
rmSync(dir, {recursive: true, force: true})
