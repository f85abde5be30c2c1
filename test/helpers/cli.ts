import {spawn} from 'node:child_process'
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

export const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url))

export interface CliResult {
  code: number
  stdout: string
  stderr: string
  /** stdout parsed as JSON, when it is. */
  json: any
}

/** A home of its own for a test: oclif's config and data directories under a temp dir. */
export function isolatedHome(): Record<string, string> {
  const home = mkdtempSync(join(tmpdir(), 'egov-home-'))
  return {XDG_CONFIG_HOME: join(home, 'config'), XDG_DATA_HOME: join(home, 'data')}
}

/**
 * What a child egov does not inherit from the test run: egov's own variables, the language and
 * colour, and NODE_ENV, which vitest sets to `test`: with it, oclif takes egov for a plugin in
 * development, loads TypeScript (9 MB) on every start to look for uncompiled sources and warns
 * "did not parse its arguments" on a parse error. A user's egov runs without it.
 */
export const CHILD_CLEARED = ['EGOV_DB', 'EGOV_DATABASE_URL', 'EGOV_OPERATOR', 'EGOV_NOW', 'FORCE_COLOR', 'LANG', 'LC_ALL', 'LC_MESSAGES', 'NODE_OPTIONS', 'NODE_ENV']

/** The environment a child egov gets: the test run's, less CHILD_CLEARED, in English (C.UTF-8), then `env`. */
export function childEnv(env: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !CHILD_CLEARED.includes(k)))
  return {...base, LANG: 'C.UTF-8', ...env}
}

/**
 * Runs bin/run.js as a user would: a child process, stdin not a terminal (closed, or
 * the given input), no colour variables inherited, English unless the test says otherwise.
 */
export function egov(args: string[], env: Record<string, string | undefined> = {}, input?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {env: childEnv(env), stdio: ['pipe', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => {
      let json: unknown
      try {
        json = JSON.parse(stdout)
      } catch {
        json = undefined
      }
      resolve({code: code ?? -1, stdout, stderr, json})
    })
    if (input !== undefined) child.stdin.write(input)
    child.stdin.end()
  })
}

/** bin/run.js on a real pseudo-terminal (util-linux `script`), typing answers when prompts appear; what the terminal showed and the exit code. */
export function onTerminal(args: string[], env: Record<string, string>, answers: Array<{when: RegExp; type: string}>): Promise<{code: number; screen: string}> {
  const command = [process.execPath, BIN, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ')
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], {env: childEnv({TERM: 'xterm', ...env})})
    let screen = ''
    const pending = [...answers]
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      screen += d
      const next = pending[0]
      if (next?.when.test(screen)) {
        pending.shift()
        child.stdin.write(next.type)
      }
    })
    child.on('error', reject)
    child.on('close', (code) => resolve({code: code ?? -1, screen}))
    setTimeout(() => child.kill(), 20_000)
  })
}
