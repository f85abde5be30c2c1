import {readdirSync, readFileSync} from 'node:fs'

import Ajv2020Module from 'ajv/dist/2020.js'
import {describe, expect, it} from 'vitest'

import {InvalidInput} from '../../src/core/errors.js'
import {KINDS} from '../../src/core/kinds.js'
import {payloadProblems, publishedPayloadSchema, requireValidPayload} from '../../src/core/workflow/index.js'

const Ajv2020 = ((Ajv2020Module as unknown as {default?: unknown}).default ?? Ajv2020Module) as typeof import('ajv/dist/2020.js').Ajv2020
const findKind = (kind: string) => KINDS.find((k) => k.kind === kind)
const dir = new URL('../../schemas/requests/', import.meta.url)

/** The request kinds' payload schemas (issue 19): declared with each kind, published under schemas/requests/, never drifting. */
describe('request payload schemas', () => {
  it('every listed kind (KINDS) has a schema, published as schemas/requests/KIND.schema.json (run node scripts/schemas.mjs after a change)', () => {
    const kinds = KINDS.map((k) => k.kind).sort()
    expect(kinds.length).toBeGreaterThanOrEqual(22)
    expect(readdirSync(dir).sort()).toEqual(kinds.map((k) => `${k}.schema.json`).sort())
    for (const def of KINDS) {
      expect(def.payloadSchema, def.kind).toMatchObject({type: 'object', additionalProperties: false})
      const published = JSON.parse(readFileSync(new URL(`${def.kind}.schema.json`, dir), 'utf8'))
      expect(published, def.kind).toEqual(publishedPayloadSchema(def.kind, def.payloadSchema))
      // Each compiles in a validator of its own, as a reader of the published file would use it.
      expect(() => new Ajv2020({strict: false}).compile(published)).not.toThrow()
    }
  })

  it('names an unknown key with the nearest known one, a wrong type and a value out of range by field', async () => {
    const cutoff = findKind('net-cutoff')!
    expect(await payloadProblems('net-cutoff', cutoff.payloadSchema, {unit: '市人社局', reason: 'x', rectifyBy: '2026-05-01'})).toEqual([])
    const [unknown] = await payloadProblems('net-cutoff', cutoff.payloadSchema, {unit: '市人社局', reson: 'x'})
    expect(unknown).toMatchObject({field: 'reson', rule: 'additionalProperties', suggestion: 'reason'})
    const onboarding = findKind('net-onboarding')!
    const base = {unit: 'u', category: 1, basis: 'b', plane: 1}
    expect(await payloadProblems('net-onboarding', onboarding.payloadSchema, {...base, hosts: 'ten'})).toEqual([{field: 'hosts', rule: 'type', expected: 'integer'}])
    expect(await payloadProblems('net-onboarding', onboarding.payloadSchema, {...base, prefixLength: 200})).toEqual([{field: 'prefixLength', rule: 'maximum', expected: '128'}])
    expect(
      await payloadProblems('net-onboarding', onboarding.payloadSchema, {...base, plan: {allocationId: 1, cidr: '10.0.0.0/24', pool: 'p', at: '2026-01-01T00:00:00Z', by: 'x', cdir: 'y'}}),
    ).toMatchObject([{field: 'plan.cdir', rule: 'additionalProperties', suggestion: 'plan.cidr'}])
    const refused = await requireValidPayload('net-cutoff', cutoff.payloadSchema, {unit: 'u', rectifyby: '2026-05-01'}).catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(InvalidInput)
    expect((refused as InvalidInput).exitCode).toBe(2)
    expect((refused as InvalidInput).message).toContain('did you mean "rectifyBy"')
  })
})
