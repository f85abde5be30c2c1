import {spawnSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

import {describe, expect, it} from 'vitest'

/**
 * RULES.md (issue 17) is generated from docs/rules.md, the code and the tests: this fails when
 * the committed file is not what `npm run docs:rules` would write, and when a rule has no
 * function, no test and no written reason for not being enforced.
 */
const root = fileURLToPath(new URL('../..', import.meta.url))

describe('RULES.md', () => {
  it('is current, and every rule is decided by a function, named by a test, or said not enforced', () => {
    const run = spawnSync(process.execPath, ['scripts/rules-md.mjs', '--check'], {cwd: root, encoding: 'utf8'})
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
  })

  it('lists every rule of docs/rules.md once, with the functions that carry a @rule tag', () => {
    const rules = readFileSync(`${root}/docs/rules.md`, 'utf8').match(/^- (?:NET|CLOUD|CERT|ITEM|KIOSK|X)-\d+/gm) ?? []
    const generated = readFileSync(`${root}/RULES.md`, 'utf8')
    expect(rules.length).toBeGreaterThan(40)
    for (const rule of rules) expect(generated.match(new RegExp(`^### ${rule.slice(2)}$`, 'gm'))).toHaveLength(1)
    // The pure decisions of an area's rules.ts are listed under their rule by their @rule tag.
    const net4 = generated.slice(generated.indexOf('### NET-4'), generated.indexOf('### NET-5'))
    expect(net4).toMatch(/`levelServes`, `net4Mismatches` in \[src\/core\/net\/rules\.ts\]/)
    // X-3 is said not enforced, with the reason, and no function claims it.
    const x3 = generated.slice(generated.indexOf('### X-3'))
    expect(x3).toMatch(/\*\*Not enforced:\*\* egov exports what the command names/)
    expect(x3).not.toMatch(/\*\*Functions:\*\*/)
  })
})
