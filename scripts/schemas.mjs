// Writes schemas/*.schema.json, the published JSON Schemas of the request files egov reads
// (--from-file JSON or YAML), from the form layouts under templates/, and
// schemas/requests/KIND.schema.json, the schema of each request kind's payload, from the
// kinds' own declarations (issue 19). Run after `npm run build`;
// test/core/request-schema.test.ts and test/core/payload-schema.test.ts fail when a
// committed schema differs.
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'

import {REQUEST_FILE_FORMS, requestFileSchema} from '../dist/core/io/index.js'
import {KINDS} from '../dist/core/kinds.js'
import {publishedPayloadSchema} from '../dist/core/workflow/index.js'

for (const [name, template] of /** @type {[import('../dist/core/io/index.js').RequestFileForm, string][]} */ (Object.entries(REQUEST_FILE_FORMS))) {
  const layout = JSON.parse(readFileSync(new URL(`../templates/${template}`, import.meta.url), 'utf8'))
  writeFileSync(new URL(`../schemas/${name}.schema.json`, import.meta.url), JSON.stringify(requestFileSchema(name, layout), null, 2) + '\n')
  console.log(`schemas/${name}.schema.json`)
}

mkdirSync(new URL('../schemas/requests/', import.meta.url), {recursive: true})
for (const def of KINDS) {
  writeFileSync(new URL(`../schemas/requests/${def.kind}.schema.json`, import.meta.url), JSON.stringify(publishedPayloadSchema(def.kind, def.payloadSchema), null, 2) + '\n')
  console.log(`schemas/requests/${def.kind}.schema.json`)
}
