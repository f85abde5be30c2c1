import {readFileSync} from 'node:fs'

import Ajv2020Module from 'ajv/dist/2020.js'
import {parse} from 'yaml'
import {describe, expect, it} from 'vitest'

import {REQUEST_FILE_FORMS, requestFileSchema} from '../../src/core/io/index.js'

const Ajv2020 = ((Ajv2020Module as unknown as {default?: unknown}).default ?? Ajv2020Module) as typeof import('ajv/dist/2020.js').Ajv2020
const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')

/** The published request-file schemas (issue 19): generated from the form layouts, never drifting from them. */
describe('request-file schemas', () => {
  for (const [name, template] of Object.entries(REQUEST_FILE_FORMS)) {
    it(`schemas/${name}.schema.json is what the layout ${template} gives (run node scripts/schemas.mjs after a layout change)`, () => {
      const generated = requestFileSchema(name as keyof typeof REQUEST_FILE_FORMS, JSON.parse(read(`templates/${template}`)))
      expect(JSON.parse(read(`schemas/${name}.schema.json`))).toEqual(generated)
    })
  }

  it('the published schema, in a validator of its own, accepts the repository’s request file and refuses typos and wrong types', () => {
    const validate = new Ajv2020({allErrors: true, strict: false}).compile(JSON.parse(read('schemas/cloud-provider.schema.json')))
    expect(validate(parse(read('fixtures/cloud/纳管申请-移动云.yaml'))), JSON.stringify(validate.errors)).toBe(true)
    expect(validate({name: '移动云', vcpu: 1000, memoryGib: 4096, storageTib: 200, bandwidthMbps: 5000, extranetIPs: 100, zone: ['A']})).toBe(false)
    expect(
      validate
        .errors!.filter((e) => e.keyword === 'additionalProperties')
        .map((e) => e.params.additionalProperty)
        .sort(),
    ).toEqual(['extranetIPs', 'zone'])
    const cloud = new Ajv2020({allErrors: true, strict: false}).compile(JSON.parse(read('schemas/cloud-application.schema.json')))
    expect(cloud({unit: 'u', system: 's', level: 3, classified: false, vms: 'four'})).toBe(false)
    expect(cloud.errors!.some((e) => e.instancePath === '/vms')).toBe(true)
  })
})
