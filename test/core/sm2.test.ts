import {spawnSync} from 'node:child_process'
import {createPublicKey, generateKeyPairSync} from 'node:crypto'
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {generateKey, specOf} from '../../src/core/cert/index.js'
import {children, content, int, isSm2Spki, read, seq, SM2_DEFAULT_ID, sm2Sign, sm2Verify} from '../../src/core/cert/primitives.js'

const N = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n
const dir = mkdtempSync(join(tmpdir(), 'egov-sm2-core-'))
const openssl = (args: string[]) => spawnSync('openssl', args, {cwd: dir, encoding: 'utf8'})

/**
 * src/core/cert/sm2.ts against the openssl CLI (CERT-5): its signatures verify with `openssl
 * pkeyutl -verify -digest sm3 -pkeyopt distid:1234567812345678`, and it verifies what that
 * command signs, under that identifier only.
 */
describe('SM2 signatures (GB/T 32918.2, GM/T 0009 identifier)', () => {
  const {privateKey, publicKey} = generateKeyPairSync('ec', {namedCurve: 'SM2'})
  const spki = publicKey.export({type: 'spki', format: 'der'})
  writeFileSync(join(dir, 'k.pem'), privateKey.export({type: 'pkcs8', format: 'pem'}))
  writeFileSync(join(dir, 'pub.pem'), publicKey.export({type: 'spki', format: 'pem'}))
  const messages = [Buffer.alloc(0), Buffer.from('CERT-5'), Buffer.alloc(1000, 0xa5)]

  it('egov signs, openssl verifies under distid 1234567812345678 (and not under the empty ID)', () => {
    messages.forEach((m, i) => {
      writeFileSync(join(dir, `m${i}`), m)
      writeFileSync(join(dir, `s${i}`), sm2Sign(m, privateKey))
      const verify = (id: string) => openssl(['pkeyutl', '-verify', '-rawin', '-digest', 'sm3', '-pubin', '-inkey', 'pub.pem', '-in', `m${i}`, '-sigfile', `s${i}`, '-pkeyopt', `distid:${id}`])
      expect(verify(SM2_DEFAULT_ID).stdout).toContain('Signature Verified Successfully')
      expect(verify('').status).not.toBe(0)
    })
  })

  it('openssl signs, egov verifies; an altered message, another ID or another key fails', () => {
    const other = generateKeyPairSync('ec', {namedCurve: 'SM2'}).publicKey.export({type: 'spki', format: 'der'})
    messages.forEach((m, i) => {
      const r = openssl(['pkeyutl', '-sign', '-rawin', '-digest', 'sm3', '-inkey', 'k.pem', '-in', `m${i}`, '-out', `o${i}`, '-pkeyopt', `distid:${SM2_DEFAULT_ID}`])
      expect(r.status, r.stderr).toBe(0)
      const sig = readFileSync(join(dir, `o${i}`))
      expect(sm2Verify(m, sig, spki)).toBe(true)
      expect(sm2Verify(Buffer.concat([m, Buffer.from([0])]), sig, spki)).toBe(false)
      expect(sm2Verify(m, sig, spki, '')).toBe(false)
      expect(sm2Verify(m, sig, other)).toBe(false)
    })
  })

  it('signatures out of range or not DER are refused, not thrown', () => {
    const m = Buffer.from('x')
    const sig = sm2Sign(m, privateKey)
    const integers = children(sig, read(sig)).map((n) => BigInt('0x' + content(sig, n).toString('hex')))
    expect(integers).toHaveLength(2)
    const [r, s] = integers as [bigint, bigint]
    expect(sm2Verify(m, seq(int(r), int(s)), spki)).toBe(true)
    expect(sm2Verify(m, seq(int(r + N), int(s)), spki)).toBe(false)
    expect(sm2Verify(m, seq(int(r), int(0n)), spki)).toBe(false)
    expect(sm2Verify(m, Buffer.concat([sig, Buffer.from([0])]), spki)).toBe(false)
    expect(sm2Verify(m, Buffer.from('not a signature'), spki)).toBe(false)
  })

  it('an SM2 key is known by its SPKI, as Node generates it and as it reads one back (where Node names no type)', async () => {
    expect(isSm2Spki(spki)).toBe(true)
    const reread = createPublicKey({key: spki, format: 'der', type: 'spki'})
    expect(reread.asymmetricKeyType).toBeUndefined()
    expect(specOf(reread)).toBe('sm2')
    expect(specOf((await generateKey('sm2')).privateKey)).toBe('sm2')
    expect(specOf(generateKeyPairSync('ec', {namedCurve: 'secp256k1'}).publicKey)).toBeUndefined()
    expect(isSm2Spki(generateKeyPairSync('ec', {namedCurve: 'P-256'}).publicKey.export({type: 'spki', format: 'der'}))).toBe(false)
  })
})
