import {randomBytes} from 'node:crypto'
import {chmodSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {chmod, rename, rm} from 'node:fs/promises'
import {basename, dirname, join, resolve} from 'node:path'

import {EgovError, InvalidInput} from '../errors.js'

/**
 * Every file egov writes for the user (--out exports, templates, reports, diffs, maps,
 * certificates, CRLs, --report copies) goes through here:
 * - checkOutput, before any work: the folder exists (exit 2 naming it), the path is not a
 *   folder, and a file already there is replaced only when the caller says so (--force or a
 *   yes on a terminal; exit 2 naming the file and --force otherwise, nothing written);
 * - writeOutput / writeOutputFileSync / OutputFile: the content goes to a temporary file in
 *   the same folder (.NAME.PID-RANDOM.tmp), renamed into place only once it is whole, so a
 *   kill or a full disk mid-write never leaves a damaged file where the previous one was; on
 *   any failure the temporary file is removed, and a full disk, a read-only disk or a
 *   refused permission is said as such, naming the file.
 */
export interface OutputOptions {
  /** The flag the path came from, named in messages (default out). */
  field?: string
  /** File mode of the written file (0o600 for keys). */
  mode?: number
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}

function missingFolder(path: string, field: string): InvalidInput {
  const folder = dirname(path)
  return new InvalidInput('io.out.noFolder', {field, path, folder}, {field, details: {path, folder}})
}

/** Whether a file (not a folder) is at the path. */
export function outputExists(path: string): boolean {
  try {
    return !statSync(path).isDirectory()
  } catch {
    return false
  }
}

/** Before any work is done: the folder is there, the path is not a folder, an existing file is replaced only with force. */
export function checkOutput(path: string, options: {field?: string; force?: boolean} = {}): void {
  const field = options.field ?? 'out'
  if (!isFolder(dirname(resolve(path)))) throw missingFolder(path, field)
  if (isFolder(path)) throw new InvalidInput('io.out.isFolder', {field, path}, {field, details: {path}})
  if (outputExists(path) && !options.force) throw new InvalidInput('io.out.exists', {field, path}, {field, details: {path}})
}

/** What a failed write means for the user, naming the file. */
export function outputError(error: unknown, path: string, field = 'out'): unknown {
  if (error instanceof EgovError) return error
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  const details = {path, errno: code}
  switch (code) {
    case 'ENOENT':
      return missingFolder(path, field)
    case 'ENOSPC':
    case 'EDQUOT':
      return new EgovError('internal', 'io.out.diskFull', {field, path}, {field, details})
    case 'EROFS':
      return new InvalidInput('io.out.readOnly', {field, path}, {field, details})
    case 'EACCES':
    case 'EPERM':
      return new InvalidInput('io.out.denied', {field, path}, {field, details})
    case 'EISDIR':
      return new InvalidInput('io.out.isFolder', {field, path}, {field, details: {path}})
    case undefined:
      return error
    default:
      return new EgovError('internal', 'io.out.failed', {field, path, reason: code}, {field, details})
  }
}

/** A file being written: its temporary path, renamed into place by commit, removed by abort. */
export class OutputFile {
  readonly tmp: string

  constructor(
    readonly path: string,
    readonly options: OutputOptions = {},
  ) {
    const field = options.field ?? 'out'
    const folder = dirname(resolve(path))
    if (!isFolder(folder)) throw missingFolder(path, field)
    if (isFolder(path)) throw new InvalidInput('io.out.isFolder', {field, path}, {field, details: {path}})
    this.tmp = join(folder, `.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`)
  }

  async commit(): Promise<void> {
    try {
      if (this.options.mode !== undefined) await chmod(this.tmp, this.options.mode)
      await rename(this.tmp, this.path)
    } catch (error) {
      await this.abort()
      throw outputError(error, this.path, this.options.field)
    }
  }

  async abort(): Promise<void> {
    await rm(this.tmp, {force: true}).catch(() => {})
  }
}

/** Runs write on a temporary path beside the destination, then renames it into place; on failure the temporary file is removed. */
export async function writeOutput<T>(path: string, write: (tmp: string) => Promise<T> | T, options: OutputOptions = {}): Promise<T> {
  const file = new OutputFile(path, options)
  let result: T
  try {
    result = await write(file.tmp)
    diskFullFault()
  } catch (error) {
    await file.abort()
    throw outputError(error, path, options.field)
  }
  await file.commit()
  return result
}

/**
 * A testing aid (EGOV_FAULT=out-disk-full): a file written through writeOutput fails as on a
 * full disk once its temporary file is written, so tests prove that a command which writes its
 * file inside a transaction (cloud efficiency --issue-orders --out) commits nothing without it.
 */
function diskFullFault(): void {
  if (process.env.EGOV_FAULT === 'out-disk-full') throw Object.assign(new Error('ENOSPC: no space left on device, write (EGOV_FAULT=out-disk-full)'), {code: 'ENOSPC'})
}

/** writeOutput for content in hand, synchronously (inside a transaction that must not yield). */
export function writeOutputFileSync(path: string, content: string | Uint8Array, options: OutputOptions = {}): void {
  const file = new OutputFile(path, options)
  try {
    writeFileSync(file.tmp, content, {mode: options.mode ?? 0o644, flag: 'wx'})
    if (options.mode !== undefined) chmodSync(file.tmp, options.mode)
    renameSync(file.tmp, path)
  } catch (error) {
    rmSync(file.tmp, {force: true})
    throw outputError(error, path, options.field)
  }
}
