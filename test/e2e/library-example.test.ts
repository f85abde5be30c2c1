import {execFileSync} from 'node:child_process'
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {describe, expect, it} from 'vitest'

import {childEnv} from '../helpers/cli.js'

/** docs/development.md's "Using the core as a library" example, run as written against the built dist/ (it is plain JavaScript). */
describe('the library example in docs/development.md', () => {
  it('runs as pasted: opens a store, files a request through it and reads it back', () => {
    const root = fileURLToPath(new URL('../../', import.meta.url))
    const doc = readFileSync(join(root, 'docs/development.md'), 'utf8')
    const section = doc.slice(doc.indexOf('## Using the core as a library'))
    const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1]
    expect(code).toBeDefined()
    const dir = mkdtempSync(join(tmpdir(), 'egov-library-'))
    const script = `${(code ?? '').replaceAll("'./dist/", `'${root}dist/`)}\nconsole.log(JSON.stringify({id: request.id, open: open.map((r) => r.id)}))\n`
    writeFileSync(join(dir, 'example.mjs'), script)
    const out = execFileSync(process.execPath, ['example.mjs'], {cwd: dir, env: childEnv(), encoding: 'utf8'})
    expect(JSON.parse(out)).toEqual({id: 1, open: [1]})
  })
})
