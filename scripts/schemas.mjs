// Writes schemas/*.schema.json, the published JSON Schemas of the request files egov reads
// (--from-file JSON or YAML), from the form layouts under templates/. Run after `npm run
// build`; test/core/request-schema.test.ts fails when a committed schema differs.
import {readFileSync, writeFileSync} from 'node:fs'

import {REQUEST_FILE_FORMS, requestFileSchema} from '../dist/core/io/request-schema.js'

for (const [name, template] of Object.entries(REQUEST_FILE_FORMS)) {
  const layout = JSON.parse(readFileSync(new URL(`../templates/${template}`, import.meta.url), 'utf8'))
  writeFileSync(new URL(`../schemas/${name}.schema.json`, import.meta.url), JSON.stringify(requestFileSchema(name, layout), null, 2) + '\n')
  console.log(`schemas/${name}.schema.json`)
}
