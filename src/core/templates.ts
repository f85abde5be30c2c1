import {existsSync, readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

/**
 * templates/ holds data, not code: spreadsheet layouts and certificate profiles. The core
 * runs from src/ (tests), dist/core (library) or a bundled chunk, so it finds the folder by
 * walking up to the package root rather than by a fixed relative path.
 */
let root: string | undefined

export function templatesDir(): string {
  if (root) return root
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    if (existsSync(join(dir, 'templates')) && existsSync(join(dir, 'package.json'))) return (root = join(dir, 'templates'))
    const up = dirname(dir)
    if (up === dir) throw new Error('templates/ not found above ' + fileURLToPath(import.meta.url))
    dir = up
  }
}

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the shape of the template file it reads (a typed JSON.parse)
export function readTemplate<T>(name: string): T {
  return JSON.parse(readFileSync(join(templatesDir(), name), 'utf8')) as T
}
