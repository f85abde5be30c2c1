import {closeSync, mkdtempSync, openSync, rmSync, writeSync, createReadStream} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createInterface} from 'node:readline'

/**
 * Rows checked before the write lock, kept on disk until the writer takes them (issue 20:
 * reading and checking happen before the lock is taken). A list of 100,000 items is read and
 * checked with no lock held; under the lock only these lines are read back, which takes a
 * fraction of the time the workbook does, and memory stays bounded: the rows are not held.
 *
 * The file is in a folder of its own that only this user can read (the clerk's data), and is
 * removed by `remove()` whatever happens.
 */
export class StagedRows {
  private readonly dir = mkdtempSync(join(tmpdir(), 'egov-stage-'))
  private readonly path = join(this.dir, 'rows.jsonl')
  private fd: number | undefined = openSync(this.path, 'w', 0o600)
  private buffer: string[] = []
  private size = 0
  count = 0

  /** Adds one row (its cells as text). */
  add(values: readonly string[]): void {
    const line = JSON.stringify(values) + '\n'
    this.buffer.push(line)
    this.size += line.length
    this.count++
    if (this.size >= 1 << 20) this.flush()
  }

  private flush(): void {
    if (this.fd === undefined || !this.buffer.length) return
    writeSync(this.fd, this.buffer.join(''))
    this.buffer = []
    this.size = 0
  }

  /** The rows in the order they were added; the file is closed for writing first. */
  async *rows(): AsyncGenerator<string[]> {
    this.flush()
    if (this.fd !== undefined) {
      closeSync(this.fd)
      this.fd = undefined
    }
    const lines = createInterface({input: createReadStream(this.path, {encoding: 'utf8', highWaterMark: 1 << 20}), crlfDelay: Infinity})
    for await (const line of lines) if (line) yield JSON.parse(line) as string[]
  }

  remove(): void {
    if (this.fd !== undefined) {
      closeSync(this.fd)
      this.fd = undefined
    }
    rmSync(this.dir, {recursive: true, force: true})
  }
}
