import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {describe, expect, it} from 'vitest'

/**
 * The message catalogue is spread together from one module per area (src/core/i18n/catalog-*.ts):
 * a key written in two of them is silently won by the later spread, and the other module's
 * messages show with the wrong text and unfilled {params}. Every key is written once.
 */
const dir = fileURLToPath(new URL('../../src/core/i18n', import.meta.url))

describe('the message catalogue', () => {
  it('defines every key once across its modules', () => {
    const seen = new Map<string, string>()
    const twice: string[] = []
    for (const file of readdirSync(dir).filter((f) => /^catalog.*\.ts$/.test(f))) {
      for (const m of readFileSync(join(dir, file), 'utf8').matchAll(/^ {2}'([\w.-]+)': \{/gm)) {
        const key = m[1]!
        const first = seen.get(key)
        if (first) twice.push(`${key} (${first}, ${file})`)
        else seen.set(key, file)
      }
    }
    expect(seen.size).toBeGreaterThan(500)
    expect(twice).toEqual([])
  })
})
