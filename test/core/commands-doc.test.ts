import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

import {describe, expect, it} from 'vitest'

/**
 * docs/commands.md, the command reference (issue 17), is generated from the commands by
 * scripts/commands-md.mjs: rendered again here from oclif.manifest.json (written by
 * `npm run build`) and compared with the committed file, so a changed command, flag or
 * example that was not regenerated fails CI.
 */
const root = fileURLToPath(new URL('../..', import.meta.url))

interface Generator {
  commandsMarkdown(manifest: unknown, pjson: unknown): string
  readInputs(dir?: string): {manifest: {commands: Record<string, {id: string; hidden?: boolean}>}; pjson: unknown}
  outputPath: string
}

describe('docs/commands.md', () => {
  it('is current: what `npm run docs:commands` writes from the built commands', async () => {
    expect(existsSync(join(root, 'oclif.manifest.json')), 'oclif.manifest.json is missing: run `npm run build` first').toBe(true)
    const generator = (await import(pathToFileURL(join(root, 'scripts/commands-md.mjs')).href)) as Generator
    const {manifest, pjson} = generator.readInputs(root)
    const expected = generator.commandsMarkdown(manifest, pjson)
    const committed = readFileSync(join(root, generator.outputPath), 'utf8')
    if (committed !== expected) {
      const a = committed.split('\n')
      const b = expected.split('\n')
      const line = a.findIndex((text, i) => text !== b[i])
      const at = line === -1 ? Math.min(a.length, b.length) : line
      expect.fail(
        `docs/commands.md is not current: run \`npm run build && npm run docs:commands\` and commit it.\n` +
          `first difference at line ${at + 1}:\n  committed: ${a[at] ?? '(end of file)'}\n  generated: ${b[at] ?? '(end of file)'}`,
      )
    }
  })

  it('documents every visible command, with no machine paths or versions in it', async () => {
    const generator = (await import(pathToFileURL(join(root, 'scripts/commands-md.mjs')).href)) as Generator
    const {manifest} = generator.readInputs(root)
    const text = readFileSync(join(root, generator.outputPath), 'utf8')
    for (const command of Object.values(manifest.commands)) {
      if (command.hidden) continue
      expect(text, command.id).toContain(`\`egov ${command.id.replaceAll(':', ' ')}\``)
    }
    expect(text).not.toContain(root)
    expect(text).not.toMatch(/node-v\d|linux-x64|<%=/)
  })
})
