import {format} from 'node:util'
import {fileURLToPath, pathToFileURL} from 'node:url'

import {childEnv, type CliResult} from './cli.js'

/**
 * The test pyramid's middle layer (issue 17): egov run inside the test's own process, through
 * oclif's `run` on the built CLI (dist/, the same files bin/run.js loads), instead of a child
 * process per call. Same signature and result as `egov()` in cli.ts, for what it can stand in
 * for: flags, arguments, validation messages, the --json envelope, exit codes, the database.
 * What needs a process of its own stays on `egov()`: standard input, terminals and colour,
 * concurrency, signals and crashes, start-up itself.
 *
 * Calls are run one at a time (the environment, standard output and the exit code are the
 * process's own), each with the environment `egov()` gives a child (`childEnv`). oclif's configuration is loaded for every call, so each
 * call's XDG folders are its own; the command modules themselves are loaded once per test file.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url))

type Oclif = {run: (argv: string[], root: string) => Promise<unknown>; flush: () => Promise<void>}
let oclif: Promise<Oclif> | undefined
let queue: Promise<unknown> = Promise.resolve()

export function egovInProcess(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  const result = queue.then(() => runOnce(args, env))
  queue = result.catch(() => undefined)
  return result
}

type Write = typeof process.stdout.write

/** A stream's write that keeps the text, calling back as a stream would. */
function capture(into: string[]): Write {
  return (chunk: string | Uint8Array, encodingOrCallback?: BufferEncoding | ((error?: Error | null) => void), callback?: (error?: Error | null) => void) => {
    into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'))
    const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback
    if (done) queueMicrotask(() => done(null))
    return true
  }
}

async function runOnce(args: string[], env: Record<string, string | undefined>): Promise<CliResult> {
  oclif ??= import(pathToFileURL(`${ROOT}dist/vendor/oclif/index.js`).href) as Promise<Oclif>
  const {run, flush} = await oclif
  const savedEnv = {...process.env}
  const target = childEnv(env)
  for (const key of Object.keys(process.env)) if (target[key] === undefined) Reflect.deleteProperty(process.env, key)
  for (const [key, value] of Object.entries(target)) if (value !== undefined) process.env[key] = value
  const stdout: string[] = []
  const stderr: string[] = []
  // eslint-disable-next-line @typescript-eslint/unbound-method -- kept to be put back on the same stream, never called detached
  const writes = {out: process.stdout.write, err: process.stderr.write}
  const ttys = {out: process.stdout.isTTY, err: process.stderr.isTTY, in: process.stdin.isTTY}
  process.stdout.write = capture(stdout)
  process.stderr.write = capture(stderr)
  // oclif's ux.stdout (this.log, --version, help) writes through console.log, which the test
  // runner intercepts before it reaches process.stdout.
  const consoles = {log: console.log, info: console.info, warn: console.warn, error: console.error}
  console.log = console.info = (...parts: unknown[]) => void stdout.push(`${format(...parts)}\n`)
  console.warn = console.error = (...parts: unknown[]) => void stderr.push(`${format(...parts)}\n`)
  // A pipe, as egov() gives a child: no colour, no prompts, whatever runs the tests.
  process.stdout.isTTY = false
  process.stderr.isTTY = false
  process.stdin.isTTY = false
  process.exitCode = undefined
  let code: number
  try {
    await run(args, ROOT)
    await flush()
    code = Number(process.exitCode ?? 0)
  } catch (error) {
    // this.exit(n) and what no command's catch saw (oclif's own errors before a command runs).
    const exit = (error as {oclif?: {exit?: number}}).oclif?.exit
    if (exit === undefined) stderr.push(`${(error as Error).message}\n`)
    code = exit ?? 1
  } finally {
    Object.assign(console, consoles)
    process.stdout.write = writes.out
    process.stderr.write = writes.err
    process.stdout.isTTY = ttys.out
    process.stderr.isTTY = ttys.err
    process.stdin.isTTY = ttys.in
    process.exitCode = undefined
    for (const key of Object.keys(process.env)) if (!(key in savedEnv)) Reflect.deleteProperty(process.env, key)
    Object.assign(process.env, savedEnv)
  }
  const out = stdout.join('')
  let json: unknown
  try {
    json = JSON.parse(out)
  } catch {
    json = undefined
  }
  return {code, stdout: out, stderr: stderr.join(''), json}
}
