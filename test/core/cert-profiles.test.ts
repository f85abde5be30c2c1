import {describe, expect, it} from 'vitest'

import {checkProfile, type Profile, shippedProfiles} from '../../src/core/cert/index.js'
import {EgovError} from '../../src/core/errors.js'
import {permitFor} from '../../src/core/operators/index.js'

const base: Profile = {key: 'test', name: '测试模板', keyUsage: ['digitalSignature'], extKeyUsage: [], key_spec: 'rsa-2048', days: 30, maxDays: 30, medium: false, san: []}

function refusal(p: Partial<Profile>): {code: string; field?: string; rule?: string} {
  try {
    checkProfile({...base, ...p})
  } catch (error) {
    if (!(error instanceof EgovError)) throw error
    return {code: error.code, field: error.context.field, rule: error.context.rule}
  }
  throw new Error('accepted')
}

/** Profiles checked field by field before anything is written (issue 21): each refusal names its flag and rule, exit 2. */
describe('certificate profile checks', () => {
  it('accepts the shipped profiles and an EC signing profile', () => {
    for (const p of shippedProfiles()) expect(checkProfile(p).key).toBe(p.key)
    expect(checkProfile({...base, key_spec: 'ec-p256', keyUsage: ['digitalSignature', 'nonRepudiation'], extKeyUsage: ['clientAuth']}).key_spec).toBe('ec-p256')
  })

  it.each([
    ['an unknown key usage', {keyUsage: ['digitalSignature', 'fooUsage']}, 'key-usage', 'RFC 5280 4.2.1.3'],
    ['a CA’s key usage', {keyUsage: ['keyCertSign']}, 'key-usage', 'RFC 5280 4.2.1.3'],
    ['no key usage', {keyUsage: []}, 'key-usage', 'RFC 5280 4.2.1.3'],
    ['an unknown extended key usage', {extKeyUsage: ['fooAuth']}, 'ext-key-usage', 'RFC 5280 4.2.1.12'],
    ['emailProtection without an e-mail address', {extKeyUsage: ['emailProtection']}, 'ext-key-usage', 'RFC 5280 4.2.1.12'],
    ['an EC key that would encipher', {key_spec: 'ec-p256', keyUsage: ['digitalSignature', 'keyEncipherment']}, 'key-usage', 'RFC 5480 3'],
    ['a key kind egov does not make', {key_spec: 'dsa-1024' as Profile['key_spec']}, 'key-spec', 'CERT-5'],
    ['days beyond max-days', {days: 400, maxDays: 397}, 'days', undefined],
    ['zero days', {days: 0}, 'days', undefined],
    ['max-days beyond ten years', {days: 30, maxDays: 3651}, 'max-days', undefined],
    ['an unknown SAN kind', {san: ['email' as 'dns']}, 'san', undefined],
    ['a key with capitals and a space', {key: 'Bad Key'}, 'KEY', undefined],
    ['an empty name', {name: '  '}, 'name', undefined],
    ['a name with control characters', {name: '模板\u001b[2J'}, 'name', undefined],
  ] as Array<[string, Partial<Profile>, string, string | undefined]>)('refuses %s (exit 2, naming the flag and rule)', (_what, p, field, rule) => {
    expect(refusal(p)).toEqual({code: 'invalid_input', field, rule})
  })

  it('profile changes are the security administrator’s', () => {
    for (const c of ['add', 'edit', 'retire']) expect(permitFor(`cert:profile:${c}`)).toEqual(['security-admin'])
  })
})
