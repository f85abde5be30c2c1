import {createHash, type Hash} from 'node:crypto'
import {createReadStream} from 'node:fs'

/**
 * The one way a user's file is hashed (issue 20): SHA-256, hex, as requests and list
 * versions keep it beside the file's path. `sha256Hex` for bytes a reader already holds
 * (a small form read whole), `hashFile` for a file on disk, streamed in chunks so a large
 * list never sits in memory for its hash, and `hashInto` for a hash a caller feeds itself
 * (the readers, which hash a CSV as they scan it and a workbook with this).
 */
export function sha256Hex(bytes: Buffer | Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/**
 * SHA-256 (hex) of a file, or of several as one digest of their bytes in order (an import of
 * one CSV per sheet). A file that cannot be opened adds nothing: its reader reports it, with
 * the reason, to the user.
 */
export async function hashFile(paths: string | readonly string[]): Promise<string> {
  const hash = createHash('sha256')
  for (const path of typeof paths === 'string' ? [paths] : paths) {
    try {
      await hashInto(hash, path)
    } catch {
      // Unreadable: the reader says why.
    }
  }
  return hash.digest('hex')
}

/** A file's bytes into `hash`, streamed in chunks; an error reading it is thrown as it is, for the caller to name. */
export async function hashInto(hash: Hash, path: string): Promise<void> {
  for await (const chunk of createReadStream(path, {highWaterMark: 1024 * 1024}) as AsyncIterable<Buffer>) hash.update(chunk)
}
